"""Tasks of the option-expiry state machine: find lapsed options, expire one, record the run."""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger
from chalicelib.options import service as options
from chalicelib.runs import service as runs

WORKFLOW = "option-expiry"
DEFAULT_BATCH = 200


def find(event: dict[str, Any]) -> dict[str, Any]:
    option_ids = options.find_lapsed(int(event.get("limit", DEFAULT_BATCH)))
    logger.info("lapsed options found", extra={"count": len(option_ids)})
    return {"option_ids": option_ids, "count": len(option_ids)}


def expire(event: dict[str, Any]) -> dict[str, Any]:
    """Expire one option (its stock goes back) and tell the customer; again, nothing happens."""
    expired = options.expire(event["option_id"])
    if expired:
        try:
            options.send_expiry_notice(event["option_id"])
        except Exception:  # noqa: BLE001 - the option has expired whether or not the email went
            logger.exception("expiry notice not sent", extra={"option_id": event["option_id"]})
    return {"option_id": event["option_id"], "expired": expired}


def record(event: dict[str, Any]) -> dict[str, Any]:
    results = event.get("results") or []
    summary = {"options_found": len(results), "options_expired": sum(1 for r in results if r.get("expired"))}
    return runs.record_task_run(WORKFLOW, event, summary)


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    return runs.record_task_failure(WORKFLOW, event)


ACTIONS = {"find": find, "expire": expire, "record": record, "record_failure": record_failure}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `option_expiry` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown option-expiry action: {action!r}")
    return ACTIONS[action](event)
