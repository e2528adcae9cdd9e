"""The demo's performances put on sale by the real open-performance workflow, all at once."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import OPENABLE, PerformanceStatus
from chalicelib.catalog.repository import Stored
from chalicelib.inventory import stock_opening
from chalicelib.runs import service as runs
from infra.local.workflows import wait_for_execution

OPENING_TIMEOUT = 120.0  # seconds for every demo performance to be on sale


class OpeningError(RuntimeError):
    """A demo performance did not open for sale (its run says why), or not in time."""


def _stepfunctions() -> tuple[Any, str]:
    """A Step Functions client of the local stack, and the open-performance state machine's ARN."""
    import boto3

    from chalicelib.config import settings

    config = settings()
    client = boto3.client("stepfunctions", region_name=config.region, endpoint_url=config.aws_endpoint)
    return client, config.state_machine_arn_prefix + stock_opening.WORKFLOW


def _start(org_id: str, performance: Stored, client: Any, machine_arn: str) -> str:
    """Start the open-performance workflow, as the API's open route does; the execution's ARN.

    A performance left `opening` by a stack stopped mid-way (its execution went with moto's memory) is
    opened again under the execution name it records, which the workflow's first step accepts as its
    own: the run resumes, skipping the blocks already written.
    """
    status = performance.state.get("status", "draft")
    if status in OPENABLE:
        return stock_opening.start(org_id, performance.id)
    if status != PerformanceStatus.OPENING:
        raise OpeningError(f"Performance {performance.data['code']} is {status}: it cannot be put on sale")
    name = performance.state["opening_execution"]
    with contextlib.suppress(client.exceptions.ExecutionAlreadyExists):  # it runs now: wait for it
        client.start_execution(
            stateMachineArn=machine_arn,
            name=name,
            input=json.dumps({"org_id": org_id, "performance_id": performance.id}),
        )
    return machine_arn.replace(":stateMachine:", ":execution:") + ":" + name


# Quiet while the demo opens: urllib3 warns for each connection it closes instead of pooling when more
# requests run at once than a client pools (harmless); moto logs a failed execution's whole state tree,
# while OpeningError names the failure and its run record tells the cause.
QUIETED = {"urllib3.connectionpool": logging.ERROR, "moto.stepfunctions": logging.CRITICAL}


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    loggers = {logging.getLogger(name): level for name, level in QUIETED.items()}
    saved = {logger: logger.level for logger in loggers}
    for logger, level in loggers.items():
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, level in saved.items():
            logger.setLevel(level)


def _check_on_sale(org_id: str, performance: Stored, execution: dict[str, Any]) -> None:
    state = catalog.get(org_id, "performance", performance.id).state
    if execution["status"] == "SUCCEEDED" and state.get("status") == PerformanceStatus.ON_SALE:
        return
    name = execution["executionArn"].rsplit(":", 1)[-1]
    run = next((r for r in runs.list_runs(stock_opening.WORKFLOW, scope=org_id) if r.execution == name), None)
    why = f"{run.error}: {run.cause}" if run else state.get("open_error") or execution["status"]
    raise OpeningError(
        f"Performance {performance.data['code']} did not open ({why}); it is {state.get('status')}"
    )


def open_for_sale(org_id: str, performance_ids: list[str]) -> str:
    """Open those of the performances not on sale yet, all at once, and wait until each is on sale
    (moto runs the executions; their Lambda tasks run in this process). What it did, or ""."""
    current = [catalog.get(org_id, "performance", performance_id) for performance_id in performance_ids]
    closed = [p for p in current if p.state.get("status") != PerformanceStatus.ON_SALE]
    if not closed:
        return ""
    began = time.monotonic()
    client, machine_arn = _stepfunctions()
    with _quiet_logs():
        executions = [(p, _start(org_id, p, client, machine_arn)) for p in closed]
        for performance, arn in executions:
            left = max(0.1, began + OPENING_TIMEOUT - time.monotonic())
            try:
                ended = wait_for_execution(client, arn, timeout=left)
            except TimeoutError:
                raise OpeningError(
                    f"Performance {performance.data['code']} is not on sale after {OPENING_TIMEOUT:.0f}s"
                ) from None
            _check_on_sale(org_id, performance, ended)
    return f"{len(closed)} performances opened for sale in {time.monotonic() - began:.1f}s"
