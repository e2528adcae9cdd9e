"""Seating plans and layouts as plain Python: seats in blocks, and each seat's category and quota."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanSeat:
    seat_id: str
    row: str
    number: str
    x: float
    y: float
    rank: int = 100  # lower is better; best-available takes the lowest ranks first
    accessible: bool = False

    def as_row(self) -> list:
        return [self.seat_id, self.row, self.number, self.x, self.y, self.rank, self.accessible]

    @classmethod
    def from_row(cls, row: list) -> PlanSeat:
        seat_id, row_label, number, x, y, rank, accessible = row
        return cls(seat_id, row_label, number, float(x), float(y), int(rank), bool(accessible))


@dataclass
class PlanBlock:
    zone: str
    block: str
    seats: list[PlanSeat] = field(default_factory=list)


@dataclass(frozen=True)
class SeatAssignment:
    seat_category_id: str
    quota_id: str | None = None


@dataclass
class LayoutBlock:
    zone: str
    block: str
    # seat_id -> its category and default quota; a seat missing here is not for sale
    seats: dict[str, SeatAssignment] = field(default_factory=dict)


BlockKey = tuple[str, str]  # (zone, block)


@dataclass(frozen=True)
class Selection:
    """Which seats of a plan: every seat; or by zone, block, rows and a range of numbers (every
    criterion given must hold; the range keeps seats whose number is a whole number); or a list of ids."""

    all: bool = False
    zone: str | None = None
    block: str | None = None
    rows: frozenset[str] | None = None
    from_number: int | None = None
    to_number: int | None = None
    seat_ids: tuple[str, ...] | None = None

    def matches(self, zone: str, block: str, seat: PlanSeat) -> bool:
        if (self.zone is not None and zone != self.zone) or (self.block is not None and block != self.block):
            return False
        if self.rows is not None and seat.row not in self.rows:
            return False
        if self.from_number is None and self.to_number is None:
            return True
        if not seat.number.isdigit():
            return False
        number = int(seat.number)
        low, high = self.from_number, self.to_number
        return (low is None or number >= low) and (high is None or number <= high)


def select(blocks: list[PlanBlock], selection: Selection) -> tuple[dict[BlockKey, list[str]], list[str]]:
    """The selected seat ids per block, and the listed ids that the plan does not have."""
    chosen: dict[BlockKey, list[str]] = {}
    if selection.seat_ids is not None:
        wanted = set(selection.seat_ids)
        for block in blocks:
            ids = [seat.seat_id for seat in block.seats if seat.seat_id in wanted]
            if ids:
                chosen[(block.zone, block.block)] = ids
        found = {seat for ids in chosen.values() for seat in ids}
        return chosen, [seat for seat in dict.fromkeys(selection.seat_ids) if seat not in found]
    for block in blocks:
        ids = [
            s.seat_id for s in block.seats if selection.all or selection.matches(block.zone, block.block, s)
        ]
        if ids:
            chosen[(block.zone, block.block)] = ids
    return chosen, []


@dataclass(frozen=True)
class AssignmentChange:
    """What to set on the selected seats. A field not set keeps each seat's value. Removing the
    category (set_category with None) unassigns the seat, quota included: it is no longer for sale.
    Removing the quota keeps the category: the seat goes back to the performance's general stock."""

    set_category: bool = False
    seat_category_id: str | None = None
    set_quota: bool = False
    quota_id: str | None = None

    def apply(self, current: SeatAssignment | None) -> SeatAssignment | None:
        if self.set_category and self.seat_category_id is None:
            return None
        category = self.seat_category_id if self.set_category else current and current.seat_category_id
        if category is None:
            return None
        quota = self.quota_id if self.set_quota else current and current.quota_id
        return SeatAssignment(category, quota)


@dataclass
class AssignmentResult:
    changed_blocks: list[LayoutBlock] = field(default_factory=list)
    changed: int = 0
    # seats a quota-only change skipped: they have no category, so they are not for sale
    skipped: int = 0
    # seat category id (None: unassigned) / quota id (None: for sale in no quota) -> seats gained or lost
    categories: Counter[str | None] = field(default_factory=Counter)
    quotas: Counter[str | None] = field(default_factory=Counter)


def assign(layout: list[LayoutBlock], chosen: dict[BlockKey, list[str]], change: AssignmentChange):
    """Apply `change` to the chosen seats of the layout's blocks (in place); what changed."""
    result = AssignmentResult()
    blocks = {(block.zone, block.block): block for block in layout}
    for key, seat_ids in chosen.items():
        block, touched = blocks.get(key) or LayoutBlock(*key), False
        for seat in seat_ids:
            old = block.seats.get(seat)
            if old is None and not change.set_category:
                result.skipped += 1
                continue
            new = change.apply(old)
            if new == old:
                continue
            if new is None:
                del block.seats[seat]
            else:
                block.seats[seat] = new
            result.changed, touched = result.changed + 1, True
            _count(result, old, -1)
            _count(result, new, +1)
        if touched:
            result.changed_blocks.append(block)
    return result


def _count(result: AssignmentResult, assignment: SeatAssignment | None, step: int) -> None:
    result.categories[assignment.seat_category_id if assignment else None] += step
    if assignment:  # quotas count seats for sale, as the layout summary does
        result.quotas[assignment.quota_id] += step


def layout_area_problems(
    plan_areas: list[dict], assignments: list[dict], known_quotas: set[str]
) -> list[dict[str, str]]:
    """A layout's standing areas: in its plan, once each, naming existing quotas within the capacity."""
    problems: list[dict[str, str]] = []
    capacity = {area["code"]: int(area["capacity"]) for area in plan_areas}
    seen: set[str] = set()
    for index, assignment in enumerate(assignments):
        where, code, quotas = f"areas[{index}]", assignment["area"], assignment["quotas"]
        if code not in capacity:
            problems.append(
                {"field": f"{where}.area", "reason": f"the seating plan has no standing area {code}"}
            )
        if code in seen:
            problems.append({"field": f"{where}.area", "reason": f"standing area {code} is assigned twice"})
        seen.add(code)
        for quota_id, places in quotas.items():
            if quota_id not in known_quotas:
                problems.append({"field": f"{where}.quotas.{quota_id}", "reason": f"no quota {quota_id}"})
            if places < 0:
                problems.append(
                    {"field": f"{where}.quotas.{quota_id}", "reason": "places cannot be negative"}
                )
        if code in capacity and sum(quotas.values()) > capacity[code]:
            reason = f"{sum(quotas.values()):,} places exceed the area's capacity of {capacity[code]:,}"
            problems.append({"field": f"{where}.quotas", "reason": reason})
    return problems
