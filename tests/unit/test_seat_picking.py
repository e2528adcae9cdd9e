"""Best-available seat picking: together in a row, best rank, centre, wheelchair places, orphan seats."""

from __future__ import annotations

import pytest

from chalicelib.inventory.seat_picking import (
    NotEnoughSeats,
    OrphanRule,
    OrphanSeatsRefused,
    PickSeat,
    Spread,
    best_available,
    orphans_created,
)


def row(
    name: str,
    plan: str,
    *,
    rank: int | list[int | None] | None = 1,
    x: list[float] | None = None,
    block: str = "Stalls",
) -> list[PickSeat]:
    """A row from a plan read left to right: `.` free, `X` taken, `o` free of another category,
    `w` a free wheelchair place. Seats are numbered from 1 and named row + number ("A1")."""
    ranks = rank if isinstance(rank, list) else [rank] * len(plan)
    return [
        PickSeat(
            seat_id=f"{name}{number}",
            block=block,
            row=name,
            number=str(number),
            x=None if x is None else x[number - 1],
            y=None,
            rank=ranks[number - 1],
            accessible=mark == "w",
            category_id="c2" if mark == "o" else "c1",
            free=mark != "X",
        )
        for number, mark in enumerate(plan, start=1)
    ]


def pick(seats: list[PickSeat], quantity: int, **options) -> tuple[list[str], bool]:
    chosen = best_available(seats, "c1", quantity, **options)
    return chosen.seat_ids, chosen.adjacent


def test_seats_are_picked_together_in_one_row_rather_than_scattered_in_a_front_row():
    seats = row("A", ".X.X.X.X") + row("B", "X...X")

    assert pick(seats, 3) == (["B2", "B3", "B4"], True)


def test_the_best_ranked_run_wins_and_a_seat_without_rank_is_worst():
    seats = row("A", "....", rank=None) + row("B", "....", rank=2) + row("C", "....", rank=1)

    assert pick(seats, 2) == (["C2", "C3"], True)
    assert pick(row("A", "....", rank=None) + row("B", "....", rank=5), 2) == (["B2", "B3"], True)


def test_a_run_ranks_as_its_worst_seat():
    seats = row("A", "....", rank=[1, 1, 3, 3]) + row("B", "....", rank=2)

    assert pick(seats, 3) == (["B1", "B2", "B3"], True)


def test_the_run_nearest_the_centre_of_the_row_is_preferred():
    assert pick(row("A", "........"), 2) == (["A4", "A5"], True)


def test_the_centre_is_measured_on_the_plan_when_seats_have_positions():
    # An aisle after seat 6: the middle of the row is between seats 6 and 7, not seats 4 and 5.
    seats = row("A", "........", x=[0, 1, 2, 3, 4, 5, 20, 21])

    assert pick(seats, 2) == (["A6", "A7"], True)


def test_equal_runs_go_to_the_front_row_in_natural_order():
    seats = row("10", "....") + row("2", "....") + row("B", "....") + row("A", "....")

    assert pick(seats, 2) == (["22", "23"], True)  # row 2, seats 2 and 3
    assert pick(row("B", "....") + row("A", "...."), 2) == (["A2", "A3"], True)


def test_wheelchair_places_are_taken_only_when_asked_for_and_then_only_they():
    seats = row("A", "ww....")

    assert pick(seats, 2) == (["A3", "A4"], True)
    assert pick(seats, 2, accessible=True) == (["A1", "A2"], True)
    with pytest.raises(NotEnoughSeats) as raised:
        best_available(seats, "c1", 3, accessible=True)
    assert raised.value.available == 2


def test_a_run_leaving_a_single_seat_is_avoided_even_where_orphans_are_allowed():
    seats = row("A", "X...X", rank=1) + row("B", "....", rank=2)

    assert pick(seats, 2) == (["B2", "B3"], True)
    assert pick(seats, 2, rule=OrphanRule(always_allow=True)) == (["B2", "B3"], True)


def test_without_a_clean_run_orphans_are_avoided_by_splitting_the_group():
    seats = row("A", "X...X") + row("B", "X.X.X")  # B2 and B4 are alone already

    assert pick(seats, 2) == (["A2", "B2"], False)


def test_a_worse_ranked_seat_is_taken_rather_than_leaving_a_single_seat():
    seats = row("A", "X...X", rank=1) + row("B", "X.X.X", rank=2)

    assert pick(seats, 2) == (["A2", "B2"], False)


def test_a_channel_that_always_allows_orphans_keeps_the_group_together():
    seats = row("A", "X...X") + row("B", "X.X.X")

    assert pick(seats, 2, rule=OrphanRule(always_allow=True)) == (["A2", "A3"], True)


