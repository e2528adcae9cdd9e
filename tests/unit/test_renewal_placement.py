"""Where a renewal puts a subscriber: their own seat, else their contact's preferred seats, else the best
seats of their category, else not renewed."""

from __future__ import annotations

import pytest

from chalicelib.season_tickets.renewal_plan import NotRenewable, Wanted, placed


class View:
    """The stock as a renewal sees it: one layout, the free seats of each category."""

    def __init__(self, free: dict[str, set[str]], best: list[str]) -> None:
        self.free_seats, self.best_seats = free, best

    def layout(self, performance_id: str) -> str:
        return "same-layout"

    def free(self, performance_id: str, seat_id: str, category_id: str, now: int) -> bool:
        return seat_id in self.free_seats.get(category_id, set())

    def best(self, performance_id, category_id, quantity, spare) -> list[str]:
        found = [s for s in self.best_seats if (performance_id, s) not in spare]
        return found[:quantity] if len(found) >= quantity else []


def wanted(*seats: str) -> list[Wanted]:
    return [Wanted("L1", "OLD", tuple(seats), "NEW", "CAT2", 2700, len(seats))]


def test_the_own_seat_comes_first():
    view = View({"CAT2": {"A1", "A2", "B5"}}, ["B5"])
    assert [(p.seat_ids, p.kept) for p in placed(view, wanted("A1"), same_only=False, preferred=("A2",))] == [
        (("A1",), "same_seat")
    ]


def test_a_taken_seat_gives_the_contacts_first_free_preferred_seats_before_the_best():
    view = View({"CAT2": {"A3", "A4", "B5", "B6"}}, ["B5", "B6"])
    found = placed(view, wanted("A1", "A2"), same_only=False, preferred=("A9", "A3", "A4"))
    assert [(p.seat_ids, p.kept) for p in found] == [(("A3", "A4"), "preferred_seat")]


def test_without_enough_preferred_seats_free_the_best_of_the_category():
    view = View({"CAT2": {"A3", "B5", "B6"}}, ["B5", "B6"])
    found = placed(view, wanted("A1", "A2"), same_only=False, preferred=("A3", "A4"))
    assert [(p.seat_ids, p.kept) for p in found] == [(("B5", "B6"), "best_in_category")]


def test_a_preferred_seat_another_subscriber_keeps_is_left_to_them():
    view = View({"CAT2": {"A3", "B5"}}, ["B5"])
    found = placed(view, wanted("A1"), same_only=False, spare={("NEW", "A3")}, preferred=("A3",))
    assert [(p.seat_ids, p.kept) for p in found] == [(("B5",), "best_in_category")]


def test_the_first_pass_takes_only_own_seats_and_a_full_category_is_not_renewed():
    view = View({"CAT2": set()}, [])
    assert placed(view, wanted("A1"), same_only=True, preferred=("A3",)) is None
    with pytest.raises(NotRenewable) as refused:
        placed(view, wanted("A1"), same_only=False, preferred=("A3",))
    assert refused.value.reason == "no_seat_in_category"
