"""Tasks of the figures-rebuild state machine: count every order into a new generation, switch to it,
then delete the generations it supersedes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.clock import now
from chalicelib.observability import logger
from chalicelib.reports import service as figures
from chalicelib.runs import service as runs

WORKFLOW = "figures-rebuild"
# Orders are found through the orders-by-day index: the rebuild walks the days, a chunk per task.
DEFAULT_YEARS = 3
CHUNK_DAYS = 31


def utc_today() -> date:
    return now().date()


def begin(event: dict[str, Any]) -> dict[str, Any]:
    """The generation to write and the chunks of days to walk (again for a rerun: the same generation)."""
    given = event.get("input") or event
    org_id = given["org_id"]
    last = date.fromisoformat(given["day_to"]) if given.get("day_to") else utc_today()
    first = (
        date.fromisoformat(given["day_from"])
        if given.get("day_from")
        else last - timedelta(days=365 * DEFAULT_YEARS)
    )
    if given.get("day_to"):  # the orders index is by UTC day; the organisation's day may end on the next
        last += timedelta(days=1)
    if first > last:
        raise ValueError("day_from must not be after day_to")
    generation = figures.begin_rebuild(org_id)
    chunks = []
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=CHUNK_DAYS - 1))
        chunks.append({"first": start.isoformat(), "last": end.isoformat()})
        start = end + timedelta(days=1)
    logger.info("figures rebuild begun", extra={"org_id": org_id, "generation": generation})
    return {"org_id": org_id, "generation": generation, "chunks": chunks, "first": first.isoformat()}


def count(event: dict[str, Any]) -> dict[str, Any]:
    """Count the orders of one chunk of days into the new generation; a rerun counts nothing twice."""
    days = figures.days_between(date.fromisoformat(event["first"]), date.fromisoformat(event["last"]))
    return figures.rebuild_days(event["org_id"], int(event["generation"]), days)


def switch(event: dict[str, Any]) -> dict[str, Any]:
    """Reports read the new generation; the older ones still kept are named, to be deleted next."""
    org_id, generation = event["org_id"], int(event["generation"])
    switched = figures.finish_rebuild(org_id, generation)
    superseded = figures.superseded(org_id, generation) if switched else []
    return {"switched": switched, "generation": generation, "superseded": superseded}


def prune_orders(event: dict[str, Any]) -> dict[str, Any]:
    """Delete what the orders of one chunk of days contributed to the superseded generations."""
    days = figures.days_between(date.fromisoformat(event["first"]), date.fromisoformat(event["last"]))
    return figures.prune_days(event["org_id"], [int(g) for g in event["superseded"]], days)


def prune_cells(event: dict[str, Any]) -> dict[str, Any]:
    """Delete the superseded generations' cells; a rerun finds nothing more to delete."""
    generations = [int(g) for g in event["superseded"]]
    first = date.fromisoformat(event["first"])
    return figures.prune_cells(event["org_id"], int(event["generation"]), generations, first)


def record(event: dict[str, Any]) -> dict[str, Any]:
    results = event.get("results") or []
    summary = {
        "org_id": event["org_id"],
        "generation": int(event["generation"]),
        "orders": sum(int(r.get("orders", 0)) for r in results),
        "orders_counted": sum(int(r.get("counted", 0)) for r in results),
        "switched": bool((event.get("switched") or {}).get("switched")),
        "generations_deleted": int((event.get("pruned") or {}).get("generations", 0)),
        "cells_deleted": int((event.get("pruned") or {}).get("cells", 0)),
    }
    # recorded for the organisation rebuilt: its operators see it among their runs
    run, created = runs.record_run(
        WORKFLOW, runs.execution_name(event), "succeeded", event["started_at"], summary, scope=event["org_id"]
    )
    return {"recorded": created, "summary": run.summary}


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    return runs.record_task_failure(WORKFLOW, event)


ACTIONS = {
    "begin": begin,
    "count": count,
    "switch": switch,
    "prune_orders": prune_orders,
    "prune_cells": prune_cells,
    "record": record,
    "record_failure": record_failure,
}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `figures_rebuild` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown figures-rebuild action: {action!r}")
    return ACTIONS[action](event)
