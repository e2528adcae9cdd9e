"""Holds and seats in DynamoDB; storage failures become domain errors here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.db.base import connection
from chalicelib.db.conditions import condition_failed, failed_items, store_errors, transient
from chalicelib.db.holds import (
    HOLD_ACTIVE,
    HoldItem,
    HoldsTable,
    SeatKey,
    expiry_shard,
    expiry_shards,
    hold_pk,
)
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD, SeatItem
from chalicelib.errors import Conflict, NotFound, SeatUnavailable
from chalicelib.inventory.model import Hold, SeatRef


def _to_hold(item: HoldItem) -> Hold:
    return Hold(
        hold_id=item.hold_id,
        org_id=item.org_id,
        performance_id=item.performance_id,
        owner=item.owner,
        status=item.status,
        expires_at=int(item.expires_at),
        seats=[SeatRef(s.pk, s.sk) for s in item.seats],
    )


@store_errors
def save_new_hold(hold: Hold, now: int, purge_after_seconds: int) -> None:
    """Write a new active hold and mark its seats held, all or nothing.

    A seat is takeable when free or held by a hold that has expired: expiry is in the condition,
    so a lapsed hold's seats go to the next buyer at once, before any clean-up has run.
    """
    item = HoldItem(
        hold_pk(hold.hold_id),
        hold_id=hold.hold_id,
        org_id=hold.org_id,
        performance_id=hold.performance_id,
        owner=hold.owner,
        status=HOLD_ACTIVE,
        expires_at=hold.expires_at,
        expiry_shard=expiry_shard(hold.hold_id),
        seats=[SeatKey(pk=s.pk, sk=s.sk) for s in hold.seats],
        purge_at=datetime.fromtimestamp(hold.expires_at + purge_after_seconds, tz=UTC),
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=HoldItem.pk.does_not_exist())
            for seat in hold.seats:
                tx.update(
                    SeatItem(seat.pk, seat.sk),
                    actions=[
                        SeatItem.status.set(SEAT_HELD),
                        SeatItem.hold_id.set(hold.hold_id),
                        SeatItem.hold_expires_at.set(hold.expires_at),
                    ],
                    condition=SeatItem.pk.exists()
                    & (
                        (SeatItem.status == SEAT_FREE)
                        | ((SeatItem.status == SEAT_HELD) & (SeatItem.hold_expires_at <= now))
                    ),
                )
    except TransactWriteError as exc:
        failed = failed_items(exc)
        if not failed:
            raise transient(exc) from exc
        # item 0 is the hold; item n is seat n - 1
        taken = [hold.seats[n - 1].sk.removeprefix("SEAT#") for n in failed if n > 0]
        raise SeatUnavailable("Some seats are not free", {"hold_id": hold.hold_id, "seats": taken}) from exc


@store_errors
def get_hold(hold_id: str) -> Hold:
    try:
        return _to_hold(HoldItem.get(hold_pk(hold_id), consistent_read=True))
    except DoesNotExist as exc:
        raise NotFound(f"Hold {hold_id} does not exist", {"hold_id": hold_id}) from exc


@store_errors
def expired_hold_ids(now: int, limit: int) -> list[str]:
    """Ids of active holds whose expiry has passed, read from the sparse expiry index (no scan)."""
    found: list[str] = []
    for shard in expiry_shards():
        remaining = limit - len(found)
        if remaining <= 0:
            break
        query: Iterator[HoldsTable] = HoldsTable.by_expiry.query(
            shard, HoldsTable.expires_at <= now, limit=remaining
        )
        found.extend(item.pk.removeprefix("HOLD#") for item in query)
    return found


@store_errors
def seats_still_held(hold: Hold) -> list[SeatRef]:
    """The hold's seats not yet retaken by another hold (an expired hold's seats may have been)."""
    keys = [(s.pk, s.sk) for s in hold.seats]
    return [
        SeatRef(item.pk, item.sk)
        for item in SeatItem.batch_get(keys, consistent_read=True)
        if item.status == SEAT_HELD and item.hold_id == hold.hold_id
    ]


@store_errors
def end_hold(hold: Hold, seats: list[SeatRef], status: str, now: int) -> None:
    """End an expired active hold and free the given seats, in one transaction.

    Raises Conflict if anything changed since `seats` was read (the caller reads again).
    """
    item = HoldItem(hold_pk(hold.hold_id))
    try:
        _end_hold(item, hold.hold_id, seats, status, now)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise Conflict("The hold changed while it was being released", {"hold_id": hold.hold_id}) from exc
        raise transient(exc) from exc


def _end_hold(item: HoldItem, hold_id: str, seats: list[SeatRef], status: str, now: int) -> None:
    with TransactWrite(connection=connection()) as tx:
        tx.update(
            item,
            actions=[HoldItem.status.set(status), HoldItem.expiry_shard.remove()],
            condition=(HoldItem.status == HOLD_ACTIVE) & (HoldItem.expires_at <= now),
        )
        for seat in seats:
            tx.update(
                SeatItem(seat.pk, seat.sk),
                actions=[
                    SeatItem.status.set(SEAT_FREE),
                    SeatItem.hold_id.remove(),
                    SeatItem.hold_expires_at.remove(),
                ],
                condition=(SeatItem.status == SEAT_HELD) & (SeatItem.hold_id == hold_id),
            )
