"""The reports, read from the figures (never from the orders): sales, takings, partners, gauge, entries."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from typing import Any

from chalicelib.errors import InvalidInput
from chalicelib.inventory import service as inventory
from chalicelib.reports import repository
from chalicelib.reports.model import ENTRY, MONTH, NET, PERFORMANCE, SALE, TAKINGS
from chalicelib.reports.selection import (
    MAX_DAYS,
    Filters,
    Performance,
    channel_types,
    days,
    months,
    names,
    performances,
)
from chalicelib.reports.service import generation

EXTERNAL = "external"
HIGH = "~"  # sorts after every id character: the end of a sort-key range


def _range(org_id: str, prefix: str, filters: Filters) -> tuple[str, str]:
    """Sort keys of one kind between the filters' days (all days without dates)."""
    if not (filters.day_from or filters.day_to):
        return f"{prefix}#", f"{prefix}#{HIGH}"
    first, last = days(filters, org_id)
    return f"{prefix}#{first}", f"{prefix}#{last}#{HIGH}"


def _performance_cells(org_id: str, perf: Performance, prefix: str, filters: Filters) -> dict[str, dict]:
    low, high = _range(org_id, prefix, filters)
    return repository.read_cells(org_id, generation(org_id), PERFORMANCE, perf.performance_id, low, high)


def _month_cells(org_id: str, prefix: str, first: date, last: date) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for month in months(first, last):
        low, high = f"{prefix}#{first}", f"{prefix}#{last}#{HIGH}"
        found.update(repository.read_cells(org_id, generation(org_id), MONTH, month, low, high))
    return found


def _totals(rows: list[dict[str, Any]], measures: tuple[str, ...]) -> dict[str, int]:
    return {m: sum(row[m] for row in rows) for m in measures}


def _dated(filters: Filters) -> bool:
    return bool(filters.day_from or filters.day_to)


def _sold(org_id: str, perf: Performance, filters: Filters) -> list[tuple[list[str], dict[str, int]]]:
    """Sales cells of a performance as ([category, audience, channel, pos], measures): between the
    filters' days, else from the cells that hold every day's sales (a few items, not one per day)."""
    if not _dated(filters):
        found = repository.read_cells(
            org_id, generation(org_id), PERFORMANCE, perf.performance_id, f"{NET}#", f"{NET}#{HIGH}"
        )
        return [(sort.split("#")[1:], m) for sort, m in found.items() if m["tickets"] or m["amount"]]
    cells = _performance_cells(org_id, perf, SALE, filters)
    return [(sort.split("#")[2:], m) for sort, m in cells.items() if m["tickets"] or m["amount"]]


def _per_day(org_id: str, filters: Filters, chosen: list[Performance]) -> list[dict[str, Any]]:
    """Tickets and amounts per sale day: from the organisation's day cells when no performance is
    chosen (the last MAX_DAYS days without dates), else from the chosen performances' day cells."""
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: {"tickets": 0, "amount": 0})
    if filters.narrows_performances:
        for perf in chosen:
            for sort, m in _performance_cells(org_id, perf, SALE, filters).items():
                per_day[sort.split("#")[1]]["tickets"] += m["tickets"]
                per_day[sort.split("#")[1]]["amount"] += m["amount"]
    else:
        first, last = days(filters, org_id, default_days=MAX_DAYS)
        for sort, m in _month_cells(org_id, SALE, first, last).items():
            per_day[sort.split("#")[1]]["tickets"] += m["tickets"]
            per_day[sort.split("#")[1]]["amount"] += m["amount"]
    return [{"day": day, **per_day[day]} for day in sorted(per_day) if any(per_day[day].values())]


