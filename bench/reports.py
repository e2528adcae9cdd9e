"""Figures on DynamoDB Local: write units per ticket sold, and each report's cost over a season of orders.

Orders are made in memory (the sales path is measured by bench/sales.py); a sample of them is counted
through the real transaction, and the aggregates of the whole season (what counting every order would
leave) are written in bulk, then each report is read and metered. BENCH_ORDERS=100000 for a big season.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stock import TALLY, count_every_dynamodb_client, use_dynamodb_local

ORG = "bench-reports"
# 100,000 takes some 15 minutes on a loaded laptop (the bulk write to DynamoDB Local, mostly)
ORDERS = int(os.environ.get("BENCH_ORDERS", "20000"))
SAMPLE = 300  # orders counted one by one through count's transaction
EVENTS, PERFORMANCES = 20, 5  # 100 performances in the season
SEASON_START = date(2026, 9, 1)
SEASON_DAYS = 300
CHANNELS = (("WEB", "internet_b2c"), ("BOX", "box_office"), ("DIST", "external"))


def build_catalog(rng: random.Random) -> dict:
    from chalicelib.catalog import kinds as k
    from chalicelib.catalog import service as catalog

    def create(kind: str, spec: k.Spec) -> str:
        return catalog.create(ORG, kind, spec).id

    venue = create("venue", k.VenueSpec(code="V", name="Venue"))
    hall = create("hall", k.HallSpec(venue_id=venue, code="H", name="Hall"))
    plan = create("seating_plan", k.SeatingPlanSpec(hall_id=hall, code="P", name="Plan"))
    layout = create("layout", k.LayoutSpec(seating_plan_id=plan, code="L", name="Layout"))
    season = create(
        "season", k.SeasonSpec(code="S", name="Season", starts_on=SEASON_START, ends_on="2027-07-01")
    )
    activity = create("activity", k.ActivitySpec(code="LIVE", name="Live"))
    categories = [
        create("seat_category", k.SeatCategorySpec(code=f"C{n}", name=f"Cat {n}", rank=n, colour="#123456"))
        for n in (1, 2, 3)
    ]
    audience = create("audience_category", k.AudienceCategorySpec(code="PUB", name="Public"))
    subcategories = [
        create(
            "audience_subcategory", k.AudienceSubcategorySpec(audience_category_id=audience, code=c, name=c)
        )
        for c in ("FULL", "YOUNG", "GROUP")
    ]
    channels = {}
    for code, kind in CHANNELS:
        channel = create("sales_channel", k.SalesChannelSpec(code=code, name=code, type=kind))
        channels[channel] = create(
            "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code=code, name=code)
        )
    events, performances = [], []
    for e in range(EVENTS):
        event = create(
            "event", k.EventSpec(season_id=season, activity_id=activity, code=f"E{e}", name=f"Show {e}")
        )
        events.append(event)
        for p in range(PERFORMANCES):
            starts = datetime.combine(
                SEASON_START + timedelta(days=30 + e * 12 + p), datetime.min.time(), UTC
            )
            spec = k.PerformanceSpec(
                event_id=event,
                hall_id=hall,
                layout_id=layout,
                code=f"E{e}P{p}",
                starts_at=starts.replace(hour=20),
            )
            performances.append((create("performance", spec), starts.replace(hour=19)))
    return {
        "categories": categories,
        "subcategories": subcategories,
        "channels": channels,
        "events": events,
        "performances": performances,
    }


def make_order(n: int, cat: dict, rng: random.Random):
    """A synthetic order and its tickets, as the sales context would leave them."""
    from chalicelib.sales.documents import Order, OrderLine, Payment, Ticket

    performance, doors = rng.choice(cat["performances"])
    channel, pos = rng.choice(list(cat["channels"].items()))
    day = SEASON_START + timedelta(days=rng.randrange(SEASON_DAYS))
    at = f"{day}T1{rng.randrange(10)}:00:00+00:00"
    lines = []
    for i in range(rng.randint(1, 4)):
        category, sub = rng.choice(cat["categories"]), rng.choice(cat["subcategories"])
        lines.append(
            OrderLine(f"{n}-{i}", f"T{n}-{i}", performance, "h", "Show", "", category, "", sub, "", 3000)
        )
    total = sum(line.unit_price for line in lines) + 150
    fate = rng.random()
    status = (
        "paid" if fate < 0.85 else "cancelled" if fate < 0.93 else "reservation" if fate < 0.96 else "expired"
    )
    history = [] if status in ("reservation", "expired") else [{"status": "paid", "at": at}]
    payments = (
        []
        if not history
        else [Payment(f"p{n}", rng.choice(["card", "card", "gift_voucher"]), total, "succeeded", at=at)]
    )
    refunds = []
    if status == "cancelled":
        history.append({"status": "cancelled", "at": f"{day + timedelta(days=2)}T10:00:00+00:00"})
        payments[0].status = "refunded" if payments[0].method == "card" else "returned"
        if payments[0].method == "card":
            refunds.append({"at": history[-1]["at"], "amount": total, "to": "card"})
    order = Order(
        order_id=f"B{n:08d}",
        org_id=ORG,
        pos_id=pos,
        channel_id=channel,
        cart_id=None,
        owner="b",
        shopper_id=None,
        email="",
        name="",
        status=status,
        created_at=at,
        currency="EUR",
        lines=lines,
        tickets_total=total - 150,
        booking_fee=150,
        delivery_method="ETICKET",
        delivery_fee=0,
        total=total,
        payments=payments,
        deadline=int(datetime.fromisoformat(at).timestamp()) + 3 * 86400 if status == "reservation" else None,
        history=history,
        refunds=refunds,
        version=len(history) + 1,
    )
    scans = (
        []
        if status != "paid"
        else [
            Ticket(
                line.ticket_id,
                ORG,
                order.order_id,
                performance,
                "used",
                {"block": "B1"},
                [{"at": doors.isoformat(), "gate": rng.choice(["N", "S"]), "result": "valid"}],
            )
            for line in lines
            if rng.random() < 0.6
        ]
    )
    return order, scans


def metered(label: str, action, rows: list) -> object:
    TALLY.reset()
    began = time.perf_counter()
    result = action()
    wall = time.perf_counter() - began
    rows.append((label, sum(TALLY.requests.values()), TALLY.reported, TALLY.estimated, wall))
    return result


def count_sample(orders: list, rows: list) -> dict:
    """Counts through the real path (read what was counted, one transaction), then a cancellation each."""
    from chalicelib.reports import service

    sold = sum(len(o.lines) for o, _ in orders if o.status == "paid")
    metered(f"count {len(orders)} new orders", lambda: [service._count(o, t, 0) for o, t in orders], rows)
    first = rows[-1]
    paid = [(o, t) for o, t in orders if o.status == "paid"][:100]
    for order, _ in paid:
        order.status, order.version = "cancelled", order.version + 1
        order.history.append({"status": "cancelled", "at": order.history[-1]["at"]})
    metered(f"count {len(paid)} cancellations", lambda: [service._count(o, t, 0) for o, t in paid], rows)
    metered(f"count {len(paid)} replays", lambda: [service._count(o, t, 0) for o, t in paid], rows)
    return {"tickets": sold, "units": first[2], "estimate": first[3]}


def write_season(orders: list) -> int:
    """The aggregates counting every order would leave, written in bulk, shard by shard."""
    from chalicelib.db.reports import FigureItem, figure_pk
    from chalicelib.reports.model import contribution, shard_of

    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for order, tickets in orders:
        shard = shard_of(order.order_id)
        for (family, bucket, sort), measures in contribution(order, tickets).items():
            for name, value in measures.items():
                cells[(figure_pk(ORG, 0, family, bucket, shard), sort)][name] += value
    with FigureItem.batch_write() as batch:
        for (pk, sk), measures in cells.items():
            batch.save(FigureItem(pk, sk, **measures))
    return len(cells)


def read_reports(cat: dict, rows: list) -> None:
    from chalicelib.catalog.service import shared_reads
    from chalicelib.reports import dashboard, statements
    from chalicelib.reports.selection import Filters

    event, (performance, _) = cat["events"][0], cat["performances"][0]
    season = Filters(day_from=SEASON_START, day_to=SEASON_START + timedelta(days=SEASON_DAYS))
    reads = [
        ("sales, whole season (100 perf.)", lambda: statements.sales(ORG, Filters())),
        ("sales, whole season, by day", lambda: statements.sales(ORG, season)),
        ("sales, one event (5 perf.)", lambda: statements.sales(ORG, Filters(event_id=event))),
        ("sales, one performance", lambda: statements.sales(ORG, Filters(performance_id=performance))),
        ("takings, 300 days", lambda: statements.takings(ORG, season)),
        ("partners, 300 days", lambda: statements.partners(ORG, season)),
        ("entries, one event", lambda: statements.entries(ORG, Filters(event_id=event))),
        ("gauge, one performance", lambda: statements.gauge(ORG, Filters(performance_id=performance))),
        ("home: 30 days of sales", lambda: dashboard.sales_by_day(ORG, SEASON_START + timedelta(days=60))),
    ]
    for label, read in reads:
        with shared_reads():  # as a request does: each catalog item read once
            metered(label, read, rows)


def main() -> None:
    count_every_dynamodb_client()
    from chalicelib.db.tables import create_tables
    from infra.local import dynamodb

    rng = random.Random(16)
    began = time.perf_counter()
    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        cat = build_catalog(rng)
        orders = [make_order(n, cat, rng) for n in range(ORDERS)]
        rows: list[tuple] = []
        sample = count_sample(orders[:SAMPLE], rows)
        written = metered("write the season's aggregates", lambda: write_season(orders[SAMPLE:]), rows)
        read_reports(cat, rows)
    finally:
        local.stop()
    print(
        f"DynamoDB Local; {ORDERS:,} orders over {SEASON_DAYS} days, {len(cat['performances'])} performances;"
    )
    print(f"{written:,} aggregate items (cells x shards) for the season\n")
    header = f"{'operation':<36}{'requests':>9}{'reported':>10}{'estimate':>10}{'wall s':>8}"
    print(header + "\n" + "-" * len(header))
    for label, requests, reported, estimate, wall in rows:
        print(f"{label:<36}{requests:>9}{reported:>10.1f}{estimate:>10.1f}{wall:>8.2f}")
    print(
        f"\ncapacity units per ticket sold (a new order: the read of its last count and one transaction): "
        f"{sample['estimate'] / max(1, sample['tickets']):.2f} estimated on AWS, "
        f"{sample['units'] / max(1, sample['tickets']):.2f} reported by DynamoDB Local"
        "\ncapacity: 'reported' is DynamoDB Local's ConsumedCapacity; 'estimate' from item sizes: 2 WCU"
        "\nper item in a transaction, 0.5 RCU per 4 KB read (1 when consistent)."
    )
    print(f"\ntotal wall time {time.perf_counter() - began:.1f} s (DynamoDB Local start included)")


if __name__ == "__main__":
    main()
