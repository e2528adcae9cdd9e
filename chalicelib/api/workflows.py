"""Back-office routes for workflows: start one now, read its run history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.errors import Conflict, NotFound
from chalicelib.runs import service as runs
from chalicelib.workflows.catalogue import SCHEDULES, STATE_MACHINES, state_machine

api = Api(__name__, tag="back-office: workflows")
blueprint = api.blueprint


class RunsQuery(Body):
    limit: int = Field(default=50, ge=1, le=200)
    status: Literal["succeeded", "failed"] | None = None


class RunOut(Out):
    workflow: str
    execution: str
    status: str
    started_at: datetime
    finished_at: datetime
    summary: dict[str, Any]
    error: str | None
    cause: str | None


class ScheduleOut(Out):
    name: str
    expression: str


class WorkflowOut(Out):
    name: str
    title: str
    description: str
    schedules: list[ScheduleOut]
    manual_start: bool


class ExecutionOut(Out):
    workflow: str
    execution_arn: str


def _check_known(name: str) -> None:
    known = [machine.name for machine in STATE_MACHINES]
    if name not in known:
        raise NotFound(f"No workflow named {name}", {"name": name, "known": known})


@api.route(
    "/backoffice/workflows",
    summary="The workflows and the schedules that start them",
    auth=Right("workflows", "read"),
    response=list[WorkflowOut],
)
def list_workflows(caller: OperatorCaller) -> list[WorkflowOut]:
    return [
        WorkflowOut(
            name=machine.name,
            title=machine.title,
            description=machine.description,
            manual_start=machine.manual_start,
            schedules=[
                ScheduleOut(name=s.name, expression=s.expression)
                for s in SCHEDULES
                if s.state_machine == machine.name
            ],
        )
        for machine in STATE_MACHINES
    ]


@api.route(
    "/backoffice/workflows/{name}/runs",
    summary="A workflow's runs, newest first: those over every organisation and those about the caller's "
    "(status=failed: its failures only)",
    auth=Right("workflows", "read"),
    query=RunsQuery,
    response=list[RunOut],
)
def list_runs(caller: OperatorCaller, name: str, query: RunsQuery) -> list[RunOut]:
    _check_known(name)
    found = runs.runs_seen_by(caller.org_id, name, limit=query.limit, status=query.status)
    return [RunOut(**{k: v for k, v in vars(run).items() if k != "scope"}) for run in found]


@api.route(
    "/backoffice/workflows/{name}/executions",
    "POST",
    summary="Start a workflow now",
    auth=Right("workflows", "execute"),
    response=ExecutionOut,
    status=202,
)
def start(caller: OperatorCaller, name: str) -> ExecutionOut:
    _check_known(name)
    if not state_machine(name).manual_start:
        raise Conflict(
            f"{name} is started from what it works on (e.g. a performance's Open for sale)", {"name": name}
        )
    return ExecutionOut(workflow=name, execution_arn=runs.start_workflow(name))
