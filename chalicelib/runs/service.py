"""Record and list runs of workflows (one record per execution, written once)."""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib import clock
from chalicelib.db.runs import RunItem, run_pk

GLOBAL_SCOPE = "global"


@dataclass(frozen=True)
class Run:
    scope: str
    workflow: str
    execution: str
    status: str
    started_at: datetime
    finished_at: datetime
    summary: dict[str, Any]
    error: str | None = None
    cause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _parse_time(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def record_run(
    workflow: str,
    execution: str,
    status: str,
    started_at: str | datetime,
    summary: dict[str, Any],
    scope: str = GLOBAL_SCOPE,
    error: str | None = None,
    cause: str | None = None,
) -> tuple[Run, bool]:
    """Write the run's record once; returns (run, created). A replay keeps the first record."""
    started = _parse_time(started_at)
    item = RunItem(
        run_pk(scope, workflow),
        f"{started.isoformat()}#{execution}",
        scope=scope,
        workflow=workflow,
        execution=execution,
        status=status,
        started_at=started,
        finished_at=clock.now(),
        summary=summary,
        error=error,
        cause=cause,
    )
    try:
        item.save(condition=RunItem.sk.does_not_exist())
        created = True
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        item = RunItem.get(item.pk, item.sk, consistent_read=True)
        created = False
    return _to_run(item), created


def _to_run(item: RunItem) -> Run:
    return Run(
        scope=item.scope,
        workflow=item.workflow,
        execution=item.execution,
        status=item.status,
        started_at=item.started_at,
        finished_at=item.finished_at,
        summary=item.summary or {},
        error=item.error,
        cause=item.cause,
    )


def list_runs(
    workflow: str, scope: str = GLOBAL_SCOPE, limit: int = 50, status: str | None = None
) -> list[Run]:
    """The most recent runs first; with `status`, only the runs that ended so (e.g. "failed")."""
    condition = RunItem.status == status if status else None
    query = RunItem.query(
        run_pk(scope, workflow), scan_index_forward=False, limit=limit, filter_condition=condition
    )
    return [_to_run(item) for item in query]


def runs_seen_by(org_id: str, workflow: str, limit: int = 50, status: str | None = None) -> list[Run]:
    """What an organisation's operator sees of a workflow: its runs over every organisation (a sweep)
    and the runs about this organisation alone (opening one of its performances), newest first."""
    both = list_runs(workflow, limit=limit, status=status) + list_runs(workflow, org_id, limit, status)
    return sorted(both, key=lambda run: (run.started_at, run.execution), reverse=True)[:limit]


def start_workflow(name: str, payload: dict[str, Any] | None = None, execution: str | None = None) -> str:
    """Start an execution of a known state machine now; returns the execution ARN.

    `execution` names it (Step Functions refuses a name already used); by default a unique manual one.
    """
    from chalicelib.config import settings
    from chalicelib.workflows.catalogue import state_machine

    state_machine(name)  # KeyError for an unknown workflow
    config = settings()
    response = _stepfunctions(config.region, config.aws_endpoint).start_execution(
        stateMachineArn=config.state_machine_arn_prefix + name,
        name=execution or f"manual-{uuid.uuid4().hex}",
        input=json.dumps(payload or {}),
    )
    return response["executionArn"]


@functools.cache
def _stepfunctions(region: str, endpoint: str | None) -> Any:
    # boto3 is imported on first use (a cold-start cost the API routes don't need) and its client
    # built once per endpoint, not per request.
    import boto3

    return boto3.client("stepfunctions", region_name=region, endpoint_url=endpoint)


def execution_name(event: dict[str, Any]) -> str:
    """The Step Functions execution's name; AWS always gives one, a nameless one (moto) gets its own."""
    import uuid

    return event.get("execution") or f"unnamed-{uuid.uuid4().hex}"


def record_task_run(workflow: str, event: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """A workflow's RecordRun task: its summary, written once per execution."""
    run, created = record_run(workflow, execution_name(event), "succeeded", event["started_at"], summary)
    return {"recorded": created, "summary": run.summary}


def record_task_failure(workflow: str, event: dict[str, Any]) -> dict[str, Any]:
    """A workflow's RecordFailure task: the caught error and its cause, written once per execution."""
    error = event.get("error") or {}
    run, created = record_run(
        workflow,
        execution_name(event),
        "failed",
        event["started_at"],
        {},
        error=error.get("Error"),
        cause=error.get("Cause"),
    )
    return {"recorded": created, "error": run.error}
