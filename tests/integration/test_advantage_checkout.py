"""Eight buyers on DynamoDB Local checking out with an advantage at once: a quota of 3 gives exactly 3
orders (the others are told which quota), and one single-use code gives exactly one order."""

from __future__ import annotations

import pytest

from chalicelib.advantages import codes, offers, service
from chalicelib.advantages.model import PUT_IN_OPERATION, AdvantageSpec, CodeState
from chalicelib.auth import service as auth
from chalicelib.catalog import service as catalog
from chalicelib.sales import repository
from tests.integration.conftest import use_environment
from tests.integration.processes import WORKERS, most_workers_in_flight, run_workers
from tests.shop_world import World, build_world

ORG = "demo"
MODULE = "tests.integration.advantage_checkout_workers"
SECRET = "integration-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def world(store, monkeypatch) -> tuple[World, dict[str, str]]:
    env = {**store.env, "GUICHET_TOKEN_SECRET": SECRET, "GUICHET_AWS_ENDPOINT": "http://127.0.0.1:9"}
    use_environment(monkeypatch, env)
    auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")
    offers.forget()
    return build_world(rows=1, per_row=4, pit=WORKERS + 2), env


def live_advantage(world: World, target: str, quota: int | None = None) -> str:
    event_id = catalog.get(ORG, "performance", world.performance_id).data["event_id"]
    spec = AdvantageSpec(
        season_id="S2026",
        event_ids=[event_id],
        prices=[{"audience_subcategory_id": world.young, "rule": {"kind": "percent_off", "value": 50}}],
        public_name="Half price",
        target={"type": target},
        quota=quota,
    )
    advantage = service.create_advantage(ORG, spec)
    service.change_advantage_state(ORG, advantage.advantage_id, PUT_IN_OPERATION, 1)
    return advantage.advantage_id


def _payload(world: World, advantage_id: str, **more) -> dict:
    return {
        "performance_id": world.performance_id,
        "young": world.young,
        "advantage_id": advantage_id,
        **more,
    }


def test_eight_checkouts_on_a_quota_of_three_make_exactly_three_orders_with_it(world):
    world, env = world
    advantage_id = live_advantage(world, "general_public", quota=3)

    outcomes = run_workers(f"{MODULE}:check_out_with_the_advantage", env, _payload(world, advantage_id))

    ordered = [detail for outcome, detail, _, _ in outcomes if outcome == "ordered"]
    assert len(ordered) == 3, outcomes
    refused = [detail for outcome, detail, _, _ in outcomes if outcome != "ordered"]
    assert refused == [[{"reason": "quota_reached", "advantage_id": advantage_id}]] * (WORKERS - 3), outcomes
    assert service.quota_taken(ORG, advantage_id) == 3
    for order_id in ordered:
        [line] = repository.get_order(order_id).lines
        assert (line.advantage_id, line.original_price, line.unit_price) == (advantage_id, 1000, 500)
    calls = [(n, started, finished) for n, (_, _, started, finished) in enumerate(outcomes)]
    assert most_workers_in_flight(calls) > 1, "no contention, the test proved nothing"


def test_eight_buyers_entering_one_single_use_code_make_exactly_one_order_with_it(world):
    world, env = world
    advantage_id = live_advantage(world, "single_use_codes")
    code = codes.generate_codes(ORG, advantage_id, 1).codes[0]

    outcomes = run_workers(
        f"{MODULE}:enter_the_code_and_check_out", env, _payload(world, advantage_id, code=code)
    )

    ordered = [detail for outcome, detail, _, _ in outcomes if outcome == "ordered"]
    assert len(ordered) == 1, outcomes
    assert {detail for outcome, detail, _, _ in outcomes if outcome == "refused"} <= {
        "in_another_cart",
        "used",
    }
    stored = codes.list_codes(ORG, advantage_id)[0][0]
    assert (stored.state, stored.order_id) == (CodeState.USED, ordered[0])
    assert repository.get_order(ordered[0]).lines[0].code == code
    calls = [(n, started, finished) for n, (_, _, started, finished) in enumerate(outcomes)]
    assert most_workers_in_flight(calls) > 1, "no contention, the test proved nothing"
