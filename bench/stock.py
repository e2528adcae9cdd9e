"""A 20,000-seat performance's stock on DynamoDB Local: requests, capacity and time to open and read it."""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ORG = "bench"
ZONES, BLOCKS_PER_ZONE, ROWS, PER_ROW = 4, 10, 20, 25  # 4 x 10 blocks x 20 rows x 25 seats = 20,000
STANDING = {"BOX": 1500, "WEB": 500}
MAP_CONCURRENCY = 8  # the MaxConcurrency of statemachines/open-performance.asl.json's Map
# Operations that accept ReturnConsumedCapacity; PynamoDB does not ask for it, so the bench does.
CAPACITY_OPERATIONS = {
    *("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"),
    *("BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems"),
}


def attribute_size(value: dict[str, Any]) -> int:
    """DynamoDB's item-size rules, near enough for an estimate."""
    ((kind, inner),) = value.items()
    if kind in ("S", "B"):
        return len(inner.encode() if isinstance(inner, str) else inner)
    if kind == "N":
        return math.ceil(len(inner.lstrip("-").replace(".", "")) / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(name) + attribute_size(v) + 1 for name, v in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in inner)
    return sum(len(str(v)) for v in inner)


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name) + attribute_size(value) for name, value in item.items())


@dataclass
class Tally:
    requests: dict[str, int] = field(default_factory=dict)
    reported: float = 0.0
    reported_any: bool = False
    estimated: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests, self.reported, self.reported_any, self.estimated = {}, 0.0, False, 0.0


TALLY = Tally()


