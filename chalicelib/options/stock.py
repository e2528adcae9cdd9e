"""Stock for options: a placement takes seats or standing places by the same conditional writes as a
shop hold (one hold per 98 seats, owned by the option, lapsing at its deadline), or, when options
do not count against availability, only checks the quantities against what is free (plus the
overbooking allowance)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import PerformanceStatus
from chalicelib.errors import InvalidInput, SeatUnavailable
from chalicelib.inventory import seat_picking
from chalicelib.inventory import service as inventory
from chalicelib.inventory.stock_model import takeable
from chalicelib.options.repository import PlacedLine


@dataclass(frozen=True)
class Settings:
    """The option settings of a performance's activity (and season)."""

    count_against_availability: bool
    overbooking_percent: int  # 0 when overbooking is not allowed
    confirm_days_after_placing: int | None
    confirm_days_before_performance: int | None


def settings_of(org_id: str, performance_id: str) -> Settings:
    performance = catalog.get(org_id, "performance", performance_id).data
    event = catalog.get(org_id, "event", performance["event_id"]).data
    activity = catalog.get(org_id, "activity", event["activity_id"]).data
    return Settings(
        count_against_availability=bool(activity.get("options_count_against_availability")),
        overbooking_percent=int(activity.get("overbooking_percent") or 0)
        if activity.get("overbooking_allowed")
        else 0,
        confirm_days_after_placing=activity.get("confirm_days_after_placing"),
        confirm_days_before_performance=activity.get("confirm_days_before_performance"),
    )


def _owner(option_id: str) -> str:
    return f"option-{option_id}"


def free_in_category(org_id: str, performance_id: str, category_id: str, quota_id: str | None) -> int:
    """Free seats and standing places of the category (in the quota when one is named)."""
    state = catalog.get(org_id, "performance", performance_id).state
    seats, areas = inventory.count_rows(performance_id, inventory.stock_shards(state))
    now = clock.seconds()
    free = sum(
        1
        for s in seats
        if s.category_id == category_id
        and (quota_id is None or s.quota_id == quota_id)
        and takeable(s.status, s.hold_expires_at, now)
    )
    free += sum(
        max(0, a.free)
        for a in areas
        if a.category_id == category_id and (quota_id is None or a.quota_id == quota_id)
    )
    return free


# A placement that lost seats to a concurrent buyer or operator reads the stock again, this often.
TAKE_ATTEMPTS = 3


def category_size(org_id: str, performance_id: str, category_id: str, quota_id: str | None) -> int:
    """All the category's seats and standing places in the performance (in the quota when named)."""
    state = catalog.get(org_id, "performance", performance_id).state
    seats, areas = inventory.count_rows(performance_id, inventory.stock_shards(state))
    size = sum(
        1 for s in seats if s.category_id == category_id and (quota_id is None or s.quota_id == quota_id)
    )
    for area in areas:
        if area.category_id == category_id and (quota_id is None or area.quota_id == quota_id):
            size += max(0, area.free)  # standing: what the counters hold now (their capacity is not read)
    return size


def take(org_id: str, option_id: str, performance_id: str, line: PlacedLine, expires_at: int) -> PlacedLine:
    """Hold `line.quantity` places of the category for the option, all or none (best seats first)."""
    for attempt in range(TAKE_ATTEMPTS):
        try:
            return _take_once(org_id, option_id, performance_id, line, expires_at)
        except SeatUnavailable as exc:
            if attempt == TAKE_ATTEMPTS - 1 or "available" in exc.details:
                raise  # not enough left at all: no use trying again
    raise AssertionError("unreachable")


def _take_once(
    org_id: str, option_id: str, performance_id: str, line: PlacedLine, expires_at: int
) -> PlacedLine:
    state = catalog.get(org_id, "performance", performance_id).state
    if state.get("status") != PerformanceStatus.ON_SALE:
        raise InvalidInput("The performance is not open for sale", {"field": "performance_id"})
    timeout = max(60, expires_at - clock.seconds())
    quotas = frozenset({line.quota_id}) if line.quota_id else None
    shards = inventory.stock_shards(state)
    seats = inventory.view_seats(org_id, performance_id, shards, fresh=True)
    now = clock.seconds()
    picks = [
        seat_picking.pick_seat(
            s, takeable(s.status, s.hold_expires_at, now) and (quotas is None or s.quota_id in quotas)
        )
        for s in seats
    ]
    if any(p.category_id == line.category_id for p in picks):
        return _take_seats(org_id, option_id, performance_id, line, picks, shards, timeout, quotas)
    return _take_places(org_id, option_id, performance_id, line, shards, timeout)


def _take_seats(org_id, option_id, performance_id, line, picks, shards, timeout, quotas) -> PlacedLine:
    try:
        pick = seat_picking.best_available(
            picks, line.category_id, line.quantity, rule=seat_picking.OrphanRule(always_allow=True)
        )
    except seat_picking.NotEnoughSeats as exc:
        raise SeatUnavailable(
            "Not enough free seats in this category for the option",
            {"field": "quantity", "category_id": line.category_id, "available": exc.available},
        ) from exc
    held: list[str] = []
    try:
        for n in range(0, len(pick.seat_ids), inventory.MAX_SEATS_PER_HOLD):
            chunk = pick.seat_ids[n : n + inventory.MAX_SEATS_PER_HOLD]
            refs = inventory.seat_refs(performance_id, shards, chunk)
            hold = inventory.place_hold(
                org_id, performance_id, _owner(option_id), refs, timeout, quota_ids=quotas
            )
            held.append(hold.hold_id)
    except SeatUnavailable:
        for hold_id in held:  # all or none: give back the chunks already held
            inventory.release_hold(hold_id)
        raise
    return PlacedLine(line.category_id, line.quantity, line.quota_id, held, list(pick.seat_ids))


def _take_places(org_id, option_id, performance_id, line, shards, timeout) -> PlacedLine:
    _, areas = inventory.count_rows(performance_id, shards)
    counters = [
        a
        for a in areas
        if a.category_id == line.category_id
        and (line.quota_id is None or a.quota_id == line.quota_id)
        and a.free > 0
    ]
    takes = inventory.spread_over_counters(performance_id, shards, counters, line.quantity)
    if takes is None:
        available = sum(a.free for a in counters)
        raise SeatUnavailable(
            "Not enough free places in this category for the option",
            {"field": "quantity", "category_id": line.category_id, "available": available},
        )
    hold = inventory.place_hold(org_id, performance_id, _owner(option_id), [], timeout, areas=takes)
    return PlacedLine(line.category_id, line.quantity, line.quota_id, [hold.hold_id], [], counters[0].area)


def release(line: PlacedLine) -> None:
    for hold_id in line.hold_ids:
        inventory.release_hold(hold_id)


def move_expiry(line: PlacedLine, expires_at: int, order_id: str | None = None) -> None:
    for hold in inventory.get_holds(line.hold_ids):
        inventory.extend_hold(hold, expires_at, order_id)
