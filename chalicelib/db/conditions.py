"""Reading why a DynamoDB transaction was cancelled: a failed condition, or a passing collision."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from chalicelib.errors import TransientStoreError

CANCELLED = "TransactionCanceledException"


def failed_items(exc: TransactWriteError) -> list[int]:
    """Positions (in transaction order) of the items whose condition failed."""
    if exc.cause_response_code != CANCELLED:
        return []
    reasons = exc.cancellation_reasons or []
    return [
        n
        for n, reason in enumerate(reasons)
        if reason is not None and reason.code == "ConditionalCheckFailed"
    ]


def condition_failed(exc: TransactWriteError) -> bool:
    return bool(failed_items(exc))


def transient(exc: TransactWriteError) -> TransientStoreError:
    """A cancellation that is not a failed condition (a collision with another transaction, throttling)."""
    reasons = [reason.code for reason in (exc.cancellation_reasons or []) if reason is not None]
    return TransientStoreError(
        f"The transaction did not go through ({', '.join(reasons) or exc.cause_response_code})"
    )
