"""Allotment export on DynamoDB Local: requests, write units, read units and time of exporting a
distributor's allotment (by default 5,000 named seats of its quota and 5 standing places, in a hall of
three times as many seats) through a file interface: a first export, the same export again with nothing
changed, and an export after 100 of its seats were blocked (as the stock API blocks them: the export
becomes pending and the export clears it). The CSV and JSON files go to moto's S3 (mock_aws, started
once the tables are on DynamoDB Local: DynamoDB calls still go to DynamoDB Local). Prints figures;
asserts nothing.

    .venv/bin/python bench/distributor_export.py [--seats 5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import botocore.session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.code_batches import READS, REQUESTS, UNITS, count_every_client
from bench.stock import use_dynamodb_local

BLOCKED = 100
PER_ROW = 100  # seats a row; rows A, B, C a block (an item of at most 400 KB holds a block's seats)


def build_world(seats: int) -> Any:
    """The sales world of tests/service/test_distributor_sales_world.py (its row C of every block is
    the distributor's quota), over as many blocks of 3 x PER_ROW seats as `seats` needs (a block of
    thousands of seats is more than one DynamoDB item holds)."""
    from tests.service import test_distributor_sales_world as sales_world

    count = -(-seats // PER_ROW)
    blocks = tuple(("STALLS", f"B{n:03}") for n in range(count))
    return sales_world.build_distributor_world(per_row=PER_ROW, blocks=blocks)


BY_TABLE: Counter = Counter()  # (operation, table) -> requests
READ_BY_TABLE: Counter = Counter()  # table -> read units
S3_PUTS: list[int] = []  # bytes of each object written


def _table_of(params: dict, model: Any, context: dict, **_: Any) -> None:
    named = [next(iter(item.values())).get("TableName", "") for item in params.get("TransactItems", [])]
    tables = params.get("TableName") or ",".join([*params.get("RequestItems", {}), *sorted(set(named))])
    context["bench_table"] = tables.replace("bench-", "") or "-"
    BY_TABLE[(model.name, context["bench_table"])] += 1


def _read_by_table(parsed: dict, model: Any, context: dict, **_: Any) -> None:
    if model.name in READS:
        consumed = parsed.get("ConsumedCapacity") or {}
        for entry in consumed if isinstance(consumed, list) else [consumed]:
            table = (entry.get("TableName") or context.get("bench_table", "-")).removeprefix("bench-")
            READ_BY_TABLE[table] += float(entry.get("CapacityUnits") or 0)


def _s3_put(params: dict, **_: Any) -> None:
    S3_PUTS.append(len(params.get("Body") or b""))


def count_tables_and_s3() -> None:
    """On top of bench.code_batches' counters: requests and read units per table, and S3 writes."""
    real = botocore.session.Session.create_client

    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        client = real(self, service_name, *args, **kwargs)
        if service_name == "dynamodb":
            client.meta.events.register("before-parameter-build.dynamodb.*", _table_of)
            client.meta.events.register("after-call.dynamodb.*", _read_by_table)
        elif service_name == "s3":
            client.meta.events.register("provide-client-params.s3.PutObject", _s3_put)
        return client

    botocore.session.Session.create_client = create_client


def measure(label: str, action: Any, places: int) -> Any:
    for counter in (REQUESTS, UNITS, BY_TABLE, READ_BY_TABLE):
        counter.clear()
    S3_PUTS.clear()
    began = time.perf_counter()
    result = action()
    took = time.perf_counter() - began
    calls = sum(REQUESTS.values())
    print(label)
    print(f"  time {took:8.2f} s ({took / places * 1000:.2f} ms a place)")
    print(f"  requests {calls:,}: " + ", ".join(f"{n:,} {op}" for op, n in sorted(REQUESTS.items())))
    print(f"  write units {UNITS['write']:,.0f} (as AWS bills them)")
    print(f"  read units {UNITS['read']:,.1f} ({UNITS['read'] / places:.3f} a place)")
    if READ_BY_TABLE:
        print("  read units by table: " + ", ".join(f"{t} {u:,.1f}" for t, u in READ_BY_TABLE.most_common()))
    print(
        "  requests by table: "
        + ", ".join(f"{op} {table} {n:,}" for (op, table), n in sorted(BY_TABLE.items()))
    )
    if S3_PUTS:
        print(f"  S3 PutObject {len(S3_PUTS)}: " + ", ".join(f"{size:,} bytes" for size in S3_PUTS))
    return result


