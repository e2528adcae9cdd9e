"""Runs of an interface's functions (allotment export, sales reintegration, counts): started by hand,
again, or by a schedule, each a Step Functions execution of `distributor-run` (a Map over batches).

One run per interface and function at a time: a start takes the function's lock with the run's record
(a conditional write; it expires, so a dead run does not block for ever), the run's end gives it back.
A run's end writes its final state, the function's last outcome and, when that changed, the alert
emails in one transaction; and records the execution for the Workflows screen."""

from __future__ import annotations

import contextlib
from typing import Any

from chalicelib import clock
from chalicelib.distributors import alerts, run_functions, run_store
from chalicelib.distributors.adapters import Capability, require
from chalicelib.distributors.model import AdapterKind, Interface
from chalicelib.distributors.run_model import (
    IN_ERROR,
    LIVE,
    Function,
    Run,
    RunParameters,
    RunStatus,
    new_run_id,
    summed,
)
from chalicelib.errors import Conflict, InvalidInput, NotFound, TransientStoreError
from chalicelib.observability import logger

WORKFLOW = "distributor-run"
CAPABILITY = {
    Function.ALLOTMENT_EXPORT: Capability.EXPORT_ALLOTMENT,
    Function.SALES_REINTEGRATION: Capability.PULL_SALES,
    Function.COUNTS: Capability.READ_COUNTS,
}


def _interface(org_id: str, interface_id: str) -> Interface:
    from chalicelib.distributors import service

    return service.get_interface(org_id, interface_id)


def check_runnable(org_id: str, interface: Interface, function: Function, params: RunParameters) -> None:
    """Conflict when the interface's adapter cannot do the function (a file of sales can always be
    taken); InvalidInput naming `file_key` for a file that is not there or for another function;
    Conflict `interface_suspended` for a suspended interface."""
    if interface.data.get("status") == "suspended":
        raise Conflict(
            f"The interface {interface.data.get('name')} is suspended: it runs nothing",
            {"reason": "interface_suspended", "interface_id": interface.id},
        )
    if function == Function.SALES_REINTEGRATION:
        _no_filter(params)
    if params.file_key is not None:
        if function != Function.SALES_REINTEGRATION:
            raise InvalidInput(
                "file_key: only a sales reintegration takes a file",
                {"field": "file_key", "reason": "not_taken"},
            )
        from chalicelib.distributors import files

        inbox = files.key(org_id, interface.id, files.INBOX)
        if not params.file_key.startswith(inbox) or not files.exists(params.file_key):
            raise InvalidInput(
                f"file_key: no file {params.file_key} in this interface's inbox ({inbox})",
                {"field": "file_key", "reason": "not_found"},
            )
        return
    require(AdapterKind(interface.data["connection"]["adapter"]), CAPABILITY[function])


def _no_filter(params: RunParameters) -> None:
    """A sales reintegration takes every sale the distributor reports since the last one (a cursor): a
    performance, event or window filter would leave sales behind for good, so it is refused."""
    for name in ("performance_ids", "event_id", "window"):
        if getattr(params, name) is not None:
            raise InvalidInput(
                f"{name}: a sales reintegration takes every sale the distributor reports; "
                "it takes no performance, event or window filter",
                {"field": name, "reason": "not_taken"},
            )


def _take(run: Run) -> Run:
    """Record the run with its function's lock; a run that held the lock past its expiry is over: failed."""
    stale = run_store.expired_holder(run.org_id, run.interface_id, run.function)
    run_store.create(run)
    if stale and stale != run.run_id:
        error = {
            "Error": "RunAbandoned",
            "Cause": "The run stopped answering: its lock expired and a new run began",
        }
        with contextlib.suppress(NotFound):
            fail(run.org_id, stale, error)
    return run


