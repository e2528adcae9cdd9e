"""Season tickets on DynamoDB Local: requests, write units and wall time of holding a 4-performance and
a 17-performance season ticket of 2 seats (same seat) into a cart, of a 17-performance one refused at
its 9th performance (8 holds placed, then released), and of checking out and paying the held ones.
Prints figures; asserts nothing.

    .venv/bin/python bench/season_tickets.py
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.sales import METER, NOTES, Row, count_every_client, learn_tables, measure, table, total
from bench.stock import use_dynamodb_local

ORG = "demo"  # the tests' worlds build for this organisation
POS = "ALL1"
QUANTITY = 2
SIZES = (4, 17)  # performances of the two season tickets
FAILING_AT = 9  # the 17-performance ticket refused here: the 8 holds before it are released
CACHE_NOTE = """
'cache cold': a fresh instance (nothing of the catalog or the stock kept); 'warm': the instance has
just served these performances (their catalog items kept while the catalog is unchanged) and read
their stock less than 2 s ago. Each call runs in catalog.service.shared_reads, as the routes do.
A hold reads each performance's stock twice (the same-seat check, then the hold of its seats) from the
instance's stock views, which keep 16 performances (inventory/stock_view.py VIEWS): past 16, the
package evicts its own views and reads every performance's stock whole, twice (the 34 shard Query of
the 17-performance hold, warm or not). Each performance is one hold: one TransactWriteItems of 4
actions (hold, buyer's limit, 2 seats); a refusal releases the holds placed before it, one
TransactWriteItems each."""


def build(performances: int) -> dict[str, Any]:
    """The tests' hall (2 blocks x 3 rows x 10 seats, rows B and C Cat 2) played `performances` times,
    point of sale ALL1, and one season ticket per size in SIZES over the first performances, a line
    each (one performance, the grid's prices minus 10 %), same seat, as tests/season_ticket_world.py."""
    from chalicelib.catalog import kinds as k
    from chalicelib.catalog import season_ticket_kinds as st
    from chalicelib.catalog import service as catalog
    from chalicelib.shop import service as shop
    from tests.season_ticket_world import customer_kinds_indicator, line
    from tests.service.test_stock_helpers import open_in_process
    from tests.shop_world import build_world

    world = build_world()
    quotas = [world.built.quotas["WEB"], world.built.quotas["BOX"]]
    channel = catalog.create(
        ORG,
        "sales_channel",
        k.SalesChannelSpec(code=POS, name="All", type="internet_b2c", quota_ids=quotas),
    ).id
    catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code=POS, name="All"))
    first = catalog.get(ORG, "performance", world.performance_id).data
    ids = [world.performance_id]
    built = world.built
    for n in range(2, performances + 1):
        starts = datetime.now(UTC).replace(hour=19, minute=30, second=0, microsecond=0)
        spec = k.PerformanceSpec(
            event_id=first["event_id"],
            hall_id=first["hall_id"],
            layout_id=first["layout_id"],
            code=f"ST{n}",
            starts_at=(starts + timedelta(days=40 + 7 * n)).isoformat(),
        )
        ids.append(catalog.create(ORG, "performance", spec).id)
        open_in_process(
            type(built)(ORG, ids[-1], built.layout_id, built.plan_id, built.categories, built.quotas)
        )
    season_id = catalog.get(ORG, "event", first["event_id"]).data["season_id"]
    indicator = catalog.create(ORG, "indicator", customer_kinds_indicator()).id
    products = {}
    for size in SIZES:
        spec = st.SeasonTicketSpec(
            season_id=season_id,
            code=f"ST{size}",
            name=f"Season ticket with {size} performances",
            status="on_sale",
            min_lines=1,
            max_lines=size,
            same_seat=True,
            grant_subscriber=True,
            subscriber_indicator_id=indicator,
            subscriber_level_id="SUB",
            allow_category_change=True,
            lines=[line(f"L{n + 1}", first["event_id"], [ids[n]], world) for n in range(size)],
        )
        products[size] = catalog.create(ORG, "season_ticket", spec).id
    shop.clear_cache()
    return {"world": world, "performances": ids, "products": products}


def request(built: dict[str, Any], size: int, seat_ids: dict[int, tuple[str, ...]] | None = None) -> Any:
    from chalicelib.season_tickets.holding import Chosen, SeasonTicketRequest

    world = built["world"]
    chosen = [
        Chosen(f"L{n + 1}", built["performances"][n], seat_ids=(seat_ids or {}).get(n, ()))
        for n in range(size)
    ]
    return SeasonTicketRequest(built["products"][size], world.full, world.category("CAT2"), QUANTITY, chosen)


class Shopper:
    """A guest with an open cart; `hold` holds a season ticket into it, `pay` checks out and pays."""

    count = 0

    def __init__(self) -> None:
        from chalicelib.sales import carts
        from chalicelib.sales.carts import Buyer

        Shopper.count += 1
        self.buyer = Buyer(ORG, f"guest-bench-{Shopper.count}")
        self.cart_id = carts.open_cart(ORG, POS, self.buyer).cart_id

    def hold(self, wanted: Any) -> Any:
        from chalicelib.catalog.service import shared_reads
        from chalicelib.season_tickets import service as season_tickets

        with shared_reads():  # as the route does: a catalog item read once a request, kept after
            return season_tickets.hold(ORG, self.cart_id, self.buyer, wanted)

    def refused(self, wanted: Any) -> str:
        from chalicelib.errors import DomainError

        try:
            self.hold(wanted)
        except DomainError as exc:
            return exc.code
        return "ACCEPTED (expected a refusal)"

    def pay(self) -> str:
        from chalicelib.catalog.service import shared_reads
        from chalicelib.sales import orders
        from chalicelib.sales.orders import CheckoutRequest
        from tests.integration.shop_workers import callback_for

        request = CheckoutRequest(email="bench@example.com", name="Bench")
        with shared_reads():  # two requests, as the routes make them
            order = orders.checkout(ORG, self.cart_id, self.buyer, request)
        with shared_reads():
            paid = orders.payment_callback(**callback_for(order))
        return f"{paid.status}, {len(paid.lines)} tickets"


