"""Catalog data for the stock tests (a venue, plan, layout and performance) and an in-process opening.

No tests of its own; the service, API and workflow tests of the stock import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib.catalog import kinds as k
from chalicelib.catalog import seating_repository
from chalicelib.catalog import service as catalog
from chalicelib.catalog.seating import LayoutBlock, PlanBlock, PlanSeat, SeatAssignment
from chalicelib.workflows import open_performance

ORG = "demo"
# seat -> (category code, quota code or None), or None when the seat is not for sale
Assign = Callable[[PlanSeat, str], tuple[str, str | None] | None]


def every_seat(seat: PlanSeat, block: str) -> tuple[str, str | None]:
    """Row A is Cat. 1 in the box-office quota, other rows Cat. 2 in the internet quota."""
    return ("CAT1", "BOX") if seat.row == "A" else ("CAT2", "WEB")


@dataclass
class Built:
    org_id: str
    performance_id: str
    layout_id: str
    plan_id: str
    categories: dict[str, str]
    quotas: dict[str, str]
    seat_ids: list[str] = field(default_factory=list)
    assigned: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def _in_two_months() -> str:
    return (
        (datetime.now(UTC) + timedelta(days=60))
        .replace(hour=20, minute=0, second=0, microsecond=0)
        .isoformat()
    )


def _create(org: str, kind: str, spec: k.Spec) -> str:
    return catalog.create(org, kind, spec).id


def _references(org: str, tag: str) -> tuple[str, str, str]:
    venue = _create(org, "venue", k.VenueSpec(code=f"V{tag}", name="Venue"))
    hall = _create(org, "hall", k.HallSpec(venue_id=venue, code=f"H{tag}", name="Hall"))
    season = _create(
        org, "season", k.SeasonSpec(code=f"S{tag}", name="S", starts_on="2026-09-01", ends_on="2027-07-01")
    )
    activity = _create(org, "activity", k.ActivitySpec(code=f"A{tag}", name="Live"))
    event = _create(
        org, "event", k.EventSpec(season_id=season, activity_id=activity, code=f"E{tag}", name="Hamlet")
    )
    return hall, event, tag


def plan_blocks(blocks: list[tuple[str, str]], rows: int, per_row: int) -> list[PlanBlock]:
    built = []
    for zone, block in blocks:
        seats = [
            PlanSeat(
                f"{zone}-{block}-{chr(65 + r)}-{n}", chr(65 + r), str(n), float(n), float(r), r * 100 + n
            )
            for r in range(rows)
            for n in range(1, per_row + 1)
        ]
        built.append(PlanBlock(zone, block, seats))
    return built


def build_performance(
    org: str = ORG,
    blocks: tuple[tuple[str, str], ...] = (("STALLS", "L"), ("STALLS", "R")),
    rows: int = 3,
    per_row: int = 10,
    assign: Assign = every_seat,
    areas: dict[str, int] | None = None,
    tag: str = "1",
    starts_at: str | None = None,
) -> Built:
    """A performance whose layout sells the seats `assign` names, and standing places per quota code."""
    hall, event, tag = _references(org, tag)
    categories = {
        code: _create(
            org, "seat_category", k.SeatCategorySpec(code=code, name=code, rank=n, colour="#aa0000")
        )
        for n, code in enumerate(("CAT1", "CAT2", "PIT"), start=1)
    }
    quotas = {
        code: _create(org, "quota", k.QuotaSpec(code=code, name=code)) for code in ("BOX", "WEB", "GRP")
    }
    capacity = sum((areas or {}).values())
    standing = [k.StandingArea(code="PIT", name="Pit", capacity=capacity)] if areas else []
    plan = _create(
        org, "seating_plan", k.SeatingPlanSpec(hall_id=hall, code=f"P{tag}", name="Plan", areas=standing)
    )
    shares = {quotas[q]: n for q, n in (areas or {}).items()}
    assignment = (
        [k.AreaAssignment(area="PIT", seat_category_id=categories["PIT"], quotas=shares)] if areas else []
    )
    layout = _create(
        org, "layout", k.LayoutSpec(seating_plan_id=plan, code=f"L{tag}", name="L", areas=assignment)
    )
    plans = plan_blocks(list(blocks), rows, per_row)
    seating_repository.save_plan_blocks(org, plan, plans)
    built = Built(org, "", layout, plan, categories, quotas)
    layouts = []
    for block in plans:
        seats = {}
        for seat in block.seats:
            built.seat_ids.append(seat.seat_id)
            chosen = assign(seat, block.block)
            if chosen:
                built.assigned[seat.seat_id] = chosen
                seats[seat.seat_id] = SeatAssignment(categories[chosen[0]], quotas.get(chosen[1] or ""))
        layouts.append(LayoutBlock(block.zone, block.block, seats))
    seating_repository.save_layout_blocks(org, layout, layouts)
    spec = k.PerformanceSpec(
        event_id=event,
        hall_id=hall,
        layout_id=layout,
        code=f"P{tag}",
        starts_at=starts_at or _in_two_months(),
    )
    built.performance_id = _create(org, "performance", spec)
    return built


def open_in_process(built: Built, execution: str = "exec-1") -> dict:
    """Run the open-performance tasks in order, in this process, as the state machine would."""
    base = {"org_id": built.org_id, "performance_id": built.performance_id, "execution": execution}
    prepared = open_performance.handle({**base, "action": "prepare"})
    if prepared["already_open"]:
        return prepared
    ids = {name: prepared[name] for name in ("plan_id", "layout_id", "shards")}
    blocks = [
        open_performance.handle({**base, **ids, **block, "action": "write_block"})
        for block in prepared["blocks"]
    ]
    areas = open_performance.handle({**base, **ids, "action": "write_areas"})
    return open_performance.handle(
        {**base, "action": "finish", "started_at": "2026-11-01T10:00:00Z", "blocks": blocks, "areas": areas}
    )
