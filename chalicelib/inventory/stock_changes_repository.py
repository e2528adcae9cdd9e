"""Operators' changes to a performance's stock, as DynamoDB transactions whose conditions guard each seat."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.db.conditions import seat_takeable
from chalicelib.db.stock import (
    SEAT_BLOCKED,
    SEAT_FREE,
    AreaCounterItem,
    SeatItem,
    area_counter_sk,
    seat_pk,
    seat_sk,
    shard_pk,
)
from chalicelib.errors import TransientStoreError
from chalicelib.inventory.repository import store_errors
from chalicelib.inventory.stock_model import BLOCK, MOVE, UNBLOCK
from chalicelib.inventory.stock_repository import plain_item

# DynamoDB's limit of items in one TransactWriteItems.
TRANSACTION_ITEMS = 100


def _connection() -> Any:
    """The stock table's own connection: its client is made once, not once per transaction."""
    return SeatItem._get_connection().connection


def _write(
    change: str, target_quota: str | None, now: int, from_quotas: frozenset[str] | None = None
) -> tuple[list[Any], Any]:
    """The actions and the condition of one seat's write; with `from_quotas`, the seat's quota must
    still be one of them when it is written (an operator may have moved it since it was read)."""
    actions, condition = _change(change, target_quota, now)
    if from_quotas is None:
        return actions, condition
    if not from_quotas:
        raise ValueError("from_quotas names no quota")
    return actions, condition & SeatItem.quota_id.is_in(*sorted(from_quotas))


def _change(change: str, target_quota: str | None, now: int) -> tuple[list[Any], Any]:
    """The actions and the condition of one seat's change, whatever its quota."""
    if change == BLOCK:
        actions = [
            SeatItem.status.set(SEAT_BLOCKED),
            SeatItem.hold_id.remove(),
            SeatItem.hold_expires_at.remove(),
        ]
        return actions, seat_takeable(now)
    if change == UNBLOCK:
        return [SeatItem.status.set(SEAT_FREE)], SeatItem.status == SEAT_BLOCKED
    if change == MOVE:
        other_quota = SeatItem.quota_id.does_not_exist() | (SeatItem.quota_id != target_quota)
        # quota_moved tells a stock reader that the quota the seat opened with no longer holds
        actions = [SeatItem.quota_id.set(target_quota), SeatItem.quota_moved.set(True)]
        return actions, seat_takeable(now) & other_quota
    raise ValueError(f"unknown stock change: {change}")


@store_errors
def change_seats(
    performance_id: str,
    shards: int,
    seat_ids: list[str],
    change: str,
    target_quota: str | None,
    now: int,
    from_quotas: frozenset[str] | None = None,
) -> dict[str, dict[str, Any] | None]:
    """Change every seat in one transaction (at most 100), all or nothing; with `from_quotas`, only
    seats whose quota is one of them at the moment of the write.

    Returns {} when every seat changed; otherwise nothing changed and the answer maps each seat whose
    condition failed to its current attributes (None when the performance has no such seat).
    """
    if len(seat_ids) > TRANSACTION_ITEMS:
        raise ValueError(f"at most {TRANSACTION_ITEMS} seats per transaction")
    actions, condition = _write(change, target_quota, now, from_quotas)
    try:
        with TransactWrite(connection=_connection()) as tx:
            for seat_id in seat_ids:
                item = SeatItem(seat_pk(performance_id, seat_id, shards), seat_sk(seat_id))
                tx.update(item, actions=actions, condition=condition, return_values="ALL_OLD")
    except TransactWriteError as exc:
        if exc.cause_response_code != "TransactionCanceledException":
            raise
        reasons = list(exc.cancellation_reasons or [])
        failed = {
            seat_id: plain_item(reason.raw_item)
            for seat_id, reason in zip(seat_ids, reasons, strict=False)
            if reason is not None and reason.code == "ConditionalCheckFailed"
        }
        if not failed:
            # Another transaction touched one of these seats at the same moment: try again later.
            raise TransientStoreError("The seats changed while being written; try again") from exc
        return failed
    return {}


def _counter(performance_id: str, shards: int, area: str, quota_id: str, counter: int) -> AreaCounterItem:
    return AreaCounterItem(
        shard_pk(performance_id, counter % shards), area_counter_sk(area, quota_id, counter)
    )


def _added(performance_id: str, area: str, quota_id: str, category_id: str | None, counter: int, places: int):
    """ADD creates the counter when the target quota has none with this number yet; SET names it."""
    actions = [
        AreaCounterItem.performance_id.set(performance_id),
        AreaCounterItem.area.set(area),
        AreaCounterItem.quota_id.set(quota_id),
        AreaCounterItem.counter.set(counter),
        AreaCounterItem.free.add(places),
        AreaCounterItem.capacity.add(places),
    ]
    return [*actions, AreaCounterItem.category_id.set(category_id)] if category_id else actions


@store_errors
def move_places(
    performance_id: str,
    shards: int,
    area: str,
    quotas: tuple[str, str],
    category_id: str | None,
    taken: dict[int, int],
    added: dict[int, int],
) -> bool:
    """Take places from one quota's counters and add them to another's, all or nothing.

    Each decrement is conditional on the counter still having the places free; False when one has
    not (a buyer took them meanwhile) and nothing was written.
    """
    source, target = quotas
    try:
        with TransactWrite(connection=_connection()) as tx:
            for counter, places in taken.items():
                tx.update(
                    _counter(performance_id, shards, area, source, counter),
                    actions=[AreaCounterItem.free.add(-places), AreaCounterItem.capacity.add(-places)],
                    condition=AreaCounterItem.free >= places,
                )
            for counter, places in added.items():
                actions = _added(performance_id, area, target, category_id, counter, places)
                tx.update(_counter(performance_id, shards, area, target, counter), actions=actions)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True
