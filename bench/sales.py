"""Sales on DynamoDB Local: requests and capacity units of holds and of whole purchases, per ticket."""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import botocore.session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stock import CAPACITY_OPERATIONS, MAP_CONCURRENCY, item_size, use_dynamodb_local

ORG = "bench"
POS = "WEB"
ZONES, BLOCKS_PER_ZONE, ROWS, PER_ROW = 4, 10, 20, 25  # 40 blocks of 20 rows of 25 seats = 20,000
ROW_LABELS = "ABCDEFGHIJKLMNOPQRST"
CAT1_ROWS = 7  # rows A-G are Cat 1, H-T Cat 2
STANDING = {"WEB": 1500, "BOX": 500}  # the FLOOR's places per quota; the channel sells WEB
FAR = 12  # chosen seats from row M on, where no best-available pick of this bench reaches
RUSH_BATCH = 5  # purchases whose 10 outbox items fill one of the stream's batches (BatchSize 10)
MAX_ACTIONS = 100  # TransactWriteItems' limit: the hold item, the buyer's limit, 98 seats
READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
KB, READ_UNIT = 1024, 4096


# Counting: every DynamoDB request, its reported capacity and an estimate from item sizes.


@dataclass
class Meter:
    requests: Counter = field(default_factory=Counter)  # (operation, table) -> requests
    reported: float = 0.0  # what DynamoDB Local says (ReturnConsumedCapacity=TOTAL)
    estimate: list[float] = field(default_factory=lambda: [0.0, 0.0])  # RCU, WCU from item sizes
    expected: list[float] = field(default_factory=lambda: [0.0, 0.0])  # RCU, WCU we expect on AWS
    emails: int = 0
    written: Counter = field(default_factory=Counter)  # kind of item (its key's prefix) -> writes
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests, self.reported, self.emails, self.written = Counter(), 0.0, 0, Counter()
            self.estimate, self.expected = [0.0, 0.0], [0.0, 0.0]


METER = Meter()
NEW_OUTBOX: list[dict] = []  # the stream's records of the outbox items written (INSERT, keys only)
TABLES: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]] = {}  # keys, [(GSI hash key, projection)]
SIZES: dict[tuple, tuple[int, frozenset]] = {}  # (table, key) -> size and attribute names last written


def short(table: str) -> str:
    return table.removeprefix(os.environ.get("GUICHET_TABLE_PREFIX", ""))


def learn_tables(client: Any) -> None:
    """Key names and indexes of every table, for the size estimates."""
    for name in client.list_tables()["TableNames"]:
        table = client.describe_table(TableName=name)["Table"]
        indexes = [
            (i["KeySchema"][0]["AttributeName"], i["Projection"]["ProjectionType"])
            for i in table.get("GlobalSecondaryIndexes", [])
        ]
        TABLES[name] = (tuple(k["AttributeName"] for k in table["KeySchema"]), indexes)


def _key(table: str, item: dict) -> tuple:
    names = TABLES.get(table, (("pk", "sk"), []))[0]
    return (table, *(str(item.get(n)) for n in names))


def _write_units(table: str, size: int, names: frozenset, factor: float) -> float:
    """`factor` per KB on the table (2 in a transaction), then 1 per KB on each index the item is in."""
    units = factor * max(1, math.ceil(size / KB))
    for hash_key, projection in TABLES.get(table, ((), []))[1]:
        if hash_key in names:
            units += max(1, math.ceil(size / KB)) if projection == "ALL" else 1
    return units


def _written(table: str, key_item: dict, factor: float, item: dict | None = None) -> float:
    """Units of one write; an update is sized as the item last written there (else 1 KB)."""
    key = _key(table, key_item)
    prefix = next(iter(key_item["pk"].values())).split("#")[0] if "pk" in key_item else short(table)
    METER.written[{"PERF": "seat or area"}.get(prefix, prefix.lower())] += 1
    if item is not None:
        SIZES[key] = (item_size(item), frozenset(item))
    size, names = SIZES.get(key, (KB, frozenset()))
    return _write_units(table, size, names, factor)


