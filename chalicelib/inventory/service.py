"""Inventory use cases: hold seats and standing places, extend, sell, release, and clean up holds."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Sequence

from chalicelib.db.holds import HOLD_ACTIVE, HOLD_CONVERTED, HOLD_EXPIRED, HOLD_RELEASED
from chalicelib.errors import Conflict, HoldExpired, InvalidInput, NotFound
from chalicelib.inventory import repository
from chalicelib.inventory.model import AreaTake, BuyerLimit, Hold, ReleaseOutcome, SeatRef

# One TransactWriteItems takes at most 100 actions: the hold item, the buyer's limit, one per seat.
MAX_SEATS_PER_HOLD = 98
# A transaction that lost a race with a buyer is read and tried again this many times.
RELEASE_ATTEMPTS = 3


def now_seconds() -> int:
    return int(time.time())


def place_hold(
    org_id: str,
    performance_id: str,
    owner: str,
    seats: Sequence[SeatRef],
    timeout_seconds: int,
    *,
    areas: Sequence[AreaTake] = (),
    limit: BuyerLimit | None = None,
    cart_id: str | None = None,
    quota_ids: frozenset[str] | None = None,
) -> Hold:
    """Hold the given seats (or standing places) for `owner` until the timeout, all or none.

    `quota_ids`: the quotas the buyer's channel sells (None: any); checked in every seat's condition.
    """
    if len(seats) > MAX_SEATS_PER_HOLD or len(set(seats)) != len(seats) or not (seats or areas):
        raise InvalidInput(
            f"A hold takes 1 to {MAX_SEATS_PER_HOLD} different seats",
            {"field": "seats", "max": MAX_SEATS_PER_HOLD},
        )
    now = now_seconds()
    hold = Hold(
        hold_id=uuid.uuid4().hex,
        org_id=org_id,
        performance_id=performance_id,
        owner=owner,
        status=HOLD_ACTIVE,
        expires_at=now + timeout_seconds,
        seats=list(seats),
        areas=list(areas),
        limit=limit,
        cart_id=cart_id,
    )
    repository.save_new_hold(hold, now, quota_ids)
    return hold


def get_hold(hold_id: str) -> Hold:
    return repository.get_hold(hold_id)


def get_holds(hold_ids: list[str]) -> list[Hold]:
    return repository.get_holds(hold_ids)


def find_expired_holds(limit: int, now: int | None = None) -> list[str]:
    """Ids of active holds past their expiry, at most `limit`."""
    return repository.expired_hold_ids(now_seconds() if now is None else now, limit)


def release_expired_hold(hold_id: str, now: int | None = None) -> ReleaseOutcome:
    """Mark an expired hold ended and free what it still holds; a second call changes nothing."""
    now = now_seconds() if now is None else now
    return _release(hold_id, now, HOLD_EXPIRED, only_expired=True)


def release_hold(hold_id: str, now: int | None = None) -> ReleaseOutcome:
    """End an active hold at once (cart emptied, order abandoned): its seats and places are free again."""
    now = now_seconds() if now is None else now
    return _release(hold_id, now, HOLD_RELEASED, only_expired=False)


def _release(hold_id: str, now: int, status: str, *, only_expired: bool) -> ReleaseOutcome:
    for _ in range(RELEASE_ATTEMPTS):
        try:
            hold = repository.get_hold(hold_id)
        except NotFound:
            return ReleaseOutcome(hold_id, False, 0, "unknown hold")
        if hold.status != HOLD_ACTIVE:
            return ReleaseOutcome(hold_id, False, 0, f"already {hold.status}", order_id=hold.order_id)
        if only_expired and not hold.is_expired(now):
            return ReleaseOutcome(hold_id, False, 0, "not expired yet")
        seats = repository.seats_still_held(hold)
        try:
            repository.end_hold(hold, seats, status, now, only_expired=only_expired)
        except Conflict:
            continue
        places = len(seats) + sum(a.quantity for a in hold.areas)
        return ReleaseOutcome(hold_id, True, len(seats), status, places, hold.order_id)
    raise Conflict(f"Hold {hold_id} kept changing while being released", {"hold_id": hold_id})


def extend_hold(hold: Hold, expires_at: int, order_id: str | None = None) -> Hold:
    """Move a live hold's expiry (later or earlier); HoldExpired if it has lapsed or ended."""
    try:
        repository.set_expiry(hold, expires_at, now_seconds(), order_id)
    except Conflict as exc:
        raise HoldExpired(
            "The seats' hold has expired; choose seats again", {"hold_id": hold.hold_id}
        ) from exc
    hold.expires_at = expires_at
    return hold


