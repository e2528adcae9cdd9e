"""Holds on seats: all or nothing, expiry in the write condition, release that can be repeated."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest

from chalicelib import clock
from chalicelib.db.holds import HOLD_ACTIVE, HOLD_EXPIRED, KEEP_ENDED_HOLD_SECONDS, HoldItem, hold_pk
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD, SeatItem, seat_pk, seat_sk
from chalicelib.errors import Conflict, InvalidInput, SeatUnavailable
from chalicelib.inventory import service
from chalicelib.inventory.model import SeatRef

PERF = "perf-1"


def seats(aws, count: int = 4) -> list[SeatRef]:
    refs = []
    for n in range(count):
        seat_id = f"B-2-{n}"
        item = SeatItem(seat_pk(PERF, seat_id, 4), seat_sk(seat_id), performance_id=PERF, seat_id=seat_id)
        item.save()
        refs.append(SeatRef(item.pk, item.sk))
    return refs


def status(ref: SeatRef) -> tuple[str, str | None]:
    item = SeatItem.get(ref.pk, ref.sk)
    return item.status, item.hold_id


@pytest.fixture
def at():
    """Stand the clock at a moment, then at another: at(1_000) ... at(1_061)."""
    with contextlib.ExitStack() as stack:
        yield lambda moment: stack.enter_context(clock.at(moment))


def test_hold_marks_every_seat_held_by_it(aws):
    refs = seats(aws)

    hold = service.place_hold("demo", PERF, "cart-1", refs[:2], timeout_seconds=600)

    assert [status(r) for r in refs] == [(SEAT_HELD, hold.hold_id)] * 2 + [(SEAT_FREE, None)] * 2


def test_hold_on_a_taken_seat_holds_nothing_and_writes_nothing(aws):
    refs = seats(aws)
    first = service.place_hold("demo", PERF, "cart-1", refs[1:2], timeout_seconds=600)

    with pytest.raises(Conflict):
        service.place_hold("demo", PERF, "cart-2", refs[:3], timeout_seconds=600)

    assert [status(r) for r in refs[:3]] == [(SEAT_FREE, None), (SEAT_HELD, first.hold_id), (SEAT_FREE, None)]
    assert [h.hold_id for h in HoldItem.scan()] == [first.hold_id]


def test_hold_on_a_seat_that_does_not_exist_fails(aws):
    with pytest.raises(Conflict):
        service.place_hold("demo", PERF, "cart-1", [SeatRef("PERF#perf-1#0", "SEAT#ghost")], 600)


def test_seats_of_an_expired_hold_go_to_the_next_buyer_before_any_cleanup(aws, at):
    refs = seats(aws, 2)
    at(1_000)
    service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=60)
    at(1_061)

    second = service.place_hold("demo", PERF, "cart-2", refs, timeout_seconds=60)

    assert [status(r) for r in refs] == [(SEAT_HELD, second.hold_id)] * 2


def test_a_live_hold_cannot_be_taken_over(aws, at):
    refs = seats(aws, 1)
    at(1_000)
    service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=60)
    at(1_059)

    with pytest.raises(Conflict):
        service.place_hold("demo", PERF, "cart-2", refs, timeout_seconds=60)


def test_release_frees_only_the_seats_the_hold_still_has(aws, at):
    refs = seats(aws, 3)
    at(1_000)
    old = service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=60)
    at(1_100)
    new = service.place_hold("demo", PERF, "cart-2", refs[:1], timeout_seconds=600)

    outcome = service.release_expired_hold(old.hold_id, now=1_100)

    assert (outcome.released, outcome.seats_freed) == (True, 2)
    assert [status(r) for r in refs] == [(SEAT_HELD, new.hold_id), (SEAT_FREE, None), (SEAT_FREE, None)]
    assert HoldItem.get(hold_pk(old.hold_id)).status == HOLD_EXPIRED


def test_releasing_twice_changes_nothing_the_second_time(aws, at):
    refs = seats(aws, 2)
    at(1_000)
    hold = service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=60)

    first = service.release_expired_hold(hold.hold_id, now=2_000)
    second = service.release_expired_hold(hold.hold_id, now=2_000)

    assert (first.released, second.released, second.reason) == (True, False, "already expired")


def test_a_hold_not_yet_expired_is_not_released(aws):
    refs = seats(aws, 1)
    hold = service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=600)

    outcome = service.release_expired_hold(hold.hold_id)

    assert (outcome.released, outcome.reason) == (False, "not expired yet")
    assert HoldItem.get(hold_pk(hold.hold_id)).status == HOLD_ACTIVE


def test_expired_holds_are_found_through_the_index_and_ended_ones_are_not(aws, at):
    refs = seats(aws, 3)
    at(1_000)
    ended = service.place_hold("demo", PERF, "c1", refs[:1], timeout_seconds=60)
    waiting = service.place_hold("demo", PERF, "c2", refs[1:2], timeout_seconds=60)
    service.place_hold("demo", PERF, "c3", refs[2:], timeout_seconds=10_000)
    service.release_expired_hold(ended.hold_id, now=2_000)

    assert service.find_expired_holds(limit=10, now=2_000) == [waiting.hold_id]
    assert service.find_expired_holds(limit=10, now=1_030) == []


def test_unknown_hold_release_says_so(aws):
    assert service.release_expired_hold("nope").reason == "unknown hold"


@pytest.mark.parametrize("count", [0, 100])
def test_a_hold_takes_one_to_ninety_nine_seats(aws, count):
    refs = [SeatRef(f"PERF#{PERF}#S0", f"SEAT#{n}") for n in range(count)]

    with pytest.raises(InvalidInput):
        service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=600)


def test_the_same_seat_twice_in_one_hold_is_refused(aws):
    refs = seats(aws, 1)

    with pytest.raises(InvalidInput):
        service.place_hold("demo", PERF, "cart-1", refs + refs, timeout_seconds=600)


def test_a_refused_hold_names_the_seats_that_were_not_free(aws):
    refs = seats(aws, 3)
    service.place_hold("demo", PERF, "cart-1", refs[1:2], timeout_seconds=600)

    with pytest.raises(SeatUnavailable) as refused:
        service.place_hold("demo", PERF, "cart-2", refs, timeout_seconds=600)

    assert refused.value.details["seats"] == ["B-2-1"]


def purge_at(hold_id: str):
    return HoldItem.get(hold_pk(hold_id), consistent_read=True).purge_at


def test_a_live_hold_has_no_purge_time_and_ending_it_sets_one_a_week_on(aws, at):
    refs = seats(aws, 2)
    at(1_000_000)
    hold = service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=600)
    assert purge_at(hold.hold_id) is None

    service.release_hold(hold.hold_id)

    assert purge_at(hold.hold_id).timestamp() == 1_000_000 + KEEP_ENDED_HOLD_SECONDS


def test_a_sold_hold_keeps_no_purge_time_until_its_order_gives_it_back(aws, at):
    refs = seats(aws, 1)
    at(1_000_000)
    hold = service.place_hold("demo", PERF, "cart-1", refs, timeout_seconds=600)

    service.sell_hold(hold.hold_id, "order-1")
    assert purge_at(hold.hold_id) is None
    assert service.return_sold_hold(hold.hold_id, "order-1")

    assert purge_at(hold.hold_id) is not None and status(refs[0]) == (SEAT_FREE, None)


@pytest.mark.parametrize("change", ["extend", "sell"])
def test_a_purge_time_written_by_the_old_version_goes_when_the_hold_is_extended_or_sold(aws, change):
    hold = service.place_hold("demo", PERF, "cart-1", seats(aws, 1), timeout_seconds=600)
    old = HoldItem.get(hold_pk(hold.hold_id))
    old.update(actions=[HoldItem.purge_at.set(datetime.fromtimestamp(hold.expires_at + 7 * 86400, tz=UTC))])
    assert purge_at(hold.hold_id) is not None

    if change == "extend":
        service.extend_hold(hold, hold.expires_at + 20 * 86400, "order-1")
    else:
        service.sell_hold(hold.hold_id, "order-1")

    assert purge_at(hold.hold_id) is None
