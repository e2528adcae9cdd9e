"""The allotment of a distributor, read from the stock: per performance, the seats of its quotas that
are not blocked and the standing places of its quotas per area, with the distributor's ids.

The distributor's quotas (its external channel's) are sold through that channel only, so a seat of
theirs that is held or sold is the distributor's own sale (reintegrated): it stays in the allotment
(the distributor counts it as sold), as the on-sale sheet counts the quota. A blocked seat is left out:
blocking is how an operator takes seats away from a distributor (the seed's "bloquer des places, elles
ne sont pas exportées")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import PerformanceStatus, Stored
from chalicelib.distributors import on_sale_sheet, repository
from chalicelib.distributors.adapters import AllotmentPlace
from chalicelib.distributors.allotment_files import map_places
from chalicelib.distributors.categories import MappingError
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.inventory import service as inventory
from chalicelib.inventory.stock_model import natural_key

BLOCKED = "blocked"
MAX_LISTED_ERRORS = 50


def distributor_quotas(org_id: str, channel_id: str) -> set[str]:
    """The quotas the interface's channel sells: those it lists and the external quotas naming it."""
    try:
        listed = set(catalog.get(org_id, "sales_channel", channel_id).data.get("quota_ids", []))
    except NotFound:
        listed = set()
    return listed | on_sale_sheet.external_quotas(org_id, channel_id)


def _starts_at(performance: Stored) -> datetime | None:
    try:
        return datetime.fromisoformat(performance.data["starts_at"])
    except (KeyError, TypeError, ValueError):
        return None


def exportable(performance: Stored) -> bool:
    """On sale (its stock is open) and still to come."""
    starts = _starts_at(performance)
    return performance.performance_status == PerformanceStatus.ON_SALE and (
        starts is None or starts > clock.now()
    )


def target_performances(
    org_id: str,
    performance_ids: list[str] | None,
    pending: list[str],
    quota_ids: set[str],
    strict: bool = True,
) -> list[Stored]:
    """The performances an export covers. Named ones: each must exist and be on sale and to come
    (`strict`: InvalidInput naming it; else it is left out, as is one where the distributor has no
    place and no export is due: a run names every performance on sale). None: every exportable one
    where the quotas have places, and those whose export is due (a quota emptied)."""
    due = set(pending)
    if performance_ids is None:
        if not quota_ids:
            return []
        found = [p for p in catalog.all_items(org_id, "performance") if exportable(p)]
        found = [p for p in found if p.id in due or _has_places(org_id, p, quota_ids)]
        return sorted(found, key=lambda p: (p.data.get("starts_at", ""), p.id))
    chosen = []
    for performance_id in dict.fromkeys(performance_ids):
        try:
            performance = catalog.get(org_id, "performance", performance_id)
        except NotFound:
            if not strict:
                continue
            raise InvalidInput(
                f"performance_ids: no performance {performance_id}",
                {"field": "performance_ids", "performance_id": performance_id, "reason": "not_found"},
            ) from None
        if exportable(performance):
            if strict or performance.id in due or _has_places(org_id, performance, quota_ids):
                chosen.append(performance)
        elif strict:
            raise InvalidInput(
                f"performance_ids: {performance_id} is not on sale or is over: nothing to export",
                {"field": "performance_ids", "performance_id": performance_id, "reason": "not_on_sale"},
            )
    return chosen


def _has_places(org_id: str, performance: Stored, quota_ids: set[str]) -> bool:
    size = on_sale_sheet.quota_size(org_id, performance, quota_ids)
    return size["source"] == "stock" and bool(size["seats"] or size["places"])


def places_of(org_id: str, performance: Stored, quota_ids: set[str]) -> list[AllotmentPlace]:
    """The performance's seats of the quotas (blocked ones left out), in plan order, then its standing
    places per area; our ids only (the distributor's are added by `mapped`)."""
    shards = inventory.stock_shards(performance.state)
    seats = [
        seat
        for seat in inventory.map_seats(performance.id, shards)
        if seat.quota_id in quota_ids and seat.status != BLOCKED
    ]
    seats.sort(key=lambda s: (s.zone or "", s.block or "", natural_key(s.row), natural_key(s.number)))
    places = [
        AllotmentPlace(
            performance_id=performance.id,
            distributor_performance_id=None,
            seat_category_id=seat.category_id or "",
            distributor_seat_category_id=None,
            zone=seat.zone or "",
            distributor_zone_id=None,
            block=seat.block or "",
            row=seat.row or "",
            number=seat.number or "",
            seat_id=seat.seat_id,
        )
        for seat in seats
    ]
    if _has_areas(org_id, performance):
        areas: dict[tuple[str, str], int] = {}
        for area, quota_id, category_id, capacity in inventory.area_capacities(performance.id, shards):
            if quota_id in quota_ids and capacity > 0:
                key = (area, category_id or "")
                areas[key] = areas.get(key, 0) + capacity
        places += [
            AllotmentPlace(
                performance_id=performance.id,
                distributor_performance_id=None,
                seat_category_id=category,
                distributor_seat_category_id=None,
                zone=area,
                distributor_zone_id=None,
                places=count,
            )
            for (area, category), count in sorted(areas.items())
        ]
    return places


def _has_areas(org_id: str, performance: Stored) -> bool:
    """The performance's plan has standing areas (else no counter to read)."""
    plan_id = performance.state.get("seating_plan_id")
    if not plan_id:
        return True  # unknown: read the counters
    try:
        return bool(catalog.get(org_id, "seating_plan", plan_id).data.get("areas"))
    except NotFound:
        return True


@dataclass
class Built:
    """A performance's allotment with the distributor's ids, or the mappings it lacks."""

    performance_id: str
    places: list[AllotmentPlace]
    errors: list[dict[str, Any]]
    # the distributor's id of the performance (it empties a performance left without places)
    distributor_performance_id: str | None = None

    @property
    def count(self) -> int:
        return sum(place.places for place in self.places)


class SeasonIds:
    """The interface's mappings of each season, read once: (kind, our id) -> the distributor's id."""

    def __init__(self, org_id: str, interface_id: str) -> None:
        self.org_id, self.interface_id = org_id, interface_id
        self._seasons: dict[str, dict[tuple[str, str], str]] = {}

    def of(self, season_id: str) -> dict[tuple[str, str], str]:
        if season_id not in self._seasons:
            found = repository.list_mappings(self.org_id, self.interface_id, season_id)
            self._seasons[season_id] = {(m.kind.value, m.our_id): m.distributor_id for m in found}
        return self._seasons[season_id]


def mapped(org_id: str, performance: Stored, places: list[AllotmentPlace], ids: SeasonIds) -> Built:
    """The places with the distributor's ids from the mappings of the event's season; each missing
    mapping is a mapping error naming our item."""
    event = catalog.get(org_id, "event", performance.data["event_id"])
    season_id = event.data["season_id"]
    plan_id = performance.state.get("seating_plan_id", "")
    with_ids, missing = map_places(places, ids.of(season_id), plan_id)
    errors = [
        MappingError(
            f"No {kind.replace('_', ' ')} mapping for {our_id} in season {season_id}",
            {"kind": kind, "our_id": our_id, "season_id": season_id, "performance_id": performance.id},
        ).as_dict()
        for kind, our_id in ((row["kind"], row["our_id"]) for row in missing.as_list())
    ]
    distributor_id = ids.of(season_id).get(("performance", performance.id))
    return Built(performance.id, with_ids, errors[:MAX_LISTED_ERRORS], distributor_id)
