"""`python -m infra.local` (what `make run` runs): the local stack with a demo, until Ctrl-C.

Environment: PORT (default 8000), PERSIST=1 (keep DynamoDB data in .guichet/dynamodb/),
SCHEDULE_SPEEDUP (fire schedules that many times faster), DYNAMODB=auto|local|moto,
GUICHET_LOCAL_DIR (instead of .guichet/: the secret and persisted data).
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback

from infra.local import seed
from infra.local.chalice_local import ChaliceLocalError
from infra.local.dynamodb import DynamoDBLocalUnavailable
from infra.local.stack import LocalStack, LocalStackError


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived (a BaseException, so that botocore's retries cannot swallow it)."""


def _on_signal(signum: int, _frame: object) -> None:
    raise Stopped(signal.Signals(signum).name)


def banner(stack: LocalStack) -> str:
    created = f"created {len(stack.seeded)} items" if stack.seeded else "already there (nothing new)"
    seeded = f"{seed.summary()}; {created}"
    return "\n".join(
        [
            "",
            f"guichet is running (started in {stack.startup_seconds:.1f}s)",
            f"  API              {stack.api_url}",
            f"  Admin page       {stack.admin_url}",
            f"  OpenAPI          {stack.openapi_url}",
            f"  Operator         organisation {stack.org!r}, login {stack.admin_login!r}, "
            f"password {stack.admin_password!r} (administrator)",
            f"  Restricted       login {stack.cashier_login!r}, password {stack.cashier_password!r} "
            "(role box-office: read-only, no operators rights)",
            f"  Shopper          {stack.shopper_email!r}, password {stack.shopper_password!r} "
            f"(shop of {stack.org!r})",
            f"  Relay            {stack.relay_email!r}, password {stack.relay_password!r}, "
            f"contact number {stack.relay_contact_number!r} (a school's relay: requests options and buys "
            "on its deferred account on point of sale PRO, distributes the tickets)",
            f"  Agency relay     {stack.agency_relay_email!r}, password {stack.agency_relay_password!r}, "
            f"contact number {stack.agency_relay_contact_number!r} (a travel agency's relay: sells to third "
            "parties on point of sale AGENCY, on its deferred account, distributes the e-tickets)",
            f"  Producer relay   {stack.producer_relay_email!r}, password {stack.producer_relay_password!r}, "
            f"contact number {stack.producer_relay_contact_number!r} (a producer's relay: availability, "
            f"takings and cultural contacts of its events at /shop/{stack.org}/producer/events)",
            f"  DynamoDB         {stack.dynamodb_endpoint}: {stack.dynamodb_engine}",
            f"  moto server      {stack.moto_endpoint}: Step Functions, Scheduler, Lambda (in-process)",
            f"  Demo data        {seeded}",
            "",
            "Ctrl-C stops everything.",
            "",
        ]
    )


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    stack = LocalStack.from_env()
    code = 0
    try:
        print("Starting the local stack...", flush=True)
        stack.start()
        print(banner(stack), flush=True)
        exit_code = stack.wait()
        print(f"chalice local exited by itself (code {exit_code}); stopping.", flush=True)
        code = 1
    except Stopped as stopped:
        print(f"\n{stopped}: stopping...", flush=True)
    except (ChaliceLocalError, DynamoDBLocalUnavailable, LocalStackError) as exc:
        print(f"Could not start the local stack: {exc}", file=sys.stderr, flush=True)
        code = 1
    except Exception:  # noqa: BLE001 - an unexpected failure: show where, then clean up
        traceback.print_exc()
        code = 1
    finally:
        # A second Ctrl-C must not interrupt the clean-up and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
    print("Stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
