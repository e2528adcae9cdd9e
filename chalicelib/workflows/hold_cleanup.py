"""Tasks of the hold-cleanup state machine: find expired holds, release one, record the run."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import NotFound
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
    """Release one expired hold; the open order it belonged to (reservation, payment) expires with it.

    The order expires whoever ended the hold: this run, an earlier attempt of this task that failed
    after ending it (the retry finishes the order's expiry), or anyone else meanwhile.
    """
    outcome = inventory.release_expired_hold(event["hold_id"])
    expired = False
    if outcome.order_id and (outcome.released or _has_ended(outcome.hold_id)):
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


def _has_ended(hold_id: str) -> bool:
    """Ended (released or expired), not sold: a sold hold's order is paid, not expired."""
    try:
        return inventory.get_hold(hold_id).has_ended
    except NotFound:
        return False


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


def keep_live_holds(event: dict[str, Any]) -> dict[str, Any]:
    """One-off after upgrading from purge-at-first-expiry (invoke until `cursor` is null): live and
    sold holds lose the purge time the older version gave them, before DynamoDB deletes them."""
    kept, cursor = inventory.drop_live_purge_times(event.get("cursor"), int(event.get("limit", 500)))
    logger.info("purge times dropped from live holds", extra={"count": kept, "done": cursor is None})
    return {"kept": kept, "cursor": cursor}


ACTIONS = {
    "find": find,
    "release": release,
    "record": record,
    "record_failure": record_failure,
    "keep_live_holds": keep_live_holds,
}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `hold_cleanup` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown hold-cleanup action: {action!r}")
    return ACTIONS[action](event)
