"""The counts a distributor reports (allocated and sold per performance of its own ids), kept beside the
interface's mappings in the catalog table, the latest per distributor performance, with when they came.

Key (pk, sk): DISTRIBUTORS#<org>#<interface>, COUNTS#<distributor performance id>. The interface's
partition is the mappings': deleting the interface deletes them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.db.catalog import CatalogTable
from chalicelib.db.conditions import store_errors
from chalicelib.distributors.adapters import DistributorCounts
from chalicelib.distributors.categories import ExternalError
from chalicelib.distributors.items import mappings_pk

PREFIX = "COUNTS#"
MAX_ID = 100  # a distributor id's length, as a mapping allows it


class ReportedCountsItem(CatalogTable):
    distributor_performance_id = UnicodeAttribute()
    allocated = NumberAttribute()
    sold = NumberAttribute()
    reported_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Reported:
    distributor_performance_id: str
    allocated: int
    sold: int
    reported_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "distributor_performance_id": self.distributor_performance_id,
            "allocated": self.allocated,
            "sold": self.sold,
            "reported_at": clock.iso(self.reported_at),
        }


def counts_sk(distributor_performance_id: str) -> str:
    return f"{PREFIX}{distributor_performance_id}"


def _problem(counts: Any) -> str | None:
    """Why a reported record cannot be kept (the distributor's data: an external error), or None."""
    if not isinstance(counts, DistributorCounts):
        return "not a counts record"
    performance = counts.distributor_performance_id
    if not isinstance(performance, str) or not performance.strip() or len(performance) > MAX_ID:
        return f"distributor_performance_id: 1 to {MAX_ID} characters"
    for name in ("allocated", "sold"):
        value = getattr(counts, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{name}: a whole number, 0 or more (got {value!r})"
    return None


@store_errors
def save(org_id: str, interface_id: str, counts: Iterable[DistributorCounts]) -> dict[str, Any]:
    """Keep the distributor's latest counts per performance (its ids), stamped now; a record that is not
    counts is left out and answered as an external error. Answers {"saved": n, "errors": [...]}."""
    now = clock.now()
    pk = mappings_pk(org_id, interface_id)
    latest: dict[str, DistributorCounts] = {}
    errors: list[dict[str, Any]] = []
    for record in counts:
        problem = _problem(record)
        if problem is not None:
            raw = repr(record)[:300]
            errors.append(ExternalError(f"Counts refused: {problem}", {"raw": raw}).as_dict())
            continue
        latest[record.distributor_performance_id.strip()] = record  # the last one of an id wins
    with ReportedCountsItem.batch_write() as batch:
        for performance, record in latest.items():
            batch.save(
                ReportedCountsItem(
                    pk,
                    counts_sk(performance),
                    distributor_performance_id=performance,
                    allocated=record.allocated,
                    sold=record.sold,
                    reported_at=now,
                )
            )
    return {"saved": len(latest), "errors": errors}


def _reported(item: ReportedCountsItem) -> Reported:
    return Reported(item.distributor_performance_id, int(item.allocated), int(item.sold), item.reported_at)


@store_errors
def all_reported(org_id: str, interface_id: str) -> dict[str, Reported]:
    """The latest counts per distributor performance id."""
    query = ReportedCountsItem.query(
        mappings_pk(org_id, interface_id), ReportedCountsItem.sk.startswith(PREFIX), consistent_read=True
    )
    return {item.distributor_performance_id: _reported(item) for item in query}


@store_errors
def reported(org_id: str, interface_id: str, distributor_performance_id: str) -> Reported | None:
    """The latest counts of one distributor performance, if it reported any."""
    try:
        item = ReportedCountsItem.get(
            mappings_pk(org_id, interface_id), counts_sk(distributor_performance_id), consistent_read=True
        )
    except ReportedCountsItem.DoesNotExist:
        return None
    return _reported(item)
