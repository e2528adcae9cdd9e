"""Holds, seats and standing places in DynamoDB; storage failures become domain errors here.

Every change of a hold is one TransactWriteItems: the hold item, the buyer's limit counter, and each
seat or standing-area sub-counter it claims, each with its own condition. DynamoDB takes at most 100
actions in one transaction, hence MAX_SEATS_PER_HOLD in service.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.db.base import connection
from chalicelib.db.conditions import (
    Write,
    condition_failed,
    failed_items,
    seat_takeable,
    store_errors,
    transient,
)
from chalicelib.db.holds import (
    HOLD_ACTIVE,
    HOLD_CONVERTED,
    AreaKey,
    HoldItem,
    HoldsTable,
    LimitKey,
    SeatKey,
    expiry_shard,
    expiry_shards,
    hold_pk,
    purge_time,
)
from chalicelib.db.sales import LimitItem
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD, SEAT_SOLD, AreaCounterItem, SeatItem
from chalicelib.errors import BuyerLimitReached, Conflict, NotFound, SeatUnavailable
from chalicelib.inventory.model import AreaTake, BuyerLimit, Hold, SeatRef


def _to_hold(item: HoldItem) -> Hold:
    limit = item.limit
    return Hold(
        hold_id=item.hold_id,
        org_id=item.org_id,
        performance_id=item.performance_id,
        owner=item.owner,
        status=item.status,
        expires_at=int(item.expires_at),
        seats=[SeatRef(s.pk, s.sk) for s in item.seats],
        areas=[AreaTake(a.pk, a.sk, int(a.quantity)) for a in item.areas or []],
        limit=BuyerLimit(limit.pk, limit.sk, int(limit.cap)) if limit else None,
        cart_id=item.cart_id,
        order_id=item.order_id,
    )


@store_errors
def save_new_hold(hold: Hold, now: int, quota_ids: frozenset[str] | None = None) -> None:
    """Write a new active hold and claim its seats, places and buyer allowance, all or nothing.

    A seat is takeable when free or held by a hold that has expired: expiry is in the condition,
    so a lapsed hold's seats go to the next buyer at once, before any clean-up has run. The hold
    has no purge time: only the write that ends it sets one.
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
        areas=[AreaKey(pk=a.pk, sk=a.sk, quantity=a.quantity) for a in hold.areas],
        limit=LimitKey(pk=hold.limit.pk, sk=hold.limit.sk, cap=hold.limit.cap) if hold.limit else None,
        cart_id=hold.cart_id,
    )
    places = hold.places
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=HoldItem.pk.does_not_exist())
            if hold.limit:
                tx.update(
                    LimitItem(hold.limit.pk, hold.limit.sk),
                    actions=[LimitItem.taken.add(places)],
                    condition=LimitItem.taken.does_not_exist() | (LimitItem.taken <= hold.limit.cap - places),
                )
            for seat in hold.seats:
                tx.update(
                    SeatItem(seat.pk, seat.sk),
                    actions=[
                        SeatItem.status.set(SEAT_HELD),
                        SeatItem.hold_id.set(hold.hold_id),
                        SeatItem.hold_expires_at.set(hold.expires_at),
                    ],
                    condition=seat_takeable(now, quota_ids),
                )
            for area in hold.areas:
                tx.update(
                    AreaCounterItem(area.pk, area.sk),
                    actions=[AreaCounterItem.free.add(-area.quantity)],
                    condition=AreaCounterItem.free >= area.quantity,
                )
    except TransactWriteError as exc:
        failed = failed_items(exc)
        if not failed:
            raise transient(exc) from exc
        _raise_claim_failure(hold, failed, exc)


