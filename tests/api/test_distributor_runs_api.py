"""Runs and schedules of distributor interfaces over HTTP: run now (202) and 409 run_in_progress, the
history per interface and for all, one run, run again; schedules made, changed and deleted in EventBridge
Scheduler; refusals naming the field; each route behind its `distributors` right."""

from __future__ import annotations

import dataclasses
import json

import boto3
import pytest

from app import app
from chalicelib import config
from chalicelib.api import distributor_runs
from chalicelib.distributors import schedules
from chalicelib.runs import service as workflow_runs
from tests.api.test_customers_api import operator_with
from tests.service.test_distributor_runs import make_interface

BASE = "/backoffice/distributors"

if not any(path.startswith(BASE + "/runs") for path in app.routes):  # until app.py registers the blueprint
    app.register_blueprint(distributor_runs.blueprint)


@pytest.fixture
def world(api, monkeypatch):
    started: list[dict] = []

    def start_workflow(name, payload=None, execution=None):
        started.append(payload)
        return f"arn:aws:states:eu-west-1:123456789012:execution:guichet-test-{name}:{execution}"

    monkeypatch.setattr(workflow_runs, "start_workflow", start_workflow)
    return {"admin": api.login(), "interface": make_interface(), "started": started}


def runs_of(interface_id: str) -> str:
    return f"{BASE}/interfaces/{interface_id}/runs"


def test_run_now_answers_202_then_409_while_it_runs_and_the_history_shows_it(api, world):
    admin, interface_id = world["admin"], world["interface"]
    body = {"function": "allotment_export", "performance_ids": ["P1"], "batch_size": 10}

    first = api.call("POST", runs_of(interface_id), body, token=admin)
    second = api.call("POST", runs_of(interface_id), body, token=admin)
    counts = api.call("POST", runs_of(interface_id), {"function": "counts"}, token=admin)

    assert first.status_code == 202, first.json_body
    run = first.json_body
    assert (run["status"], run["function"], run["parameters"], run["by"]) == (
        "queued",
        "allotment_export",
        {"performance_ids": ["P1"], "batch_size": 10},
        "admin",
    )
    assert second.status_code == 409
    assert second.json_body["details"] == {
        "reason": "run_in_progress",
        "function": "allotment_export",
        "run_id": run["run_id"],
    }
    assert counts.status_code == 202
    listed = api.call("GET", runs_of(interface_id), token=admin).json_body
    everything = api.call("GET", f"{BASE}/runs", token=admin).json_body
    one = api.call("GET", f"{BASE}/runs/{run['run_id']}", token=admin).json_body
    assert [r["function"] for r in listed["items"]] == ["counts", "allotment_export"]
    assert [r["run_id"] for r in everything["items"]] == [r["run_id"] for r in listed["items"]]
    assert (one["errors_by_category"], one["first_error"], one["errors"]) == ({}, None, [])
    assert api.call("GET", f"{BASE}/runs/nope", token=admin).status_code == 404


