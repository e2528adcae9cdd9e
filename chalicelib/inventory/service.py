"""Inventory use cases: hold seats and standing places, extend, sell, release, and clean up holds."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chalicelib import clock
from chalicelib.db.conditions import MAX_TRANSACTION_ACTIONS
from chalicelib.db.holds import HOLD_ACTIVE, HOLD_CONVERTED, HOLD_EXPIRED, HOLD_RELEASED
from chalicelib.db.stock import area_counter_sk, seat_pk, seat_sk, shard_pk
from chalicelib.errors import Conflict, HoldExpired, InvalidInput, NotFound
from chalicelib.inventory import repository, stock_reads, stock_repository, stock_view
from chalicelib.inventory.model import AreaTake, BuyerLimit, Hold, ReleaseOutcome, SeatRef
from chalicelib.inventory.seat_picking import Spread
from chalicelib.inventory.stock_model import AreaStock, MapSeat, SeatStock, takeable

# One transaction holds the hold item, the buyer's limit and one action per seat.
MAX_SEATS_PER_HOLD = MAX_TRANSACTION_ACTIONS - 2
# A transaction that lost a race with a buyer is read and tried again this many times.
RELEASE_ATTEMPTS = 3


def now_seconds() -> int:
    """Kept for options/rules.py, which reads it: chalicelib.clock is the clock."""
    return clock.seconds()


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
    now = clock.seconds()
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
    return repository.expired_hold_ids(clock.seconds() if now is None else now, limit)


def release_expired_hold(hold_id: str, now: int | None = None) -> ReleaseOutcome:
    """Mark an expired hold ended and free what it still holds; a second call changes nothing."""
    now = clock.seconds() if now is None else now
    return _release(hold_id, now, HOLD_EXPIRED, only_expired=True)


def release_hold(hold_id: str, now: int | None = None) -> ReleaseOutcome:
    """End an active hold at once (cart emptied, order abandoned): its seats and places are free again."""
    now = clock.seconds() if now is None else now
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
        repository.set_expiry(hold, expires_at, clock.seconds(), order_id)
    except Conflict as exc:
        raise HoldExpired(
            "The seats' hold has expired; choose seats again", {"hold_id": hold.hold_id}
        ) from exc
    hold.expires_at = expires_at
    return hold


def extension_writes(hold: Hold, expires_at: int, order_id: str | None = None) -> list:
    """extend_hold's writes, for an order's own transaction (the order placed with its seats held to
    its deadline); each write has `add_to(tx)` and names its hold in `refusal`. The transaction fails
    as a whole if the hold has lapsed or ended."""
    return repository.extension_writes(hold, expires_at, clock.seconds(), order_id)


def sale_writes(hold: Hold, order_id: str) -> list:
    """sell_hold's writes, for an order's own transaction (the order paid with its seats sold): only for
    a hold that is active; one already sold to this order needs none."""
    if hold.status == HOLD_CONVERTED and hold.order_id == order_id:
        return []
    return repository.sale_writes(hold, order_id)


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


def detach_from_order(hold_id: str) -> bool:
    """A live hold stops belonging to an order (the option keeps the places, its validation is
    cancelled), so that its lapsing expires no order; False when the hold is no longer active."""
    return repository.detach_from_order(hold_id)


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
    states = stock_repository.seat_states(performance_id, shards, seat_ids)
    return [s for s in seat_ids if s not in states or not takeable(states[s][0], states[s][1], now)]


def spread_over_counters(
    performance_id: str, shards: int, counters: Sequence, quantity: int, rng: random.Random | None = None
) -> list[AreaTake] | None:
    """Standing places to take, spread so that buyers at once do not all write the same sub-counter:
    one counter with room for them all, drawn at random weighted by its free places; else several,
    in random order. None when the counters hold fewer than `quantity`. `counters` are AreaStock
    reads (area, quota, counter, free)."""
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


# The read side: what sales, options and the shop read of a performance's stock (eventually
# consistent projections; every write's condition decides).


def stock_shards(state: Mapping[str, Any]) -> int:
    """How many shard keys a performance's stock spreads over, from its catalog state."""
    return stock_reads.stock_shards(dict(state))


def seat_refs(performance_id: str, shards: int, seat_ids: Iterable[str]) -> list[SeatRef]:
    """The stock items of the given seats, to hold them."""
    return [SeatRef(seat_pk(performance_id, s, shards), seat_sk(s)) for s in seat_ids]


def count_rows(performance_id: str, shards: int) -> tuple[list[SeatStock], list[AreaStock]]:
    """Every seat's state and every standing-area counter, read now, to count from."""
    return stock_reads.stock_to_count(performance_id, shards)


def map_seats(performance_id: str, shards: int) -> list[MapSeat]:
    """Every numbered seat with its place on the plan and its state, read now."""
    return stock_reads.seats_to_draw(performance_id, shards)


def area_counters(performance_id: str, shards: int, area: str) -> list[AreaStock]:
    """One standing area's sub-counters, read now (a few small queries, not the whole stock)."""
    return stock_reads.area_counters(performance_id, shards, area)


def area_capacities(performance_id: str, shards: int) -> list[tuple[str, str | None, str | None, int]]:
    """Each standing-area sub-counter's (area, quota, category, capacity), read from the area items
    alone (cheap beside a read of every seat)."""
    return stock_reads.area_capacities(performance_id, shards)


def area_category(take: AreaTake) -> str | None:
    """The seat category of the standing places a hold took from this counter."""
    return stock_repository.area_category(take.pk, take.sk)


def view_seats(org_id: str, performance_id: str, shards: int, *, fresh: bool = False) -> list[MapSeat]:
    """The seats as this instance knows them, to pick from (see stock_view); `fresh` reads them all now."""
    return stock_view.seats(org_id, performance_id, shards, fresh=fresh)


def note_held(org_id: str, performance_id: str, seat_ids: Iterable[str], expires_at: int) -> None:
    """This instance's own hold: its next picks see these seats taken at once."""
    stock_view.note_held(org_id, performance_id, seat_ids, expires_at)


def note_lost(
    org_id: str, performance_id: str, seats: Iterable[MapSeat], now: int, *, reread: bool = True
) -> None:
    """Seats another buyer took first: this instance re-reads their shards and picks elsewhere."""
    stock_view.note_lost(org_id, performance_id, seats, now, reread=reread)


def pick_spread(org_id: str, performance_id: str) -> Spread:
    """How this instance draws among the best runs of seats (see seat_picking.Spread)."""
    return stock_view.spread(org_id, performance_id)


def forget_views() -> None:
    """Drop this instance's views of every performance's seats (tests, benches)."""
    stock_view.clear()


def stock_counts(org_id: str, performance_id: str) -> dict:
    """Seats per category x quota x status and places per standing area (reports read the stock here)."""
    from chalicelib.inventory import stock

    return stock.stock_counts(org_id, performance_id)


def live_seats(org_id: str, performance_id: str) -> dict:
    """Every seat of the performance with its zone, block and live status (reports read the stock here)."""
    from chalicelib.inventory import stock

    return stock.live_seats(org_id, performance_id)