def warm(built: dict[str, Any], size: int) -> None:
    """This instance read these performances' stock less than 2 s ago (the shop's cache), as when
    another buyer was just served; what the instance read of the catalog stays cached too."""
    from chalicelib.shop import service as shop

    front = shop.shop_front(ORG, POS)
    for performance_id in built["performances"][:size]:
        shop.stock_seats(ORG, performance_id, shop.on_sale(front, performance_id)[2].state)


def cold() -> None:
    """A fresh instance: nothing of the catalog or the stock kept."""
    from chalicelib.catalog import cache
    from chalicelib.inventory import service as inventory
    from chalicelib.shop import service as shop

    cache.forget()
    shop.clear_cache()
    inventory.forget_views()


def holds_note() -> str:
    holds = sum(n for (op, _), n in METER.requests.items() if op == "TransactWriteItems")
    stock = sum(n for (op, label), n in METER.requests.items() if op == "Query" and label == "stock")
    return f"{holds} TransactWriteItems, {stock} stock shard Query"


def run(built: dict[str, Any]) -> list[Row]:
    from chalicelib.inventory import service as inventory
    from chalicelib.inventory.model import BuyerLimit
    from chalicelib.shop import service as shop

    Shopper().hold(request(built, SIZES[0]))  # the process's first hold builds its models: not counted
    rows: list[Row] = []
    paid = {}
    for size in SIZES:
        for cache in ("cold", "warm"):
            if cache == "cold":  # a fresh instance: the catalog's and the stock's caches empty
                cold()
            else:  # the instance sold these performances just now, and read their stock < 2 s ago
                warm(built, size)
            shopper = Shopper()
            label = f"hold {size} performances x {QUANTITY} seats, cache {cache}"
            measure(rows, label, lambda s=shopper, n=size: s.hold(request(built, n)), holds_note)
            paid[size] = shopper
    for size, shopper in paid.items():
        measure(rows, f"checkout and pay the {size}-performance cart", shopper.pay)
    # the 17-performance ticket on two named seats; the 9th performance's were just taken by another
    # buyer, after the shop's cache read them free: 8 holds are placed, then released
    size = SIZES[-1]
    seat_ids = (built["world"].seat("R", "C", 9), built["world"].seat("R", "C", 10))
    cold()
    warm(built, size)
    failing = built["performances"][FAILING_AT - 1]
    state = shop.on_sale(shop.shop_front(ORG, POS), failing)[2].state
    refs = inventory.seat_refs(failing, inventory.stock_shards(state), list(seat_ids))
    inventory.place_hold(ORG, failing, "other", refs, 600, limit=BuyerLimit(f"LIMIT#{failing}#o", "LIMIT", 9))
    shopper = Shopper()
    wanted = request(built, size, dict.fromkeys(range(size), seat_ids))
    answer = measure(
        rows, f"hold {size} performances, refused at the {FAILING_AT}th", lambda: shopper.refused(wanted)
    )
    rows[-1].note = f"answered {answer}; {holds_note()}"
    return rows


def main() -> None:
    began = time.perf_counter()
    warnings.filterwarnings("ignore", message="Couldn't determine the remaining time left")
    os.environ.setdefault("GUICHET_TOKEN_SECRET", "bench-" + "s" * 40)
    os.environ.setdefault("GUICHET_TEST_STACK", "true")  # the simulated card provider pays
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ["GUICHET_AWS_ENDPOINT"] = "http://127.0.0.1:9"  # no email is sent: it waits in the outbox
    count_every_client()
    from chalicelib.auth import service as auth
    from chalicelib.db.tables import create_tables
    from infra.local import dynamodb

    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        learn_tables(local.client())
        auth.create_organisation(ORG, "Bench", "admin", "admin-password")
        started = time.perf_counter()
        built = build(max(SIZES))
        print(f"DynamoDB Local; {max(SIZES)} performances of a 60-seat hall (40 Cat 2 seats), built and")
        print(
            f"opened in {time.perf_counter() - started:.0f} s; season tickets of {QUANTITY} seats, same seat."
        )
        rows = run(built)
        table("season_tickets.hold (the service the shop's route calls), then checkout and payment", rows)
        per = [
            total(f"  hold {row.label.split()[1]} performances, cache {row.label.split()[-1]}", [row], n)
            for row in rows
            for n in SIZES
            if row.label.startswith(f"hold {n} performances x")
        ]
        table("the same holds, per performance held", per)
        print(CACHE_NOTE)
        print("\nrequests per operation and table:")
        for row in rows:
            print(f"  {row.label}: {row.detail}")
        print(NOTES)
    finally:
        local.stop()
    print(
        f"\ntotal wall time {time.perf_counter() - began:.1f} s (DynamoDB Local start and the build included)"
    )
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores; load average at the end {load} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