def _read_units(sizes: list[int], consistent: bool, each: bool) -> float:
    factor = 1.0 if consistent else 0.5
    if each:  # GetItem and BatchGetItem round each item up to 4 KB
        return sum(max(1, math.ceil(s / READ_UNIT)) * factor for s in sizes)
    return max(1, math.ceil(sum(sizes) / READ_UNIT)) * factor


def _full_size(table: str, item: dict) -> int:
    """A projected item costs what the whole item weighs."""
    known = SIZES.get(_key(table, item))
    return max(known[0], item_size(item)) if known else item_size(item)


def estimate(operation: str, params: dict, parsed: dict) -> tuple[float, float]:
    """(RCU, WCU) of one request from item sizes: 1 WCU per KB (2 in a transaction) plus indexes,
    0.5 RCU per 4 KB (1 if consistent)."""
    table = params.get("TableName", "")
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        item = params.get("Item") if operation == "PutItem" else None
        units = _written(table, item or params.get("Key", {}), 1.0, item)
        if operation == "DeleteItem":
            SIZES.pop(_key(table, params.get("Key", {})), None)
        return 0.0, units
    if operation == "BatchWriteItem":
        units = 0.0
        for name, writes in params.get("RequestItems", {}).items():
            for write in writes:
                if "PutRequest" in write:
                    units += _written(name, write["PutRequest"]["Item"], 1.0, write["PutRequest"]["Item"])
                else:
                    units += _written(name, write["DeleteRequest"]["Key"], 1.0)
        return 0.0, units
    if operation == "TransactWriteItems":
        units = 0.0
        for action in params.get("TransactItems", []):
            ((kind, body),) = action.items()
            if kind == "Put":
                units += _written(body["TableName"], body["Item"], 2.0, body["Item"])
            elif kind in ("Update", "Delete"):
                units += _written(body["TableName"], body["Key"], 2.0)
            else:  # ConditionCheck: a read, charged as a write in a transaction
                units += 2.0
        return 0.0, units
    if operation == "GetItem":
        found = parsed.get("Item")
        sizes = [_full_size(table, found) if found else 1]
        return _read_units(sizes, bool(params.get("ConsistentRead")), each=True), 0.0
    if operation == "BatchGetItem":
        units = 0.0
        for name, request in params.get("RequestItems", {}).items():
            found = parsed.get("Responses", {}).get(name, [])
            sizes = [_full_size(name, i) for i in found] + [1] * (len(request["Keys"]) - len(found))
            units += _read_units(sizes, bool(request.get("ConsistentRead")), each=True)
        return units, 0.0
    if operation in ("Query", "Scan"):
        sizes = [_full_size(table, i) for i in parsed.get("Items", [])]
        return _read_units(sizes, bool(params.get("ConsistentRead")), each=False), 0.0
    if operation == "TransactGetItems":
        return 2.0 * len(params.get("TransactItems", [])), 0.0
    return 0.0, 0.0


def _tables_of(operation: str, params: dict) -> list[str]:
    if "RequestItems" in params:
        return list(params["RequestItems"])
    if "TransactItems" in params:
        return sorted({next(iter(a.values()))["TableName"] for a in params["TransactItems"]})
    return [params.get("TableName", "?")]


def _ask_capacity(params: dict, model: Any, **_: Any) -> None:
    if model.name in CAPACITY_OPERATIONS:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")


def _keep_params(params: dict, context: dict, **_: Any) -> None:
    context["bench_params"] = params


def _outbox_inserts(operation: str, params: dict) -> list[dict]:
    """What DynamoDB Streams hands the outbox worker for this write: the keys of new outbox items."""
    puts = [params.get("Item", {})] if operation == "PutItem" else []
    puts += [a["Put"]["Item"] for a in params.get("TransactItems", []) if "Put" in a]
    return [
        {"eventName": "INSERT", "dynamodb": {"Keys": {"pk": item["pk"], "sk": item["sk"]}}}
        for item in puts
        if item.get("pk", {}).get("S", "").startswith("OUTBOX#")
    ]