def sales(org_id: str, filters: Filters) -> dict[str, Any]:
    """Tickets and amounts by performance, seat category, audience, channel and point of sale, net of
    cancellations and refunds (a cancelled order counts no more), and per sale day."""
    categories, audiences = names(org_id, "seat_category"), names(org_id, "audience_subcategory")
    channels, points = names(org_id, "sales_channel"), names(org_id, "point_of_sale", "code")
    rows: dict[tuple, dict[str, Any]] = {}
    chosen = performances(org_id, filters)
    for perf in chosen:
        for (category, audience, channel, pos), m in _sold(org_id, perf, filters):
            row = rows.setdefault(
                (perf.starts_at, perf.performance_id, category, audience, channel, pos),
                {
                    "performance_id": perf.performance_id,
                    "performance": perf.label,
                    "starts_at": perf.starts_at_local,
                    "timezone": perf.timezone,
                    "event_id": perf.event_id,
                    "category_id": category,
                    "category": categories.get(category, category),
                    "audience_subcategory_id": audience,
                    "audience": audiences.get(audience, audience),
                    "channel_id": channel,
                    "channel": channels.get(channel, channel),
                    "point_of_sale_id": pos,
                    "point_of_sale": points.get(pos, pos),
                    "tickets": 0,
                    "amount": 0,
                },
            )
            row["tickets"] += m["tickets"]
            row["amount"] += m["amount"]
    found = [rows[key] for key in sorted(rows)]
    by_day = _per_day(org_id, filters, chosen)
    return {"rows": found, "by_day": by_day, "totals": _totals(found, ("tickets", "amount"))}


def _refuse_performance_filters(filters: Filters, report: str) -> None:
    if filters.narrows_performances:
        field = (
            "performance_id" if filters.performance_id else "event_id" if filters.event_id else "season_id"
        )
        raise InvalidInput(
            f"The {report} report counts money per order, and an order may span several performances: "
            "filter it by day_from and day_to",
            {"field": field},
        )


def takings(org_id: str, filters: Filters) -> dict[str, Any]:
    """Money received per day and payment method, refunds apart (each on the day it was made)."""
    _refuse_performance_filters(filters, "takings")
    first, last = days(filters, org_id)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for sort, m in _month_cells(org_id, TAKINGS, first, last).items():
        _, day, method, _channel = sort.split("#")
        row = rows.setdefault((day, method), {"day": day, "method": method, "received": 0, "refunded": 0})
        row["received"] += m["received"]
        row["refunded"] += m["refunded"]
    found = [{**rows[key], "net": rows[key]["received"] - rows[key]["refunded"]} for key in sorted(rows)]
    found = [row for row in found if row["received"] or row["refunded"]]
    by_method: dict[str, dict[str, Any]] = {}
    for row in found:
        total = by_method.setdefault(row["method"], {"method": row["method"], "received": 0, "refunded": 0})
        total["received"] += row["received"]
        total["refunded"] += row["refunded"]
    methods = [{**t, "net": t["received"] - t["refunded"]} for _, t in sorted(by_method.items())]
    return {
        "day_from": first.isoformat(),
        "day_to": last.isoformat(),
        "rows": found,
        "by_method": methods,
        "totals": _totals(found, ("received", "refunded", "net")),
    }


def partners(org_id: str, filters: Filters) -> dict[str, Any]:
    """Per external channel: what it sold (net) and what it owes (the tickets and fees it collected)."""
    types, channel_names = channel_types(org_id), names(org_id, "sales_channel")
    sold: dict[str, dict[str, int]] = {
        c: {"tickets": 0, "amount": 0, "fees": 0} for c, t in types.items() if t == EXTERNAL
    }
    if filters.narrows_performances:  # per performance: no fees (they are per order)
        for perf in performances(org_id, filters):
            for (_category, _audience, channel, _pos), m in _sold(org_id, perf, filters):
                if channel in sold:
                    sold[channel]["tickets"] += m["tickets"]
                    sold[channel]["amount"] += m["amount"]
        first = last = None
    else:
        first, last = days(filters, org_id)
        for sort, m in _month_cells(org_id, SALE, first, last).items():
            channel = sort.split("#")[2]
            if channel in sold:
                for measure in ("tickets", "amount", "fees"):
                    sold[channel][measure] += m[measure]
    rows = [
        {"channel_id": c, "channel": channel_names.get(c, c), **s, "owed": s["amount"] + s["fees"]}
        for c, s in sorted(sold.items(), key=lambda pair: channel_names.get(pair[0], pair[0]))
    ]
    return {
        "day_from": first and first.isoformat(),
        "day_to": last and last.isoformat(),
        "rows": rows,
        "totals": _totals(rows, ("tickets", "amount", "fees", "owed")),
    }


