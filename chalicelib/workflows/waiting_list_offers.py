"""Tasks of the waiting-list-offers state machine: find the lists to visit, visit one, record the run.

A visit settles the list's offers (bought, or lapsed: seats released), offers the seats free now to
the waiting entries in order, closes the list of a cancelled or started performance (telling its
entries of a cancellation) and erases its personal data a day after the performance. Detecting
returned seats needs no hook in the sales code: each visit reads what is free.
"""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger
from chalicelib.runs import service as runs
from chalicelib.waiting_list import offers

WORKFLOW = "waiting-list-offers"
COUNTS = ("offered", "seats_offered", "bought", "lapsed", "closed", "erased")


def find(event: dict[str, Any]) -> dict[str, Any]:
    lists = offers.live_lists()
    logger.info("waiting lists to visit", extra={"count": len(lists)})
    return {"lists": lists, "count": len(lists)}


def visit(event: dict[str, Any]) -> dict[str, Any]:
    """Visit one list; again, it changes only what changed meanwhile."""
    return offers.visit(event["org_id"], event["performance_id"])


def record(event: dict[str, Any]) -> dict[str, Any]:
    results = event.get("results") or []
    failed = [r for r in results if r.get("failed")]
    summary = {"lists_visited": len(results), "lists_failed": len(failed)}
    summary.update({name: sum(int(r.get(name, 0)) for r in results) for name in COUNTS})
    if failed:
        logger.warning("waiting lists not visited", extra={"lists": failed})
    return runs.record_task_run(WORKFLOW, event, summary)


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    return runs.record_task_failure(WORKFLOW, event)


ACTIONS = {"find": find, "visit": visit, "record": record, "record_failure": record_failure}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `waiting_list_offers` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown waiting-list-offers action: {action!r}")
    return ACTIONS[action](event)


def offer_now(org_id: str, performance_id: str) -> dict[str, Any]:
    """Visit one list at once (the lead calls it after a cancellation gives seats back)."""
    return offers.offer_now(org_id, performance_id)