def start(
    org_id: str,
    interface_id: str,
    function: Function,
    params: RunParameters,
    by: str,
    *,
    again_of: str | None = None,
) -> Run:
    """Record a queued run (taking the lock; Conflict `run_in_progress` when one is on) and start its
    execution."""
    interface = _interface(org_id, interface_id)
    check_runnable(org_id, interface, function, params)
    now = clock.now()
    run = Run(
        org_id=org_id,
        run_id=new_run_id(now),
        interface_id=interface_id,
        function=function,
        parameters=params.model_dump(mode="json", exclude_none=True),
        status=RunStatus.QUEUED,
        queued_at=now,
        by=by,
        trigger="again" if again_of else "manual",
        again_of=again_of,
    )
    _take(run)
    from chalicelib.runs import service as workflows

    payload = {"org_id": org_id, "interface_id": interface_id, "run_id": run.run_id}
    try:
        run.execution_arn = workflows.start_workflow(WORKFLOW, payload, execution=f"drun-{run.run_id}")
    except Exception as exc:
        logger.warning("distributor run not started", extra={"run_id": run.run_id, "error": str(exc)})
        fail(
            org_id, run.run_id, {"Error": type(exc).__name__, "Cause": "The run's execution could not start"}
        )
        raise TransientStoreError("The run could not be started; try again", {"run_id": run.run_id}) from exc
    # the execution's ARN kept unless its Begin came first (it writes the ARN itself)
    run_store.save(run, expect=(RunStatus.QUEUED,))
    return run


def again(org_id: str, run_id: str, by: str) -> Run:
    """A new run of the same function with the same parameters."""
    previous = run_store.get(org_id, run_id)
    params = RunParameters.model_validate(previous.parameters)
    return start(org_id, previous.interface_id, previous.function, params, by, again_of=run_id)


def get(org_id: str, run_id: str) -> Run:
    return run_store.get(org_id, run_id)


def history(
    org_id: str, interface_id: str | None = None, limit: int = 50, before: str | None = None
) -> list[Run]:
    """Runs newest first, of one interface or of all."""
    if interface_id is not None:
        _interface(org_id, interface_id)
        return run_store.list_for_interface(org_id, interface_id, limit, before)
    return run_store.list_all(org_id, limit, before)


# --- the execution's tasks (chalicelib/workflows/distributor_runs.py) ------------------------------


def _skipped(
    org_id: str, interface_id: str, function: Function, params: dict[str, Any], schedule_id: str, note: str
) -> Run:
    now = clock.now()
    run = Run(
        org_id=org_id,
        run_id=new_run_id(now),
        interface_id=interface_id,
        function=function,
        parameters=params,
        status=RunStatus.SKIPPED,
        queued_at=now,
        by="schedule",
        trigger="schedule",
        schedule_id=schedule_id,
        finished_at=now,
        note=note,
    )
    return run_store.create(run, lock=False)


def begin_scheduled(org_id: str, interface_id: str, schedule_id: str, execution_arn: str | None) -> Run:
    """The run a schedule's execution makes: its schedule's parameters (the window applied now); a
    skipped run when a run of the function is on, or the schedule is disabled or gone."""
    from chalicelib.distributors import schedules

    try:
        schedule = schedules.get(org_id, interface_id, schedule_id)
    except NotFound:
        return _skipped(
            org_id, interface_id, Function.COUNTS, {}, schedule_id, "The schedule no longer exists"
        )
    function, params = schedule.function, schedule.parameters()
    dumped = params.model_dump(mode="json", exclude_none=True)
    if not schedule.enabled:
        return _skipped(org_id, interface_id, function, dumped, schedule_id, "The schedule is disabled")
    try:
        check_runnable(org_id, _interface(org_id, interface_id), function, params)
    except (Conflict, InvalidInput, NotFound) as exc:
        return _skipped(org_id, interface_id, function, dumped, schedule_id, exc.message)
    now = clock.now()
    run = Run(
        org_id=org_id,
        run_id=new_run_id(now),
        interface_id=interface_id,
        function=function,
        parameters=dumped,
        status=RunStatus.QUEUED,
        queued_at=now,
        by="schedule",
        trigger="schedule",
        schedule_id=schedule_id,
        execution_arn=execution_arn,
    )
    try:
        return _take(run)
    except Conflict as exc:
        holder = exc.details.get("run_id")
        return _skipped(org_id, interface_id, function, dumped, schedule_id, f"Run {holder} was in progress")


def begin(run: Run, execution_arn: str | None) -> dict[str, Any]:
    """The run is running: the step before its batches, then its batches planned."""
    run.status, run.started_at = RunStatus.RUNNING, clock.now()
    run.execution_arn = run.execution_arn or execution_arn
    if not run_store.save(run):
        return {"skipped": True, "batches": [], "concurrency": 1}
    interface = _interface(run.org_id, run.interface_id)
    step = run_functions.before_batches(run.org_id, interface, run.function)
    if step is not None:
        run_store.save_batch(run.org_id, run.run_id, "!release", {**step.as_dict(), "step": True})
    params = RunParameters.model_validate(run.parameters)
    batches, concurrency = run_functions.plan(run.org_id, interface, run.function, params)
    return {"skipped": False, "batches": batches, "concurrency": concurrency}