def _raise_claim_failure(hold: Hold, failed: list[int], exc: Exception) -> None:
    first_claim = 2 if hold.limit else 1
    if hold.limit and 1 in failed:
        raise BuyerLimitReached(
            f"A buyer may hold or buy at most {hold.limit.cap} places for this performance",
            {"performance_id": hold.performance_id, "max": hold.limit.cap},
        ) from exc
    claims = [n - first_claim for n in failed if n >= first_claim]
    taken = [hold.seats[n].seat_id for n in claims if n < len(hold.seats)]
    areas = [hold.areas[n - len(hold.seats)].sk for n in claims if n >= len(hold.seats)]
    details: dict = {"hold_id": hold.hold_id, "seats": taken}
    if areas:
        details["areas"] = sorted({sk.split("#")[1] for sk in areas})
        raise SeatUnavailable("Not enough places left in this standing area", details) from exc
    raise SeatUnavailable("Some seats are not free", details) from exc


@store_errors
def get_hold(hold_id: str) -> Hold:
    try:
        return _to_hold(HoldItem.get(hold_pk(hold_id), consistent_read=True))
    except DoesNotExist as exc:
        raise NotFound(f"Hold {hold_id} does not exist", {"hold_id": hold_id}) from exc


@store_errors
def get_holds(hold_ids: list[str]) -> list[Hold]:
    """The holds that exist among `hold_ids`, in that order."""
    if not hold_ids:
        return []
    found = {item.hold_id: _to_hold(item) for item in HoldItem.batch_get([hold_pk(h) for h in hold_ids])}
    return [found[h] for h in hold_ids if h in found]


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
    if not keys:
        return []
    return [
        SeatRef(item.pk, item.sk)
        for item in SeatItem.batch_get(keys, consistent_read=True)
        if item.status == SEAT_HELD and item.hold_id == hold.hold_id
    ]


@store_errors
def end_hold(hold: Hold, seats: list[SeatRef], status: str, now: int, *, only_expired: bool = True) -> None:
    """End an active hold: free the given seats, give its standing places and buyer allowance back.

    `only_expired`: the hold must have expired (clean-up); else any active hold ends (its cart is
    emptied, its order cancelled before payment). Raises Conflict if anything changed since `seats`
    was read (the caller reads again).
    """
    condition = HoldItem.status == HOLD_ACTIVE
    if only_expired:
        condition = condition & (HoldItem.expires_at <= now)
    seat_condition = (SeatItem.status == SEAT_HELD) & (SeatItem.hold_id == hold.hold_id)
    _end(hold, seats, status, now, condition, seat_condition)


@store_errors
def cancel_converted_hold(hold: Hold, order_id: str, status: str, now: int | None = None) -> None:
    """Give back a sold hold's seats and places (its order is cancelled); Conflict if already done."""
    condition = (HoldItem.status == HOLD_CONVERTED) & (HoldItem.order_id == order_id)
    seat_condition = (SeatItem.status == SEAT_SOLD) & (SeatItem.order_id == order_id)
    _end(hold, hold.seats, status, clock.seconds() if now is None else now, condition, seat_condition)


def _end(hold: Hold, seats: list[SeatRef], status: str, now: int, condition, seat_condition) -> None:
    """The one write that ends a hold, and so the one that gives it a purge time."""
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                HoldItem(hold_pk(hold.hold_id)),
                actions=[
                    HoldItem.status.set(status),
                    HoldItem.expiry_shard.remove(),
                    HoldItem.purge_at.set(purge_time(now)),
                ],
                condition=condition,
            )
            if hold.limit:
                tx.update(
                    LimitItem(hold.limit.pk, hold.limit.sk), actions=[LimitItem.taken.add(-hold.places)]
                )
            for seat in seats:
                tx.update(
                    SeatItem(seat.pk, seat.sk),
                    actions=[
                        SeatItem.status.set(SEAT_FREE),
                        SeatItem.hold_id.remove(),
                        SeatItem.hold_expires_at.remove(),
                        SeatItem.order_id.remove(),
                    ],
                    condition=seat_condition,
                )
            for area in hold.areas:
                tx.update(
                    AreaCounterItem(area.pk, area.sk), actions=[AreaCounterItem.free.add(area.quantity)]
                )
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise Conflict("The hold changed while it was being ended", {"hold_id": hold.hold_id}) from exc
        raise transient(exc) from exc


