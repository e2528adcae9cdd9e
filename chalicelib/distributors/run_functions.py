"""What each function of an interface does in a run: how Begin plans its batches, the step before them
(the release of unsold allotment before an export), and one batch's work. The other modules' functions
(allotment_export, release, pull, sales_files, connections, reported_counts) are imported when called.

A batch's expected failures come back as its outcome (an external or mapping error, an export the
distributor refused); a technical error is raised, so that the state machine retries the batch and,
past its retries, records it as failed while the other batches go on."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.catalog.model import PerformanceStatus
from chalicelib.distributors.categories import ExternalError, MappingError, TechnicalError
from chalicelib.distributors.model import Interface
from chalicelib.distributors.run_model import MAX_PULLS, BatchOutcome, Function, RunParameters
from chalicelib.errors import DomainError, TransientStoreError

Batch = dict[str, Any]


Work = Callable[[str, Interface, Batch], BatchOutcome]
CONCURRENCY = {Function.ALLOTMENT_EXPORT: 4, Function.SALES_REINTEGRATION: 1, Function.COUNTS: 4}
FILE_CONCURRENCY = 4  # line ranges of one file are independent (the sale lines are idempotent)


def _module(name: str) -> Any:
    return importlib.import_module(f"chalicelib.distributors.{name}")


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list | tuple) else int(value or 0)


def _starts_at(performance: Any) -> datetime:
    return zones.instant(performance.data["starts_at"])


def performances(org_id: str, params: RunParameters, now: datetime | None = None) -> list[str]:
    """The performances a run takes: those named, else the ones on sale (of the event, in the window;
    without a window, those not started yet), by start."""
    if params.performance_ids:
        return list(dict.fromkeys(params.performance_ids))
    now = now or clock.now()
    filters = {"event_id": params.event_id} if params.event_id else {}
    found = [
        p
        for p in catalog.all_items(org_id, "performance", **filters)
        if p.performance_status == PerformanceStatus.ON_SALE
    ]
    if params.window is not None:
        found = [p for p in found if params.window.takes(_starts_at(p), now)]
    else:
        found = [p for p in found if _starts_at(p) > now]
    return [p.id for p in sorted(found, key=lambda p: (_starts_at(p), p.id))]


def plan(
    org_id: str, interface: Interface, function: Function, params: RunParameters
) -> tuple[list[Batch], int]:
    """The run's batches (each with its `key`, in order) and how many run at once."""
    size = params.size(function)
    if function == Function.SALES_REINTEGRATION:
        if params.file_key:
            lines = int(_module("sales_files").count_lines(params.file_key))
            ranges = [
                {
                    "key": f"{n:05d}",
                    "file_key": params.file_key,
                    "start": start,
                    "count": min(size, lines - start),
                }
                for n, start in enumerate(range(0, lines, size))
            ]
            return ranges, FILE_CONCURRENCY
        return [{"key": f"{n:05d}", "pull": size} for n in range(MAX_PULLS)], 1
    ids = performances(org_id, params)
    chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
    return [{"key": f"{n:05d}", "performance_ids": chunk} for n, chunk in enumerate(chunks)], CONCURRENCY[
        function
    ]


def before_batches(org_id: str, interface: Interface, function: Function) -> BatchOutcome | None:
    """The step before an export's batches: the unsold allotment due back to general sale is released
    first, so that the export no longer offers it. Its failure is recorded; the export goes on."""
    if function != Function.ALLOTMENT_EXPORT:
        return None
    try:
        released = _module("release").release_due(org_id, interface.id)
    except (ExternalError, MappingError) as exc:
        return BatchOutcome.of({}, [{**exc.as_dict(), "step": "release"}], failed=True)
    except Exception as exc:  # noqa: BLE001 - recorded as the run's technical error; the export goes on
        message = f"The release of unsold allotment failed: {type(exc).__name__}: {exc}"
        return BatchOutcome.of(
            {}, [{"category": "technical", "message": message, "step": "release"}], failed=True
        )
    counts = {
        "released_performances": _count(released.get("performances")),
        "released_seats": _count(released.get("seats")) + _count(released.get("places")),
    }
    return BatchOutcome.of(counts, list(released.get("errors") or []))


def export_batch(org_id: str, interface: Interface, batch: Batch) -> BatchOutcome:
    result = _module("allotment_export").export(
        org_id, interface.id, list(batch["performance_ids"]), by="run"
    )
    counts = {"performances": _count(result.get("performances")), "places": _count(result.get("places"))}
    return BatchOutcome.of(counts, list(result.get("errors") or []), failed=result.get("status") == "failed")


def _outcome_of_sales(result: dict[str, Any], done: bool) -> BatchOutcome:
    counts = {
        name: _count(result.get(name))
        for name in ("read", "integrated", "already_integrated", "cancelled", "failed")
    }
    return BatchOutcome.of(counts, list(result.get("errors") or []), done=done)


def reintegration_batch(org_id: str, interface: Interface, batch: Batch) -> BatchOutcome:
    if batch.get("file_key"):
        files = _module("sales_files")
        result = files.integrate_file(
            org_id, interface.id, batch["file_key"], int(batch["start"]), int(batch["count"])
        )
        return _outcome_of_sales(result, done=True)
    result = _module("pull").pull_sales(org_id, interface.id, int(batch["pull"]))
    return _outcome_of_sales(result, done=not result.get("more"))


def counts_batch(org_id: str, interface: Interface, batch: Batch) -> BatchOutcome:
    """The distributor's allocated and sold counts of the batch's performances (theirs ids through the
    interface's performance mappings; a performance without one is a mapping error), kept for the
    reconciliation."""
    theirs = _module("reconciliation_stock").performance_mappings(org_id, interface.id)
    errors: list[dict[str, Any]] = []
    asked: list[str] = []
    for performance_id in batch["performance_ids"]:
        if performance_id in theirs:
            asked.append(theirs[performance_id])
        else:
            errors.append(
                MappingError(
                    f"Performance {performance_id} has no distributor id", {"performance_id": performance_id}
                ).as_dict()
            )
    read = []
    if asked:
        adapter = _module("connections").adapter_for(org_id, interface)
        read = list(adapter.read_counts(asked))
        saved = _module("reported_counts").save(org_id, interface.id, read)
        errors += list(saved.get("errors") or [])
    counts = {"performances": len(batch["performance_ids"]), "counts_read": len(read)}
    return BatchOutcome.of(counts, errors, failed=bool(errors) and not read)


# What a batch of each function does; a test may register its own work here.
WORK: dict[Function, Work] = {
    Function.ALLOTMENT_EXPORT: export_batch,
    Function.SALES_REINTEGRATION: reintegration_batch,
    Function.COUNTS: counts_batch,
}


def run_batch(org_id: str, interface: Interface, function: Function, batch: Batch) -> BatchOutcome:
    """One batch: its expected failures (external, mapping) as its outcome; a technical one raised."""
    try:
        return WORK[function](org_id, interface, batch)
    except TechnicalError as exc:  # a time-out, a 5xx: the state machine tries the batch again
        raise TransientStoreError(exc.message, _plain(exc.details)) from exc
    except (ExternalError, MappingError) as exc:
        return BatchOutcome.of({}, [exc.as_dict()], failed=True)
    except TransientStoreError:
        raise
    except DomainError as exc:  # refused as asked (a performance not on sale...): trying again won't help
        error = {"category": "technical", "message": exc.message, "code": exc.code, **_plain(exc.details)}
        return BatchOutcome.of({}, [error], failed=True)


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if isinstance(v, str | int | float | bool) and k != "category"}
