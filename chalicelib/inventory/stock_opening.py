"""Opening a performance: its stock built from its layout block by block, each step safe to re-run."""

from __future__ import annotations

import re
import uuid
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import clock
from chalicelib.catalog import repository as catalog_repository
from chalicelib.catalog import seating_repository
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import OPENABLE, PerformanceStatus, Stored
from chalicelib.db.catalog import CatalogItem
from chalicelib.db.stock import area_counters, shard_count
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.inventory import stock_repository
from chalicelib.inventory.repository import store_errors
from chalicelib.inventory.stock_model import (
    AreaShare,
    area_shares,
    block_seats,
    seats_for_sale,
)
from chalicelib.runs import service as runs

WORKFLOW = "open-performance"
STATUS = CatalogItem.state["status"]
EXECUTION = CatalogItem.state["opening_execution"]


def status_of(performance: Stored) -> str:
    return performance.performance_status.value


def _now() -> str:
    return clock.now().isoformat()


def _opening_by(execution: str) -> Any:
    """The performance is being opened by this run of the workflow."""
    opening = PerformanceStatus.OPENING.value
    return (STATUS == opening) & (EXECUTION == execution)  # noqa: SIM300 - attribute paths, not constants


def _set_state(org_id: str, performance_id: str, changes: dict[str, Any], condition: Any) -> bool:
    """Change the performance's state if `condition` holds; False (nothing written) if it does not."""
    try:
        catalog_repository.update_state(org_id, "performance", performance_id, changes, condition)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _shares(plan: Stored, layout: Stored) -> list[AreaShare]:
    capacities = {area["code"]: int(area["capacity"]) for area in plan.data.get("areas") or []}
    return area_shares(capacities, layout.data.get("areas") or [])


def _check_references(org_id: str, categories: set[str], quotas: set[str]) -> None:
    """Every category and quota the layout assigns must exist, or the stock would name ghosts."""
    for kind, wanted in (("seat_category", categories), ("quota", quotas)):
        missing = sorted(wanted - {item.id for item in catalog.all_items(org_id, kind)})
        if missing:
            label = kind.replace("_", " ")
            raise InvalidInput(
                f"The layout names unknown {label}(s): {', '.join(missing[:10])}", {kind: missing}
            )


def _what_to_sell(org_id: str, performance: Stored) -> tuple[Stored, Stored, dict, list[AreaShare]]:
    """The performance's layout and plan, its blocks' seats for sale and its standing shares, checked."""
    layout = catalog.get(org_id, "layout", performance.data["layout_id"])
    plan = catalog.get(org_id, "seating_plan", layout.data["seating_plan_id"])
    layouts = seating_repository.layout_blocks(org_id, layout.id)
    blocks = seats_for_sale(seating_repository.plan_blocks(org_id, plan.id), layouts)
    shares = _shares(plan, layout)
    assigned = [a for b in layouts for a in b.seats.values()]
    _check_references(
        org_id,
        {a.seat_category_id for a in assigned} | {s.category_id for s in shares},
        {a.quota_id for a in assigned if a.quota_id} | {s.quota_id for s in shares},
    )
    if not blocks and not shares:
        raise InvalidInput("The layout puts no seat and no standing place on sale", {"layout_id": layout.id})
    return layout, plan, blocks, shares


@store_errors
def prepare(org_id: str, performance_id: str, execution: str) -> dict[str, Any]:
    """Check the performance can open and mark it `opening` for this execution; list its blocks.

    The condition on the current status makes two openings unable to race: only one execution
    moves a draft to opening; the same execution may run this step again.
    """
    performance = catalog.get(org_id, "performance", performance_id)
    status = status_of(performance)
    if status == PerformanceStatus.ON_SALE:
        return {"already_open": True, "outcome": "already open", "status": status}
    resumed = status == PerformanceStatus.OPENING and performance.state.get("opening_execution") == execution
    if status not in OPENABLE and not resumed:
        raise Conflict(
            f"Performance {performance_id} is {status}; it cannot be opened now", {"status": status}
        )
    layout, plan, blocks, shares = _what_to_sell(org_id, performance)
    seat_count = sum(blocks.values())
    state = {
        "status": PerformanceStatus.OPENING.value,
        "opening_execution": execution,
        "seating_plan_id": plan.id,
        # A resumed opening keeps the shard count it started with: seats already written sit on those keys.
        "shards": int(performance.state.get("shards") or shard_count(seat_count)),
        "seat_count": seat_count,
        "capacity": seat_count + sum(share.places for share in shares),
    }
    mine = _opening_by(execution)
    if not _set_state(
        org_id, performance_id, state, STATUS.does_not_exist() | STATUS.is_in(*OPENABLE) | mine
    ):
        raise Conflict(f"Performance {performance_id} is being opened by another run", {"id": performance_id})
    return {
        "already_open": False,
        "plan_id": plan.id,
        "layout_id": layout.id,
        **{name: state[name] for name in ("shards", "seat_count", "capacity")},
        "blocks": [{"zone": zone, "block": block, "seats": n} for (zone, block), n in sorted(blocks.items())],
    }