def _after_call(parsed: dict, model: Any, context: dict, **_: Any) -> None:
    operation, params = model.name, context.get("bench_params", {})
    if "Error" not in parsed:
        NEW_OUTBOX.extend(_outbox_inserts(operation, params))
    consumed = parsed.get("ConsumedCapacity")
    units = consumed if isinstance(consumed, list) else [consumed] if consumed else []
    reported = sum(float(u.get("CapacityUnits", 0)) for u in units)
    with METER.lock:
        read, write = estimate(operation, params, parsed)
        kind = 0 if operation in READS else 1
        # Local's figures are right except for transactions (it reports the largest item's cost)
        expected = (write if kind else read) if operation == "TransactWriteItems" or not units else reported
        label = "+".join(short(t) for t in _tables_of(operation, params))
        METER.requests[(operation, label)] += 1
        METER.reported += reported
        METER.estimate[0] += read
        METER.estimate[1] += write
        METER.expected[kind] += expected
        if os.environ.get("BENCH_TRACE"):
            print(f"TRACE {operation} {label} rcu={read} wcu={write} {_trace_keys(params)}", flush=True)


def _trace_keys(params: dict) -> str:
    """The keys a request touches, for BENCH_TRACE=1."""
    keys = [params.get("Key") or params.get("Item") or {}]
    keys += [
        next(iter(a.values())).get("Key") or next(iter(a.values())).get("Item")
        for a in params.get("TransactItems", [])
    ]
    return " | ".join(
        f"{(k or {}).get('pk', {}).get('S', '')}/{(k or {}).get('sk', {}).get('S', '')}" for k in keys if k
    )


def _email_sent(**_: Any) -> None:
    with METER.lock:
        METER.emails += 1


def count_every_client() -> None:
    """Hooks on every DynamoDB and SES client created from now on (PynamoDB and Powertools make theirs)."""
    real = botocore.session.Session.create_client

    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        client = real(self, service_name, *args, **kwargs)
        if service_name == "dynamodb":
            client.meta.events.register("provide-client-params.dynamodb.*", _ask_capacity)
            client.meta.events.register("before-parameter-build.dynamodb.*", _keep_params)
            client.meta.events.register("after-call.dynamodb.*", _after_call)
        elif service_name in ("sesv2", "ses"):
            client.meta.events.register(f"before-call.{service_name}.SendEmail", _email_sent)
            client.meta.events.register(f"before-call.{service_name}.SendRawEmail", _email_sent)
        return client

    botocore.session.Session.create_client = create_client


# The world: a 20,000-seat performance on sale at a web point of sale.


@dataclass
class World:
    performance_id: str
    shards: int
    categories: dict[str, str]
    full_price: str


