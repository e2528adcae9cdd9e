"""Tasks of the hold-cleanup state machine: find expired holds, release one, record the run."""

from __future__ import annotations

from typing import Any

from chalicelib.inventory import service as inventory
from chalicelib.observability import logger
from chalicelib.runs import service as runs

WORKFLOW = "hold-cleanup"
DEFAULT_BATCH = 200


def find(event: dict[str, Any]) -> dict[str, Any]:
    limit = int(event.get("limit", DEFAULT_BATCH))
    hold_ids = inventory.find_expired_holds(limit)
    logger.info("expired holds found", extra={"count": len(hold_ids)})
    return {"hold_ids": hold_ids, "count": len(hold_ids)}


def release(event: dict[str, Any]) -> dict[str, Any]:
    """Release one expired hold; an unpaid order it belonged to (reservation, payment) expires with it."""
    outcome = inventory.release_expired_hold(event["hold_id"])
    expired = False
    if outcome.released and outcome.order_id:
        from chalicelib.sales import orders

        expired = orders.expire_order(outcome.order_id)
    return {
        "hold_id": outcome.hold_id,
        "released": outcome.released,
        "seats_freed": outcome.seats_freed,
        "places_freed": outcome.places_freed,
        "order_expired": expired,
        "reason": outcome.reason,
    }


def record(event: dict[str, Any]) -> dict[str, Any]:
    results = event.get("results") or []
    summary = {
        "holds_found": len(results),
        "holds_released": sum(1 for r in results if r.get("released")),
        "seats_freed": sum(int(r.get("seats_freed", 0)) for r in results),
        "places_freed": sum(int(r.get("places_freed", 0)) for r in results),
        "orders_expired": sum(1 for r in results if r.get("order_expired")),
    }
    return runs.record_task_run(WORKFLOW, event, summary)


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    return runs.record_task_failure(WORKFLOW, event)


ACTIONS = {"find": find, "release": release, "record": record, "record_failure": record_failure}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `hold_cleanup` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown hold-cleanup action: {action!r}")
    return ACTIONS[action](event)
