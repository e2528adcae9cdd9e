"""What reconciliation and release read of our side: the interface's quotas, their places on a
performance (through inventory's service), and the interface's performance mappings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.catalog.model import PerformanceStatus, Stored
from chalicelib.distributors import repository
from chalicelib.distributors.model import Interface, MappingKind
from chalicelib.distributors.on_sale_sheet import external_quotas
from chalicelib.errors import NotFound
from chalicelib.inventory import service as inventory

FREE, HELD, SOLD, BLOCKED = "free", "held", "sold", "blocked"
# Performances whose stock exists: counted from it.
STOCKED = (PerformanceStatus.ON_SALE, PerformanceStatus.CLOSED)


def interface_quotas(org_id: str, interface: Interface) -> list[str]:
    """The distributor's quotas: those its channel lists, and the external quotas of its channel."""
    try:
        channel = catalog.get(org_id, "sales_channel", interface.channel_id)
        listed = set(channel.data.get("quota_ids") or [])
    except NotFound:
        listed = set()
    return sorted(listed | external_quotas(org_id, interface.channel_id))


@dataclass
class QuotaCounts:
    """One quota's seats by status and its standing places on one performance."""

    seats_free: int = 0
    seats_held: int = 0
    seats_sold: int = 0
    seats_blocked: int = 0
    places: int = 0  # standing places of the quota (its counters' capacity)
    places_free: int = 0

    @property
    def allocated(self) -> int:
        """What an export sends the distributor: its seats but the blocked ones, and its places."""
        return self.seats_free + self.seats_held + self.seats_sold + self.places

    @property
    def sold(self) -> int:
        """Seats sold, and standing places taken (a counter does not tell held from sold)."""
        return self.seats_sold + self.places - self.places_free

    @property
    def free(self) -> int:
        return self.seats_free + self.places_free

    @property
    def empty(self) -> bool:
        return not (self.allocated or self.seats_blocked)

    def as_dict(self, returned: int = 0, sold: int | None = None) -> dict[str, Any]:
        return {
            "allocated": self.allocated,
            "sold": self.sold if sold is None else sold,
            "returned": returned,
            "free": self.free,
            "held": self.seats_held,
            "blocked": self.seats_blocked,
            "seats": self.seats_free + self.seats_held + self.seats_sold,
            "places": self.places,
        }


def quota_counts(org_id: str, performance_id: str, quota_ids: list[str]) -> dict[str, QuotaCounts]:
    """Each quota's counts on the performance, read now from its stock (a seat of a lapsed hold is free)."""
    counts = {quota: QuotaCounts() for quota in quota_ids}
    stock = inventory.stock_counts(org_id, performance_id)
    for row in stock["seats"]:
        found = counts.get(row.get("quota_id") or "")
        if found is None:
            continue
        status, seats = row["status"], int(row["seats"])
        if status == FREE:
            found.seats_free += seats
        elif status == HELD:
            found.seats_held += seats
        elif status == SOLD:
            found.seats_sold += seats
        else:
            found.seats_blocked += seats
    for area in stock["areas"]:
        found = counts.get(area.get("quota_id") or "")
        if found is not None:
            found.places += int(area["capacity"])
            found.places_free += int(area["free"])
    return counts


def performance_mappings(org_id: str, interface_id: str) -> dict[str, str]:
    """Our performance id -> the distributor's, over every season (one query)."""
    return {
        m.our_id: m.distributor_id
        for m in repository.list_mappings(org_id, interface_id, None)
        if m.kind == MappingKind.PERFORMANCE
    }


def performances(org_id: str, performance_id: str | None = None) -> list[Stored]:
    """The organisation's performances whose stock exists (or the one asked for), by start."""
    if performance_id is not None:
        found = [catalog.get(org_id, "performance", performance_id)]
    else:
        found = catalog.all_items(org_id, "performance")
    stocked = [p for p in found if p.performance_status in STOCKED]
    return sorted(stocked, key=lambda p: (zones.instant(p.data["starts_at"]), p.id))
