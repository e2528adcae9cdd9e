"""Settings read from the environment, lazily, once per process (reset() re-reads them)."""

from __future__ import annotations

import contextvars
import functools
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    dynamodb_endpoint: str | None
    aws_endpoint: str | None
    token_secret: str | None
    token_secret_arn: str | None
    operator_token_minutes: int
    shopper_token_minutes: int
    tracing: bool
    state_machine_arn_prefix: str
    mail_from: str
    public_url: str | None
    payment_provider: str
    # A test stack (local, tests, or a deployed stack marked TestStack=true) may run the simulator.
    test_stack: bool = False
    # Stripe's API keys and webhook secrets: a Secrets Manager secret, or the JSON itself locally.
    stripe_secret_arn: str | None = None
    stripe_secret: str | None = None
    # Running on AWS Lambda: public URLs come only from `public_url`, never from a request's Host.
    deployed: bool = False
    # Emails the outbox worker hands SES per second (the account's sending rate; SES's sandbox is 1).
    mail_rate_per_second: float = 10.0
    # The bucket of distributors' files (allotment exports, sales files dropped or uploaded).
    files_bucket: str = ""
    # The role EventBridge Scheduler starts distributor runs with (passed to it by the API); the local
    # stack needs none (moto takes any).
    scheduler_role_arn: str | None = None
    # The queue where EventBridge Scheduler leaves a distributor run it could not start (and an alarm
    # watches); none locally.
    schedule_dead_letters_arn: str | None = None


@functools.cache
def settings() -> Settings:
    env = os.environ
    stage = env.get("GUICHET_STAGE", "dev")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-1"
    return Settings(
        stage=stage,
        region=region,
        table_prefix=env.get("GUICHET_TABLE_PREFIX", f"guichet-{stage}-"),
        dynamodb_endpoint=env.get("GUICHET_DYNAMODB_ENDPOINT") or None,
        aws_endpoint=env.get("GUICHET_AWS_ENDPOINT") or None,
        token_secret=env.get("GUICHET_TOKEN_SECRET") or None,
        token_secret_arn=env.get("GUICHET_TOKEN_SECRET_ARN") or None,
        operator_token_minutes=int(env.get("GUICHET_OPERATOR_TOKEN_MINUTES", "480")),
        shopper_token_minutes=int(env.get("GUICHET_SHOPPER_TOKEN_MINUTES", "1440")),
        tracing=env.get("POWERTOOLS_TRACE_DISABLED", "true").lower() in ("0", "false"),
        # Set by the cloud stack; the default is the local stack's (moto's account id).
        state_machine_arn_prefix=env.get("GUICHET_STATE_MACHINE_ARN_PREFIX")
        or f"arn:aws:states:{region}:123456789012:stateMachine:guichet-{stage}-",
        # The sender of customer emails (a verified SES identity in the cloud).
        mail_from=env.get("GUICHET_MAIL_FROM", "tickets@guichet.example"),
        # Where shoppers and the payment provider reach this API (payment pages, returns, callbacks);
        # required on a deployed stack; unset locally: the address the current request came to.
        public_url=(env.get("GUICHET_PUBLIC_URL") or "").rstrip("/") or None,
        # "simulated" is the local payment provider; a real one plugs in behind the same interface.
        payment_provider=env.get("GUICHET_PAYMENT_PROVIDER", "simulated"),
        test_stack=env.get("GUICHET_TEST_STACK", "false").lower() == "true",
        files_bucket=env.get("GUICHET_FILES_BUCKET", f"guichet-{stage}-files"),
        scheduler_role_arn=env.get("GUICHET_SCHEDULER_ROLE_ARN") or None,
        schedule_dead_letters_arn=env.get("GUICHET_SCHEDULE_DEAD_LETTERS_ARN") or None,
        stripe_secret_arn=env.get("GUICHET_STRIPE_SECRET_ARN") or None,
        stripe_secret=env.get("GUICHET_STRIPE_SECRET") or None,
        # Set by the Lambda runtime only: the local stack, chalice local and tests run as stage "dev"/"test".
        deployed=bool(env.get("AWS_LAMBDA_FUNCTION_NAME")),
        mail_rate_per_second=float(env.get("GUICHET_MAIL_RATE", "10")),
    )


LOCAL_URL = "http://127.0.0.1:8000"
_request_base: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_base", default=None)


def set_request_base(url: str | None) -> None:
    """The scheme, host and stage the current request came to (set by the app for each request)."""
    _request_base.set(url.rstrip("/") if url else None)


class ConfigurationError(RuntimeError):
    """A setting the deployed stack needs is missing (a 500, logged: the operator must set it)."""


def public_url() -> str:
    """This API's address for others to call: the setting; locally, else the current request's.

    A deployed stack never builds a URL from the request: its Host header is the client's to write,
    and a payment page on the client's host would send a buyer's card to whoever wrote it.
    """
    current = settings()
    if current.public_url:
        return current.public_url
    if current.deployed:
        raise ConfigurationError("GUICHET_PUBLIC_URL is not set: a deployed stack builds URLs from it only")
    # outside a request (a workflow's task on the local stack): where the local stack serves the API
    return _request_base.get() or os.environ.get("GUICHET_LOCAL_URL") or LOCAL_URL


def reset() -> None:
    """Forget the cached settings (tests and the local runner change the environment)."""
    settings.cache_clear()
