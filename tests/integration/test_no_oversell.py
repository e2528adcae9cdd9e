"""No seat is ever held twice, with eight processes racing on DynamoDB Local's real transactions."""

from __future__ import annotations

import random
from collections import Counter

from chalicelib.db.holds import HOLD_ACTIVE, HOLD_EXPIRED
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import SeatRef
from tests.integration.processes import most_workers_in_flight, run_workers
from tests.integration.seating import all_holds, all_seats, make_seats, place_expired_hold, seats_of

CAPACITY = 30
ROUNDS = 2
RELEASE_ROUNDS = 6


def as_keys(seats: list[SeatRef]) -> list[tuple[str, str]]:
    return [(seat.pk, seat.sk) for seat in seats]


def test_racing_buyers_never_hold_a_seat_twice_and_failed_attempts_leave_nothing(store):
    seed = random.randrange(1_000_000)
    rounds = [(f"perf-{n}", as_keys(make_seats(f"perf-{n}", CAPACITY))) for n in range(ROUNDS)]
    payload = {"seed": seed, "rounds": rounds, "attempts_per_round": 8, "round_seconds": 2.5}

    reports = run_workers("tests.integration.workers:hold_random_seats", store.env, payload)

    calls = [(worker, call) for worker, report in enumerate(reports) for call in report]
    held = {call[1]: call for _, call in calls if call[0] == "held"}
    refused = [call for _, call in calls if call[0] == "refused"]
    context = f"seed={seed}, {len(held)} held, {len(refused)} refused"
    times_held = Counter(seat for call in held.values() for seat in call[3])
    assert max(times_held.values()) == 1, f"a seat was given to two holds: {context}"

    holds = all_holds()
    assert set(holds) == set(held), f"hold items differ from the successful attempts: {context}"
    for hold_id, item in holds.items():
        assert item.status == HOLD_ACTIVE
        assert seats_of(item) == set(held[hold_id][3])

    seats = all_seats()
    assert len(seats) == CAPACITY * ROUNDS
    marked_held = {ref for ref, seat in seats.items() if seat.status == SEAT_HELD}
    assert marked_held == set(times_held), f"held seats differ from the successful holds: {context}"
    for ref, seat in seats.items():
        if ref in marked_held:
            assert ref in held[seat.hold_id][3], f"{ref} points to a hold that does not list it: {context}"
            assert seat.hold_expires_at == held[seat.hold_id][2]
        else:
            assert (seat.status, seat.hold_id, seat.hold_expires_at) == (SEAT_FREE, None, None)
    for performance_id, _ in rounds:
        statuses = Counter(s.status for s in seats.values() if s.performance_id == performance_id)
        assert statuses[SEAT_HELD] + statuses[SEAT_FREE] == CAPACITY
    assert held and refused, f"no contention, the test proved nothing: {context}"
    timings = [(worker, call[-2], call[-1]) for worker, call in calls]
    assert most_workers_in_flight(timings) >= 2, f"the processes never overlapped: {context}"


def test_releasing_an_expired_hold_never_frees_seats_a_new_buyer_took_meanwhile(store):
    seed = random.randrange(1_000_000)
    rounds = []
    for n in range(RELEASE_ROUNDS):
        seats = make_seats(f"perf-{n}", 4)
        rounds.append((f"perf-{n}", place_expired_hold(f"perf-{n}", seats).hold_id, as_keys(seats)))

    reports = run_workers(
        "tests.integration.workers:release_or_buy", store.env, {"seed": seed, "rounds": rounds}
    )

    # A releaser that kept losing to buyers gives up with Conflict; the clean-up's next run finishes.
    settled = [inventory.release_expired_hold(old_hold_id) for _, old_hold_id, _ in rounds]
    calls = [call for report in reports for call in report]
    seats, holds = all_seats(), all_holds()
    for number, (_, old_hold_id, keys) in enumerate(rounds):
        round_calls = [call for call in calls if call[0] == number]
        context = f"seed={seed}, round {number}: {round_calls}, then {settled[number]}"
        new_holds = {call[2]: set(call[3]) for call in round_calls if call[1] == "held"}
        taken = Counter(seat for group in new_holds.values() for seat in group)
        assert max(taken.values(), default=1) == 1, f"a seat was given to two new holds: {context}"
        for ref in (SeatRef(pk, sk) for pk, sk in keys):
            owner = next((hold_id for hold_id, group in new_holds.items() if ref in group), None)
            expected = (SEAT_HELD, owner) if owner else (SEAT_FREE, None)
            assert (seats[ref].status, seats[ref].hold_id) == expected, f"{ref}: {context}"
        assert (holds[old_hold_id].status, holds[old_hold_id].expiry_shard) == (HOLD_EXPIRED, None), context
        releases = [(c[2], c[3]) for c in round_calls if c[1] == "released"]
        releases.append((settled[number].released, settled[number].seats_freed))
        assert [released for released, _ in releases].count(True) == 1, f"not ended once: {context}"
        # A seat nobody bought was freed by the release; no seat is freed twice.
        freed = sum(seats_freed for _, seats_freed in releases)
        assert len(keys) - len(taken) <= freed <= len(keys), context
    assert any(call[1] == "held" for call in calls), f"seed={seed}: no buyer got an expired hold's seats"