def _require_opening(org_id: str, performance_id: str) -> Stored:
    performance = catalog.get(org_id, "performance", performance_id)
    if status_of(performance) != PerformanceStatus.OPENING:
        raise Conflict(
            f"Performance {performance_id} is {status_of(performance)}, not opening: no stock is written",
            {"status": status_of(performance)},
        )
    return performance


@store_errors
def write_block(
    org_id: str, performance_id: str, plan_id: str, layout_id: str, shards: int, zone: str, block: str
) -> dict[str, Any]:
    """Write one block's seats; a block already written is skipped and said so."""
    _require_opening(org_id, performance_id)
    outcome = {"zone": zone, "block": block}
    if stock_repository.block_written(performance_id, zone, block):
        return {**outcome, "seats": 0, "skipped": True}
    plan, layout = stock_repository.read_block(org_id, plan_id, layout_id, zone, block)
    seats = block_seats(plan, layout) if plan else []
    stock_repository.write_block(performance_id, shards, zone, block, seats)
    return {**outcome, "seats": len(seats), "skipped": False}


@store_errors
def write_areas(
    org_id: str, performance_id: str, plan_id: str, layout_id: str, shards: int
) -> dict[str, Any]:
    """Create the standing areas' counters per quota; counters that exist already are left as they are."""
    _require_opening(org_id, performance_id)
    shares = _shares(catalog.get(org_id, "seating_plan", plan_id), catalog.get(org_id, "layout", layout_id))
    created = existing = 0
    for share in shares:
        for counter, places in enumerate(area_counters(share.places)):
            if stock_repository.write_area_counter(performance_id, shards, share, counter, places):
                created += 1
            else:
                existing += 1
    places = sum(share.places for share in shares)
    return {"counters_created": created, "counters_existing": existing, "places": places}


def summary_of(blocks: list[dict[str, Any]], areas: dict[str, Any]) -> dict[str, Any]:
    return {
        "blocks_written": sum(1 for b in blocks if not b.get("skipped")),
        "blocks_skipped": sum(1 for b in blocks if b.get("skipped")),
        "seats_written": sum(int(b.get("seats", 0)) for b in blocks),
        "counters_created": int(areas.get("counters_created", 0)),
        "standing_places": int(areas.get("places", 0)),
    }


@store_errors
def finish(
    org_id: str, performance_id: str, execution: str, started_at: str, summary: dict
) -> dict[str, Any]:
    """Mark the performance on_sale and record the run; a second call says it is already open."""
    changes = {"status": PerformanceStatus.ON_SALE.value, "opened_at": _now()}
    if _set_state(org_id, performance_id, changes, _opening_by(execution)):
        outcome = "opened"
    elif status_of(catalog.get(org_id, "performance", performance_id)) == PerformanceStatus.ON_SALE:
        outcome = "already open"
    else:
        raise Conflict(f"Performance {performance_id} is no longer being opened by this run", {})
    summary = {**summary, "performance_id": performance_id, "outcome": outcome}
    runs.record_run(WORKFLOW, execution, "succeeded", started_at, summary, scope=org_id)
    return summary


@store_errors
def fail(
    org_id: str | None, performance_id: str | None, execution: str, started_at: str, error: dict[str, Any]
) -> dict[str, Any]:
    """Put a performance this run was opening in open_failed (it may be opened again) and record the run.

    Only this execution's opening is undone: a run that failed because another was opening
    leaves that one alone.
    """
    reset = False
    if org_id and performance_id:
        failed = PerformanceStatus.OPEN_FAILED.value
        changes = {"status": failed, "open_error": error.get("Error") or "unknown"}
        reset = _set_state(org_id, performance_id, changes, _opening_by(execution))
    run, created = runs.record_run(
        WORKFLOW,
        execution,
        "failed",
        started_at,
        {"performance_id": performance_id, "reset_to_open_failed": reset},
        scope=org_id or runs.GLOBAL_SCOPE,
        error=error.get("Error"),
        cause=error.get("Cause"),
    )
    return {"recorded": created, "reset": reset, "error": run.error}


def execution_name(performance_id: str) -> str:
    """Step Functions names allow letters, digits, - and _ (80 at most); the suffix makes each unique."""
    return f"open-{re.sub(r'[^A-Za-z0-9_-]', '-', performance_id)[:48]}-{uuid.uuid4().hex[:16]}"


def start(org_id: str, performance_id: str) -> str:
    """Start the open-performance state machine for a performance that is not open or opening yet."""
    status = status_of(catalog.get(org_id, "performance", performance_id))
    if status not in OPENABLE:
        raise Conflict(
            f"Performance {performance_id} is {status}; it cannot be opened now", {"status": status}
        )
    payload = {"org_id": org_id, "performance_id": performance_id}
    return runs.start_workflow(WORKFLOW, payload, execution=execution_name(performance_id))