def build_world() -> World:
    from chalicelib.auth import repository as accounts
    from chalicelib.catalog import kinds as k
    from chalicelib.catalog import seating_repository
    from chalicelib.catalog import service as catalog
    from chalicelib.catalog.seating import LayoutBlock, PlanBlock, PlanSeat, SeatAssignment

    def create(kind: str, spec: k.Spec) -> str:
        return catalog.create(ORG, kind, spec).id

    accounts.save_organisation(ORG, "Bench Arena")
    venue = create("venue", k.VenueSpec(code="ARENA", name="Arena"))
    hall = create("hall", k.HallSpec(venue_id=venue, code="MAIN", name="Main hall"))
    season = create("season", k.SeasonSpec(code="S", name="S", starts_on="2026-01-01", ends_on="2030-12-31"))
    activity = create("activity", k.ActivitySpec(code="LIVE", name="Live"))
    cats = {
        code: create("seat_category", k.SeatCategorySpec(code=code, name=code, rank=n, colour="#123456"))
        for n, code in enumerate(("CAT1", "CAT2", "FLOOR"), start=1)
    }
    quotas = {code: create("quota", k.QuotaSpec(code=code, name=code)) for code in STANDING}
    audience = create("audience_category", k.AudienceCategorySpec(code="PUBLIC", name="Public"))
    full = create(
        "audience_subcategory",
        k.AudienceSubcategorySpec(audience_category_id=audience, code="FULL", name="Full price"),
    )
    cells = [{"seat_category_id": c, "audience_subcategory_id": full, "amount": 4500} for c in cats.values()]
    grid = create("price_grid", k.PriceGridSpec(code="G", name="Prices", prices=cells))
    event = create(
        "event",
        k.EventSpec(
            season_id=season,
            activity_id=activity,
            code="TOUR",
            name="Tour",
            price_grid_id=grid,
            status="published",
        ),
    )
    channel = create(
        "sales_channel",
        k.SalesChannelSpec(
            code=POS,
            name="Web",
            type="internet_b2c",
            quota_ids=[quotas["WEB"]],
            max_tickets_per_performance=MAX_ACTIONS,
            max_tickets_per_buyer=1000,
        ),
    )
    create("point_of_sale", k.PointOfSaleSpec(channel_id=channel, code=POS, name="Web shop"))
    areas = [k.StandingArea(code="FLOOR", name="Floor", capacity=sum(STANDING.values()))]
    plan = create("seating_plan", k.SeatingPlanSpec(hall_id=hall, code="P", name="Plan", areas=areas))
    shares = {quotas[code]: n for code, n in STANDING.items()}
    assignment = [k.AreaAssignment(area="FLOOR", seat_category_id=cats["FLOOR"], quotas=shares)]
    layout = create("layout", k.LayoutSpec(seating_plan_id=plan, code="L", name="Layout", areas=assignment))
    plans, layouts = [], []
    for zone in range(ZONES):
        for block in range(BLOCKS_PER_ZONE):
            seats = [
                PlanSeat(f"Z{zone}-B{block}-{row}-{n}", row, str(n), float(n), float(r), r * 100 + n)
                for r, row in enumerate(ROW_LABELS)
                for n in range(1, PER_ROW + 1)
            ]
            plans.append(PlanBlock(f"Z{zone}", f"B{block}", seats))
            category = {s.seat_id: cats["CAT1" if int(s.y) < CAT1_ROWS else "CAT2"] for s in seats}
            assigned = {s.seat_id: SeatAssignment(category[s.seat_id], quotas["WEB"]) for s in seats}
            layouts.append(LayoutBlock(f"Z{zone}", f"B{block}", assigned))
    seating_repository.save_plan_blocks(ORG, plan, plans)
    seating_repository.save_layout_blocks(ORG, layout, layouts)
    starts = (datetime.now(UTC) + timedelta(days=60)).replace(hour=20, minute=0, second=0, microsecond=0)
    spec = k.PerformanceSpec(event_id=event, hall_id=hall, layout_id=layout, code="P1", starts_at=starts)
    performance_id = create("performance", spec)
    _open(performance_id)
    state = catalog.get(ORG, "performance", performance_id).state
    return World(performance_id, int(state["shards"]), cats, full)


def _open(performance_id: str) -> None:
    """The open-performance workflow's tasks in its order, blocks 8 at once as its Map does."""
    from chalicelib.workflows import open_performance

    base = {"org_id": ORG, "performance_id": performance_id, "execution": "bench-open"}
    prepared = open_performance.handle({**base, "action": "prepare"})
    ids = {name: prepared[name] for name in ("plan_id", "layout_id", "shards")}
    with ThreadPoolExecutor(MAP_CONCURRENCY) as pool:
        events = [{**base, **ids, **b, "action": "write_block"} for b in prepared["blocks"]]
        blocks = list(pool.map(open_performance.handle, events))
    areas = open_performance.handle({**base, **ids, "action": "write_areas"})
    started = datetime.now(UTC).isoformat()
    open_performance.handle(
        {**base, "action": "finish", "started_at": started, "blocks": blocks, "areas": areas}
    )


def seats(zone: int, block: int, count: int, first_row: int = 0) -> list[str]:
    """`count` seats of one block, row after row from its first seat."""
    return [
        f"Z{zone}-B{block}-{ROW_LABELS[first_row + n // PER_ROW]}-{n % PER_ROW + 1}" for n in range(count)
    ]


# Measuring.


@dataclass
class Row:
    label: str
    requests: int
    reported: float
    estimate: tuple[float, float]
    expected: tuple[float, float]
    emails: int
    wall: float
    detail: str
    note: str


def written() -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(METER.written.items()))


def stock_note() -> str:
    queries = sum(n for (op, table), n in METER.requests.items() if op == "Query" and table == "stock")
    return f"stock read: {queries} shard Query (2 s cache missed)" if queries else "stock read: 2 s cache hit"


