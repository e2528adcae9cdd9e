"""The hold clean-up's release is idempotent when many processes release the same hold at once."""

from __future__ import annotations

from chalicelib.db.holds import HOLD_EXPIRED
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD
from chalicelib.inventory import service as inventory
from tests.integration.processes import WORKERS, most_workers_in_flight, run_workers
from tests.integration.seating import ORG, all_holds, all_seats, make_seats, place_expired_hold

ROUNDS = 4


def test_concurrent_releases_of_one_expired_hold_end_it_once_and_free_its_seats_exactly_once(store):
    """Odd rounds release a hold whose seats a later buyer already took: only the hold's own
    condition then stops a second release, as no seat condition is left to fail."""
    holds, buyers = [], {}
    for n in range(ROUNDS):
        seats = make_seats(f"perf-{n}", 2 + n % 3)
        holds.append(place_expired_hold(f"perf-{n}", seats))
        if n % 2:
            buyers[n] = inventory.place_hold(ORG, f"perf-{n}", "cart-new", seats, 600)
    payload = {"hold_ids": [h.hold_id for h in holds], "seats": [(s.pk, s.sk) for s in holds[0].seats]}

    reports = run_workers("tests.integration.workers:release_same_hold", store.env, payload)

    calls = [(worker, call) for worker, report in enumerate(reports) for call in report]
    stored, seats = all_holds(), all_seats()
    for number, hold in enumerate(holds):
        outcomes = [call for _, call in calls if call[0] == number]
        assert len(outcomes) == WORKERS
        assert [c for c in outcomes if c[1] == "conflict"] == [], outcomes
        assert [c[1] for c in outcomes].count(True) == 1, f"the hold did not end exactly once: {outcomes}"
        expected_freed = 0 if number in buyers else len(hold.seats)
        assert sum(c[2] for c in outcomes) == expected_freed, outcomes
        assert {c[3] for c in outcomes if c[1] is False} <= {f"already {HOLD_EXPIRED}"}, outcomes
        assert (stored[hold.hold_id].status, stored[hold.hold_id].expiry_shard) == (HOLD_EXPIRED, None)
        owner = buyers[number].hold_id if number in buyers else None
        expected = (SEAT_HELD, owner) if owner else (SEAT_FREE, None)
        assert {(seats[ref].status, seats[ref].hold_id) for ref in hold.seats} == {expected}
    assert inventory.find_expired_holds(limit=100) == []
    timings = [(worker, call[4], call[5]) for worker, call in calls]
    assert most_workers_in_flight(timings) >= 2, "the releases never overlapped"