def outcome(answer: dict) -> str:
    errors = [e.get("message") for e in answer["errors"]]
    return (
        f"  -> {answer['status']}, version {answer['version']}, {answer['places']:,} places, "
        f"reference {answer['reference']}" + (f", errors {errors}" if errors else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seats", type=int, default=5_000, help="named seats of the distributor's quota")
    args = parser.parse_args()
    count_every_client()
    count_tables_and_s3()
    import boto3
    from moto import mock_aws

    from chalicelib.auth import service as auth
    from chalicelib.catalog import plans, seating_repository
    from chalicelib.catalog import repository as catalog_repository
    from chalicelib.catalog import service as catalog
    from chalicelib.catalog.seating import Selection
    from chalicelib.config import settings
    from chalicelib.db.tables import create_tables
    from chalicelib.distributors import allotment_export, export_pending, mappings
    from chalicelib.distributors.model import MappingKind
    from chalicelib.inventory import service as inventory
    from chalicelib.inventory import stock
    from chalicelib.inventory.stock_model import BLOCK
    from infra.local import dynamodb
    from tests.service.test_distributor_sales_world import ORG

    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        tables = len(local.client().list_tables()["TableNames"])
        auth.create_organisation(ORG, "Bench", "admin", "admin-password")
        blocks = -(-args.seats // PER_ROW)
        print(
            f"building a performance: {blocks} blocks, {3 * blocks * PER_ROW:,} seats, "
            f"{blocks * PER_ROW:,} of the distributor's and 5 standing places ..."
        )
        began = time.perf_counter()
        world = build_world(args.seats)
        performance = catalog.get(ORG, "performance", world.performance_id)
        season = catalog.get(ORG, "event", performance.data["event_id"]).data["season_id"]
        plan = world.built.plan_id
        # the helper saves the plan's blocks directly: keep what an imported plan keeps (its blocks), so
        # that the distributor's zones can be mapped
        blocks = seating_repository.plan_blocks(ORG, plan)
        catalog_repository.update_state(ORG, "seating_plan", plan, plans.plan_state(blocks))
        for zone, theirs in (("STALLS", "D-STALLS"), ("PIT", "D-PITZONE")):
            mappings.create_mapping(
                ORG, world.interface_id, season, MappingKind.ZONE, f"{plan}/{zone}", theirs
            )
        print(f"  built and opened in {time.perf_counter() - began:.1f} s")
        seats = world.distributor_seats()
        places = len(seats) + 5  # and the distributor's 5 standing places in the pit
        with mock_aws():  # S3 only: DynamoDB Local's endpoint is no AWS address, moto lets it through
            still_local = len(local.client().list_tables()["TableNames"])
            print(f"DynamoDB Local ({still_local} of {tables} tables seen under mock_aws); S3 by moto")
            boto3.client("s3", region_name=settings().region).create_bucket(
                Bucket=settings().files_bucket,
                CreateBucketConfiguration={"LocationConstraint": settings().region},
            )

            def export() -> dict:
                return allotment_export.export(ORG, world.interface_id, [world.performance_id], by="run")

            first = measure(f"first export ({places:,} places)", export, places)
            print(outcome(first))
            again = measure("second export, nothing changed", export, places)
            print(outcome(again))
            hundred = Selection(seat_ids=tuple(seats[:BLOCKED]))

            def block() -> list:
                before: dict = {}

                def guard(ids: list[str]) -> None:
                    before.update(
                        export_pending.check_stock_change(ORG, world.performance_id, ids, BLOCK, None)
                    )

                report = stock.change_seats(ORG, world.performance_id, hundred, BLOCK, guard=guard)
                skipped = [*report.unchanged, *(r["seat_id"] for r in report.refused)]
                return export_pending.note_stock_change(
                    ORG, world.performance_id, before, BLOCK, None, skipped
                )

            suggested = measure(f"block {BLOCKED} of its seats (as the stock API does)", block, BLOCKED)
            print(f"  -> export suggested: {[s['name'] for s in suggested]}")
            after = measure(f"export after {BLOCKED} seats blocked", export, places - BLOCKED)
            print(outcome(after))
            print(f"  -> pending after it: {export_pending.pending_performances(ORG, world.interface_id)}")
            print("where an export's stock reads go (each part alone):")
            shards = inventory.stock_shards(catalog.get(ORG, "performance", world.performance_id).state)
            measure(
                "  the stock counts (the on-sale check; the standing places)",
                lambda: inventory.stock_counts(ORG, world.performance_id),
                places,
            )
            measure(
                "  the seat map (the seats of the quota)",
                lambda: inventory.map_seats(world.performance_id, shards),
                places,
            )
    finally:
        local.stop()


if __name__ == "__main__":
    main()
