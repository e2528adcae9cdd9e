"""Tasks of the reconciler: finish or compensate what faults left half done, and say what it did.

It settles open orders whose money is all in (the request that should have died first), expires
open orders past their deadline (or whose payment never started), then carries out the outbox items
that are due (new, past their backoff, or left by a worker that died: card refunds, emails, stock
given back), and counts dead items for an operator. A second run right after records "nothing to do".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.observability import logger
from chalicelib.outbox import repository as outbox_store
from chalicelib.outbox import service as outbox
from chalicelib.runs import service as runs

WORKFLOW = "reconciler"
DEFAULT_BATCH = 200
# An order is left to its own request this long past its deadline before the reconciler steps in.
GRACE_SECONDS = 60


def _now() -> datetime:
    return outbox_store.now()


def find(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.sales import orders

    limit = int(event.get("limit", DEFAULT_BATCH))
    order_ids = orders.open_orders_due(int(_now().timestamp()) - GRACE_SECONDS, limit)
    dead = len(outbox_store.dead(limit))
    logger.info("reconciler found", extra={"orders": len(order_ids), "dead": dead})
    return {"order_ids": order_ids, "dead": dead}


def find_items(event: dict[str, Any]) -> dict[str, Any]:
    """Outbox items due now, those the orders just reconciled wrote included."""
    items = [list(key) for key in outbox_store.due(_now(), int(event.get("limit", DEFAULT_BATCH)))]
    logger.info("reconciler found outbox items", extra={"items": len(items)})
    return {"items": items}


def carry_out(event: dict[str, Any]) -> dict[str, Any]:
    pk, sk = event["key"]
    return {"outcome": outbox.carry_out(pk, sk)}


def reconcile_order(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.sales import orders

    return {"order_id": event["order_id"], "outcome": orders.reconcile(event["order_id"])}


def record(event: dict[str, Any]) -> dict[str, Any]:
    items = event.get("items") or []
    found = event.get("found") or {}
    orders = event.get("orders") or []
    summary = {
        "items_carried_out": sum(1 for r in items if r.get("outcome") == "sent"),
        "items_failed": sum(1 for r in items if r.get("outcome") == "failed"),
        "items_dead_now": sum(1 for r in items if r.get("outcome") == "dead"),
        "orders_settled": sum(1 for r in orders if r.get("outcome") == "settled"),
        "orders_expired": sum(1 for r in orders if r.get("outcome") == "expired"),
        "dead_items": int(found.get("dead", 0)),
    }
    changed = any(v for k, v in summary.items() if k != "dead_items")
    summary["result"] = "changes made" if changed else "nothing to do"
    return runs.record_task_run(WORKFLOW, event, summary)


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    return runs.record_task_failure(WORKFLOW, event)


ACTIONS = {
    "find": find,
    "find_items": find_items,
    "carry_out": carry_out,
    "reconcile_order": reconcile_order,
    "record": record,
    "record_failure": record_failure,
}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `reconciler` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown reconciler action: {action!r}")
    return ACTIONS[action](event)


def outbox_worker(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `outbox_worker` Lambda function: new outbox items from the sales table's
    stream, or {"action": "drain"} to carry out whatever is due."""
    if "Records" in event:
        return outbox.on_new_items(event["Records"]).as_dict()
    return outbox.drain(int(event.get("limit", 100))).as_dict()
