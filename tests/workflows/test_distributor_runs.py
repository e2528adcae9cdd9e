"""The distributor-run state machine, run by moto's interpreter over the real ASL file: a run's batches
in a Map, a batch that keeps failing retried then recorded as a technical error while the others go
on, a run started by its schedule's input (and skipped while another run is on)."""

from __future__ import annotations

import json
import threading
import uuid

import boto3
import pytest
from moto import mock_aws

from chalicelib import config
from chalicelib.auth import service as auth
from chalicelib.db.tables import TABLES, create_tables
from chalicelib.distributors import run_functions, runs, schedules
from chalicelib.distributors.categories import TechnicalError
from chalicelib.distributors.run_model import BatchOutcome, Function, RunParameters
from chalicelib.runs import service as workflow_runs
from chalicelib.workflows import catalogue, distributor_runs
from infra.local import workflows
from tests.service.test_distributor_runs import ORG, alert_emails, make_interface
from tests.workflows.conftest import PREFIX

MACHINE = "distributor-run"
FUNCTION = "distributor_runs"
ENTRY = catalogue.StateMachine(
    name=MACHINE,
    functions={"DistributorRunsFunctionArn": FUNCTION},
    title="Distributor run",
    description="A run of a distributor interface's function.",
    manual_start=False,
)


class Machine:
    def __init__(self, client, arn: str) -> None:
        self.client, self.arn = client, arn

    def wait(self, run_id: str | None = None, execution_arn: str | None = None) -> dict:
        arn = execution_arn or f"{self.arn.replace(':stateMachine:', ':execution:')}:drun-{run_id}"
        return workflows.wait_for_execution(self.client, arn, 120)

    def start(self, payload: dict) -> dict:
        started = self.client.start_execution(
            stateMachineArn=self.arn, name=f"test-{uuid.uuid4().hex}", input=json.dumps(payload)
        )
        return workflows.wait_for_execution(self.client, started["executionArn"], 120)


@pytest.fixture
def machine(monkeypatch):
    """This one state machine on moto, its tasks dispatched to our handler one at a time (moto's
    in-memory tables are not thread-safe; on AWS each task is its own Lambda invocation)."""
    if all(m.name != MACHINE for m in catalogue.STATE_MACHINES):  # until the catalogue names it
        monkeypatch.setattr(catalogue, "STATE_MACHINES", (*catalogue.STATE_MACHINES, ENTRY))
    config.reset()
    one_at_a_time = threading.Lock()

    def serialised(event, context):
        with one_at_a_time:
            return distributor_runs.handle(event, context)

    workflows.install_lambda_dispatch({FUNCTION: serialised}, PREFIX)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), workflows.fast_retries():
        for model in TABLES:
            model._connection = None
        create_tables(boto3.client("dynamodb"))
        region = boto3.session.Session().region_name
        boto3.client("s3").create_bucket(
            Bucket=config.settings().files_bucket, CreateBucketConfiguration={"LocationConstraint": region}
        )
        auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password-1")
        session = boto3.Session()
        role = workflows._role(session.client("iam"), PREFIX)
        function = workflows._function(session.client("lambda"), PREFIX + FUNCTION, role)
        client = session.client("stepfunctions")
        asl = workflows.definition(MACHINE, {"DistributorRunsFunctionArn": function})
        arn = workflows._state_machine(client, PREFIX + MACHINE, asl, role)
        assert arn == config.settings().state_machine_arn_prefix + MACHINE
        yield Machine(client, arn)


@pytest.fixture
def flaky(monkeypatch):
    """An export whose batches holding "P2" time out every time."""
    calls: list[list[str]] = []

    def work(org_id, interface, batch):
        calls.append(list(batch["performance_ids"]))
        if "P2" in batch["performance_ids"]:
            raise TechnicalError("The distributor timed out")
        return BatchOutcome.of({"performances": len(batch["performance_ids"]), "places": 4}, [])

    monkeypatch.setitem(run_functions.WORK, Function.ALLOTMENT_EXPORT, work)
    monkeypatch.setattr(run_functions, "before_batches", lambda *args: None)
    return calls


