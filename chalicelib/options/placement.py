"""The stock an option takes: for a request, a placement, its overbooked part; given back."""

from __future__ import annotations

from chalicelib.catalog import service as catalog
from chalicelib.errors import (
    Conflict,
    InvalidInput,
    SeatUnavailable,
)
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options import stock as option_stock
from chalicelib.options.repository import Option, PlacedLine
from chalicelib.options.rules import (
    LineIn,
)


def take_stock(
    option: Option, performance_id: str, lines: list[LineIn], deadline: int, *, hold: bool = False
) -> list[PlacedLine]:
    """Stock for the placement: held when options count against availability (or `hold`), else
    checked only."""
    settings = option_stock.settings_of(option.org_id, performance_id)
    placed: list[PlacedLine] = []
    try:
        for line in lines:
            wanted = PlacedLine(line.category_id, line.quantity, line.quota_id)
            if hold or settings.count_against_availability:
                placed.extend(
                    take_counted(option, performance_id, wanted, deadline, settings, overbook=not hold)
                )
            else:
                check_overbooking(option, performance_id, wanted, settings.overbooking_percent)
                placed.append(wanted)
    except Exception:
        for line in placed:
            option_stock.release(line)
        raise
    return placed


def take_counted(
    option: Option, performance_id: str, wanted: PlacedLine, deadline: int, settings, *, overbook: bool
) -> list[PlacedLine]:
    """Hold the places; short of them, and when the activity allows overbooking, hold what is free
    and record the rest as overbooked (holding nothing), within the percent of the category's size."""
    try:
        return [option_stock.take(option.org_id, option.option_id, performance_id, wanted, deadline)]
    except SeatUnavailable as exc:
        available = exc.details.get("available")
        if not overbook or not settings.overbooking_percent or available is None:
            raise
        over = wanted.quantity - available
        size = option_stock.category_size(option.org_id, performance_id, wanted.category_id, wanted.quota_id)
        already = sum(
            line.quantity
            for other in repository.all_of_org(option.org_id)
            if other.option_id != option.option_id
            and other.state in (m.PLACED, m.VALIDATED)
            and other.placed_performance_id == performance_id
            for line in other.placed
            if line.category_id == wanted.category_id and not line.hold_ids
        )
        allowed = (size * settings.overbooking_percent) // 100
        if already + over > allowed:
            raise Conflict(
                "Placing this would overbook the category beyond what is allowed",
                {
                    "field": "lines",
                    "category_id": wanted.category_id,
                    "overbooked": already,
                    "allowed": allowed,
                },
            ) from exc
        lines = []
        if available:
            part = PlacedLine(wanted.category_id, available, wanted.quota_id)
            lines.append(option_stock.take(option.org_id, option.option_id, performance_id, part, deadline))
        lines.append(PlacedLine(wanted.category_id, over, wanted.quota_id))
        return lines


def check_overbooking(option: Option, performance_id: str, line: PlacedLine, percent: int) -> None:
    """Placements that hold no seats may together exceed what is free by at most `percent`."""
    free = option_stock.free_in_category(option.org_id, performance_id, line.category_id, line.quota_id)
    others = sum(
        placed.quantity
        for other in repository.all_of_org(option.org_id)
        if other.option_id != option.option_id
        and other.state == m.PLACED
        and other.placed_performance_id == performance_id
        for placed in other.placed
        if placed.category_id == line.category_id and not placed.hold_ids
    )
    allowed = free + (free * percent) // 100
    if others + line.quantity > allowed:
        raise Conflict(
            "Placing this would overbook the category beyond what is allowed",
            {
                "field": "lines",
                "category_id": line.category_id,
                "free": free,
                "placed": others,
                "allowed": allowed,
            },
        )


def check_categories(option: Option, lines: list[LineIn]) -> None:
    """Granted categories are the requested ones, or one category up when the customer accepts it."""
    if not option.requested:  # a direct option: the operator grants what they choose
        return
    requested = set(option.requested)
    ranks = {c.id: c.data["rank"] for c in catalog.all_items(option.org_id, "seat_category")}
    for line in lines:
        if line.category_id in requested:
            continue
        upgrade = any(ranks.get(line.category_id, 99) == ranks.get(r, 0) - 1 for r in requested)
        if not (option.accept_upgrade and upgrade):
            raise InvalidInput(
                "Grant the requested categories (or the next one up when the customer accepts it)",
                {"field": "lines", "category_id": line.category_id},
            )


def merge(lines: list[PlacedLine]) -> list[PlacedLine]:
    """One line per category and quota (a held part and its once-overbooked part become one)."""
    merged: dict[tuple[str, str | None], PlacedLine] = {}
    for line in lines:
        key = (line.category_id, line.quota_id)
        if key not in merged:
            merged[key] = PlacedLine(line.category_id, 0, line.quota_id, [], [], line.area)
        target = merged[key]
        target.quantity += line.quantity
        target.hold_ids += line.hold_ids
        target.seat_ids += line.seat_ids
        target.area = target.area or line.area
    return list(merged.values())


def hold_request(option: Option) -> list[PlacedLine]:
    """A request's places, held on its first-choice date when options count against availability.

    A category short of places is recorded without holding (the operator decides at placement).
    """
    if not option_stock.settings_of(option.org_id, option.performance_id).count_against_availability:
        return []
    held = []
    for category_id, quantity in option.requested.items():
        wanted = PlacedLine(category_id, quantity)
        try:
            held.append(
                option_stock.take(
                    option.org_id, option.option_id, option.performance_id, wanted, option.deadline
                )
            )
        except (SeatUnavailable, InvalidInput):
            continue
    return held


def drop(lines: list[PlacedLine]) -> None:
    for line in lines:
        option_stock.release(line)
