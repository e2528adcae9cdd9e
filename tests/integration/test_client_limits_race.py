"""Per-client limits under racing processes on DynamoDB Local: a new counter, a lapsed one started
again, and a rate's fixed window each grant exactly their cap, never more."""

from __future__ import annotations

from chalicelib.auth import limits
from chalicelib.db import limits as counters
from tests.integration import limit_workers as w
from tests.integration.processes import WORKERS, most_workers_in_flight, run_workers

START = 1_800_000_000  # a multiple of the rate's 600 s: both rounds in windows of their own
MOMENTS = [START, START + w.WINDOW + 60]  # the second round finds the places counter lapsed


def test_racing_processes_get_exactly_the_cap_of_a_new_a_lapsed_and_a_rate_counter(store):
    reports = run_workers(f"{w.__name__}:take_places_and_rate", store.env, {"moments": MOMENTS})

    calls = [(worker, call) for worker, report in enumerate(reports) for call in report]
    cap = w.BUYER_CAP * limits.PLACES_PER_ADDRESS_FACTOR
    for number, moment in enumerate(MOMENTS):
        places = [c[2] for _, c in calls if c[:2] == (number, "places")]
        rate = [c[2] for _, c in calls if c[:2] == (number, "rate")]
        assert (len(places), places.count(True)) == (WORKERS, cap // 2), places
        assert (len(rate), rate.count(True)) == (2 * WORKERS, w.RATE[0]), rate
        counted = counters.read("RACE#ip", f"{w.ADDRESS}#{moment // w.RATE[1]}")
        assert counted is not None and int(counted.taken) == w.RATE[0]
    for pk in (f"PLACES#buyer#{w.OWNER}", f"PLACES#ip#{w.ADDRESS}"):
        assert int(counters.read(pk, w.PERFORMANCE).taken) == cap  # the second round's, started again
    timings = [(worker, c[3], c[4]) for worker, c in calls if c[1] == "places"]
    assert most_workers_in_flight(timings) >= 2, "no contention, the test proved nothing"