def test_a_batch_that_keeps_failing_is_retried_then_recorded_and_the_other_batches_go_on(machine, flaky):
    interface_id = make_interface()
    params = RunParameters(performance_ids=["P1", "P2", "P3"], batch_size=1)

    run = runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, params, "admin")
    execution = machine.wait(run.run_id)

    assert execution["status"] == "SUCCEEDED", execution
    assert sorted(map(tuple, flaky)) == [("P1",), ("P2",), ("P2",), ("P2",), ("P2",), ("P3",)]  # 3 retries
    done = runs.get(ORG, run.run_id)
    assert (done.status, done.counts, done.batches) == (
        "partly_failed",
        {"performances": 2, "places": 8},
        {"total": 3, "failed": 1},
    )
    assert done.errors_by_category == {"technical": 1}
    assert done.first_error["message"] == "Batch 00001 failed: TechnicalError: The distributor timed out"
    assert done.execution_arn == execution["executionArn"]
    assert [r.status for r in workflow_runs.list_runs(MACHINE, ORG)] == ["partly_failed"]
    assert alert_emails() == [("distributor_run_failing", "ops@example.org")]
    again = runs.again(ORG, run.run_id, "admin")
    assert machine.wait(again.run_id)["status"] == "SUCCEEDED"
    assert runs.get(ORG, again.run_id).status == "partly_failed"
    assert len(alert_emails()) == 1  # still failing: no second email


def test_a_run_whose_begin_fails_is_recorded_failed_and_its_lock_given_back(machine, monkeypatch):
    interface_id = make_interface()

    def broken(*args):
        raise ValueError("no catalog today")

    monkeypatch.setattr(run_functions, "plan", broken)
    run = runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(), "admin")

    assert machine.wait(run.run_id)["status"] == "FAILED"
    done = runs.get(ORG, run.run_id)
    assert done.status == "failed" and done.first_error == {
        "category": "technical",
        "message": "ValueError: no catalog today",
    }
    monkeypatch.undo()
    monkeypatch.setattr(run_functions, "plan", lambda *args: ([], 1))
    if all(m.name != MACHINE for m in catalogue.STATE_MACHINES):
        monkeypatch.setattr(catalogue, "STATE_MACHINES", (*catalogue.STATE_MACHINES, ENTRY))
    next_run = runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(), "admin")
    assert machine.wait(next_run.run_id)["status"] == "SUCCEEDED"
    assert runs.get(ORG, next_run.run_id).status == "succeeded"


def test_a_schedule_starts_its_run_with_its_parameters_and_is_skipped_while_a_run_is_on(
    machine, flaky, monkeypatch
):
    interface_id = make_interface()
    spec = schedules.ScheduleSpec(
        function="allotment_export", every=15, unit="minutes", performance_ids=["P1", "P3"], batch_size=2
    )
    schedule = schedules.create(ORG, interface_id, spec)
    stored = boto3.client("scheduler").get_schedule(Name=schedule.name, GroupName=schedules.group_name())
    payload = json.loads(stored["Target"]["Input"])
    assert stored["Target"]["Arn"] == machine.arn

    first = machine.start(payload)
    monkeypatch.setattr(workflow_runs, "start_workflow", lambda *args, **kwargs: "not started")
    held = runs.start(
        ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P9"]), "admin"
    )
    second = machine.start(payload)

    assert first["status"] == second["status"] == "SUCCEEDED"
    skipped, manual, scheduled = runs.history(ORG, interface_id)
    assert manual.run_id == held.run_id
    assert (scheduled.trigger, scheduled.schedule_id, scheduled.status) == (
        "schedule",
        schedule.schedule_id,
        "succeeded",
    )
    assert scheduled.parameters == {"performance_ids": ["P1", "P3"], "batch_size": 2}
    assert scheduled.counts == {"performances": 2, "places": 4}
    assert (skipped.status, skipped.trigger) == ("skipped", "schedule")
    assert [r.status for r in workflow_runs.list_runs(MACHINE, ORG)] == ["skipped", "succeeded"]
