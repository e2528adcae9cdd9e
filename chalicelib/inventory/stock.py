"""Stock use cases: count a performance's stock, read its seat map, block, unblock and move seats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib import clock
from chalicelib.catalog import seating_repository
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import PerformanceStatus, Stored
from chalicelib.catalog.seating import Selection
from chalicelib.db.stock import AREA_COUNTER_PLACES
from chalicelib.errors import Conflict, InvalidInput, NotFound, SeatUnavailable
from chalicelib.inventory import stock_changes_repository as changes
from chalicelib.inventory import stock_repository
from chalicelib.inventory.stock_model import (
    ALREADY,
    MOVE,
    NOT_IN_STOCK,
    AreaCounter,
    count_areas,
    count_seats,
    live_status,
    plan_place_move,
    refusal,
    select_seats,
)
from chalicelib.inventory.stock_opening import status_of
from chalicelib.inventory.stock_reads import stock_shards

TRANSACTION_ITEMS = changes.TRANSACTION_ITEMS
# Seats one request may change (chunks of 100 seats, one transaction each, within an API call's time).
MAX_SELECTION = 5000
AREA_FIELDS = ["sk", "area", "quota_id", "category_id", "counter", "capacity", "free"]
MOVE_ATTEMPTS = 3
DONE = {"block": "blocked", "unblock": "unblocked", "move": "moved"}
# Why a seat was refused when `from_quotas` was given and its quota is none of them.
OTHER_QUOTA = "other quota"


def _shards(performance: Stored) -> int:
    return stock_shards(performance.state)


def stock_counts(org_id: str, performance_id: str) -> dict[str, Any]:
    """Seats per category x quota x status and places per standing area, read from every shard."""
    performance = catalog.get(org_id, "performance", performance_id)
    items = stock_repository.stock_items(performance_id, _shards(performance), stock_repository.COUNT_FIELDS)
    seats = [item for item in items if item["sk"].startswith("SEAT#")]
    return {
        "performance_id": performance_id,
        "status": status_of(performance),
        "shards": _shards(performance),
        "seat_count": len(seats),
        "seats": count_seats(seats, clock.seconds()),
        "areas": count_areas([item for item in items if item["sk"].startswith("AREA#")]),
    }


def live_seats(org_id: str, performance_id: str) -> dict[str, Any]:
    """The performance's status and every seat's state now: a held seat past its expiry shows as free."""
    performance = catalog.get(org_id, "performance", performance_id)
    fields = stock_repository.MAP_FIELDS
    items = stock_repository.stock_items(performance_id, _shards(performance), fields, prefix="SEAT#")
    now = clock.seconds()
    seats = []
    for item in items:
        seat = {name: value for name, value in item.items() if name != "sk"}
        seat["status"] = live_status(seat.get("status"), seat.get("hold_expires_at"), now)
        seats.append(seat)
    return {"performance_id": performance_id, "status": status_of(performance), "seats": seats}


@dataclass
class ChangeReport:
    """What an operator's change did: seats changed, seats already as asked, seats refused and why."""

    changed: int = 0
    unchanged: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)


def _on_sale(org_id: str, performance_id: str) -> Stored:
    performance = catalog.get(org_id, "performance", performance_id)
    if status_of(performance) != PerformanceStatus.ON_SALE:
        raise Conflict(
            f"Performance {performance_id} is {status_of(performance)}: its stock changes once it is on sale",
            {"status": status_of(performance)},
        )
    return performance


def _check_quota(org_id: str, quota_id: str | None) -> None:
    try:
        catalog.get(org_id, "quota", quota_id or "")
    except NotFound:
        raise InvalidInput(f"No quota {quota_id}", {"field": "quota_id"}) from None


def _selected(org_id: str, performance: Stored, selection: Selection) -> list[str]:
    """The selected seat ids: one block's records read when the selection names a block, else the plan's."""
    if selection.seat_ids:
        return select_seats([], [], selection)
    plan_id = performance.state.get("seating_plan_id", "")
    layout_id = performance.data["layout_id"]
    if selection.zone is not None and selection.block is not None:
        plan, layout = stock_repository.read_block(
            org_id, plan_id, layout_id, selection.zone, selection.block
        )
        if plan is None:
            raise NotFound(
                f"No block {selection.zone}/{selection.block} in the seating plan", {"field": "block"}
            )
        return select_seats([plan], [layout] if layout else [], selection)
    plans = seating_repository.plan_blocks(org_id, plan_id)
    return select_seats(plans, seating_repository.layout_blocks(org_id, layout_id), selection)


