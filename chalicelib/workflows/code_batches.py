"""Tasks of the code-batches state machine: generate a large batch of single-use codes chunk by chunk
(each chunk resumable, never doubling codes), then mark the batch ready, or failed with why."""

from __future__ import annotations

from typing import Any

from chalicelib.advantages import batches
from chalicelib.observability import logger
from chalicelib.runs import service as runs

WORKFLOW = batches.WORKFLOW


def _batch(event: dict[str, Any]) -> tuple[str, str, str]:
    given = event.get("input") or event
    return given["org_id"], given["advantage_id"], given["batch_id"]


def begin(event: dict[str, Any]) -> dict[str, Any]:
    """The batch's chunks (the same ones for a rerun)."""
    org_id, advantage_id, batch_id = _batch(event)
    begun = batches.begin(org_id, advantage_id, batch_id)
    logger.info(
        "code batch begun", extra={"org_id": org_id, "batch_id": batch_id, "chunks": len(begun["chunks"])}
    )
    return {"org_id": org_id, "advantage_id": advantage_id, "batch_id": batch_id, **begun}


def generate(event: dict[str, Any]) -> dict[str, Any]:
    """Write one chunk of codes; a rerun writes only what the chunk is missing."""
    org_id, advantage_id, batch_id = _batch(event)
    return batches.generate_chunk(
        org_id, advantage_id, batch_id, event.get("contact_id"), int(event["index"]), int(event["size"])
    )


def finish(event: dict[str, Any]) -> dict[str, Any]:
    org_id, advantage_id, batch_id = _batch(event)
    finished = batches.finish(org_id, advantage_id, batch_id)
    summary = {"org_id": org_id, "advantage_id": advantage_id, "batch_id": batch_id, **finished}
    run, created = runs.record_run(
        WORKFLOW, runs.execution_name(event), "succeeded", event["started_at"], summary, scope=org_id
    )
    return {"recorded": created, "summary": run.summary}


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    """The batch is failed (its codes written so far stay, counted), and the run records why."""
    given = event.get("input") or {}
    if given.get("batch_id"):
        error = event.get("error") or {}
        batches.fail(
            given["org_id"], given["advantage_id"], given["batch_id"], str(error.get("Error") or "failed")
        )
    return runs.record_task_failure(WORKFLOW, event)


ACTIONS = {"begin": begin, "generate": generate, "finish": finish, "record_failure": record_failure}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `code_batches` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown code-batches action: {action!r}")
    return ACTIONS[action](event)