def test_run_again_while_the_first_is_on_is_refused_then_starts_a_new_run_with_the_same_parameters(
    api, world
):
    from chalicelib.distributors import run_store, runs

    admin, interface_id = world["admin"], world["interface"]
    body = {"function": "counts", "event_id": "EV1", "window": {"days_before": 30}}
    run = api.call("POST", runs_of(interface_id), body, token=admin).json_body

    busy = api.call("POST", f"{BASE}/runs/{run['run_id']}/again", token=admin)
    stored = run_store.get("demo", run["run_id"])
    runs.fail("demo", stored.run_id, {"Error": "TechnicalError", "Cause": "down"})
    again = api.call("POST", f"{BASE}/runs/{run['run_id']}/again", token=admin)

    assert busy.status_code == 409 and busy.json_body["details"]["reason"] == "run_in_progress"
    assert again.status_code == 202
    assert (
        again.json_body["parameters"]
        == run["parameters"]
        == {"event_id": "EV1", "window": {"days_before": 30}}
    )
    assert (again.json_body["trigger"], again.json_body["again_of"]) == ("again", run["run_id"])
    failed = api.call("GET", f"{BASE}/runs/{run['run_id']}", token=admin).json_body
    assert failed["status"] == "failed"
    assert failed["first_error"] == {"category": "technical", "message": "TechnicalError: down"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"function": "export"}, "function"),
        ({"function": "counts", "batch_size": 0}, "batch_size"),
        ({"function": "counts", "batch_size": 1001}, "batch_size"),
        ({"function": "counts", "window": {"from_date": "2027-02-01", "to_date": "2027-01-01"}}, "window"),
        ({"function": "counts", "window": {"from_date": "2027-02-01", "days_before": 3}}, "window"),
        ({"function": "counts", "surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_refused_naming_the_field(api, world, body, field):
    refused = api.call("POST", runs_of(world["interface"]), body, token=world["admin"])

    assert refused.status_code == 422
    assert refused.json_body["details"]["fields"][0]["field"] == field
    assert world["started"] == []


def test_a_file_for_a_function_that_takes_none_is_refused_naming_file_key(api, world):
    body = {"function": "allotment_export", "file_key": "distributors/demo/x/inbox/sales.csv"}
    refused = api.call("POST", runs_of(world["interface"]), body, token=world["admin"])

    assert refused.status_code == 422 and refused.json_body["details"]["field"] == "file_key"


@pytest.mark.parametrize(
    "extra",
    [
        {"event_id": "E1"},
        {"performance_ids": ["P1"]},
        {"window": {"days_before": 3, "days_after": 0}},
    ],
)
@pytest.mark.parametrize("schedule", [False, True])
def test_a_sales_reintegration_with_a_filter_is_refused_naming_it_since_it_would_leave_sales_behind(
    api, world, extra, schedule
):
    url = f"{BASE}/interfaces/{world['interface']}/" + ("schedules" if schedule else "runs")
    body = {"function": "sales_reintegration", **extra}
    if schedule:
        body.update(every=1, unit="hours")

    refused = api.call("POST", url, body, token=world["admin"])

    assert refused.status_code == 422, refused.json_body
    assert refused.json_body["details"] == {"field": next(iter(extra)), "reason": "not_taken"}
    assert world["started"] == []


def test_schedules_are_made_changed_and_deleted_in_eventbridge_scheduler(api, world):
    admin, interface_id = world["admin"], world["interface"]
    url = f"{BASE}/interfaces/{interface_id}/schedules"
    body = {
        "function": "sales_reintegration",
        "name": "Every quarter of an hour",
        "every": 15,
        "unit": "minutes",
        "next_start": "2030-01-01T08:00:00Z",
        "batch_size": 200,
    }
    scheduler = boto3.client("scheduler")

    made = api.call("POST", url, body, token=admin)
    assert made.status_code == 201, made.json_body
    schedule = made.json_body
    name, group = f"{interface_id}-{schedule['id']}", schedules.group_name()
    stored = scheduler.get_schedule(Name=name, GroupName=group)
    assert group == "guichet-test-distributors"
    assert (stored["ScheduleExpression"], stored["State"]) == ("rate(15 minutes)", "ENABLED")
    assert stored["Target"]["Arn"].endswith(":stateMachine:guichet-test-distributor-run")
    assert json.loads(stored["Target"]["Input"]) == {
        "org_id": "demo",
        "interface_id": interface_id,
        "schedule_id": schedule["id"],
    }
    assert stored["StartDate"].isoformat().startswith("2030-01-01T08:00:00")

    changed = api.call(
        "PUT", f"{url}/{schedule['id']}", {**body, "every": 1, "unit": "hours", "enabled": False}, token=admin
    )
    assert changed.status_code == 200 and changed.json_body["version"] == 2
    stored = scheduler.get_schedule(Name=name, GroupName=group)
    assert (stored["ScheduleExpression"], stored["State"]) == ("rate(1 hour)", "DISABLED")
    stale = api.call("PUT", f"{url}/{schedule['id']}?version=1", body, token=admin)
    assert stale.status_code == 409
    assert [s["expression"] for s in api.call("GET", url, token=admin).json_body["items"]] == ["rate(1 hour)"]

    assert api.call("DELETE", f"{url}/{schedule['id']}", token=admin).status_code == 204
    assert scheduler.list_schedules(GroupName=group)["Schedules"] == []
    assert api.call("GET", url, token=admin).json_body["items"] == []


def test_a_bad_schedule_is_refused_naming_the_field(api, world):
    url = f"{BASE}/interfaces/{world['interface']}/schedules"
    base = {"function": "counts", "every": 5, "unit": "minutes"}
    for body, field in (
        ({**base, "every": 0}, "every"),
        ({**base, "unit": "weeks"}, "unit"),
        ({**base, "function": "nothing"}, "function"),
        ({**base, "batch_size": 5000}, "batch_size"),
    ):
        refused = api.call("POST", url, body, token=world["admin"])
        assert refused.status_code == 422
        assert refused.json_body["details"]["fields"][0]["field"] == field


def test_a_past_next_start_moves_on_to_the_next_time_to_come():
    from datetime import UTC, datetime

    spec = schedules.ScheduleSpec(function="counts", every=1, unit="hours", next_start="2026-12-03T08:30:00Z")
    now = datetime(2026, 12, 3, 17, 10, tzinfo=UTC)
    assert schedules.next_start(spec, now) == datetime(2026, 12, 3, 17, 30, tzinfo=UTC)


def test_each_route_needs_its_distributors_right(api, world):
    admin, interface_id = world["admin"], world["interface"]
    reader = operator_with(api, admin, "reader", {"distributors": ["read"]})
    stranger = operator_with(api, admin, "stranger", {"catalog": ["read"]})
    run = api.call("POST", runs_of(interface_id), {"function": "counts"}, token=admin).json_body
    schedule_url = f"{BASE}/interfaces/{interface_id}/schedules"
    schedule = {"function": "counts", "every": 5, "unit": "minutes"}

    assert api.call("GET", runs_of(interface_id), token=stranger).status_code == 403
    assert api.call("GET", f"{BASE}/runs", token=stranger).status_code == 403
    assert api.call("GET", f"{BASE}/runs/{run['run_id']}", token=stranger).status_code == 403
    assert api.call("GET", schedule_url, token=stranger).status_code == 403
    assert api.call("GET", runs_of(interface_id), token=reader).status_code == 200
    assert api.call("GET", schedule_url, token=reader).status_code == 200
    assert api.call("POST", runs_of(interface_id), {"function": "counts"}, token=reader).status_code == 403
    assert api.call("POST", f"{BASE}/runs/{run['run_id']}/again", token=reader).status_code == 403
    assert api.call("POST", schedule_url, schedule, token=reader).status_code == 403
    assert api.call("PUT", f"{schedule_url}/x", schedule, token=reader).status_code == 403
    assert api.call("DELETE", f"{schedule_url}/x", token=reader).status_code == 403
    assert len(world["started"]) == 1


def test_a_schedule_leaves_a_run_it_could_not_start_in_the_stacks_dead_letter_queue(api, world, monkeypatch):
    queue = "arn:aws:sqs:eu-west-1:123456789012:guichet-test-schedule-dead-letters"
    stack = dataclasses.replace(config.settings(), schedule_dead_letters_arn=queue)
    monkeypatch.setattr(schedules, "settings", lambda: stack)
    url = f"{BASE}/interfaces/{world['interface']}/schedules"
    body = {"function": "counts", "every": 1, "unit": "days", "next_start": "2030-01-01T08:00:00Z"}

    made = api.call("POST", url, body, token=world["admin"])

    assert made.status_code == 201, made.json_body
    name = f"{world['interface']}-{made.json_body['id']}"
    stored = boto3.client("scheduler").get_schedule(Name=name, GroupName=schedules.group_name())
    assert stored["Target"]["DeadLetterConfig"] == {"Arn": queue}