def measure(rows: list[Row], label: str, action: Callable[[], Any], note: Callable[[], str] = str) -> Any:
    METER.reset()
    started = time.perf_counter()
    result = action()
    wall = time.perf_counter() - started
    detail = ", ".join(f"{op} {table} {n}" for (op, table), n in sorted(METER.requests.items()))
    if METER.written:
        detail += f"\n      items written: {written()}"
    rows.append(
        Row(
            label,
            sum(METER.requests.values()),
            METER.reported,
            (METER.estimate[0], METER.estimate[1]),
            (METER.expected[0], METER.expected[1]),
            METER.emails,
            wall,
            detail,
            note(),
        )
    )
    return result


def measure_holds(world: World) -> list[Row]:
    """inventory.place_hold alone: one TransactWriteItems (hold item + buyer limit + each seat)."""
    from chalicelib.db.stock import seat_pk, seat_sk
    from chalicelib.errors import InvalidInput
    from chalicelib.inventory import service as inventory
    from chalicelib.inventory.model import BuyerLimit, SeatRef

    def refs(ids: list[str]) -> list[SeatRef]:
        return [SeatRef(seat_pk(world.performance_id, s, world.shards), seat_sk(s)) for s in ids]

    def hold(ids: list[str]) -> Callable[[], Any]:
        limit = BuyerLimit(f"LIMIT#{uuid.uuid4().hex}", "LIMIT", 1000)
        return lambda: inventory.place_hold(ORG, world.performance_id, "bench", refs(ids), 600, limit=limit)

    rows: list[Row] = []
    for count, block in ((1, 0), (4, 1), (98, 2)):
        actions = count + 2
        label = f"place_hold {count} seat{'s' if count > 1 else ''} ({actions} actions)"
        measure(rows, label, hold(seats(0, block, count)))
    try:
        hold(seats(0, 3, 99))()
        refused = "99 seats: ACCEPTED (expected a refusal)"
    except InvalidInput:
        refused = "99 seats: refused by place_hold before any request (101 actions > 100)"
    rows[-1].note = refused
    return rows


def measure_carts(world: World) -> list[Row]:
    """carts.add_to_cart as the shop route calls it: catalog reads, stock read, hold, cart, prices."""
    from chalicelib.catalog import service as catalog
    from chalicelib.sales import carts
    from chalicelib.sales.carts import Buyer, HoldRequest
    from chalicelib.shop import service as shop

    state = catalog.get(ORG, "performance", world.performance_id).state
    performance = world.performance_id

    def add(request: HoldRequest, cache: str) -> tuple[Callable[[], Any], Buyer, str]:
        buyer = Buyer(ORG, f"guest-{uuid.uuid4().hex}")
        cart = carts.open_cart(ORG, POS, buyer)
        shop.clear_cache()
        if cache == "warm":  # another buyer read the stock less than 2 s ago
            read = shop.stock_counts if request.area else shop.stock_seats
            read(ORG, performance, state)
        return (lambda: carts.add_to_cart(ORG, cart.cart_id, buyer, request)), buyer, cart.cart_id

    rows: list[Row] = []
    best_four = HoldRequest(performance, category_id=world.categories["CAT2"], quantity=4)
    cases = [
        ("chosen 1 seat", HoldRequest(performance, seat_ids=tuple(seats(3, 0, 1, FAR))), "cold"),
        ("chosen 1 seat", HoldRequest(performance, seat_ids=tuple(seats(3, 1, 1, FAR))), "warm"),
        ("chosen 4 seats", HoldRequest(performance, seat_ids=tuple(seats(3, 2, 4, FAR))), "warm"),
        ("chosen 98 seats", HoldRequest(performance, seat_ids=tuple(seats(3, 3, 98, FAR))), "warm"),
        ("best available 4 Cat 2", best_four, "cold"),
        ("best available 4 Cat 2", best_four, "warm"),
        ("standing 2 places", HoldRequest(performance, area="FLOOR", quantity=2), "cold"),
        ("standing 2 places", HoldRequest(performance, area="FLOOR", quantity=2), "warm"),
    ]
    for request in (  # the process's first holds build models and warm DynamoDB Local up: not counted
        HoldRequest(performance, seat_ids=tuple(seats(3, 9, 1, FAR))),
        HoldRequest(performance, category_id=world.categories["CAT1"], quantity=1),
        HoldRequest(performance, area="FLOOR", quantity=1),
    ):
        add(request, "cold")[0]()
    last = None
    for label, request, cache in cases:
        action, buyer, cart_id = add(request, cache)
        measure(rows, f"add_to_cart {label}, cache {cache}", action, stock_note)
        last = (buyer, cart_id)
    buyer, cart_id = last
    measure(rows, "empty_cart (2 standing places back)", lambda: carts.empty_cart(ORG, cart_id, buyer))
    measure(rows, "stock read alone: seat map", lambda: shop.stock_seats(ORG, performance, state, fresh=True))
    measure(rows, "stock read alone: counts", lambda: shop.stock_counts(ORG, performance, state, fresh=True))
    return rows


