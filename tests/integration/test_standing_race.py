"""Eight processes racing for a standing area on DynamoDB Local: no buyer gets a 5xx, and every place
is free, held or sold, exactly once."""

from __future__ import annotations

import random

import pytest

from chalicelib.auth import service as auth
from chalicelib.catalog import service as catalog
from chalicelib.db import stock as stock_db
from chalicelib.db.holds import HOLD_ACTIVE, HOLD_CONVERTED, HoldItem
from chalicelib.db.stock import AreaCounterItem
from tests.integration.conftest import use_environment
from tests.integration.processes import run_workers
from tests.integration.shop_workers import ORG
from tests.shop_world import build_world

SECRET = "integration-secret-that-is-long-enough-for-hs256"
NO_AWS = "http://127.0.0.1:9"  # SES fails at once on a closed port; the email is recorded as failed
PIT = 40
PER_COUNTER = 8  # the pit's web places in 5 sub-counters, so that holds can spread over them


def pit_counters() -> list[AreaCounterItem]:
    return list(AreaCounterItem.scan(AreaCounterItem.sk.startswith("AREA#"), consistent_read=True))


@pytest.fixture
def standing_env(store, monkeypatch) -> dict[str, str]:
    env = {**store.env, "GUICHET_TOKEN_SECRET": SECRET, "GUICHET_AWS_ENDPOINT": NO_AWS}
    use_environment(monkeypatch, env)
    auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")
    return env


def test_buyers_racing_for_standing_places_get_no_5xx_and_every_place_is_counted_once(
    standing_env, monkeypatch
):
    monkeypatch.setattr(stock_db, "AREA_COUNTER_PLACES", PER_COUNTER)
    world = build_world(pit=PIT, rows=1, per_row=4, web={"max_tickets_per_buyer": 10})
    counters = pit_counters()
    quota = counters[0].quota_id
    assert len(counters) == PIT // PER_COUNTER
    payload = {
        "performance_id": world.performance_id,
        "shards": int(catalog.get(ORG, "performance", world.performance_id).state["shards"]),
        "quota": quota,
        "buyers": 40,
        "seed": random.randrange(1_000_000),
    }

    reports = run_workers(
        "tests.integration.standing_workers:hold_standing_until_sold_out", standing_env, payload
    )

    answers: dict[int, int] = {}
    for report in reports:
        for status, count in report.items():
            answers[status] = answers.get(status, 0) + count
    context = f"seed={payload['seed']}, answers={answers}"
    assert set(answers) <= {201, 409}, context
    assert answers.get(201, 0) > 0, context
    free = sum(int(c.free) for c in pit_counters())
    holds = [h for h in HoldItem.scan(consistent_read=True) if h.performance_id == world.performance_id]
    held = sum(int(a.quantity) for h in holds if h.status == HOLD_ACTIVE for a in h.areas or [])
    sold = sum(int(a.quantity) for h in holds if h.status == HOLD_CONVERTED for a in h.areas or [])
    assert min(int(c.free) for c in pit_counters()) >= 0, context
    assert free + held + sold == PIT, f"free {free} + held {held} + sold {sold}; {context}"
