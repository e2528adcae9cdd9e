"""Tasks of the distributor-run state machine: a run of an interface's function (allotment export,
sales reintegration, counts) begun (a manual run recorded by the API, or a schedule's: its run made
here, skipped when one is on), its batches one by one in a Map (a batch past its retries recorded as
failed, the others going on), then summed up, the lock given back and the alert written."""

from __future__ import annotations

from typing import Any

from chalicelib.distributors import run_store, runs
from chalicelib.distributors.run_model import RunStatus
from chalicelib.errors import TransientStoreError
from chalicelib.observability import logger
from chalicelib.runs import service as workflow_runs

WORKFLOW = runs.WORKFLOW


def _input(event: dict[str, Any]) -> dict[str, Any]:
    return event.get("input") or event


def begin(event: dict[str, Any]) -> dict[str, Any]:
    given = _input(event)
    org_id, interface_id = given["org_id"], given["interface_id"]
    if given.get("run_id"):
        run = run_store.get(org_id, given["run_id"])
    else:
        run = runs.begin_scheduled(org_id, interface_id, given["schedule_id"], event.get("execution_arn"))
    base = {"org_id": org_id, "interface_id": interface_id, "run_id": run.run_id}
    if run.status == RunStatus.SKIPPED:
        logger.info("distributor run skipped", extra={**base, "note": run.note})
        workflow_runs.record_run(
            WORKFLOW,
            workflow_runs.execution_name(event),
            "skipped",
            event.get("started_at") or run.queued_at,
            {**base, "function": run.function.value, "note": run.note},
            scope=org_id,
        )
        return {**base, "skipped": True, "batches": [], "concurrency": 1}
    try:
        planned = runs.begin(run, event.get("execution_arn"))
    except TransientStoreError:
        raise  # tried again by the state machine
    except Exception as exc:
        failed = runs.fail(org_id, run.run_id, {"Error": type(exc).__name__, "Cause": str(exc)})
        _record(event, failed)
        raise
    logger.info("distributor run begun", extra={**base, "batches": len(planned["batches"])})
    return {**base, **planned}


def batch(event: dict[str, Any]) -> dict[str, Any]:
    return runs.run_batch(event["org_id"], event["run_id"], event["batch"])


def batch_failed(event: dict[str, Any]) -> dict[str, Any]:
    return runs.batch_failed(
        event["org_id"], event["run_id"], event["batch"]["key"], event.get("error") or {}
    )


def _record(event: dict[str, Any], run: Any) -> None:
    summary = {
        "interface_id": run.interface_id,
        "run_id": run.run_id,
        "function": run.function.value,
        "counts": run.counts,
        "errors_by_category": run.errors_by_category,
    }
    first = run.first_error or {}
    workflow_runs.record_run(
        WORKFLOW,
        workflow_runs.execution_name(event),
        run.status.value,
        event.get("started_at") or run.queued_at,
        summary,
        scope=run.org_id,
        error=first.get("category"),
        cause=first.get("message"),
    )


def finish(event: dict[str, Any]) -> dict[str, Any]:
    run = runs.finish(event["org_id"], event["run_id"])
    _record(event, run)
    return {"run_id": run.run_id, "status": run.status.value, "counts": run.counts}


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    """The execution failed outside a batch: its run (if it was made) failed, with the error."""
    given = event.get("input") or {}
    error = given.get("error") or event.get("error") or {}
    run_id = (given.get("begun") or {}).get("run_id") or given.get("run_id")
    if not run_id:
        return workflow_runs.record_task_failure(WORKFLOW, {**event, "error": error})
    run = runs.fail(given["org_id"], run_id, error)
    _record(event, run)
    return {"run_id": run.run_id, "status": run.status.value}


ACTIONS = {
    "begin": begin,
    "batch": batch,
    "batch_failed": batch_failed,
    "finish": finish,
    "record_failure": record_failure,
}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `distributor_runs` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown distributor-run action: {action!r}")
    return ACTIONS[action](event)