def test_orphans_are_allowed_once_free_seats_after_the_pick_fall_below_the_trigger():
    seats = row("A", "X...X") + row("B", "X.X.X")  # 5 free, 3 left after the pick

    assert pick(seats, 2, rule=OrphanRule(trigger=4)) == (["A2", "A3"], True)
    assert pick(seats, 2, rule=OrphanRule(trigger=3)) == (["A2", "B2"], False)


def test_a_pick_that_cannot_avoid_a_single_seat_is_refused_naming_it():
    with pytest.raises(OrphanSeatsRefused) as raised:
        best_available(row("A", "X...X"), "c1", 2)

    assert raised.value.seat_ids == ["A4"]


def test_a_group_split_across_rows_is_not_adjacent_and_leaves_no_single_seat():
    seats = row("A", "..XX") + row("B", "..XX")

    # B2 rather than B1: taking B1 would leave B2 alone between B1 and the taken B3.
    assert pick(seats, 3) == (["A1", "A2", "B2"], False)


def test_fewer_free_seats_of_the_category_than_asked_is_not_enough():
    with pytest.raises(NotEnoughSeats) as raised:
        best_available(row("A", "oo..X.X"), "c1", 4)

    assert raised.value.available == 3


def test_a_quantity_below_one_is_refused():
    with pytest.raises(ValueError):
        best_available(row("A", "...."), "c1", 0)


def test_seat_numbers_follow_natural_order_whatever_the_input_order():
    seats = list(reversed(row("A", "XXXXXXXX...X")))  # as text, "9" would sort after "11"

    assert pick(seats, 3) == (["A9", "A10", "A11"], True)


def test_a_taken_seat_in_the_middle_of_a_row_breaks_the_run():
    seats = row("A", "...X...", rank=1) + row("B", "....", rank=2)

    assert pick(seats, 4) == (["B1", "B2", "B3", "B4"], True)


def test_a_shoppers_middle_choice_leaves_one_seat_alone_on_each_side():
    assert orphans_created(row("A", "X.....X"), ["A3", "A4", "A5"]) == ["A2", "A6"]


def test_seats_at_the_ends_of_a_row_are_not_orphans():
    assert orphans_created(row("A", "......"), ["A2", "A3", "A4", "A5"]) == []
    assert orphans_created(row("A", "..X"), ["A2"]) == []


def test_a_seat_of_another_category_does_not_keep_a_seat_company():
    assert orphans_created(row("A", "o..."), ["A3"]) == ["A2"]


def test_only_seats_the_choice_leaves_alone_are_reported():
    seats = row("A", "X.o...") + row("B", "X.X")  # A2 and B2 are alone already

    assert orphans_created(seats, ["A5", "A6"]) == ["A4"]
    assert orphans_created(seats, ["A3"]) == []


def _hall(rows: int = 6, blocks: int = 8) -> list[PickSeat]:
    """Blocks of equal quality: the front row of each is as good as any other's."""
    return [
        seat._replace(seat_id=f"B{b}-{seat.seat_id}")
        for b in range(blocks)
        for r, name in enumerate("ABCDEFGH"[:rows])
        for seat in row(name, "." * 10, rank=r + 1, block=f"B{b}")
    ]


def test_instances_with_a_spread_choose_different_runs_among_the_best():
    seats = _hall()

    spreads = [Spread(salt, candidates=40) for salt in range(12)]  # 40 runs: all in the front rows
    picks = {tuple(best_available(seats, "c1", 2, spread=spread).seat_ids) for spread in spreads}

    assert len(picks) > 3  # without a spread every instance picks the same run
    assert len({tuple(best_available(seats, "c1", 2).seat_ids) for _ in range(3)}) == 1
    front = {s.seat_id for s in seats if s.row == "A"}
    assert all(set(pick) <= front for pick in picks), "a spread draws among the best runs only"


def test_an_instance_keeps_its_own_preference_and_leaves_rows_where_it_lost():
    seats = _hall()
    spread = Spread(7, candidates=40)
    first = best_available(seats, "c1", 2, spread=spread).seat_ids
    assert best_available(seats, "c1", 2, spread=spread).seat_ids == first

    lost_row = next(s for s in seats if s.seat_id == first[0])
    avoiding = Spread(7, candidates=40, avoid=frozenset({(lost_row.block, lost_row.row)}))
    again = best_available(seats, "c1", 2, spread=avoiding).seat_ids

    assert {s.block for s in seats if s.seat_id in again} != {lost_row.block}
