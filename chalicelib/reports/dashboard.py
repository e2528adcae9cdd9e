"""The operator's home: sales today and over 30 days, coming performances' fill, and what to act on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.inventory import service as inventory
from chalicelib.reports import repository
from chalicelib.reports.model import DEADLINE, MONTH, SALE
from chalicelib.reports.selection import Filters, months, names, performances, today
from chalicelib.reports.service import generation

DAYS = 30
COMING = 6
FAILED_RUNS_SINCE = timedelta(days=7)


def now() -> datetime:
    return clock.now()


def _month_cells(org_id: str, prefix: str, low: str, high: str, first, last) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for month in months(first, last):
        found.update(repository.read_cells(org_id, generation(org_id), MONTH, month, low, high))
    return found


def sales_by_day(org_id: str, today) -> dict[str, Any]:
    """Tickets, amounts and orders per day over the last DAYS days, and per channel."""
    first = today - timedelta(days=DAYS - 1)
    cells = _month_cells(org_id, SALE, f"{SALE}#{first}", f"{SALE}#{today}#~", first, today)
    per_day = {
        (first + timedelta(days=n)).isoformat(): {"tickets": 0, "amount": 0, "orders": 0} for n in range(DAYS)
    }
    channels: dict[str, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("tickets", "amount", "today_tickets", "today_amount"), 0)
    )
    for sort, m in cells.items():
        _, day, channel, _pos = sort.split("#")
        for measure in ("tickets", "amount", "orders"):
            per_day[day][measure] += m[measure]
        channels[channel]["tickets"] += m["tickets"]
        channels[channel]["amount"] += m["amount"]
        if day == today.isoformat():
            channels[channel]["today_tickets"] += m["tickets"]
            channels[channel]["today_amount"] += m["amount"]
    channel_names = names(org_id, "sales_channel")
    by_channel = [
        {"channel_id": c, "channel": channel_names.get(c, c), **v}
        for c, v in sorted(channels.items(), key=lambda pair: -pair[1]["tickets"])
        if v["tickets"] or v["amount"]
    ]
    days = [{"day": day, **v} for day, v in sorted(per_day.items())]
    return {"today": days[-1], "days": days, "channels": by_channel}


def coming_performances(org_id: str, moment: datetime) -> list[dict[str, Any]]:
    """The next performances with, per seat category, places sold, held and free and the fill rate."""
    categories = names(org_id, "seat_category")
    upcoming = [p for p in performances(org_id, Filters()) if p.starts_at >= moment.isoformat()[:19]]
    found = []
    for perf in upcoming[:COMING]:
        stock = inventory.stock_counts(org_id, perf.performance_id)
        per: dict[str, dict[str, int]] = defaultdict(
            lambda: {"capacity": 0, "sold": 0, "held": 0, "free": 0, "blocked": 0}
        )
        for row in stock["seats"]:
            counts = per[row["category_id"] or ""]
            counts["capacity"] += row["seats"]
            status = row["status"] if row["status"] in ("sold", "held", "free") else "blocked"
            counts[status] += row["seats"]
        for area in stock["areas"]:
            counts = per[area.get("category_id") or ""]
            counts["capacity"] += int(area["capacity"])
            counts["free"] += int(area["free"])
            counts["sold"] += int(area["capacity"]) - int(area["free"])
        rows = [
            {"category_id": c, "category": categories.get(c, c or "-"), **v}
            | {"fill_rate": round(v["sold"] / v["capacity"], 4) if v["capacity"] else 0.0}
            for c, v in sorted(per.items(), key=lambda pair: categories.get(pair[0], pair[0]))
        ]
        found.append(
            {"performance_id": perf.performance_id, "performance": perf.label, "starts_at": perf.starts_at}
            | {"starts_at_local": perf.starts_at_local, "timezone": perf.timezone}
            | {"status": stock["status"], "categories": rows}
        )
    return found


def expiring_reservations(org_id: str, moment: datetime) -> list[dict[str, Any]]:
    """Open reservations whose deadline falls within the next 24 hours, soonest first."""
    until = moment + timedelta(hours=24)
    low = f"{DEADLINE}#{moment:%Y-%m-%dT%H:%M}"
    high = f"{DEADLINE}#{until:%Y-%m-%dT%H:%M}#~"
    cells = _month_cells(org_id, DEADLINE, low, high, moment.date(), until.date())
    found = []
    for sort, m in sorted(cells.items()):
        if not m["reserved"]:
            continue
        _, deadline, order_id = sort.split("#")
        found.append(
            {"order_id": order_id, "deadline": deadline + "Z", "places": m["reserved"], "amount": m["amount"]}
        )
    return found


def _options(org_id: str, moment: datetime) -> dict[str, int]:
    from chalicelib.options import service as options

    found = options.search(org_id, options.Search())
    to_place = sum(1 for o in found if o.state == "requested")
    stamp = int(moment.timestamp())
    past = sum(
        1
        for o in found
        if o.state in ("placed", "waiting_list", "refusal_pending")
        and o.deadline is not None
        and _epoch(o.deadline) < stamp
    )
    return {
        "to_place": to_place,
        "past_deadline": past,
        "expired": sum(1 for o in found if o.state == "expired"),
    }


def _epoch(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _failed_runs(org_id: str, moment: datetime) -> list[dict[str, Any]]:
    from chalicelib.runs import service as runs
    from chalicelib.workflows.catalogue import STATE_MACHINES

    since = moment - FAILED_RUNS_SINCE
    failed = []
    for machine in STATE_MACHINES:
        for run in runs.runs_seen_by(org_id, machine.name, limit=20, status="failed"):
            if run.started_at >= since:
                failed.append(
                    {"workflow": machine.name, "title": machine.title, "execution": run.execution}
                    | {"started_at": run.started_at.isoformat(), "error": run.error}
                )
    return sorted(failed, key=lambda r: r["started_at"], reverse=True)


def _outbox(org_id: str) -> dict[str, int]:
    """Outbox items (emails, refunds, figures...) that failed and will be retried, or were given up."""
    from chalicelib.outbox import service as outbox

    return outbox.problem_counts(org_id)


def home(org_id: str, may: Callable[[str, str], bool]) -> dict[str, Any]:
    """Everything the home screen shows; the parts the operator may not open are left out (null)."""
    moment = now()
    act: dict[str, Any] = {
        "reservations_expiring": None,
        "options": None,
        "failed_runs": None,
        "outbox": None,
    }
    if may("orders", "read"):
        act["reservations_expiring"] = expiring_reservations(org_id, moment)
        act["outbox"] = _outbox(org_id)
    if may("option_requests", "read") or may("options", "read"):
        act["options"] = _options(org_id, moment)
    if may("workflows", "read"):
        act["failed_runs"] = _failed_runs(org_id, moment)
    return {
        "generated_at": moment.isoformat(timespec="seconds"),
        **sales_by_day(org_id, today(org_id)),
        "coming": coming_performances(org_id, moment),
        "to_act_on": act,
    }
