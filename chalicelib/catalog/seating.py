"""Seating plans and layouts as plain Python: seats in blocks, and each seat's category and quota."""

from __future__ import annotations

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