def measure_purchase(world: World, client: Any, tickets: int, worker: bool = True) -> list[Row]:
    """One buyer's whole purchase through the app's routes, in process; the hold finds the cache warm.
    Without `worker`, its outbox items wait for the stream's next batch (measure_rush)."""
    from chalicelib.catalog import service as catalog
    from chalicelib.shop import service as shop

    state = catalog.get(ORG, "performance", world.performance_id).state
    answers: dict[str, Any] = {}

    def call(path: str, body: Any, token: str | None = None, **headers: str) -> Any:
        headers = {"Content-Type": "application/json", **headers}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = client.http.post(path, headers=headers, body=json.dumps(body))
        if response.status_code >= 300:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.body[:500]!r}")
        return response.json_body

    def guest() -> None:
        answers["token"] = call(f"/shop/{ORG}/guest", {})["token"]

    def cart() -> None:
        answers["cart"] = call(f"/shop/{ORG}/pos/{POS}/carts", {}, answers["token"])["cart_id"]

    def hold() -> None:
        body = {
            "performance_id": world.performance_id,
            "category_id": world.categories["CAT2"],
            "quantity": tickets,
        }
        call(f"/shop/{ORG}/carts/{answers['cart']}/holds", body, answers["token"])

    def checkout() -> None:
        body = {"email": "buyer@example.com", "name": "Bench Buyer"}
        path = f"/shop/{ORG}/carts/{answers['cart']}/checkout"
        order = call(path, body, answers["token"], **{"Idempotency-Key": uuid.uuid4().hex})
        answers["session"] = order["payment_url"].split("session=", 1)[1]

    def pay() -> None:
        answers["callback"] = call(
            f"/payments/simulator?session={answers['session']}", {"outcome": "succeeded"}
        )

    def callback() -> None:
        done = answers["callback"]
        path = "/" + done["callback_url"].split("://", 1)[1].split("/", 1)[1]
        answer = call(path, {"payload": done["payload"], "signature": done["signature"]})
        if answer["status"] != "paid":
            raise RuntimeError(f"the order is {answer['status']}, not paid")

    def work_outbox() -> None:
        """As on AWS: the sales table's stream hands the worker the new outbox items' keys."""
        from chalicelib.outbox import service as outbox

        records = list(NEW_OUTBOX)
        NEW_OUTBOX.clear()
        outbox.on_new_items(records)

    from chalicelib.catalog import repository as catalog_store
    from chalicelib.outbox import service as outbox

    if worker:
        outbox.drain()  # what earlier purchases left is not this one's cost
        NEW_OUTBOX.clear()
    rows: list[Row] = []
    shop.stock_seats(ORG, world.performance_id, state)  # warm: another buyer read it < 2 s ago
    # warm too: this instance checked the catalog generation < 1 s ago (in a rush it does, once a second)
    catalog_store.generation(ORG)
    real_clock, checked = catalog_store._clock, catalog_store._clock()
    catalog_store._clock = lambda: checked
    try:
        return _purchase_steps(
            rows,
            [
                ("guest session", guest),
                ("open cart", cart),
                (f"hold {tickets} best available", hold),
                ("checkout (card)", checkout),
                ("payment page (simulator)", pay),
                ("payment callback", callback),
                *([("outbox worker on the stream (email, PDF, figures)", work_outbox)] if worker else []),
            ],
        )
    finally:
        catalog_store._clock = real_clock