def change_seats(
    org_id: str,
    performance_id: str,
    selection: Selection,
    change: str,
    target_quota: str | None = None,
    guard: Callable[[list[str]], None] | None = None,
    *,
    from_quotas: frozenset[str] | None = None,
) -> ChangeReport:
    """Block, unblock or move the selected seats; a held or sold seat is never touched.

    `guard`: called with the selected seat ids before anything is written; what it raises refuses
    the change (the distributors' two-step move).

    `from_quotas` (None: any quota): each seat changes only if its quota is one of them when it is
    written, so a seat an operator moved to another quota since the caller read it stays there; it
    is refused with the reason "other quota", like a held or sold seat.

    Up to 100 seats the request is all or nothing: one refused seat and SeatUnavailable names every
    refused one. A larger selection is written 100 seats at a time, each chunk all or nothing, its
    refused seats left out and listed in the report while the others change.
    """
    if selection.seat_ids and len(selection.seat_ids) > MAX_SELECTION:
        raise InvalidInput(
            f"At most {MAX_SELECTION} seats per request",
            {"field": "selection.seat_ids", "max": MAX_SELECTION},
        )
    performance = _on_sale(org_id, performance_id)
    if change == MOVE:
        _check_quota(org_id, target_quota)
    seat_ids = _selected(org_id, performance, selection)
    if not seat_ids:
        raise InvalidInput("The selection names no seat for sale", {"field": "selection"})
    if len(seat_ids) > MAX_SELECTION:
        raise InvalidInput(
            f"At most {MAX_SELECTION} seats per request", {"field": "selection", "seats": len(seat_ids)}
        )
    if from_quotas is not None and not from_quotas:
        raise InvalidInput("from_quotas names no quota", {"field": "from_quotas"})
    if guard is not None:
        guard(seat_ids)
    report = ChangeReport()
    whole = len(seat_ids) <= TRANSACTION_ITEMS
    for start in range(0, len(seat_ids), TRANSACTION_ITEMS):
        chunk = seat_ids[start : start + TRANSACTION_ITEMS]
        _change_chunk(performance, chunk, change, target_quota, from_quotas, report, whole)
    return report


def _refusal(
    change: str,
    current: dict[str, Any] | None,
    target_quota: str | None,
    from_quotas: frozenset[str] | None,
    now: int,
) -> str:
    """Why the seat's write failed: ALREADY when it is already as asked, OTHER_QUOTA when its quota is
    not one of `from_quotas` (it is no longer the caller's to change), else its state."""
    reason = refusal(change, current, target_quota, now)
    if reason in (ALREADY, NOT_IN_STOCK) or from_quotas is None or current is None:
        return reason
    return OTHER_QUOTA if current.get("quota_id") not in from_quotas else reason


def _change_chunk(
    performance: Stored,
    seat_ids: list[str],
    change: str,
    target_quota: str | None,
    from_quotas: frozenset[str] | None,
    report: ChangeReport,
    whole: bool,
) -> None:
    """Write the chunk, dropping the seats whose condition fails until the rest goes through."""
    now = clock.seconds()
    pending = list(seat_ids)
    while pending:
        failed = changes.change_seats(
            performance.id, _shards(performance), pending, change, target_quota, now, from_quotas
        )
        if not failed:
            report.changed += len(pending)
            return
        reasons = {
            seat: _refusal(change, current, target_quota, from_quotas, now)
            for seat, current in failed.items()
        }
        refused = [{"seat_id": s, "reason": r} for s, r in reasons.items() if r != ALREADY]
        if refused and whole:
            names = ", ".join(f"{r['seat_id']} ({r['reason']})" for r in refused[:20])
            raise SeatUnavailable(
                f"Nothing changed: {len(refused)} seat(s) cannot be {DONE[change]}: {names}",
                {"refused": refused},
            )
        report.unchanged.extend(s for s, r in reasons.items() if r == ALREADY)
        report.refused.extend(refused)
        pending = [seat for seat in pending if seat not in failed]


def move_places(
    org_id: str, performance_id: str, area: str, from_quota: str, to_quota: str, places: int
) -> dict[str, Any]:
    """Move free standing places of an area from one quota to another, with conditional decrements."""
    performance = _on_sale(org_id, performance_id)
    _check_quota(org_id, to_quota)
    if from_quota == to_quota:
        raise InvalidInput("The places already belong to this quota", {"field": "to_quota_id"})
    shards = _shards(performance)
    for _ in range(MOVE_ATTEMPTS):
        counters = stock_repository.stock_items(performance_id, shards, AREA_FIELDS, prefix=f"AREA#{area}#")
        sources = [c for c in counters if c["quota_id"] == from_quota]
        if not sources:
            raise NotFound(f"No places of quota {from_quota} in standing area {area}", {"area": area})
        taken, added = plan_place_move(
            [AreaCounter(c["counter"], c["capacity"], c["free"]) for c in sources],
            [
                AreaCounter(c["counter"], c["capacity"], c["free"])
                for c in counters
                if c["quota_id"] == to_quota
            ],
            places,
            AREA_COUNTER_PLACES,
        )
        if len(taken) + len(added) > TRANSACTION_ITEMS:
            raise InvalidInput("Too many counters for one move; move fewer places", {"places": places})
        quotas = (from_quota, to_quota)
        category = sources[0].get("category_id")
        if changes.move_places(performance_id, shards, area, quotas, category, taken, added):
            return {"area": area, "from_quota_id": from_quota, "to_quota_id": to_quota, "places": places}
    raise Conflict("The standing area kept changing while places were moved; try again", {"area": area})
