"""The demo hall's standing pit is placed by the plan's own coordinates, between the stage and row A."""

from __future__ import annotations

from chalicelib.catalog import kinds as k
from infra.local import demo_plan

SEAT_RADIUS = demo_plan.SEAT_PITCH / 2


def test_the_pit_is_placed_by_coordinates_the_plan_accepts():
    area = k.StandingArea.model_validate(demo_plan.PIT)

    assert (area.x, area.y, area.width, area.height) == (-800.0, 100.0, 1600.0, 800.0)


def test_the_pit_lies_between_the_stage_and_stalls_row_a():
    pit = demo_plan.PIT
    left, right = pit["x"], pit["x"] + pit["width"]
    row_a = [s for s in demo_plan.seats() if s.zone == "STALLS" and s.row_label == "A"]
    facing = [s for s in row_a if left - SEAT_RADIUS <= s.x <= right + SEAT_RADIUS]

    assert pit["y"] > 0  # behind the stage front (y = 0)
    assert facing and pit["y"] + pit["height"] < min(s.y for s in facing) - SEAT_RADIUS


def test_no_seat_stands_in_the_pit():
    pit = demo_plan.PIT
    inside = [
        s
        for s in demo_plan.seats()
        if pit["x"] - SEAT_RADIUS <= s.x <= pit["x"] + pit["width"] + SEAT_RADIUS
        and pit["y"] - SEAT_RADIUS <= s.y <= pit["y"] + pit["height"] + SEAT_RADIUS
    ]

    assert inside == []


def test_the_rows_pushed_back_for_the_pit_still_rank_best_at_the_front_centre():
    # The ranks measure the distance to the best spot, which moved back with the rows.
    every = demo_plan.seats()
    row_a = [s for s in every if s.zone == "STALLS" and s.row_label == "A"]
    front_centre = min(row_a, key=lambda s: abs(s.x))

    assert front_centre.rank == min(s.rank for s in every)
    assert max(s.rank for s in row_a) < max(s.rank for s in every if s.zone == "BALCONY")
