"""Tasks of the queue-admitter state machine: find active queues, admit in each, record the run."""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger
from chalicelib.queue import admitter
from chalicelib.runs import service as runs

WORKFLOW = "queue-admitter"


def find(event: dict[str, Any]) -> dict[str, Any]:
    queues = admitter.active_queues()
    logger.info("active queues found", extra={"count": len(queues)})
    return {"queues": queues, "count": len(queues)}


def admit(event: dict[str, Any]) -> dict[str, Any]:
    """Admit the next buyers of one queue by its rate; a re-run in the same minute admits no one."""
    return admitter.admit(event["org_id"], event["queue_id"]).to_dict()


def record(event: dict[str, Any]) -> dict[str, Any]:
    results = event.get("results") or []
    summary = {
        "queues": len(results),
        "admitted": sum(int(r.get("admitted", 0)) for r in results),
        "counted": sum(int(r.get("counted", 0)) for r in results),
        "waiting": sum(int(r.get("waiting", 0)) for r in results),
    }
    return runs.record_task_run(WORKFLOW, event, summary)


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    return runs.record_task_failure(WORKFLOW, event)


ACTIONS = {"find": find, "admit": admit, "record": record, "record_failure": record_failure}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `queue_admitter` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown queue-admitter action: {action!r}")
    return ACTIONS[action](event)
