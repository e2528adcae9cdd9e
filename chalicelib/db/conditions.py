"""DynamoDB conditions built once (a takeable seat) and failures told apart: a failed condition (a domain
answer) or a passing fault (retry later)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import PynamoDBException, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.db.stock import SEAT_FREE, SEAT_HELD, SeatItem
from chalicelib.errors import TransientStoreError

T = TypeVar("T")

# One TransactWriteItems takes at most this many actions.
MAX_TRANSACTION_ACTIONS = 100


@dataclass(frozen=True)
class Write:
    """One conditional write that a context builds for another context's transaction (an order placed
    with its seats, codes, vouchers and account entries): the item, what to change (None: put the
    whole item), the condition its owner's own write would have, and what a failed condition means for
    the buyer (`refusal`: the error's details, e.g. {"reason": "exhausted", "code": ...} or
    {"hold_id": ...})."""

    item: Any
    actions: list[Any] | None
    condition: Any
    refusal: dict[str, Any] = field(default_factory=dict)

    def add_to(self, tx: Any) -> None:
        if self.actions is None:
            tx.save(self.item, condition=self.condition)
        else:
            tx.update(self.item, actions=self.actions, condition=self.condition)


def seat_takeable(now: int, quota_ids: frozenset[str] | None = None) -> Any:
    """The stock rule as a write condition: the seat exists and is free, or held by a hold that has
    expired by `now`. Its Python twin is inventory/stock_model.takeable; every hold, block and move
    writes under this one. `quota_ids` (None: any) also requires the seat's quota to be among them,
    checked in the write because an operator may move a seat between quotas meanwhile."""
    condition = SeatItem.pk.exists() & (
        (SeatItem.status == SEAT_FREE) | ((SeatItem.status == SEAT_HELD) & (SeatItem.hold_expires_at <= now))
    )
    if quota_ids is not None:
        allowed = SeatItem.quota_id.does_not_exist()
        if quota_ids:
            allowed = allowed | SeatItem.quota_id.is_in(*sorted(quota_ids))
        condition = condition & allowed
    return condition


TRANSIENT_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


def store_errors(fn: Callable[..., T]) -> Callable[..., T]:
    """Turn throttling and network faults into TransientStoreError (503 to a client; workflows retry it)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except PynamoDBException as exc:
            if exc.cause_response_code in TRANSIENT_CODES:
                raise TransientStoreError(f"DynamoDB is busy: {exc.cause_response_code}") from exc
            raise
        except BotoCoreError as exc:
            raise TransientStoreError(f"DynamoDB could not be reached: {exc}") from exc

    return wrapper


CANCELLED = "TransactionCanceledException"


# PynamoDB sends a transaction's operations grouped by kind, in this order, whatever order they were
# added in; DynamoDB gives its cancellation reasons in the order it was sent.
SENT_ORDER = ("condition_check", "delete", "save", "update")


class Transaction(TransactWrite):
    """A TransactWrite that remembers the order its operations were added in, so that `failed_items`
    names them in that order even when puts and updates are mixed (an order's put, then the cart's
    update, then outbox puts: DynamoDB sees the puts first)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []

    def condition_check(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("condition_check")
        super().condition_check(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("delete")
        super().delete(*args, **kwargs)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("save")
        super().save(*args, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("update")
        super().update(*args, **kwargs)

    def in_call_order(self, sent_positions: list[int]) -> list[int]:
        """The positions DynamoDB reported, as positions in the order the operations were added."""
        sent = sorted(range(len(self.calls)), key=lambda n: (SENT_ORDER.index(self.calls[n]), n))
        return sorted(sent[p] for p in sent_positions if 0 <= p < len(sent))


def failed_items(exc: TransactWriteError, tx: Transaction | None = None) -> list[int]:
    """Positions of the items whose condition failed: in the order they were added to `tx` when it is
    given, else in the order DynamoDB received them (the same when a transaction mixes no kinds)."""
    if exc.cause_response_code != CANCELLED:
        return []
    reasons = exc.cancellation_reasons or []
    failed = [
        n
        for n, reason in enumerate(reasons)
        if reason is not None and reason.code == "ConditionalCheckFailed"
    ]
    return tx.in_call_order(failed) if tx is not None else failed


def condition_failed(exc: TransactWriteError) -> bool:
    return bool(failed_items(exc))


def transient(exc: TransactWriteError) -> TransientStoreError:
    """A cancellation that is not a failed condition (a collision with another transaction, throttling)."""
    reasons = [reason.code for reason in (exc.cancellation_reasons or []) if reason is not None]
    return TransientStoreError(
        f"The transaction did not go through ({', '.join(reasons) or exc.cause_response_code})"
    )


CONDITION_FAILED = "ConditionalCheckFailedException"


def update_if(item: Any, actions: list[Any], condition: Any) -> bool:
    """One conditional update: True when it was written, False when its condition did not hold."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            return False
        raise
    return True
