"""Runs of distributor interfaces in the runs table (items of their own keys beside the workflows' runs).

Keys (pk, sk):
- DRUN#<org>, RUN#<run_id>                          a run (all interfaces: newest first)
- DRUN#<org>#<interface>, RUN#<run_id>              pointer: the interface's runs, newest first
- DRUN#<org>#<interface>, LOCK#<function>           one run per interface and function at a time
- DRUN#<org>#<interface>, STATE#<function>          last outcome (in error or not): alerts' memory
- DRUNB#<org>#<run_id>, BATCH#<key>                 what one batch of a run did
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from chalicelib import clock
from chalicelib.db.base import connection
from chalicelib.db.conditions import Transaction, failed_items, store_errors, transient
from chalicelib.db.outbox import OutboxItem
from chalicelib.db.runs import RunsTable
from chalicelib.distributors.run_model import LIVE, Function, Run, RunStatus
from chalicelib.errors import Conflict, NotFound
from chalicelib.outbox import model as outbox_model
from chalicelib.outbox import repository as outbox

LOCK_FOR = timedelta(hours=2)  # a run that died holding its lock blocks no longer than this
CONDITION_FAILED = "ConditionalCheckFailedException"


class DistributorRunItem(RunsTable):
    org_id = UnicodeAttribute()
    run_id = UnicodeAttribute()
    interface_id = UnicodeAttribute()
    function = UnicodeAttribute()
    status = UnicodeAttribute()
    data = JSONAttribute(default=dict)  # the rest of the Run, as JSON
    queued_at = UTCDateTimeAttribute()


class RunPointerItem(RunsTable):
    run_id = UnicodeAttribute()


class RunLockItem(RunsTable):
    run_id = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds


class RunStateItem(RunsTable):
    in_error = UnicodeAttribute()  # "yes" | "no"
    run_id = UnicodeAttribute()


class RunBatchItem(RunsTable):
    outcome = JSONAttribute(default=dict)


def runs_pk(org_id: str) -> str:
    return f"DRUN#{org_id}"


def interface_pk(org_id: str, interface_id: str) -> str:
    return f"DRUN#{org_id}#{interface_id}"


def run_sk(run_id: str) -> str:
    return f"RUN#{run_id}"


def batches_pk(org_id: str, run_id: str) -> str:
    return f"DRUNB#{org_id}#{run_id}"


def _data(run: Run) -> dict[str, Any]:
    kept = run.as_dict()
    for key in ("run_id", "interface_id", "function", "status", "queued_at"):
        kept.pop(key)
    return kept


def _item(run: Run) -> DistributorRunItem:
    return DistributorRunItem(
        runs_pk(run.org_id),
        run_sk(run.run_id),
        org_id=run.org_id,
        run_id=run.run_id,
        interface_id=run.interface_id,
        function=run.function.value,
        status=run.status.value,
        data=_data(run),
        queued_at=run.queued_at,
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _run(item: DistributorRunItem) -> Run:
    data = dict(item.data or {})
    return Run(
        org_id=item.org_id,
        run_id=item.run_id,
        interface_id=item.interface_id,
        function=Function(item.function),
        status=RunStatus(item.status),
        queued_at=item.queued_at,
        parameters=data.get("parameters") or {},
        by=data.get("by") or "system",
        trigger=data.get("trigger") or "manual",
        schedule_id=data.get("schedule_id"),
        again_of=data.get("again_of"),
        started_at=_time(data.get("started_at")),
        finished_at=_time(data.get("finished_at")),
        execution_arn=data.get("execution_arn"),
        counts=data.get("counts") or {},
        errors_by_category=data.get("errors_by_category") or {},
        first_error=data.get("first_error"),
        errors=data.get("errors") or [],
        batches=data.get("batches") or {},
        note=data.get("note"),
    )


def _lock_key(run: Run) -> tuple[str, str]:
    return interface_pk(run.org_id, run.interface_id), f"LOCK#{run.function.value}"


@store_errors
def create(run: Run, lock: bool = True) -> Run:
    """Write the run and its pointer, taking the function's lock unless another live run holds it;
    Conflict `run_in_progress` (naming that run) when one does."""
    now = clock.seconds()
    try:
        with Transaction(connection=connection()) as tx:
            if lock:
                pk, sk = _lock_key(run)
                tx.save(
                    RunLockItem(pk, sk, run_id=run.run_id, expires_at=now + int(LOCK_FOR.total_seconds())),
                    condition=RunLockItem.pk.does_not_exist() | (RunLockItem.expires_at <= now),
                )
            tx.save(_item(run), condition=DistributorRunItem.pk.does_not_exist())
            tx.save(
                RunPointerItem(
                    interface_pk(run.org_id, run.interface_id), run_sk(run.run_id), run_id=run.run_id
                )
            )
    except TransactWriteError as exc:
        if lock and 0 in failed_items(exc, tx):
            holder = current_lock(run.org_id, run.interface_id, run.function)
            raise Conflict(
                f"A {run.function.value} run of this interface is in progress",
                {"reason": "run_in_progress", "function": run.function.value, "run_id": holder},
            ) from exc
        raise transient(exc) from exc
    return run


@store_errors
def current_lock(org_id: str, interface_id: str, function: Function) -> str | None:
    try:
        item = RunLockItem.get(
            interface_pk(org_id, interface_id), f"LOCK#{function.value}", consistent_read=True
        )
    except DoesNotExist:
        return None
    return item.run_id if int(item.expires_at) > clock.seconds() else None


@store_errors
def expired_holder(org_id: str, interface_id: str, function: Function) -> str | None:
    """The run whose lock has expired (it stopped answering): the next run takes the lock over."""
    try:
        item = RunLockItem.get(
            interface_pk(org_id, interface_id), f"LOCK#{function.value}", consistent_read=True
        )
    except DoesNotExist:
        return None
    return item.run_id if 0 < int(item.expires_at) <= clock.seconds() else None  # 0: given back


@store_errors
def release_lock(run: Run) -> bool:
    """Give the lock up if this run still holds it (an expired lock may have been taken since): it
    expires now (an update, not a delete: the runs' function deletes nothing)."""
    pk, sk = _lock_key(run)
    try:
        RunLockItem(pk, sk).update(
            actions=[RunLockItem.expires_at.set(0)],
            condition=RunLockItem.pk.exists() & (RunLockItem.run_id == run.run_id),
        )
    except UpdateError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            return False
        raise
    return True


@store_errors
def get(org_id: str, run_id: str) -> Run:
    try:
        return _run(DistributorRunItem.get(runs_pk(org_id), run_sk(run_id), consistent_read=True))
    except DoesNotExist:
        raise NotFound(f"No run {run_id}", {"run_id": run_id}) from None


@store_errors
def save(run: Run, *, expect: tuple[RunStatus, ...] = LIVE) -> bool:
    """Write the run's new state if it is still in one of `expect`; False when it is not."""
    try:
        _item(run).save(condition=DistributorRunItem.status.is_in(*[s.value for s in expect]))
    except PutError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            return False
        raise
    return True


@store_errors
def list_all(org_id: str, limit: int, before: str | None = None) -> list[Run]:
    condition = DistributorRunItem.sk < run_sk(before) if before else DistributorRunItem.sk.startswith("RUN#")
    query = DistributorRunItem.query(runs_pk(org_id), condition, scan_index_forward=False, limit=limit)
    return [_run(item) for item in query]


@store_errors
def list_for_interface(org_id: str, interface_id: str, limit: int, before: str | None = None) -> list[Run]:
    pk = interface_pk(org_id, interface_id)
    condition = RunPointerItem.sk < run_sk(before) if before else RunPointerItem.sk.startswith("RUN#")
    pointers = list(RunPointerItem.query(pk, condition, scan_index_forward=False, limit=limit))
    keys = [(runs_pk(org_id), run_sk(pointer.run_id)) for pointer in pointers]
    found = {item.run_id: _run(item) for item in DistributorRunItem.batch_get(keys)}
    return [found[p.run_id] for p in pointers if p.run_id in found]


@store_errors
def save_batch(org_id: str, run_id: str, key: str, outcome: dict[str, Any]) -> None:
    """A batch's outcome (written again as is when a batch is run again)."""
    RunBatchItem(batches_pk(org_id, run_id), f"BATCH#{key}", outcome=outcome).save()


@store_errors
def batch(org_id: str, run_id: str, key: str) -> dict[str, Any] | None:
    try:
        return RunBatchItem.get(batches_pk(org_id, run_id), f"BATCH#{key}", consistent_read=True).outcome
    except DoesNotExist:
        return None


@store_errors
def batches(org_id: str, run_id: str) -> list[dict[str, Any]]:
    """The outcomes of a run's batches in key order (steps, then batches by index)."""
    query = RunBatchItem.query(batches_pk(org_id, run_id), RunBatchItem.sk.startswith("BATCH#"))
    return [dict(item.outcome or {}) for item in query]


@store_errors
def last_in_error(org_id: str, interface_id: str, function: Function) -> bool | None:
    """Whether the function's last finished run was in error; None before its first."""
    try:
        item = RunStateItem.get(
            interface_pk(org_id, interface_id), f"STATE#{function.value}", consistent_read=True
        )
    except DoesNotExist:
        return None
    return item.in_error == "yes"


@store_errors
def finish(run: Run, in_error: bool, was_in_error: bool | None, effects: list[outbox_model.Effect]) -> bool:
    """The run's final state, the function's last outcome and the alert emails, in one transaction;
    False (nothing written) when the run had already finished or the last outcome changed meanwhile."""
    pk, sk = interface_pk(run.org_id, run.interface_id), f"STATE#{run.function.value}"
    state = RunStateItem(pk, sk, in_error="yes" if in_error else "no", run_id=run.run_id)
    if was_in_error is None:
        state_condition = RunStateItem.pk.does_not_exist()
    else:
        state_condition = RunStateItem.in_error == ("yes" if was_in_error else "no")
    try:
        with Transaction(connection=connection()) as tx:
            tx.save(_item(run), condition=DistributorRunItem.status.is_in(*[s.value for s in LIVE]))
            tx.save(state, condition=state_condition)
            for effect in effects:
                tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
    except TransactWriteError as exc:
        if failed_items(exc, tx):
            return False
        raise transient(exc) from exc
    return True
