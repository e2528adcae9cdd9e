"""Operators start workflows and read their run history."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.runs import service as runs
from chalicelib.workflows.catalogue import STATE_MACHINES
from tests.fixtures import ORG


@pytest.fixture
def restricted(api):
    from chalicelib.auth import service
    from chalicelib.auth.model import Role

    service.save_role(ORG, Role("watcher", {"workflows": ["read"]}), create=True)
    service.create_operator(ORG, "watcher", "Watcher", "watcher-password", ["watcher"])
    return api.login("watcher", "watcher-password")


def test_runs_are_listed_newest_first(api):
    runs.record_run("hold-cleanup", "first", "succeeded", "2026-11-01T10:00:00+00:00", {"seats_freed": 1})
    runs.record_run("hold-cleanup", "second", "failed", "2026-11-01T10:01:00+00:00", {}, error="Boom")

    listed = api.call("GET", "/backoffice/workflows/hold-cleanup/runs", token=api.login()).json_body

    assert [r["execution"] for r in listed] == ["second", "first"]
    assert listed[0]["error"] == "Boom"
    assert listed[1]["summary"] == {"seats_freed": 1}


def test_unknown_workflow_is_404(api):
    response = api.call("GET", "/backoffice/workflows/teleport/runs", token=api.login())

    assert response.status_code == 404
    assert response.json_body["details"]["known"] == [m.name for m in STATE_MACHINES]


def test_starting_a_workflow_needs_the_execute_right(api, restricted):
    assert api.call("GET", "/backoffice/workflows/hold-cleanup/runs", token=restricted).status_code == 200

    response = api.call("POST", "/backoffice/workflows/hold-cleanup/executions", token=restricted)

    assert response.status_code == 403
    assert response.json_body["details"] == {"right": "workflows:execute"}


def test_starting_a_workflow_starts_an_execution_of_its_state_machine(api):
    client = boto3.client("stepfunctions")
    client.create_state_machine(
        name="guichet-test-hold-cleanup",
        definition='{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
        roleArn="arn:aws:iam::123456789012:role/test",
    )

    response = api.call("POST", "/backoffice/workflows/hold-cleanup/executions", token=api.login())

    assert response.status_code == 202
    arn = response.json_body["execution_arn"]
    assert client.describe_execution(executionArn=arn)["stateMachineArn"].endswith(
        ":guichet-test-hold-cleanup"
    )


def test_workflows_are_listed_with_their_schedules(api):
    listed = api.call("GET", "/backoffice/workflows", token=api.login()).json_body

    assert [w["name"] for w in listed] == [m.name for m in STATE_MACHINES]
    assert listed[0] == {
        "name": "hold-cleanup",
        "title": "Hold clean-up",
        "description": STATE_MACHINES[0].description,
        "schedules": [{"name": "hold-cleanup-every-minute", "expression": "rate(1 minute)"}],
        "manual_start": True,
    }
    assert listed[1]["manual_start"] is False


def test_a_workflow_that_needs_input_is_not_started_bare(api):
    response = api.call("POST", "/backoffice/workflows/open-performance/executions", token=api.login())

    assert response.status_code == 409
    assert "performance" in response.json_body["message"]
