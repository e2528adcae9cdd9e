"""The demo hall's seating plan, generated: a standing pit, curved stalls in three blocks, a balcony.

Coordinates are centimetres seen from above: the stage front is the line y = 0, x = 0 is the hall's
axis, and y grows away from the stage. Each row is an arc around a point behind the stage, so the
blocks fan out; aisles between blocks keep the same width in every row. The plan carries the
layout's columns too (seat category and quota codes), so one import makes the plan and its layout.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PIT_DEPTH = 900.0  # the standing pit between the stage and stalls row A pushes every row back this far
CURVE_CENTRE_Y = -3000.0 + PIT_DEPTH  # rows are arcs around (0, CURVE_CENTRE_Y)
SEAT_PITCH = 52.0  # seat width along the row
AISLE = 120.0  # between two blocks, along the row
BEST_SPOT_Y = 300.0 + PIT_DEPTH  # on the axis, at the front of the stalls: ranks grow with the distance to it
RANK_STEP = 50.0  # one rank per half-metre further from the best spot
ROW_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# The pit is where it is in the hall: from 1 m off the stage front, 16 m wide and 8 m deep (about 2.3
# people per square metre), ending about 2 m before the first seats of row A (whose arc curves towards it).
PIT = {
    "code": "PIT",
    "name": "Pit",
    "capacity": 300,
    "x": -800.0,
    "y": 100.0,
    "width": 1600.0,
    "height": 800.0,
}


@dataclass(frozen=True)
class Tier:
    """A zone of rows: three blocks per row (L, C, R), each row a little longer than the one before."""

    zone: str
    rows: int
    first_radius: float
    row_pitch: float
    centre_seats: Callable[[int], int]
    side_seats: Callable[[int], int]


TIERS = (
    Tier("STALLS", 24, 3250.0, 95.0, lambda row: 18 + row // 2, lambda row: 8 + row // 3),
    Tier("BALCONY", 8, 5800.0, 100.0, lambda row: 28 + row, lambda row: 12 + row // 2),
)


@dataclass(frozen=True)
class Seat:
    zone: str
    block: str
    row: int  # 0 is the front row of its zone
    number: int  # 1 is the leftmost seat of its block as the audience faces the stage
    seats_in_row: int  # of its block
    x: float
    y: float

    @property
    def row_label(self) -> str:
        return ROW_LABELS[self.row]

    @property
    def accessible(self) -> bool:
        """Wheelchair spaces: the back row of the stalls, beside the aisles (level access there)."""
        if self.zone != "STALLS" or self.row != TIERS[0].rows - 1:
            return False
        if self.block == "L":
            return self.number > self.seats_in_row - 3
        if self.block == "R":
            return self.number <= 3
        return self.number in (1, 2, self.seats_in_row - 1, self.seats_in_row)

    @property
    def rank(self) -> int:
        return 1 + round(math.hypot(self.x, self.y - BEST_SPOT_Y) / RANK_STEP)


def _row_seats(tier: Tier, row: int) -> list[Seat]:
    """A row's seats, left to right as the audience faces the stage, at their arc positions."""
    radius = tier.first_radius + row * tier.row_pitch
    centre, side = tier.centre_seats(row), tier.side_seats(row)
    half_centre = centre * SEAT_PITCH / 2
    # Arc positions of each seat's middle, measured from the axis along the row (negative: left).
    positions = {
        "L": [-(half_centre + AISLE + (side - n + 0.5) * SEAT_PITCH) for n in range(1, side + 1)],
        "C": [-half_centre + (n - 0.5) * SEAT_PITCH for n in range(1, centre + 1)],
        "R": [half_centre + AISLE + (n - 0.5) * SEAT_PITCH for n in range(1, side + 1)],
    }
    seats = []
    for block, arcs in positions.items():
        for number, arc in enumerate(arcs, start=1):
            angle = arc / radius
            x, y = radius * math.sin(angle), radius * math.cos(angle) + CURVE_CENTRE_Y
            seats.append(Seat(tier.zone, block, row, number, len(arcs), round(x, 1), round(y, 1)))
    return seats


def seats() -> list[Seat]:
    return [seat for tier in TIERS for row in range(tier.rows) for seat in _row_seats(tier, row)]


def category(seat: Seat) -> str:
    """Cat 1: the front half of the stalls' centre and the first rows beside it; Cat 3: the sides of
    the back and of the balcony; PMR: the wheelchair spaces."""
    if seat.accessible:
        return "PMR"
    if seat.zone == "STALLS":
        if seat.block == "C":
            return "CAT1" if seat.row < 16 else "CAT2"
        return "CAT1" if seat.row < 6 else "CAT2" if seat.row < 18 else "CAT3"
    return "CAT2" if seat.block == "C" and seat.row < 4 else "CAT3"


def quota(seat: Seat) -> str:
    """Most seats in general sale; house seats kept by the box office (stalls row H, centre); a
    section of the right stalls for groups; the back rows of the balcony's centre for the distributor."""
    if seat.accessible:
        return "GENERAL"
    if seat.zone == "STALLS" and seat.block == "C" and seat.row_label == "H":
        return "BOXOFFICE"
    if seat.zone == "STALLS" and seat.block == "R" and "N" <= seat.row_label <= "W":
        return "GROUPS"
    if seat.zone == "BALCONY" and seat.block == "C" and seat.row >= 5:
        return "DISTRIB"
    return "GENERAL"


# The pit's places per quota code (the layout's standing-area share).
PIT_QUOTAS = {"GENERAL": 220, "BOXOFFICE": 30, "DISTRIB": 50}


def document() -> dict[str, Any]:
    """The plan in the import's JSON shape, with the layout's category and quota codes per seat."""
    blocks: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for seat in seats():
        blocks.setdefault((seat.zone, seat.block), []).append(
            {
                "row": seat.row_label,
                "number": str(seat.number),
                "x": seat.x,
                "y": seat.y,
                "rank": seat.rank,
                "accessible": seat.accessible,
                "category": category(seat),
                "quota": quota(seat),
            }
        )
    return {
        "blocks": [{"zone": zone, "block": block, "seats": rows} for (zone, block), rows in blocks.items()]
    }


@dataclass(frozen=True)
class Figures:
    seats: int
    blocks: int
    accessible: int
    per_category: dict[str, int]
    per_quota: dict[str, int]


def figures() -> Figures:
    every = seats()
    return Figures(
        seats=len(every),
        blocks=len({(seat.zone, seat.block) for seat in every}),
        accessible=sum(seat.accessible for seat in every),
        per_category=dict(Counter(category(seat) for seat in every)),
        per_quota=dict(Counter(quota(seat) for seat in every)),
    )
