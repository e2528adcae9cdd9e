"""The producer space: a producer's events and performances, availability per quota and takings per
performance, for the events the producer's company produces only (an event names up to three)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib.auth.relays import relay_contact_of
from chalicelib.catalog import service as catalog
from chalicelib.errors import NotFound, PermissionDenied
from chalicelib.inventory import service as inventory
from chalicelib.reports import statements
from chalicelib.reports.selection import Filters, Performance, names, performances

SEAT_STATES = ("free", "held", "sold", "blocked")


def producer_company(shopper: Any) -> str:
    """The company the shopper's relay contact acts for; refused unless it produces some event."""
    contact = relay_contact_of(shopper)
    company_id = (contact or {}).get("company_id")
    if not company_id or not produced_events(shopper.org_id, company_id):
        raise PermissionDenied("Only a producer's relay has a producer space", {"reason": "not_a_producer"})
    status = catalog.get(shopper.org_id, "company", company_id).data.get("account_status") or "accepted"
    if status != "accepted":
        raise PermissionDenied(
            "Your company's online account is not open: the organisation has not accepted it or suspended it",
            {"reason": "company_account_not_accepted", "account_status": status},
        )
    return company_id


def produced_events(org_id: str, company_id: str) -> list[Any]:
    events = catalog.all_items(org_id, "event")
    return sorted(
        (e for e in events if company_id in (e.data.get("producer_company_ids") or [])),
        key=lambda e: (e.data.get("name") or "", e.id),
    )


def producer_companies(org_id: str) -> list[dict[str, Any]]:
    """Every company that produces at least one event, with how many (the operators' picker)."""
    counts: dict[str, int] = defaultdict(int)
    for event in catalog.all_items(org_id, "event"):
        for company_id in event.data.get("producer_company_ids") or []:
            counts[company_id] += 1
    companies = names(org_id, "company")
    found = [{"company_id": c, "name": companies.get(c, c), "events": n} for c, n in counts.items()]
    return sorted(found, key=lambda c: (c["name"], c["company_id"]))


def company_must_exist(org_id: str, company_id: str) -> None:
    try:
        catalog.get(org_id, "company", company_id)
    except NotFound:
        raise NotFound(f"Company {company_id} does not exist", {"company_id": company_id}) from None


def event_of(org_id: str, company_id: str, event_id: str) -> Any:
    """The event, if the company produces it; any other (or none by that id): 403 not_your_event."""
    try:
        event = catalog.get(org_id, "event", event_id)
    except NotFound:
        event = None
    if event is None or company_id not in (event.data.get("producer_company_ids") or []):
        raise PermissionDenied(
            "This event is not one your company produces",
            {"reason": "not_your_event", "event_id": event_id},
        )
    return event


def _performance_out(perf: Performance) -> dict[str, Any]:
    return {
        "performance_id": perf.performance_id,
        "performance": perf.label,
        "starts_at": perf.starts_at_local,
        "timezone": perf.timezone,
    }


def _chosen(org_id: str, event_id: str, performance_id: str | None) -> list[Performance]:
    return performances(org_id, Filters(event_id=event_id, performance_id=performance_id))


def events(org_id: str, company_id: str) -> list[dict[str, Any]]:
    """The company's events with their performances (venue-local starts with their offsets)."""
    return [
        {
            "event_id": event.id,
            "name": event.data.get("name") or event.id,
            "producer_company_ids": list(event.data.get("producer_company_ids") or []),
            "performances": [_performance_out(p) for p in _chosen(org_id, event.id, None)],
        }
        for event in produced_events(org_id, company_id)
    ]


def availability(
    org_id: str, company_id: str, event_id: str, performance_id: str | None = None
) -> dict[str, Any]:
    """Per performance and quota: places free, held, sold and blocked, read from the stock now.
    Standing places are counted per area: their held and sold are one figure (`taken`)."""
    event_of(org_id, company_id, event_id)
    quotas, categories = names(org_id, "quota"), names(org_id, "seat_category")
    rows: list[dict[str, Any]] = []
    for perf in _chosen(org_id, event_id, performance_id):
        counts = inventory.stock_counts(org_id, perf.performance_id)
        per_quota: dict[str, dict[str, Any]] = {}
        for cell in counts["seats"]:
            quota = cell.get("quota_id") or ""
            row = per_quota.setdefault(quota, {"capacity": 0, **dict.fromkeys(SEAT_STATES, 0)})
            status = cell["status"] if cell["status"] in SEAT_STATES else "blocked"
            row[status] += int(cell["seats"])
            row["capacity"] += int(cell["seats"])
        base = _performance_out(perf)
        for quota, row in sorted(per_quota.items()):
            taken = row["held"] + row["sold"]
            rows.append(
                {**base, "quota_id": quota or None, "quota": quotas.get(quota, quota or "(none)")}
                | {"kind": "seated", "area": None, "category": None, **row, "taken": taken}
            )
        for area in counts["areas"]:
            capacity, free = int(area["capacity"]), int(area["free"])
            category = area.get("category_id") or ""
            rows.append(
                {**base, "quota_id": area["quota_id"] or None, "quota": quotas.get(area["quota_id"], "")}
                | {"kind": "standing", "area": area["area"], "category": categories.get(category, category)}
                | {"capacity": capacity, "free": free, "held": None, "sold": None, "blocked": 0}
                | {"taken": capacity - free}
            )
    measures = ("capacity", "free", "taken")
    return {
        "event_id": event_id,
        "rows": rows,
        "totals": {m: sum(int(r[m] or 0) for r in rows) for m in measures},
    }


def takings(org_id: str, company_id: str, event_id: str, performance_id: str | None = None) -> dict[str, Any]:
    """Tickets and amounts per performance, seat category and audience subcategory, net of
    cancellations: read from the figures kept per performance (the sales report's), not the orders."""
    event_of(org_id, company_id, event_id)
    report = statements.sales(org_id, Filters(event_id=event_id, performance_id=performance_id))
    rows: dict[tuple, dict[str, Any]] = {}
    for sold in report["rows"]:
        key = (sold["starts_at"], sold["performance_id"], sold["category"], sold["audience"])
        row = rows.setdefault(
            key,
            {
                "performance_id": sold["performance_id"],
                "performance": sold["performance"],
                "starts_at": sold["starts_at"],
                "timezone": sold["timezone"],
                "category_id": sold["category_id"],
                "category": sold["category"],
                "audience_subcategory_id": sold["audience_subcategory_id"],
                "audience": sold["audience"],
                "tickets": 0,
                "amount": 0,
            },
        )
        row["tickets"] += sold["tickets"]
        row["amount"] += sold["amount"]
    found = [rows[key] for key in sorted(rows)]
    per_performance: dict[str, dict[str, Any]] = {}
    for row in found:
        perf = per_performance.setdefault(
            row["performance_id"],
            {
                "performance_id": row["performance_id"],
                "performance": row["performance"],
                "tickets": 0,
                "amount": 0,
            },
        )
        perf["tickets"] += row["tickets"]
        perf["amount"] += row["amount"]
    return {
        "event_id": event_id,
        "currency": _currency(org_id, event_id),
        "rows": found,
        "by_performance": list(per_performance.values()),
        "totals": {m: sum(r[m] for r in found) for m in ("tickets", "amount")},
    }


def _currency(org_id: str, event_id: str) -> str:
    event = catalog.get(org_id, "event", event_id).data
    grid_id = event.get("price_grid_id")
    if grid_id:
        try:
            return str(catalog.get(org_id, "price_grid", grid_id).data.get("currency") or "EUR")
        except NotFound:
            pass
    return "EUR"
