"""A performance's stock as plain Python: built from a layout, counted, and changed seat by seat."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from chalicelib.catalog.seating import LayoutBlock, PlanBlock, Selection, select
from chalicelib.errors import InvalidInput, SeatUnavailable

# Operator changes on seats, and the status each leaves a seat in.
BLOCK = "block"
UNBLOCK = "unblock"
MOVE = "move"
NOT_IN_STOCK = "not in stock"
ALREADY = "already"

# A seat's stored status (db/stock.py writes the same words).
SEAT_FREE = "free"
SEAT_HELD = "held"


def takeable(status: str | None, hold_expires_at: int | float | None, now: int) -> bool:
    """The stock rule, written once in Python: a seat is free, or held by a hold that has expired (a
    lapsed hold is the next buyer's at once). Blocked and sold seats are not. Its DynamoDB twin,
    guarding every write, is db/conditions.seat_takeable."""
    if status == SEAT_FREE:
        return True
    return status == SEAT_HELD and hold_expires_at is not None and hold_expires_at <= now


def live_status(status: str | None, hold_expires_at: int | float | None, now: int) -> str | None:
    """The status a reader shows: a seat held by an expired hold shows as free."""
    return SEAT_FREE if status == SEAT_HELD and takeable(status, hold_expires_at, now) else status


@functools.lru_cache(maxsize=8192)
def natural_key(text: str | None) -> tuple[tuple[int, Any], ...]:
    """Row 2 before row 10: digits compare as numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text or "") if p)


class SeatStock(NamedTuple):
    """A numbered seat as counted: a tuple, so 20,000 of them fit a small Lambda."""

    category_id: str | None
    quota_id: str | None
    status: str | None
    hold_expires_at: int | None


@dataclass(frozen=True)
class AreaStock:
    """One sub-counter of a standing area's places for one quota."""

    area: str
    quota_id: str | None
    category_id: str | None
    free: int
    counter: int = 0


class MapSeat(NamedTuple):
    """A numbered seat as read from the stock to draw or pick: a tuple, 20,000 of them fit a small Lambda."""

    seat_id: str
    zone: str | None
    block: str | None
    row: str | None
    number: str | None
    x: float | None
    y: float | None
    category_id: str | None
    accessible: bool
    quota_id: str | None
    status: str | None
    hold_expires_at: int | None
    rank: int | None = None


@dataclass(frozen=True)
class StockSeat:
    """A numbered seat for sale: where it is and which category and quota it is sold in."""

    seat_id: str
    zone: str
    block: str
    row: str
    number: str
    x: float
    y: float
    rank: int
    accessible: bool
    category_id: str
    quota_id: str | None


@dataclass(frozen=True)
class AreaShare:
    """A standing area's places for one quota, split into counters when written."""

    area: str
    category_id: str
    quota_id: str
    places: int


def block_seats(plan: PlanBlock, layout: LayoutBlock | None) -> list[StockSeat]:
    """The block's seats that the layout puts in a category; a seat without one is not sold."""
    assigned = layout.seats if layout else {}
    return [
        StockSeat(
            seat.seat_id,
            plan.zone,
            plan.block,
            seat.row,
            seat.number,
            seat.x,
            seat.y,
            seat.rank,
            seat.accessible,
            assigned[seat.seat_id].seat_category_id,
            assigned[seat.seat_id].quota_id,
        )
        for seat in plan.seats
        if seat.seat_id in assigned
    ]


def seats_for_sale(plans: list[PlanBlock], layouts: list[LayoutBlock]) -> dict[tuple[str, str], int]:
    """(zone, block) -> seats for sale, for every block that has at least one."""
    by_key = {(layout.zone, layout.block): layout for layout in layouts}
    counts = {}
    for plan in plans:
        layout = by_key.get((plan.zone, plan.block))
        sold = sum(1 for seat in plan.seats if layout and seat.seat_id in layout.seats)
        if sold:
            counts[(plan.zone, plan.block)] = sold
    return counts