def measure_rush(world: World, client: Any, purchases: int) -> list[Row]:
    """An on-sale rush: `purchases` 1-ticket purchases whose outbox items reach the worker in one of
    the stream's batches (10 records: 5 purchases' confirmations and figures)."""
    from chalicelib.outbox import service as outbox

    outbox.drain()
    NEW_OUTBOX.clear()
    for _ in range(purchases):
        measure_purchase(world, client, 1, worker=False)
    records = list(NEW_OUTBOX)
    NEW_OUTBOX.clear()
    rows: list[Row] = []
    label = f"  worker: {purchases} purchases, {len(records)} items"

    def note() -> str:
        return f"items written: {written()}; emails sent to SES: {METER.emails}"

    measure(rows, label, lambda: outbox.on_new_items(records), note)
    return rows


def _purchase_steps(rows: list[Row], steps: list[tuple[str, Callable[[], None]]]) -> list[Row]:
    for label, step in steps:
        note = stock_note if "hold" in label else str
        if label.startswith(("payment callback", "outbox")):

            def note() -> str:
                return f"items written: {written()}; emails sent to SES: {METER.emails}"

        measure(rows, f"  {label}", step, note)
    return rows


# Reporting.

HEADER = (
    f"{'operation':<46}{'requests':>9}{'Local CU':>10}{'est RCU':>9}{'est WCU':>9}"
    f"{'AWS RCU':>9}{'AWS WCU':>9}{'ms':>8}"
)


def line(row: Row) -> str:
    return (
        f"{row.label:<46}{row.requests:>9}{row.reported:>10.1f}{row.estimate[0]:>9.1f}{row.estimate[1]:>9.1f}"
        f"{row.expected[0]:>9.1f}{row.expected[1]:>9.1f}{row.wall * 1000:>8.0f}"
    )


def table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}\n{HEADER}\n{'-' * len(HEADER)}")
    for row in rows:
        print(line(row))
        if row.note:
            print(f"{'':<4}{row.note}")


def total(label: str, rows: list[Row], per: int = 1) -> Row:
    return Row(
        label,
        round(sum(r.requests for r in rows) / per),
        sum(r.reported for r in rows) / per,
        (sum(r.estimate[0] for r in rows) / per, sum(r.estimate[1] for r in rows) / per),
        (sum(r.expected[0] for r in rows) / per, sum(r.expected[1] for r in rows) / per),
        sum(r.emails for r in rows),
        sum(r.wall for r in rows) / per,
        "",
        "",
    )


def details(rows: list[Row]) -> None:
    print("\nrequests per operation and table:")
    for row in rows:
        if row.detail:
            print(f"  {row.label.strip()}: {row.detail}")


NOTES = """
Columns: 'Local CU' is the ConsumedCapacity DynamoDB Local reports (ReturnConsumedCapacity=TOTAL, table
and indexes). 'est' is from item sizes: 1 WCU per KB written (2 per KB in a transaction), plus 1 WCU
per KB on an ALL-projected index (1 on a keys-only one) the item is in; an update is sized as the item
last written there (1 KB if unseen); reads 0.5 RCU per 4 KB (1 if consistent), a Query by the whole
items it reads, not the projection. 'AWS' is what to expect on AWS: Local's figure, except for
TransactWriteItems, where Local reports only the largest item's cost per table (a 100-action hold:
2 units) and the estimate is used.
The outbox worker's row is what AWS runs: the sales table's stream hands it the keys of the outbox items
the purchase wrote (the confirmation email, the figures). The reconciler's sweep of due items every few
minutes is not a cost of one purchase.
One TransactWriteItems takes at most 100 actions: a hold is the hold item, the buyer's limit and one
action per seat, so 98 seats is the most one hold takes."""


