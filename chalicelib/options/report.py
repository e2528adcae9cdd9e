"""The option status report (état des options): requested, placed and ordered quantities per
performance, quota and seat category, consolidated from the organisation's options.

What each column counts:
- requested: the `requested` quantities of options still waiting for an answer: states `requested`
  and `waiting_list` (a refused option put back in the queue). They are counted on the first-choice
  performance and have no quota yet (`quota_id` None). Options already placed are not counted
  again here (their requested figures are superseded by what was granted), nor pending refusals
  (the answer is no, until it is cancelled).
- placed: the granted lines of options in state `placed`, on the performance they were placed on, in
  the quota the operator named (None when the placement took seats from any quota).
- ordered: the granted lines of `validated` options (turned into a reservation order, firm or not).
Refused, cancelled and expired options count nowhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options.repository import Option

REQUESTED_STATES = (m.REQUESTED, m.WAITING_LIST)
PLACED_STATES = (m.PLACED,)
ORDERED_STATES = (m.VALIDATED, m.TAKEN_UP)

CSV_COLUMNS = (
    "performance_id",
    "performance",
    "event_id",
    "event",
    "starts_at",
    "timezone",
    "quota_id",
    "quota",
    "category_id",
    "category",
    "requested",
    "placed",
    "ordered",
)
ANY_QUOTA = "(any)"


@dataclass(frozen=True)
class ReportRow:
    performance_id: str
    performance_label: str  # "Hamlet - 2026-07-01 20:00 +02:00", on the venue's clock
    event_id: str | None
    event_name: str
    starts_at: str  # on the venue's clock with its offset, "2026-07-01T20:00:00+02:00"; "" when unknown
    timezone: str  # the venue's IANA zone ("" when the performance is unknown)
    quota_id: str | None  # None: no quota (requests) or a placement in any quota
    quota_name: str  # "(any)" for quota None
    category_id: str
    category_name: str
    requested: int
    placed: int
    ordered: int


@dataclass(frozen=True)
class Totals:
    requested: int
    placed: int
    ordered: int


@dataclass
class _Names:
    performances: dict[str, dict]
    events: dict[str, dict]
    categories: dict[str, dict]
    quotas: dict[str, dict]
    zone_of: dict[str, str]  # performance id -> its venue's time zone


def _names(org_id: str) -> _Names:
    def by_id(kind: str) -> dict[str, dict]:
        return {item.id: item.data for item in catalog.all_items(org_id, kind)}

    performances, hall_zones = by_id("performance"), catalog.hall_zones(org_id)

    def zone_of(performance: dict) -> str:
        return hall_zones.get(performance.get("hall_id") or "", zones.DEFAULT_ZONE)

    return _Names(
        performances,
        by_id("event"),
        by_id("seat_category"),
        by_id("quota"),
        {perf_id: zone_of(data) for perf_id, data in performances.items()},
    )


def _contributions(option: Option) -> Iterable[tuple[str, str | None, str, int, int, int]]:
    """(performance, quota, category, requested, placed, ordered) for each line the option counts."""
    if option.state in REQUESTED_STATES:
        for category_id, quantity in option.requested.items():
            yield option.performance_id, None, category_id, quantity, 0, 0
    elif option.state in PLACED_STATES or option.state in ORDERED_STATES:
        performance_id = option.placed_performance_id or option.performance_id
        ordered = option.state in ORDERED_STATES
        for line in option.placed:
            yield (
                performance_id,
                line.quota_id,
                line.category_id,
                0,
                0 if ordered else line.quantity,
                line.quantity if ordered else 0,
            )


def status_report(
    org_id: str,
    *,
    performance_id: str | None = None,
    event_id: str | None = None,
    season_id: str | None = None,
    quota_id: str | None = None,
    category_id: str | None = None,
) -> list[ReportRow]:
    """One row per (performance, quota, seat category) that any option counts in, filtered.

    Filters apply to the row: its performance (and that performance's event and season), its seat
    category and its quota. A quota filter keeps only lines placed in that quota, so it leaves out
    requests (which have no quota). Rows are sorted by performance date, event, category rank and
    quota name.
    """
    names = _names(org_id)
    sums: dict[tuple[str, str | None, str], list[int]] = {}
    for option in repository.all_of_org(org_id):
        for perf, quota, category, requested, placed, ordered in _contributions(option):
            figures = sums.setdefault((perf, quota, category), [0, 0, 0])
            figures[0] += requested
            figures[1] += placed
            figures[2] += ordered
    rows = []
    for (perf, quota, category), (requested, placed, ordered) in sums.items():
        performance = names.performances.get(perf, {})
        event = names.events.get(performance.get("event_id") or "", {})
        if performance_id and perf != performance_id:
            continue
        if event_id and performance.get("event_id") != event_id:
            continue
        if season_id and event.get("season_id") != season_id:
            continue
        if quota_id and quota != quota_id:
            continue
        if category_id and category != category_id:
            continue
        if not (requested or placed or ordered):
            continue
        rows.append(_row(names, perf, quota, category, requested, placed, ordered))
    return sorted(rows, key=lambda row: _order(names, row))


def _row(
    names: _Names, perf: str, quota: str | None, category: str, requested: int, placed: int, ordered: int
) -> ReportRow:
    performance = names.performances.get(perf, {})
    event = names.events.get(performance.get("event_id") or "", {})
    zone = names.zone_of.get(perf, "")
    start = performance.get("starts_at")
    starts_at = zones.local_iso(str(start), zone) if start and zone else ""
    shown = zones.local_stamp(str(start), zone) if start and zone else ""
    event_name = event.get("name") or performance.get("event_id") or ""
    label = " - ".join(part for part in (event_name, shown) if part) or perf
    return ReportRow(
        performance_id=perf,
        performance_label=label,
        event_id=performance.get("event_id"),
        event_name=event_name,
        starts_at=starts_at,
        timezone=zone,
        quota_id=quota,
        quota_name=names.quotas.get(quota, {}).get("name", quota) if quota else ANY_QUOTA,
        category_id=category,
        category_name=names.categories.get(category, {}).get("name", category),
        requested=requested,
        placed=placed,
        ordered=ordered,
    )


def _order(names: _Names, row: ReportRow) -> tuple:
    rank = names.categories.get(row.category_id, {}).get("rank", 999)
    return (
        zones.instant(row.starts_at).timestamp() if row.starts_at else 0.0,  # venues in two zones
        row.event_name,
        row.performance_id,
        rank,
        row.category_name,
        row.quota_id is not None,  # the quota-less row of a category first
        row.quota_name,
        row.quota_id or "",
    )


def totals(rows: Iterable[ReportRow]) -> Totals:
    rows = list(rows)
    return Totals(
        requested=sum(r.requested for r in rows),
        placed=sum(r.placed for r in rows),
        ordered=sum(r.ordered for r in rows),
    )


def to_csv(rows: Iterable[ReportRow], *, include_total: bool = False) -> str:
    """The rows as CSV, header first, columns in CSV_COLUMNS' order; `include_total` adds a last
    row "Total" (in the performance column) with the sums."""
    rows = list(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.performance_id,
                row.performance_label,
                row.event_id or "",
                row.event_name,
                row.starts_at,
                row.timezone,
                row.quota_id or "",
                row.quota_name,
                row.category_id,
                row.category_name,
                row.requested,
                row.placed,
                row.ordered,
            ]
        )
    if include_total:
        total = totals(rows)
        writer.writerow(["", "Total", *[""] * 8, total.requested, total.placed, total.ordered])
    return out.getvalue()
