"""Eight processes on DynamoDB Local: four reintegrate the same distributor sales (each line by every one
of them, in its own order) while four buy on the web on the same performance. No seat or standing place
is sold twice, every sale line of the distributor's quota becomes exactly one order, and the lines the
distributor could not have sold (web seats, a pit share sold out) are recorded failed, never lost."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict

import pytest

from chalicelib.auth import service as auth
from chalicelib.catalog import service as catalog
from chalicelib.distributors import reintegration
from chalicelib.distributors import reintegration_store as sales_records
from chalicelib.distributors.adapters import SaleLine
from chalicelib.inventory import service as inventory
from chalicelib.sales import repository
from tests.integration.conftest import use_environment
from tests.integration.processes import run_workers
from tests.service.test_distributor_sales_world import ORG, build_distributor_world, sale

SECRET = "integration-secret-that-is-long-enough-for-hs256"
NO_AWS = "http://127.0.0.1:9"  # SES fails at once on a closed port


@pytest.fixture
def race_env(store, monkeypatch) -> dict[str, str]:
    env = {**store.env, "GUICHET_TOKEN_SECRET": SECRET, "GUICHET_AWS_ENDPOINT": NO_AWS}
    use_environment(monkeypatch, env)
    auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")
    return env


def test_reintegration_racing_web_sales_never_oversells_and_never_loses_a_distributor_sale(race_env):
    world = build_distributor_world()
    distributor_seats = world.distributor_seats()
    web_seats = [world.seat(block, "B", n) for block in ("L", "R") for n in range(1, 11)]
    lines: list[SaleLine] = [sale(f"D{n}", seat=seat) for n, seat in enumerate(distributor_seats)]
    lines += [sale(f"P{n}", distributor_seat_category_id="D-PIT", price=2000) for n in range(7)]  # 5 places
    lines += [sale(f"W{n}", seat=seat) for n, seat in enumerate(web_seats[:3])]  # not the distributor's
    payload = {
        "distributors": 4,
        "interface_id": world.interface_id,
        "lines": [asdict(line) for line in lines],
        "performance_id": world.performance_id,
        "pos": "WEB",
        "buyers": 5,
        "contested_seats": web_seats + distributor_seats[:5],
        "seed": random.randrange(1_000_000),
    }

    reports = run_workers(
        "tests.integration.distributor_workers:reintegrate_or_buy", race_env, payload, timeout=400
    )

    # a line another process was still integrating is answered technical: a replay finishes it
    [reintegration.integrate(ORG, world.interface_id, [line], "pull") for line in lines]
    records = {r.external_sale_id: r for r in sales_records.list_lines(ORG, world.interface_id, limit=500)[0]}
    assert {r.status for k, r in records.items() if k.startswith("D")} == {"integrated"}
    assert len([k for k in records if k.startswith("D")]) == len(distributor_seats)
    pit = Counter(records[f"P{n}"].status for n in range(7))
    assert pit == {"integrated": 5, "failed": 2}
    assert {records[f"W{n}"].error["reason"] for n in range(3)} == {"seat_not_available"}

    outcomes = [o for report in reports[:4] for o in report["outcomes"]]
    by_line: dict[str, set] = {}
    for outcome in outcomes:
        if outcome["order_id"]:
            by_line.setdefault(outcome["external_sale_id"], set()).add(outcome["order_id"])
    assert all(len(order_ids) == 1 for order_ids in by_line.values())  # one order per line, whoever asked

    contact_orders = repository.orders_of_buyer(ORG, f"contact-{world.contact_id}", 500, None)[0]
    paid = [o for o in contact_orders if o.status == "paid"]
    assert sorted(o.order_id for o in paid) == sorted(
        r.order_id for r in records.values() if r.status == "integrated"
    )
    web_orders = [repository.get_order(order_id) for report in reports[4:] for order_id in report["paid"]]
    sold_seats = Counter(
        line.seat_id for o in [*paid, *web_orders] if o.status == "paid" for line in o.lines if line.seat_id
    )
    assert all(n == 1 for n in sold_seats.values())  # never a seat sold twice
    assert not set(sold_seats) & set(web_seats) - {line.seat_id for o in web_orders for line in o.lines}

    shards = inventory.stock_shards(catalog.get(ORG, "performance", world.performance_id).state)
    stock = {s.seat_id: s for s in inventory.map_seats(world.performance_id, shards)}
    assert {seat for seat, s in stock.items() if s.status == "sold"} == set(sold_seats)
    _, areas = inventory.count_rows(world.performance_id, shards)
    pit_orders = sum(1 for o in [*paid, *web_orders] if o.status == "paid" for line in o.lines if line.area)
    capacity = 15
    assert all(a.free >= 0 for a in areas)
    assert capacity - sum(a.free for a in areas) >= pit_orders  # held or sold, never more than the pit
    assert sales_records.sold_counts(ORG, world.interface_id, world.performance_id)["sold"] == len(paid)
