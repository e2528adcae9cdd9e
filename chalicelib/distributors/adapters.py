"""What every distributor adapter offers (a Protocol), and what each kind of adapter supports: some
distributors only report sales and take their allotment by phone."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from chalicelib.distributors.model import AdapterKind
from chalicelib.errors import Conflict


class Capability(StrEnum):
    EXPORT_ALLOTMENT = "export_allotment"  # send the distributor the seats of its quota
    PULL_SALES = "pull_sales"  # fetch its sales (and cancellations) since a cursor
    READ_COUNTS = "read_counts"  # its allocated and sold counts per performance (reconciliation)


@dataclass(frozen=True)
class AllotmentPlace:
    """A seat (or standing places) of the distributor's quota, with our ids and the distributor's."""

    performance_id: str
    distributor_performance_id: str | None
    seat_category_id: str
    distributor_seat_category_id: str | None
    zone: str
    distributor_zone_id: str | None
    block: str = ""
    row: str = ""
    number: str = ""
    seat_id: str | None = None  # None: standing places of an area (`zone` is the area's code)
    places: int = 1


@dataclass(frozen=True)
class Allotment:
    """One export: the places of the quota for some performances, and its version (a distributor keeps
    the highest it received and ignores an older one)."""

    interface_id: str
    version: int
    generated_at: str  # ISO 8601, UTC
    places: tuple[AllotmentPlace, ...]
    # the distributor performance ids it covers (even one with no place left: the distributor empties it)
    performances: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportReceipt:
    accepted: int  # places the distributor took
    reference: str | None = None  # its receipt, a file's key...


@dataclass(frozen=True)
class SaleLine:
    external_sale_id: str
    line: str
    distributor_performance_id: str
    distributor_seat_category_id: str
    distributor_audience_subcategory_id: str
    price: int  # cents
    seat: str | None = None  # the distributor's seat reference; None for standing or unnumbered
    cancelled: bool = False


@dataclass(frozen=True)
class RejectedRecord:
    """A record the distributor sent that is not a sale line (malformed, a duplicate): an external error."""

    reason: str
    raw: str = ""  # the record as received, cut to a few hundred characters
    external_sale_id: str | None = None
    line: str | None = None


@dataclass(frozen=True)
class SalesPage:
    lines: tuple[SaleLine, ...]
    cursor: str | None  # pass it back for the next page; None: nothing more now
    rejected: tuple[RejectedRecord, ...] = ()
    more: bool = False  # the distributor has more records after this page


@dataclass(frozen=True)
class DistributorCounts:
    distributor_performance_id: str
    allocated: int
    sold: int


@runtime_checkable
class Adapter(Protocol):
    """One distributor's connection. Call only what `supports` lists (see `require`)."""

    kind: AdapterKind
    supports: frozenset[Capability]

    def export_allotment(self, allotment: Allotment) -> ExportReceipt: ...

    def pull_sales(self, cursor: str | None, limit: int) -> SalesPage: ...

    def read_counts(self, distributor_performance_ids: list[str]) -> list[DistributorCounts]: ...


# What each kind of adapter can do. A file distributor is sent files and drops (or has uploaded) its
# sales files; it reports no counts.
SUPPORTS: dict[AdapterKind, frozenset[Capability]] = {
    AdapterKind.FILE: frozenset({Capability.EXPORT_ALLOTMENT, Capability.PULL_SALES}),
    AdapterKind.HTTP: frozenset(Capability),
    AdapterKind.SIMULATED: frozenset(Capability),
}


def require(adapter_kind: AdapterKind, capability: Capability) -> None:
    """Conflict (nothing to run) unless an adapter of this kind can do `capability`."""
    if capability not in SUPPORTS[adapter_kind]:
        raise Conflict(
            f"A {adapter_kind} distributor does not support {capability}",
            {"reason": "not_supported", "adapter": adapter_kind.value, "capability": capability.value},
        )


@dataclass
class MissingMappings:
    """Our items an allotment names that the interface does not map (mapping errors of a run)."""

    missing: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, our_id: str) -> None:
        self.missing.setdefault(kind, set()).add(our_id)

    def as_list(self) -> list[dict[str, str]]:
        return [
            {"kind": kind, "our_id": our_id}
            for kind in sorted(self.missing)
            for our_id in sorted(self.missing[kind])
        ]