def run_batch(org_id: str, run_id: str, batch: dict[str, Any]) -> dict[str, Any]:
    """One batch; a pull batch after one that found nothing more (or failed) is not needed."""
    run = run_store.get(org_id, run_id)
    key = batch["key"]
    if batch.get("pull") is not None and int(key) > 0:
        previous = run_store.batch(org_id, run_id, f"{int(key) - 1:05d}")
        if previous is None or previous.get("done") or previous.get("failed") or previous.get("skipped"):
            outcome = {"skipped": True, "done": True, "counts": {}, "errors": []}
            run_store.save_batch(org_id, run_id, key, outcome)
            return {"key": key, "skipped": True}
    interface = _interface(org_id, run.interface_id)
    outcome = run_functions.run_batch(org_id, interface, run.function, batch).as_dict()
    run_store.save_batch(org_id, run_id, key, outcome)
    return {"key": key, "failed": outcome["failed"], "counts": outcome["counts"]}


def batch_failed(org_id: str, run_id: str, key: str, error: dict[str, Any]) -> dict[str, Any]:
    """A batch past its retries: a technical error of the run (an external or mapping one if raised so)."""
    name = str(error.get("Error") or "Error")
    category = {"ExternalError": "external", "MappingError": "mapping"}.get(name, "technical")
    name = "TechnicalError" if name == "TransientStoreError" else name  # a time-out, a 5xx, the store
    message = f"Batch {key} failed: {name}: {_cause(error)}"
    outcome = {
        "counts": {},
        "errors": [{"category": category, "message": message[:500], "batch": key}],
        "errors_by_category": {category: 1},
        "failed": True,
        "done": True,
    }
    run_store.save_batch(org_id, run_id, key, outcome)
    return {"key": key, "failed": True}


def _cause(error: dict[str, Any]) -> str:
    import json

    cause = str(error.get("Cause") or "")
    try:
        parsed = json.loads(cause)
    except ValueError:
        return cause[:300]
    return str(parsed.get("errorMessage") or cause)[:300] if isinstance(parsed, dict) else cause[:300]


def finish(org_id: str, run_id: str) -> Run:
    """Sum the batches up and end the run."""
    run = run_store.get(org_id, run_id)
    if run.status not in LIVE:
        return run
    summary = summed(run_store.batches(org_id, run_id))
    run.counts, run.errors, run.errors_by_category = (
        summary.counts,
        summary.errors,
        summary.errors_by_category,
    )
    run.first_error = summary.errors[0] if summary.errors else None
    run.batches, run.status = summary.batches, summary.status
    return _end(run)


def fail(org_id: str, run_id: str, error: dict[str, Any]) -> Run:
    """The execution failed outside a batch (its Begin, its Finish): the run failed, a technical error."""
    run = run_store.get(org_id, run_id)
    if run.status not in LIVE:
        return run
    summary = summed(run_store.batches(org_id, run_id))
    failure = {"category": "technical", "message": f"{error.get('Error') or 'Error'}: {_cause(error)}"[:500]}
    run.counts, run.batches = summary.counts, summary.batches
    run.errors = [failure, *summary.errors][:50]
    run.errors_by_category = {**summary.errors_by_category}
    run.errors_by_category["technical"] = run.errors_by_category.get("technical", 0) + 1
    run.first_error, run.status = failure, RunStatus.FAILED
    return _end(run)


def _end(run: Run) -> Run:
    run.finished_at = clock.now()
    try:
        interface = _interface(run.org_id, run.interface_id)
        name, recipients = (
            interface.data.get("name") or run.interface_id,
            list(interface.data.get("alert_recipients") or []),
        )
    except NotFound:
        name, recipients = run.interface_id, []
    in_error = run.status in IN_ERROR
    for _ in range(3):
        was = run_store.last_in_error(run.org_id, run.interface_id, run.function)
        effects = alerts.alert_effects(run, name, recipients, in_error, was)
        if run_store.finish(run, in_error, was, effects):
            break
        current = run_store.get(run.org_id, run.run_id)
        if current.status not in LIVE:  # finished already (a task run twice)
            run_store.release_lock(current)
            return current
    else:  # the function's last outcome kept changing under us: the task is tried again
        raise TransientStoreError("The run's end could not be written; try again", {"run_id": run.run_id})
    run_store.release_lock(run)
    logger.info("distributor run finished", extra={"run_id": run.run_id, "status": run.status.value})
    return run