def _estimate(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> float:
    """Capacity from item sizes: 1 WCU per KB written (2 in a transaction), 0.5 RCU per 4 KB read."""
    if operation == "BatchWriteItem":
        requests = [r for rs in params.get("RequestItems", {}).values() for r in rs]
        return sum(
            math.ceil(item_size(r.get("PutRequest", {}).get("Item", {})) / 1024) or 1 for r in requests
        )
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        return max(1, math.ceil(item_size(params.get("Item", {})) / 1024))
    if operation == "TransactWriteItems":
        return 2.0 * len(params.get("TransactItems", []))
    if operation in ("Query", "Scan"):
        size = sum(item_size(i) for i in parsed.get("Items", []))
        return max(0.5, math.ceil(size / 4096) * (1.0 if params.get("ConsistentRead") else 0.5))
    if operation == "GetItem":
        return max(1, math.ceil(item_size(parsed.get("Item", {})) / 4096)) * (
            1.0 if params.get("ConsistentRead") else 0.5
        )
    return 0.0


def _ask_capacity(params: dict[str, Any], model: Any, **_: Any) -> None:
    if model.name in CAPACITY_OPERATIONS:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")


def _after_call(http_response: Any, parsed: dict[str, Any], model: Any, context: dict, **_: Any) -> None:
    consumed = parsed.get("ConsumedCapacity")
    units = consumed if isinstance(consumed, list) else [consumed] if consumed else []
    with TALLY.lock:
        TALLY.requests[model.name] = TALLY.requests.get(model.name, 0) + 1
        TALLY.reported += sum(float(u.get("CapacityUnits", 0)) for u in units)
        TALLY.reported_any = TALLY.reported_any or bool(units)
        TALLY.estimated += _estimate(model.name, context.get("bench_params", {}), parsed)


def _keep_params(params: dict[str, Any], context: dict, **_: Any) -> None:
    context["bench_params"] = params


def count_every_dynamodb_client() -> None:
    """Register the counting hooks on every DynamoDB client created from now on (PynamoDB makes several)."""
    real = botocore.session.Session.create_client

    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        client = real(self, service_name, *args, **kwargs)
        if service_name == "dynamodb":
            client.meta.events.register("provide-client-params.dynamodb.*", _ask_capacity)
            client.meta.events.register("before-parameter-build.dynamodb.*", _keep_params)
            client.meta.events.register("after-call.dynamodb.*", _after_call)
        return client

    botocore.session.Session.create_client = create_client


def use_dynamodb_local(endpoint: str) -> None:
    from chalicelib import config
    from chalicelib.db.tables import TABLES

    os.environ.update(
        {
            "GUICHET_DYNAMODB_ENDPOINT": endpoint,
            "GUICHET_TABLE_PREFIX": "bench-",
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    config.reset()
    pending = list(TABLES)
    while pending:  # every model caches a connection made with the old endpoint
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())


def build_venue() -> tuple[str, int]:
    """A 20,000-seat plan and its layout (direct service and repository calls); returns the performance id."""
    from chalicelib.catalog import kinds as k
    from chalicelib.catalog import seating_repository
    from chalicelib.catalog import service as catalog
    from chalicelib.catalog.seating import LayoutBlock, PlanBlock, PlanSeat, SeatAssignment

    def create(kind: str, spec: k.Spec) -> str:
        return catalog.create(ORG, kind, spec).id

    venue = create("venue", k.VenueSpec(code="ARENA", name="Arena"))
    hall = create("hall", k.HallSpec(venue_id=venue, code="MAIN", name="Main hall"))
    season = create("season", k.SeasonSpec(code="S", name="S", starts_on="2026-09-01", ends_on="2027-07-01"))
    activity = create("activity", k.ActivitySpec(code="LIVE", name="Live"))
    event = create("event", k.EventSpec(season_id=season, activity_id=activity, code="TOUR", name="Tour"))
    cats = [
        create("seat_category", k.SeatCategorySpec(code=f"C{n}", name=f"Cat {n}", rank=n, colour="#123456"))
        for n in (1, 2, 3)
    ]
    quotas = {code: create("quota", k.QuotaSpec(code=code, name=code)) for code in STANDING}
    areas = [k.StandingArea(code="FLOOR", name="Floor", capacity=sum(STANDING.values()))]
    plan = create("seating_plan", k.SeatingPlanSpec(hall_id=hall, code="P", name="Plan", areas=areas))
    shares = {quotas[code]: n for code, n in STANDING.items()}
    assignment = [k.AreaAssignment(area="FLOOR", seat_category_id=cats[2], quotas=shares)]
    layout = create("layout", k.LayoutSpec(seating_plan_id=plan, code="L", name="Layout", areas=assignment))
    plans, layouts = [], []
    for zone in range(ZONES):
        for block in range(BLOCKS_PER_ZONE):
            seats = [
                PlanSeat(f"Z{zone}-B{block}-R{r}-{n}", f"R{r}", str(n), float(n), float(r), r * 100 + n)
                for r in range(ROWS)
                for n in range(1, PER_ROW + 1)
            ]
            plans.append(PlanBlock(f"Z{zone}", f"B{block}", seats))
            quota = quotas["BOX"] if block % 2 else quotas["WEB"]
            assigned = {s.seat_id: SeatAssignment(cats[min(2, int(s.row[1:]) // 7)], quota) for s in seats}
            layouts.append(LayoutBlock(f"Z{zone}", f"B{block}", assigned))
    seating_repository.save_plan_blocks(ORG, plan, plans)
    seating_repository.save_layout_blocks(ORG, layout, layouts)
    spec = k.PerformanceSpec(
        event_id=event, hall_id=hall, layout_id=layout, code="P1", starts_at="2026-12-01T20:00:00Z"
    )
    return create("performance", spec), sum(len(p.seats) for p in plans)


def open_in_process(performance_id: str) -> dict[str, Any]:
    """The workflow's task functions in the state machine's order; blocks 8 at once, as its Map does."""
    from chalicelib.workflows import open_performance

    base = {"org_id": ORG, "performance_id": performance_id, "execution": "bench-open"}
    prepared = open_performance.handle({**base, "action": "prepare"})
    ids = {name: prepared[name] for name in ("plan_id", "layout_id", "shards")}
    with ThreadPoolExecutor(MAP_CONCURRENCY) as pool:
        events = [{**base, **ids, **b, "action": "write_block"} for b in prepared["blocks"]]
        blocks = list(pool.map(open_performance.handle, events))
    areas = open_performance.handle({**base, **ids, "action": "write_areas"})
    started = "2026-11-01T10:00:00Z"
    return open_performance.handle(
        {**base, "action": "finish", "started_at": started, "blocks": blocks, "areas": areas}
    )


def measure(label: str, action: Callable[[], Any], rows: list[tuple]) -> Any:
    TALLY.reset()
    started = time.perf_counter()
    result = action()
    wall = time.perf_counter() - started
    requests = sum(TALLY.requests.values())
    source = "reported" if TALLY.reported_any else "estimated"
    units = TALLY.reported if TALLY.reported_any else TALLY.estimated
    detail = ", ".join(f"{op} {n}" for op, n in sorted(TALLY.requests.items()))
    rows.append((label, requests, units, source, TALLY.estimated, wall, detail))
    return result


def main() -> None:
    count_every_dynamodb_client()
    from chalicelib.catalog.seating import Selection
    from chalicelib.db.tables import create_tables
    from chalicelib.inventory import stock, stock_reads
    from chalicelib.inventory.stock_model import BLOCK
    from infra.local import dynamodb

    began = time.perf_counter()
    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        rows: list[tuple] = []
        performance_id, seats = measure("build catalog, plan, layout", build_venue, rows)
        summary = measure(f"open {seats:,} seats", lambda: open_in_process(performance_id), rows)
        seat_map = measure("read seat map", lambda: stock.live_seats(ORG, performance_id)["seats"], rows)
        counts = measure("read stock counts", lambda: stock.stock_counts(ORG, performance_id), rows)
        # the shop's seat map and a picker's view: the layout parts, then the seats no longer as opened
        shards = int(counts["shards"])
        measure("read shop seat map", lambda: stock_reads.seats_to_draw(performance_id, shards), rows)
        hundred = Selection(seat_ids=tuple(seat["seat_id"] for seat in seat_map[:100]))
        measure("block 100 seats", lambda: stock.change_seats(ORG, performance_id, hundred, BLOCK), rows)
        report(rows, summary, len(seat_map), counts)
    finally:
        local.stop()
    print(f"\ntotal wall time {time.perf_counter() - began:.1f} s (DynamoDB Local start included)")


def report(rows: list[tuple], summary: dict, mapped: int, counts: dict) -> None:
    print(f"DynamoDB Local; {counts['shards']} shards; opening: {summary}")
    print(f"seat map rows {mapped:,}; counted seats {counts['seat_count']:,}; areas {len(counts['areas'])}\n")
    header = f"{'operation':<30}{'requests':>9}{'capacity':>11}  {'source':<10}{'estimate':>10}{'wall s':>8}"
    print(header)
    print("-" * len(header))
    for label, requests, units, source, estimate, wall, _ in rows:
        print(f"{label:<30}{requests:>9}{units:>11.1f}  {source:<10}{estimate:>10.1f}{wall:>8.2f}")
    print("\nrequests per operation:")
    for label, *_, detail in rows:
        print(f"  {label}: {detail}")
    print(
        "\ncapacity: 'reported' sums ConsumedCapacity (asked for with ReturnConsumedCapacity=TOTAL);"
        "\n'estimated' is from item sizes: 1 WCU per KB written (2 per item in a transaction),"
        "\n0.5 RCU per 4 KB read (eventually consistent), 1 per 4 KB when consistent."
        "\nDynamoDB charges a Query by the full size of the items it reads, not the projection: the"
        "\nreported figure, above the estimate from projected items, is the one to trust for reads."
        "\nDynamoDB Local under-reports TransactWriteItems (a few units for 100 items); AWS charges"
        "\n2 WCU per item written in a transaction: the estimate is the one to trust there."
    )


if __name__ == "__main__":
    main()
