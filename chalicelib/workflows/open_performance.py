"""Tasks of the open-performance state machine: prepare, write a block, write area counters, finish, fail."""

from __future__ import annotations

from typing import Any

from chalicelib.inventory import stock_opening
from chalicelib.observability import logger
from chalicelib.runs import service as runs


def prepare(event: dict[str, Any]) -> dict[str, Any]:
    prepared = stock_opening.prepare(event["org_id"], event["performance_id"], runs.execution_name(event))
    logger.info("performance opening", extra={k: v for k, v in prepared.items() if k != "blocks"})
    return prepared


def write_block(event: dict[str, Any]) -> dict[str, Any]:
    return stock_opening.write_block(
        event["org_id"],
        event["performance_id"],
        event["plan_id"],
        event["layout_id"],
        int(event["shards"]),
        event["zone"],
        event["block"],
    )


def write_areas(event: dict[str, Any]) -> dict[str, Any]:
    return stock_opening.write_areas(
        event["org_id"], event["performance_id"], event["plan_id"], event["layout_id"], int(event["shards"])
    )


def finish(event: dict[str, Any]) -> dict[str, Any]:
    summary = stock_opening.summary_of(event.get("blocks") or [], event.get("areas") or {})
    return stock_opening.finish(
        event["org_id"], event["performance_id"], runs.execution_name(event), event["started_at"], summary
    )


def fail(event: dict[str, Any]) -> dict[str, Any]:
    # The whole state is passed: a run started without a performance still gets its failure recorded.
    run = event.get("run") or {}
    return stock_opening.fail(
        run.get("org_id"),
        run.get("performance_id"),
        runs.execution_name(event),
        event["started_at"],
        run.get("error") or {},
    )


ACTIONS = {
    "prepare": prepare,
    "write_block": write_block,
    "write_areas": write_areas,
    "finish": finish,
    "fail": fail,
}


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Entry point of the `open_performance` Lambda function; `action` names the task."""
    action = event.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown open-performance action: {action!r}")
    return ACTIONS[action](event)
