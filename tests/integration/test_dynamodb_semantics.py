"""What the hold code relies on from DynamoDB itself, checked on AWS's own engine, one call at a time."""

from __future__ import annotations

import time

import pytest

from chalicelib.db.holds import HOLD_ACTIVE, HOLD_EXPIRED, expiry_shard
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.inventory import service as inventory
from tests.integration.seating import (
    ORG,
    all_holds,
    all_seats,
    make_seats,
    missing_seat,
    place_expired_hold,
)

PERFORMANCE = "perf-1"


def test_expiry_index_returns_only_active_holds_past_their_expiry(store):
    seats = make_seats(PERFORMANCE, 12)
    expired = {place_expired_hold(PERFORMANCE, [seat]).hold_id for seat in seats[:6]}
    ended = [place_expired_hold(PERFORMANCE, [seat]).hold_id for seat in seats[6:9]]
    live = [inventory.place_hold(ORG, PERFORMANCE, "cart", [seat], 600).hold_id for seat in seats[9:]]
    for hold_id in ended:
        assert inventory.release_expired_hold(hold_id).released

    found = inventory.find_expired_holds(limit=100)

    assert sorted(found) == sorted(expired)
    assert len({expiry_shard(hold_id) for hold_id in expired}) > 1, "all in one shard: the query spans none"
    stored = all_holds()
    assert {stored[h].status for h in ended} == {HOLD_EXPIRED}
    assert {stored[h].status for h in live} == {HOLD_ACTIVE}


def test_expiry_index_sees_a_hold_the_moment_its_expiry_passes_and_honours_the_limit(store):
    seats = make_seats(PERFORMANCE, 5)
    holds = [inventory.place_hold(ORG, PERFORMANCE, "cart", [seat], 600) for seat in seats]
    now = int(time.time())

    assert inventory.find_expired_holds(limit=100, now=now) == []
    later = inventory.find_expired_holds(limit=100, now=now + 600)
    assert sorted(later) == sorted(hold.hold_id for hold in holds)
    assert len(inventory.find_expired_holds(limit=3, now=now + 600)) == 3


def test_hold_on_a_seat_that_does_not_exist_fails_and_writes_nothing(store):
    [seat] = make_seats(PERFORMANCE, 1)
    ghost = missing_seat(PERFORMANCE, "Z-99")

    with pytest.raises(Conflict):
        inventory.place_hold(ORG, PERFORMANCE, "cart", [seat, ghost], 600)

    assert all_holds() == {}
    assert list(all_seats()) == [seat], "the update must not create the missing seat"
    assert all_seats()[seat].status == SEAT_FREE


def test_hold_on_a_seat_of_a_live_hold_fails_and_writes_nothing(store):
    seats = make_seats(PERFORMANCE, 3)
    first = inventory.place_hold(ORG, PERFORMANCE, "cart-1", seats[:2], 600)

    with pytest.raises(Conflict):
        inventory.place_hold(ORG, PERFORMANCE, "cart-2", seats[1:], 600)

    assert list(all_holds()) == [first.hold_id]
    stored = all_seats()
    assert [stored[s].hold_id for s in seats] == [first.hold_id, first.hold_id, None]
    assert stored[seats[2]].status == SEAT_FREE


def test_expired_hold_seats_go_to_the_next_buyer_before_any_cleanup(store):
    seats = make_seats(PERFORMANCE, 3)
    old = place_expired_hold(PERFORMANCE, seats)

    new = inventory.place_hold(ORG, PERFORMANCE, "cart-new", seats[:2], 600)

    stored = all_seats()
    assert [(stored[s].status, stored[s].hold_id) for s in seats] == [
        (SEAT_HELD, new.hold_id),
        (SEAT_HELD, new.hold_id),
        (SEAT_HELD, old.hold_id),
    ]
    outcome = inventory.release_expired_hold(old.hold_id)
    assert (outcome.released, outcome.seats_freed) == (True, 1)
    stored = all_seats()
    assert [stored[s].hold_id for s in seats] == [new.hold_id, new.hold_id, None]
    assert all_holds()[old.hold_id].status == HOLD_EXPIRED


def test_release_of_a_hold_not_yet_expired_changes_nothing(store):
    seats = make_seats(PERFORMANCE, 2)
    hold = inventory.place_hold(ORG, PERFORMANCE, "cart", seats, 600)

    outcome = inventory.release_expired_hold(hold.hold_id)

    assert (outcome.released, outcome.reason) == (False, "not expired yet")
    assert all_holds()[hold.hold_id].status == HOLD_ACTIVE
    assert {all_seats()[s].status for s in seats} == {SEAT_HELD}


def test_hold_too_large_for_one_transaction_is_refused_with_a_domain_error_and_writes_nothing(store):
    seats = make_seats(PERFORMANCE, 100)

    with pytest.raises(InvalidInput):
        inventory.place_hold(ORG, PERFORMANCE, "cart", seats, 600)

    assert all_holds() == {}
    assert {seat.status for seat in all_seats().values()} == {SEAT_FREE}