def sell_hold(hold_id: str, order_id: str) -> Hold:
    """The hold's seats become the order's (sold); again for the same order changes nothing."""
    hold = repository.get_hold(hold_id)
    if hold.status == HOLD_CONVERTED and hold.order_id == order_id:
        return hold
    if hold.status != HOLD_ACTIVE or (hold.order_id not in (None, order_id)):
        raise HoldExpired("The seats' hold has ended; they are no longer held", {"hold_id": hold_id})
    try:
        repository.convert(hold, order_id)
    except Conflict as exc:
        again = repository.get_hold(hold_id)
        if again.status == HOLD_CONVERTED and again.order_id == order_id:
            return again
        raise HoldExpired("The seats' hold has ended; they are no longer held", {"hold_id": hold_id}) from exc
    hold.status, hold.order_id = HOLD_CONVERTED, order_id
    return hold


def return_sold_hold(hold_id: str, order_id: str) -> bool:
    """Put a sold hold's seats and places back on sale (its order is cancelled); False if done before."""
    hold = repository.get_hold(hold_id)
    if hold.status != HOLD_CONVERTED or hold.order_id != order_id:
        return False
    try:
        repository.cancel_converted_hold(hold, order_id, HOLD_RELEASED)
    except Conflict:
        return False
    return True


def taken_seats(performance_id: str, shards: int, seat_ids: Sequence[str], now: int) -> list[str]:
    """The seats among `seat_ids` that are not free now (read by key): a pick made from a stale read
    is caught for one read unit a seat, before a hold's transaction is spent on it."""
    from chalicelib.inventory.stock_model import takeable
    from chalicelib.inventory.stock_repository import seat_states

    states = seat_states(performance_id, shards, seat_ids)
    return [s for s in seat_ids if s not in states or not takeable(states[s][0], states[s][1], now)]


def spread_over_counters(
    performance_id: str, shards: int, counters: Sequence, quantity: int, rng: random.Random | None = None
) -> list[AreaTake] | None:
    """Standing places to take, spread so that buyers at once do not all write the same sub-counter:
    one counter with room for them all, drawn at random weighted by its free places; else several,
    in random order. None when the counters hold fewer than `quantity`. `counters` are AreaStock
    reads (area, quota, counter, free)."""
    from chalicelib.db.stock import area_counter_sk, shard_pk

    draw = rng or random
    roomy = [c for c in counters if c.free >= quantity]
    if roomy:
        ordered = draw.choices(roomy, weights=[c.free for c in roomy])
    else:
        ordered = sorted((c for c in counters if c.free > 0), key=lambda _: draw.random())
    takes, remaining = [], quantity
    for counter in ordered:
        if remaining <= 0:
            break
        take = min(counter.free, remaining)
        pk = shard_pk(performance_id, counter.counter % shards)
        takes.append(AreaTake(pk, area_counter_sk(counter.area, counter.quota_id, counter.counter), take))
        remaining -= take
    return takes if remaining <= 0 and takes else None


def drop_live_purge_times(cursor: str | None, limit: int) -> tuple[int, str | None]:
    """One page of the one-off upgrade: live and sold holds lose the purge time an older version
    gave them. Returns how many changed and the cursor to go on from (None: done)."""
    from chalicelib.inventory import purge_times

    return purge_times.drop_live_purge_times(cursor, limit)