def area_shares(capacities: dict[str, int], assignments: list[dict[str, Any]]) -> list[AreaShare]:
    """The layout's standing areas as shares per quota; an unknown area or too many places is refused."""
    shares = []
    for assignment in assignments:
        area = assignment["area"]
        if area not in capacities:
            raise InvalidInput(f"The layout names standing area {area}, which the plan lacks", {"area": area})
        places = sum(int(n) for n in assignment["quotas"].values())
        if places > capacities[area]:
            raise InvalidInput(
                f"Standing area {area} shares {places} places but holds {capacities[area]}",
                {"area": area, "places": places, "capacity": capacities[area]},
            )
        shares.extend(
            AreaShare(area, assignment["seat_category_id"], quota, int(n))
            for quota, n in sorted(assignment["quotas"].items())
            if int(n) > 0
        )
    return shares


def select_seats(plans: list[PlanBlock], layouts: list[LayoutBlock], selection: Selection) -> list[str]:
    """Ids of the selected seats that are for sale, in plan order; listed ids are kept as given, so
    that a seat the stock lacks is refused by name rather than left out silently."""
    if selection.seat_ids:
        return list(dict.fromkeys(selection.seat_ids))
    for_sale = {(b.zone, b.block): b.seats for b in layouts}
    chosen, _ = select(plans, selection)
    return [seat for key, ids in chosen.items() for seat in ids if seat in for_sale.get(key, {})]


def refusal(change: str, current: dict[str, Any] | None, target_quota: str | None, now: int) -> str:
    """Why a seat's conditional write failed: ALREADY when it is already as asked, else its state."""
    if current is None:
        return NOT_IN_STOCK
    status = current.get("status")
    free = takeable(status, current.get("hold_expires_at"), now)
    if change == BLOCK and status == "blocked":
        return ALREADY
    if change == UNBLOCK and free:
        return ALREADY
    if change == MOVE and free and current.get("quota_id") == target_quota:
        return ALREADY
    return str(status)


def count_seats(rows: list[dict[str, Any]], now: int) -> list[dict[str, Any]]:
    """Seats per category x quota x status; a seat of an expired hold counts as free (it is takeable)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        status = live_status(row.get("status", "free"), row.get("hold_expires_at"), now)
        counts[(row.get("category_id") or "", row.get("quota_id") or "", status)] += 1
    return [
        {"category_id": category, "quota_id": quota or None, "status": status, "seats": seats}
        for (category, quota, status), seats in sorted(counts.items())
    ]


def count_areas(counters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Standing places per area x quota, summed over their counters."""
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for counter in counters:
        key = (counter["area"], counter["quota_id"])
        total = totals.setdefault(
            key,
            {
                "area": key[0],
                "quota_id": key[1],
                "category_id": counter.get("category_id"),
                "capacity": 0,
                "free": 0,
            },
        )
        total["capacity"] += int(counter["capacity"])
        total["free"] += int(counter["free"])
    return [totals[key] for key in sorted(totals)]


@dataclass(frozen=True)
class AreaCounter:
    counter: int
    capacity: int
    free: int


def plan_place_move(
    sources: list[AreaCounter], targets: list[AreaCounter], places: int, per_counter: int
) -> tuple[dict[int, int], dict[int, int]]:
    """(places taken from each source counter, places added to each target counter).

    Takes from the fullest counters first; adds to the target's counters up to `per_counter` places
    each, then to new counters, so that no counter grows into one that every hold updates.
    """
    if places > sum(c.free for c in sources):
        raise SeatUnavailable(
            f"Only {sum(c.free for c in sources)} free places to move, not {places}",
            {"free": sum(c.free for c in sources), "places": places},
        )
    taken: dict[int, int] = {}
    left = places
    for source in sorted(sources, key=lambda c: (-c.free, c.counter)):
        if left == 0:
            break
        if source.free:
            taken[source.counter] = min(source.free, left)
            left -= taken[source.counter]
    added: dict[int, int] = {}
    left = places
    for target in sorted(targets, key=lambda c: (c.capacity, c.counter)):
        room = min(left, max(0, per_counter - target.capacity))
        if room:
            added[target.counter] = room
            left -= room
    fresh = max((c.counter for c in targets), default=-1) + 1
    while left:
        added[fresh] = min(left, per_counter)
        left -= added[fresh]
        fresh += 1
    return taken, added
