"""The release of unsold allotment: N days before a performance (the interface's release_days_before,
counted on the venue's calendar), the free seats and standing places of the distributor's quotas go to
the interface's release_to_quota_id, back to general sale. Held, sold and blocked seats stay.

A release is recorded per performance (key DISTRIBUTORS#<org>#<interface>, RELEASE#<performance>) with
when it first ran and what it moved. Running it again moves what is free in the distributor's quotas
again (a cancellation returned places to them since) and is otherwise a no-op. A performance that
lost places is marked for export (the export's pending mark); the caller exports the released
performances afterwards, so that the distributor stops selling them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.catalog.model import PerformanceStatus, Stored
from chalicelib.catalog.seating import Selection
from chalicelib.db.catalog import CatalogTable
from chalicelib.db.conditions import store_errors
from chalicelib.distributors import repository
from chalicelib.distributors.items import mappings_pk
from chalicelib.distributors.reconciliation_stock import interface_quotas
from chalicelib.errors import Conflict, SeatUnavailable
from chalicelib.inventory import service as inventory
from chalicelib.inventory import stock
from chalicelib.inventory.stock_model import MOVE, live_status
from chalicelib.observability import logger

PREFIX = "RELEASE#"
CHUNK = 1000  # seats per change request (inventory writes them 100 at a time)
ATTEMPTS = 3  # a standing area whose places are being taken while they move is read again


class ReleaseItem(CatalogTable):
    performance_id = UnicodeAttribute()
    to_quota_id = UnicodeAttribute()
    released_at = UTCDateTimeAttribute()  # the first release
    last_run_at = UTCDateTimeAttribute()
    seats = NumberAttribute(default=0)  # moved so far, over every run
    places = NumberAttribute(default=0)


@dataclass(frozen=True)
class Released:
    performance_id: str
    to_quota_id: str
    released_at: datetime
    last_run_at: datetime
    seats: int
    places: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "performance_id": self.performance_id,
            "to_quota_id": self.to_quota_id,
            "released_at": clock.iso(self.released_at),
            "last_run_at": clock.iso(self.last_run_at),
            "seats": self.seats,
            "places": self.places,
        }


def release_day(starts_at: Any, days_before: int, zone: str) -> date:
    """The venue's calendar day the release is due from: `days_before` days before the performance's
    local day (released from that day's morning, whatever time of day the performance starts)."""
    return zones.local_date(starts_at, zone) - timedelta(days=days_before)


def is_due(performance: Stored, days_before: int, zone: str, now: datetime) -> bool:
    """On sale, not started yet, and the venue's day today is its release day or later."""
    if performance.performance_status != PerformanceStatus.ON_SALE:
        return False
    starts_at = zones.instant(performance.data["starts_at"])
    if starts_at <= now:
        return False
    return zones.local_date(now, zone) >= release_day(starts_at, days_before, zone)


def release_due(org_id: str, interface_id: str) -> dict[str, Any]:
    """Release what is due now; {"performances": [{"performance_id", "seats", "places", "first"}],
    "seats": n, "places": n}. An interface without release_days_before releases nothing."""
    interface = repository.get_interface(org_id, interface_id)
    days = interface.data.get("release_days_before")
    target = interface.data.get("release_to_quota_id")
    result: dict[str, Any] = {"performances": [], "seats": 0, "places": 0}
    if days is None or not target:
        return result
    now = clock.now()
    with catalog.shared_reads():
        quotas = [q for q in interface_quotas(org_id, interface) if q != target]
        if not quotas:
            return result
        zone_of_hall = catalog.hall_zones(org_id)
        due = [
            p
            for p in catalog.all_items(org_id, "performance")
            if is_due(p, int(days), zone_of_hall.get(p.data.get("hall_id", ""), zones.DEFAULT_ZONE), now)
        ]
    records = released(org_id, interface_id)
    for performance in sorted(due, key=lambda p: (zones.instant(p.data["starts_at"]), p.id)):
        moved, places = release_performance(org_id, performance, quotas, target)
        seats = len(moved)
        first = performance.id not in records
        if seats or places:
            _mark_for_export(org_id, interface_id, performance.id, moved)
        if first or seats or places:
            _record(org_id, interface_id, performance.id, target, seats, places)
        if seats or places:
            result["performances"].append(
                {"performance_id": performance.id, "seats": seats, "places": places, "first": first}
            )
            result["seats"] += seats
            result["places"] += places
    return result


def release_performance(
    org_id: str, performance: Stored, quotas: list[str], target: str
) -> tuple[list[str], int]:
    """Move the free seats and standing places of `quotas` to `target`: (the seats moved, places moved)."""
    shards = inventory.stock_shards(performance.state)
    now = clock.seconds()
    wanted = set(quotas)
    free = [
        seat.seat_id
        for seat in inventory.map_seats(performance.id, shards)
        if seat.quota_id in wanted and live_status(seat.status, seat.hold_expires_at, now) == "free"
    ]
    seats: list[str] = []
    for start in range(0, len(free), CHUNK):
        seats += _move_seats(org_id, performance.id, free[start : start + CHUNK], frozenset(wanted), target)
    places = 0
    areas = inventory.stock_counts(org_id, performance.id)["areas"]
    for area in areas:
        if area["quota_id"] in wanted and int(area["free"]) > 0:
            places += _move_places(org_id, performance.id, area["area"], area["quota_id"], target)
    return seats, places


def _move_seats(
    org_id: str, performance_id: str, seat_ids: list[str], quotas: frozenset[str], target: str
) -> list[str]:
    """The seats moved; a seat taken (held, sold, blocked) or moved out of `quotas` by an operator
    since it was read stays where it is: each seat's write requires it to be in one of them still."""
    pending = list(seat_ids)
    while pending:
        selection = Selection(seat_ids=tuple(pending))
        try:
            report = stock.change_seats(org_id, performance_id, selection, MOVE, target, from_quotas=quotas)
        except SeatUnavailable as exc:  # a small selection is all or nothing: leave the taken out
            taken = {r["seat_id"] for r in exc.details.get("refused", [])}
            if not taken:
                raise
            pending = [s for s in pending if s not in taken]
            continue
        left = {r["seat_id"] for r in report.refused} | set(report.unchanged)
        return [s for s in pending if s not in left]
    return []


def _mark_for_export(org_id: str, interface_id: str, performance_id: str, seat_ids: list[str]) -> None:
    """The performance's export is due (the export's pending mark, once it exists): the distributor
    must stop selling what went back to general sale."""
    try:
        from chalicelib.distributors import export_store
    except ImportError:
        return
    mark = getattr(export_store, "mark_pending", None)
    if mark is not None:
        mark(org_id, interface_id, performance_id, set(seat_ids))


def _move_places(org_id: str, performance_id: str, area: str, quota: str, target: str) -> int:
    """The area's free places of `quota` moved to `target`, read again when a buyer or an operator
    takes some meanwhile. stock.move_places decrements `quota`'s own counters (the quota is in their
    key) on condition they still have the places free, so it never takes places from another quota."""
    for _ in range(ATTEMPTS):
        free = sum(
            c.free
            for c in inventory.area_counters(performance_id, _shards(org_id, performance_id), area)
            if c.quota_id == quota
        )
        if free <= 0:
            return 0
        try:
            stock.move_places(org_id, performance_id, area, quota, target, free)
        except (SeatUnavailable, Conflict):
            continue
        return free
    logger.warning(
        "standing places kept being taken while released", extra={"performance_id": performance_id}
    )
    return 0


def _shards(org_id: str, performance_id: str) -> int:
    return inventory.stock_shards(catalog.get(org_id, "performance", performance_id).state)


@store_errors
def _record(
    org_id: str, interface_id: str, performance_id: str, target: str, seats: int, places: int
) -> None:
    now = clock.now()
    item = ReleaseItem(mappings_pk(org_id, interface_id), f"{PREFIX}{performance_id}")
    item.update(
        actions=[
            ReleaseItem.performance_id.set(performance_id),
            ReleaseItem.to_quota_id.set(target),
            ReleaseItem.released_at.set(ReleaseItem.released_at | now),
            ReleaseItem.last_run_at.set(now),
            ReleaseItem.seats.add(seats),
            ReleaseItem.places.add(places),
        ]
    )


def _released(item: ReleaseItem) -> Released:
    return Released(
        item.performance_id,
        item.to_quota_id,
        item.released_at,
        item.last_run_at,
        int(item.seats or 0),
        int(item.places or 0),
    )


@store_errors
def released(org_id: str, interface_id: str) -> dict[str, Released]:
    """The interface's releases so far, per performance."""
    query = ReleaseItem.query(
        mappings_pk(org_id, interface_id), ReleaseItem.sk.startswith(PREFIX), consistent_read=True
    )
    return {item.performance_id: _released(item) for item in query}