SEAT_STATES = ("free", "held", "sold", "blocked")


def gauge(org_id: str, filters: Filters) -> dict[str, Any]:
    """Per performance and zone / block: seats free, held, sold, blocked, and scanned at the door."""
    if not filters.narrows_performances:
        raise InvalidInput("Choose a performance, an event or a season", {"field": "performance_id"})
    rows: list[dict[str, Any]] = []
    for perf in performances(org_id, filters):
        scanned: dict[str, int] = defaultdict(int)
        for sort, m in _performance_cells(org_id, perf, ENTRY, Filters()).items():
            scanned[sort.split("#")[3]] += m["entries"]
        blocks: dict[tuple[str, str], dict[str, int]] = {}
        for seat in inventory.live_seats(org_id, perf.performance_id)["seats"]:
            key = (str(seat.get("zone") or ""), str(seat.get("block") or ""))
            counts = blocks.setdefault(key, {"seats": 0, **dict.fromkeys(SEAT_STATES, 0)})
            counts["seats"] += 1
            counts[seat.get("status") if seat.get("status") in SEAT_STATES else "blocked"] += 1
        base = {"performance_id": perf.performance_id, "performance": perf.label}
        for (zone, block), counts in sorted(blocks.items()):
            rows.append({**base, "zone": zone, "block": block, **counts, "scanned": scanned.get(block, 0)})
        for area in inventory.stock_counts(org_id, perf.performance_id)["areas"]:
            taken = int(area["capacity"]) - int(area["free"])
            counts = {"seats": int(area["capacity"]), "free": int(area["free"]), "held": 0, "sold": taken}
            rows.append(
                {**base, "zone": "standing", "block": area["area"], **counts, "blocked": 0}
                | {"scanned": scanned.get(area["area"], 0), "quota_id": area["quota_id"]}
            )
    merged = _merge_standing(rows)
    return {"rows": merged, "totals": _totals(merged, ("seats", *SEAT_STATES, "scanned"))}


def _merge_standing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A standing area's quotas are one line (its entries are per area, not per quota)."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["performance_id"], row["zone"], row["block"])
        if key in merged and row["zone"] == "standing":
            for m in ("seats", "free", "sold"):
                merged[key][m] += row[m]
        else:
            merged[key] = {k: v for k, v in row.items() if k != "quota_id"}
    return list(merged.values())


def entries(org_id: str, filters: Filters) -> dict[str, Any]:
    """Scans admitted per performance, hour and gate, against the tickets sold for it."""
    rows: list[dict[str, Any]] = []
    performances_out: list[dict[str, Any]] = []
    for perf in performances(org_id, filters):
        per: dict[tuple[str, str], int] = defaultdict(int)
        for sort, m in _performance_cells(org_id, perf, ENTRY, filters).items():
            _, hour, gate, _place = sort.split("#")
            per[(hour, gate)] += m["entries"]
        sold = sum(m["tickets"] for _, m in _sold(org_id, perf, Filters()))
        scanned = sum(per.values())
        if not (sold or scanned):
            continue
        for (hour, gate), count in sorted(per.items()):
            if count:
                rows.append(
                    {"performance_id": perf.performance_id, "performance": perf.label}
                    | {"hour": hour, "gate": gate, "entries": count}
                )
        performances_out.append(
            {
                "performance_id": perf.performance_id,
                "performance": perf.label,
                "sold": sold,
                "entries": scanned,
            }
        )
    return {
        "rows": rows,
        "performances": performances_out,
        "totals": _totals(performances_out, ("sold", "entries")),
    }


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()
