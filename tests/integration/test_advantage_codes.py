"""Eight processes on DynamoDB Local: one single-use code gives one order, a quota of 3 gives 3 tickets."""

from __future__ import annotations

from chalicelib.advantages import codes, service
from chalicelib.advantages.model import PUT_IN_OPERATION, AdvantageSpec, CodeState
from tests.integration.processes import WORKERS, most_workers_in_flight, run_workers

ORG = "demo"
WORKERS_MODULE = "tests.integration.advantage_workers"


def live_advantage(target: str, quota: int | None = None) -> str:
    spec = AdvantageSpec(
        season_id="S2026",
        event_ids=["EV1"],
        prices=[{"audience_subcategory_id": "FULL", "rule": {"kind": "percent_off", "value": 50}}],
        public_name="Half price",
        target={"type": target},
        quota=quota,
    )
    advantage = service.create_advantage(ORG, spec)
    service.change_advantage_state(ORG, advantage.advantage_id, PUT_IN_OPERATION, 1)
    return advantage.advantage_id


def test_eight_buyers_racing_for_one_single_use_code_give_exactly_one_use(store):
    advantage_id = live_advantage("single_use_codes")
    code = codes.generate_codes(ORG, advantage_id, 1).codes[0]

    payload = {"advantage_id": advantage_id, "code": code}
    outcomes = run_workers(f"{WORKERS_MODULE}:use_the_code", store.env, payload)

    winners = [n for n, outcome in enumerate(outcomes) if outcome[0] == "used"]
    assert len(winners) == 1, outcomes
    assert {outcome[1] for outcome in outcomes if outcome[0] == "refused"} <= {"used", "in_another_cart"}
    calls = [(n, started, finished) for n, (_, _, started, finished) in enumerate(outcomes)]
    assert most_workers_in_flight(calls) > 1, "no contention, the test proved nothing"
    stored = codes.list_codes(ORG, advantage_id)[0][0]
    assert (stored.state, stored.order_id) == (CodeState.USED, f"order-{winners[0]}")


def test_eight_buyers_racing_for_a_quota_of_three_get_exactly_three_tickets(store):
    advantage_id = live_advantage("general_public", quota=3)

    payload = {"advantage_id": advantage_id, "attempts": 2}
    reports = run_workers(f"{WORKERS_MODULE}:take_tickets", store.env, payload)

    taken = [ok for report in reports for ok, _, _ in report if ok]
    assert len(taken) == 3
    assert sum(len(report) for report in reports) == WORKERS * 2
    calls = [(n, started, finished) for n, report in enumerate(reports) for _, started, finished in report]
    assert most_workers_in_flight(calls) > 1, "no contention, the test proved nothing"
    assert service.quota_taken(ORG, advantage_id) == 3