def main() -> None:
    began = time.perf_counter()
    # Powertools warns that no Lambda context was registered (sales/idempotency.py never calls
    # register_lambda_context): an in-progress record then has no in-progress expiry
    warnings.filterwarnings("ignore", message="Couldn't determine the remaining time left")
    os.environ.setdefault("GUICHET_TOKEN_SECRET", "bench-" + "s" * 40)
    os.environ.setdefault("GUICHET_TEST_STACK", "true")  # the simulated card provider pays
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    count_every_client()
    from chalicelib.config import settings
    from chalicelib.db.tables import create_tables
    from chalicelib.mail import service as mail
    from infra.local import dynamodb
    from infra.local.mail import verify_sender
    from infra.local.moto_server import MotoServer

    local = dynamodb.start()
    moto = MotoServer()
    try:
        moto.start()
        os.environ["GUICHET_AWS_ENDPOINT"] = moto.endpoint  # SES; DynamoDB has its own endpoint
        use_dynamodb_local(local.endpoint)  # sets the environment and forgets the cached settings
        mail._sesv2.cache_clear()
        verify_sender(moto.endpoint, settings().region, settings().mail_from)
        create_tables(local.client())
        learn_tables(local.client())
        built = time.perf_counter()
        world = build_world()
        seats_in_all = ZONES * BLOCKS_PER_ZONE * ROWS * PER_ROW
        print(f"DynamoDB Local; SES on an in-process moto server; a {seats_in_all:,}-seat performance")
        print(f"in {world.shards} shards, built and opened in {time.perf_counter() - built:.0f} s.")
        run(world)
    finally:
        moto.stop()
        local.stop()
    wall = time.perf_counter() - began
    print(f"\ntotal wall time {wall:.1f} s (DynamoDB Local start and the build included)")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores; load average at the end {load} (1, 5, 15 min)")


def run(world: World) -> None:
    from chalice.test import Client

    from app import app

    holds = measure_holds(world)
    cart_rows = measure_carts(world)
    purchases: dict[int, list[Row]] = {}
    with Client(app) as client:
        measure_purchase(world, client, 1)  # the first call of each route builds its models: not counted
        for tickets in (1, 4):
            purchases[tickets] = measure_purchase(world, client, tickets)
        rush = measure_rush(world, client, RUSH_BATCH)
    table("inventory.place_hold: the hold's one TransactWriteItems alone", holds)
    table("carts.add_to_cart on the 20,000-seat performance (the service the hold route calls)", cart_rows)
    summary: list[Row] = []
    for tickets, rows in purchases.items():
        table(f"a purchase of {tickets} ticket{'s' if tickets > 1 else ''} through the app's routes", rows)
        if tickets > 1:
            summary.append(total(f"purchase of {tickets} tickets, whole", rows))
        summary.append(
            total(f"purchase of {tickets} ticket{'s' if tickets > 1 else ''}, per ticket", rows, tickets)
        )
    table("an on-sale rush: the outbox worker given 5 purchases' items in one stream batch", rush)
    requests_path = [r for r in purchases[1] if not r.label.strip().startswith("outbox")]
    in_rush = [*requests_path, total("", rush, RUSH_BATCH)]
    summary.append(total("purchase of 1 ticket in a rush (batched worker)", in_rush))
    stock = next(r for r in cart_rows if r.label == "stock read alone: seat map")
    table("per ticket sold (the stock in the 2 s cache, the catalog generation checked < 1 s ago)", summary)
    extra = f"{stock.requests} requests, {stock.expected[0]:.0f} RCU"
    print(f"    when the 2 s cache misses, the hold adds one stock read: {extra}")
    print(
        "    when the instance's catalog generation check is over 1 s old, each step that reads the"
        " catalog\n    (open cart, hold, checkout, callback) reads it first: 1 request, 1 RCU each"
    )
    sizes()
    details(holds + cart_rows + [r for rows in purchases.values() for r in rows] + rush)
    print(NOTES)


def sizes() -> None:
    """The largest item of each kind the bench wrote: what each write of it costs."""
    largest: dict[str, int] = {}
    for (_, pk, *_), (size, _) in SIZES.items():
        kind = pk.split("'")[3].split("#")[0] if pk.count("'") >= 4 else ""
        if kind in ("ORDER", "CART", "HOLD", "TICKET", "OUTBOX"):
            largest[kind] = max(largest.get(kind, 0), size)
    shown = ", ".join(f"{kind.lower()} {size / KB:.1f} KB" for kind, size in sorted(largest.items()))
    print(f"\nlargest items written (each write costs 1 WCU per KB, 2 in a transaction): {shown}")
    print("an order is written into 2 keys-only indexes too (orders-by-buyer, orders-by-day): 1 WCU each")


if __name__ == "__main__":
    main()
