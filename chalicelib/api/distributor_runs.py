"""Runs of distributor interfaces' functions and their schedules over HTTP (rights area `distributors`):
run now (202; 409 `run_in_progress` while one of the function runs), the history per interface and for
all, one run with its errors by category and its first error, run again; schedules listed, created,
replaced and deleted (mirrored to EventBridge Scheduler)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.distributors import runs, schedules
from chalicelib.distributors.model import Ref
from chalicelib.distributors.run_model import Function, Run, RunParameters, Window
from chalicelib.distributors.schedules import ScheduleSpec

api = Api(__name__, tag="distributors")
blueprint = api.blueprint

READ, CREATE = Right("distributors", "read"), Right("distributors", "create")
MODIFY, DELETE = Right("distributors", "modify"), Right("distributors", "delete")
EXECUTE = Right("distributors", "execute")  # run a function now, run a run again
INTERFACE = "/backoffice/distributors/interfaces/{interface_id}"
INTERFACE_RUNS = INTERFACE + "/runs"
RUNS = "/backoffice/distributors/runs"
RUN = RUNS + "/{run_id}"
SCHEDULES = INTERFACE + "/schedules"
SCHEDULE = SCHEDULES + "/{schedule_id}"


class RunIn(Body):
    function: Function
    performance_ids: list[Ref] | None = Field(default=None, max_length=500)
    event_id: Ref | None = None
    window: Window | None = None
    batch_size: int | None = Field(default=None, ge=1, le=1000)
    file_key: str | None = Field(default=None, min_length=1, max_length=500)

    def parameters(self) -> RunParameters:
        return RunParameters.model_validate(self.model_dump(exclude={"function"}, exclude_none=True))


class RunOut(Out):
    run_id: str
    interface_id: str
    function: Function
    parameters: dict[str, Any]
    status: str = Field(description="queued, running, succeeded, partly_failed, failed or skipped")
    trigger: str = Field(description="manual, again or schedule")
    schedule_id: str | None
    again_of: str | None
    by: str
    queued_at: str
    started_at: str | None
    finished_at: str | None
    execution_arn: str | None
    counts: dict[str, int]
    errors_by_category: dict[str, int] = Field(description="external, technical, mapping: how many")
    first_error: dict[str, Any] | None
    errors: list[dict[str, Any]] = Field(description="The first errors (up to 50), each with its category")
    batches: dict[str, int]
    note: str | None


class RunPage(Out):
    items: list[RunOut]
    next_before: str | None = Field(description="Pass as `before` for older runs")


class HistoryQuery(Body):
    limit: int = Field(default=50, ge=1, le=200)
    before: str | None = Field(default=None, max_length=100, description="Runs older than this run id")


class VersionQuery(Body):
    version: int | None = Field(default=None, ge=1)


class ScheduleOut(ScheduleSpec):
    id: str
    interface_id: str
    version: int
    expression: str = Field(description="Its EventBridge Scheduler expression, e.g. rate(15 minutes)")
    created_at: str
    updated_at: str


class SchedulePage(Out):
    items: list[ScheduleOut]


def _out(run: Run) -> RunOut:
    return RunOut(**run.as_dict())


def _page(found: list[Run], limit: int) -> RunPage:
    return RunPage(
        items=[_out(r) for r in found], next_before=found[-1].run_id if len(found) == limit else None
    )


@api.route(
    INTERFACE_RUNS,
    "POST",
    summary="Run an interface's function now (202); 409 run_in_progress while one of it runs",
    auth=EXECUTE,
    body=RunIn,
    response=RunOut,
    status=202,
)
def start_distributor_run(caller: OperatorCaller, interface_id: str, body: RunIn) -> RunOut:
    run = runs.start(caller.org_id, interface_id, body.function, body.parameters(), caller.operator.login)
    return _out(run)


@api.route(
    INTERFACE_RUNS,
    summary="An interface's runs, newest first",
    auth=READ,
    query=HistoryQuery,
    response=RunPage,
)
def list_interface_runs(caller: OperatorCaller, interface_id: str, query: HistoryQuery) -> RunPage:
    return _page(runs.history(caller.org_id, interface_id, query.limit, query.before), query.limit)


@api.route(
    RUNS, summary="Every interface's runs, newest first", auth=READ, query=HistoryQuery, response=RunPage
)
def list_distributor_runs(caller: OperatorCaller, query: HistoryQuery) -> RunPage:
    return _page(runs.history(caller.org_id, None, query.limit, query.before), query.limit)


@api.route(RUN, summary="One run: counts, errors by category, its first error", auth=READ, response=RunOut)
def get_distributor_run(caller: OperatorCaller, run_id: str) -> RunOut:
    return _out(runs.get(caller.org_id, run_id))


@api.route(
    RUN + "/again",
    "POST",
    summary="Run again: a new run of the same function with the same parameters (202)",
    auth=EXECUTE,
    response=RunOut,
    status=202,
)
def run_distributor_run_again(caller: OperatorCaller, run_id: str) -> RunOut:
    return _out(runs.again(caller.org_id, run_id, caller.operator.login))


def _schedule_out(schedule: schedules.Schedule) -> ScheduleOut:
    return ScheduleOut.model_validate(schedule.as_dict())


@api.route(SCHEDULES, summary="An interface's schedules", auth=READ, response=SchedulePage)
def list_distributor_schedules(caller: OperatorCaller, interface_id: str) -> SchedulePage:
    from chalicelib.distributors import service

    service.get_interface(caller.org_id, interface_id)
    return SchedulePage(
        items=[_schedule_out(s) for s in schedules.list_schedules(caller.org_id, interface_id)]
    )


@api.route(
    SCHEDULES,
    "POST",
    summary="Schedule a function of the interface (EventBridge Scheduler starts its runs)",
    auth=CREATE,
    body=ScheduleSpec,
    response=ScheduleOut,
    status=201,
)
def create_distributor_schedule(caller: OperatorCaller, interface_id: str, body: ScheduleSpec) -> ScheduleOut:
    return _schedule_out(schedules.create(caller.org_id, interface_id, body))


@api.route(
    SCHEDULE,
    "PUT",
    summary="Replace a schedule",
    auth=MODIFY,
    body=ScheduleSpec,
    query=VersionQuery,
    response=ScheduleOut,
)
def replace_distributor_schedule(
    caller: OperatorCaller, interface_id: str, schedule_id: str, body: ScheduleSpec, query: VersionQuery
) -> ScheduleOut:
    return _schedule_out(schedules.replace(caller.org_id, interface_id, schedule_id, body, query.version))


@api.route(SCHEDULE, "DELETE", summary="Delete a schedule", auth=DELETE, query=VersionQuery, status=204)
def delete_distributor_schedule(
    caller: OperatorCaller, interface_id: str, schedule_id: str, query: VersionQuery
) -> None:
    schedules.delete(caller.org_id, interface_id, schedule_id, query.version)
