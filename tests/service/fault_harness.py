"""Fault injection that enumerates: every DynamoDB write, card provider call and email send of a
scenario is an injection point; a run makes one of them fail (before it happens) or makes the
function die right after it (the call happened, nothing after it in that request runs).

A first run with no fault counts the points; then each point is tried in each mode on a fresh
order. After the fault, the caller retries (a shopper, an operator, the provider redelivering, Step
Functions' Retry), then the outbox worker and the reconciler run with the clock moved on.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from chalicelib.payments.provider import PaymentProviderUnavailable
from chalicelib.payments.simulator import SimulatedProvider

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
EXTERNAL = {"SendEmail"}
FAIL = "fail"
DIE = "die"


class Died(BaseException):
    """The function's process ended right after a call (a timeout, an out-of-memory): no handler of
    ours runs, as none would."""


@dataclass
class Faults:
    """Counts injection points; at point `target` (1-based) fails before the call or dies after it."""

    target: int | None = None
    mode: str = FAIL
    points: list[str] = field(default_factory=list)
    refunds: list[tuple[str, int]] = field(default_factory=list)  # what the provider refunded
    armed: bool = True

    def around(self, name: str, call: Callable[[], Any], error: Callable[[], Exception]) -> Any:
        if not self.armed:
            return call()
        self.points.append(name)
        hit = len(self.points) == self.target
        if hit and self.mode == FAIL:
            raise error()
        result = call()
        if hit and self.mode == DIE:
            raise Died(name)
        return result

    @property
    def injected(self) -> str | None:
        return self.points[self.target - 1] if self.target and self.target <= len(self.points) else None


def _aws_error(operation: str) -> ClientError:
    code = "Throttling" if operation in EXTERNAL else "InternalServerError"
    return ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)


@contextmanager
def injected(faults: Faults):
    """Every boto call and card provider call of the block goes through `faults`."""
    real_call = BaseClient._make_api_call
    real_start, real_refund = SimulatedProvider.start, SimulatedProvider.refund

    def api_call(client, operation, params):
        if operation not in WRITES | EXTERNAL:
            return real_call(client, operation, params)
        return faults.around(
            f"aws:{operation}", lambda: real_call(client, operation, params), lambda: _aws_error(operation)
        )

    def unavailable():
        return PaymentProviderUnavailable("injected", {})

    def start(provider, request):
        return faults.around("card:start", lambda: real_start(provider, request), unavailable)

    def refund(provider, payment_id, amount, reference=None, org_id=None):
        def call():
            done = real_refund(provider, payment_id, amount, reference, org_id)
            faults.refunds.append((payment_id, amount))
            return done

        return faults.around("card:refund", call, unavailable)

    with (
        mock.patch.object(BaseClient, "_make_api_call", api_call),
        mock.patch.object(SimulatedProvider, "start", start),
        mock.patch.object(SimulatedProvider, "refund", refund),
    ):
        yield faults


def attempt(step: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    """Run one request; what it raised (an error answered to the caller, or the function dying)."""
    try:
        return step(), None
    except (Exception, Died) as exc:  # noqa: BLE001 - the harness records every way a request ends
        return None, exc


def with_retry(faults: Faults, step: Callable[[], Any], retries: int = 2) -> Any:
    """The caller tries again after a failure or no answer (the fault is spent by then)."""
    result, error = attempt(step)
    for _ in range(retries):
        if error is None:
            return result
        result, error = attempt(step)
    return result