@store_errors
def set_expiry(hold: Hold, expires_at: int, now: int, order_id: str | None = None) -> None:
    """Move a live hold's expiry (extension, reservation deadline), on the hold and each of its seats.

    Raises HoldExpired-worthy Conflict when the hold is no longer active or has already expired.
    A purge time written by an older version goes: a live hold is never purged.
    """
    try:
        with TransactWrite(connection=connection()) as tx:
            for write in extension_writes(hold, expires_at, now, order_id):
                write.add_to(tx)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise Conflict("The hold has ended or expired", {"hold_id": hold.hold_id}) from exc
        raise transient(exc) from exc


def extension_writes(hold: Hold, expires_at: int, now: int, order_id: str | None = None) -> list[Write]:
    """The writes moving a live, unexpired hold's expiry (and naming its order), hold and seats."""
    actions = [HoldItem.expires_at.set(expires_at), HoldItem.purge_at.remove()]
    if order_id:
        actions.append(HoldItem.order_id.set(order_id))
    writes = [
        Write(
            HoldItem(hold_pk(hold.hold_id)),
            actions,
            (HoldItem.status == HOLD_ACTIVE) & (HoldItem.expires_at > now),
            {"hold_id": hold.hold_id},
        )
    ]
    for seat in hold.seats:
        writes.append(
            Write(
                SeatItem(seat.pk, seat.sk),
                [SeatItem.hold_expires_at.set(expires_at)],
                (SeatItem.status == SEAT_HELD) & (SeatItem.hold_id == hold.hold_id),
                {"hold_id": hold.hold_id},
            )
        )
    return writes


def sale_writes(hold: Hold, order_id: str) -> list[Write]:
    """The writes selling a hold's seats to an order: held by this hold -> sold.

    The hold may have expired: as long as no one else took its seats and the clean-up has not ended
    it, the sale goes through (a payment that came back late)."""
    writes = [
        Write(
            HoldItem(hold_pk(hold.hold_id)),
            [
                HoldItem.status.set(HOLD_CONVERTED),
                HoldItem.order_id.set(order_id),
                HoldItem.expiry_shard.remove(),
                HoldItem.purge_at.remove(),  # its order may be cancelled and refunded any time
            ],
            HoldItem.status == HOLD_ACTIVE,
            {"hold_id": hold.hold_id},
        )
    ]
    for seat in hold.seats:
        writes.append(
            Write(
                SeatItem(seat.pk, seat.sk),
                [
                    SeatItem.status.set(SEAT_SOLD),
                    SeatItem.order_id.set(order_id),
                    SeatItem.hold_expires_at.remove(),
                ],
                (SeatItem.status == SEAT_HELD) & (SeatItem.hold_id == hold.hold_id),
                {"hold_id": hold.hold_id},
            )
        )
    return writes


@store_errors
def convert(hold: Hold, order_id: str) -> None:
    """Sell a hold's seats to an order (sale_writes), in one transaction; Conflict if its seats are
    no longer held for it."""
    try:
        with TransactWrite(connection=connection()) as tx:
            for write in sale_writes(hold, order_id):
                write.add_to(tx)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise Conflict("The hold's seats are no longer held for it", {"hold_id": hold.hold_id}) from exc
        raise transient(exc) from exc


@store_errors
def detach_from_order(hold_id: str) -> bool:
    """A live hold stops belonging to an order (an option's validation is cancelled; the option keeps
    the places), so that its lapsing expires no order. False when the hold is no longer active."""
    from pynamodb.exceptions import UpdateError

    try:
        HoldItem(hold_pk(hold_id)).update(
            actions=[HoldItem.order_id.remove()], condition=HoldItem.status == HOLD_ACTIVE
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
