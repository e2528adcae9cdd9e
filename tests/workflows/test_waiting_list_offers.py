"""The waiting-list-offers state machine, run by moto's interpreter over the real ASL file."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from moto import mock_aws

from chalicelib import config
from chalicelib.auth import service as auth
from chalicelib.db.tables import TABLES, create_tables
from chalicelib.errors import TransientStoreError
from chalicelib.runs import service as runs
from chalicelib.waiting_list import model as m
from chalicelib.waiting_list import offers
from chalicelib.workflows import waiting_list_offers
from infra.local import workflows
from tests.service.test_waiting_list import ANN, BOB, CROWD, ORG, cat2, entry_of, give_back, join, sell_out
from tests.shop_world import build_world

PREFIX = "guichet-test-"
MACHINE = "waiting-list-offers"
FUNCTION = "waiting_list_offers"


@pytest.fixture
def run_machine():
    """This one state machine deployed on moto, its Lambda task dispatched to our handler."""
    config.reset()
    workflows.install_lambda_dispatch({FUNCTION: waiting_list_offers.handle}, PREFIX)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), workflows.fast_retries():
        for model in TABLES:
            model._connection = None
        create_tables(boto3.client("dynamodb"))
        auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password-1")
        session = boto3.Session()
        role = workflows._role(session.client("iam"), PREFIX)
        function = workflows._function(session.client("lambda"), PREFIX + FUNCTION, role)
        client = session.client("stepfunctions")
        asl = workflows.definition(MACHINE, {"WaitingListOffersFunctionArn": function})
        arn = workflows._state_machine(client, PREFIX + MACHINE, asl, role)

        def run() -> dict:
            started = client.start_execution(stateMachineArn=arn, name=f"test-{uuid.uuid4().hex}", input="{}")
            return workflows.wait_for_execution(client, started["executionArn"])

        yield run


def test_a_run_offers_returned_seats_and_a_second_run_changes_nothing(run_machine):
    world = build_world(rows=2, per_row=4, web={"waiting_list_offer_hours": 2})
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 2))
    join(world, BOB, cat2(world, 2))
    give_back(crowd, CROWD, world.seat("L", "B", 1), world.seat("L", "B", 2))

    first, second = run_machine(), run_machine()

    assert first["status"] == second["status"] == "SUCCEEDED", first
    assert entry_of(world, ANN).status == m.OFFERED and entry_of(world, BOB).status == m.WAITING
    newest, oldest = runs.list_runs(MACHINE)
    assert oldest.summary == {
        "lists_visited": 1,
        "lists_failed": 0,
        "offered": 1,
        "seats_offered": 2,
        "bought": 0,
        "lapsed": 0,
        "closed": 0,
        "erased": 0,
    }
    assert newest.summary["offered"] == newest.summary["seats_offered"] == 0
    assert json.loads(second["output"])["summary"]["lists_visited"] == 1


def test_a_list_that_fails_is_counted_and_the_others_are_still_visited(run_machine, monkeypatch):
    world = build_world(rows=2, per_row=4)
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 1))
    give_back(crowd, CROWD, world.seat("L", "B", 1))
    real_lists, real_visit = offers.live_lists, offers.visit

    def broken(org_id: str, performance_id: str) -> dict:
        if performance_id == "broken":
            raise TransientStoreError("DynamoDB is busy")
        return real_visit(org_id, performance_id)

    monkeypatch.setattr(
        offers, "live_lists", lambda: [{"org_id": ORG, "performance_id": "broken"}, *real_lists()]
    )
    monkeypatch.setattr(offers, "visit", broken)

    execution = run_machine()

    assert execution["status"] == "SUCCEEDED", execution
    [run] = runs.list_runs(MACHINE)
    assert (run.summary["lists_visited"], run.summary["lists_failed"], run.summary["offered"]) == (2, 1, 1)
    assert entry_of(world, ANN).status == m.OFFERED
