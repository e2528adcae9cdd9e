"""The option-expiry state machine, run by moto's interpreter over the real ASL file."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.options import model as m
from chalicelib.options import service as options
from chalicelib.options.service import LineIn, RequestIn
from chalicelib.runs import service as runs
from tests.service.test_options import activity_settings, held_by
from tests.shop_world import build_world

ORG = "demo"


def placed_option(count: int = 2):
    world = build_world()
    activity_settings(world, options_allowed=True, options_count_against_availability=True)
    contact = catalog.create(ORG, "contact", k.ContactSpec(code="A", name="A", email="a@l.example")).id
    request = RequestIn(world.performance_id, {world.category("CAT2"): count})
    option = options.request_for_contact(ORG, "admin", contact, request)
    return options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), count)])


def test_lapsed_options_expire_their_seats_return_and_a_rerun_changes_nothing(sfn, monkeypatch):
    option = placed_option()
    live = options.request_for_contact(
        ORG, "admin", option.contact_id, RequestIn(option.performance_id, {option.placed[0].category_id: 1})
    )
    with clock.at(option.deadline + 1):
        first = sfn.run("option-expiry")
        second = sfn.run("option-expiry")

    assert first["status"] == second["status"] == "SUCCEEDED"
    assert options.get(ORG, option.option_id).state == m.EXPIRED and held_by(option.option_id) == []
    assert options.get(ORG, live.option_id).state == m.REQUESTED  # its deadline is the performance's
    assert json.loads(first["output"])["summary"] == {"options_found": 1, "options_expired": 1}
    assert json.loads(second["output"])["summary"] == {"options_found": 0, "options_expired": 0}
    assert [r.status for r in runs.list_runs("option-expiry")] == ["succeeded", "succeeded"]


def test_a_throttled_index_query_is_retried(sfn, monkeypatch):
    option = placed_option()
    throttled = {"left": 1}

    def throttle_once(**kwargs):
        if throttled["left"] and kwargs.get("params", {}).get("IndexName") == "open-by-deadline":
            throttled["left"] -= 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "Query")

    from chalicelib.db.options import OptionsTable

    client = OptionsTable._get_connection().connection.client
    client.meta.events.register("before-parameter-build.dynamodb.Query", throttle_once)
    try:
        with clock.at(option.deadline + 1):
            execution = sfn.run("option-expiry")
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb.Query", throttle_once)

    assert execution["status"] == "SUCCEEDED" and throttled["left"] == 0
    failures = [e for e in sfn.history(execution["executionArn"]) if e["type"] == "LambdaFunctionFailed"]
    assert [e["lambdaFunctionFailedEventDetails"]["error"] for e in failures] == ["TransientStoreError"]
    assert options.get(ORG, option.option_id).state == m.EXPIRED
