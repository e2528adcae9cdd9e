"""Who holds the seats of a 20,000-seat performance (…/stock/holders): requests, bytes and time, on moto."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = tuple(("STALLS", f"B{n}") for n in range(10))
ROWS, PER_ROW = 40, 50  # 10 blocks x 40 rows x 50 seats = 20,000
HOLDS, SEATS_PER_HOLD = (100, 1000), 4
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "GUICHET_STAGE": "bench",
        "GUICHET_TOKEN_SECRET": "bench-secret-that-is-long-enough-for-hs256",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
sys.path.insert(0, str(ROOT))


def place_holds(built, seat_ids: list[str], shards: int, start: int, end: int) -> None:
    """Holds number start to end - 1, four seats each, one in three an option's. Written directly, not
    through inventory.place_hold: moto copies the whole table for each transaction (10 s a hold here)."""
    import boto3

    from chalicelib import clock
    from chalicelib.db.holds import HoldItem, SeatKey, hold_pk
    from chalicelib.db.stock import SEAT_HELD, SeatItem, seat_pk, seat_sk

    client, until = boto3.client("dynamodb"), clock.seconds() + 3600
    for n in range(start, end):
        hold_id = f"H{n:05d}"
        keys = [(seat_pk(built.performance_id, s, shards), seat_sk(s))
                for s in seat_ids[n * SEATS_PER_HOLD : (n + 1) * SEATS_PER_HOLD]]
        owner = f"option-O{n}" if n % 3 == 0 else f"shopper-{n}"
        HoldItem(hold_pk(hold_id), hold_id=hold_id, org_id=built.org_id, performance_id=built.performance_id,
                 owner=owner, expires_at=until, cart_id=None if n % 3 == 0 else f"C{n}",
                 seats=[SeatKey(pk=pk, sk=sk) for pk, sk in keys]).save()
        for pk, sk in keys:
            client.update_item(
                TableName=SeatItem.Meta.table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                UpdateExpression="SET #s = :s, hold_id = :h, hold_expires_at = :e",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":s": {"S": SEAT_HELD}, ":h": {"S": hold_id}, ":e": {"N": str(until)}
                },
            )


def main() -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        from chalicelib.db.holds import HoldItem
        from chalicelib.db.tables import create_tables
        from chalicelib.inventory import holders
        from tests.service.test_stock_helpers import build_performance, open_in_process

        create_tables(boto3.client("dynamodb"))
        built = build_performance(blocks=BLOCKS, rows=ROWS, per_row=PER_ROW)
        open_in_process(built)
        shards = holders.stock_shards(built_state(built))
        fields = ["sk", "seat_id"]
        rows = holders.stock_repository.stock_items(built.performance_id, shards, fields, prefix="SEAT#")
        seat_ids = [row["seat_id"] for row in rows]
        batches: list[int] = []
        real = HoldItem.batch_get.__func__

        def counted(cls, keys, *args, **kwargs):
            batches.append(len(keys))
            return real(cls, keys, *args, **kwargs)

        HoldItem.batch_get = classmethod(counted)
        placed = 0
        print(f"{len(seat_ids)} seats")
        for count in HOLDS:
            place_holds(built, seat_ids, shards, placed, count)
            placed = count
            batches.clear()
            started = time.perf_counter()
            answer = holders.seat_holders(built.org_id, built.performance_id)
            took = (time.perf_counter() - started) * 1000
            size = len(json.dumps(answer))
            print(f"{count:>5} holds ({count * SEATS_PER_HOLD} seats): {shards} shards queried, "
                  f"{len(batches)} BatchGetItem ({sum(batches)} keys), answer {size / 1024:.1f} KB "
                  f"({took:.0f} ms on moto: moto's time, not DynamoDB's)")


def built_state(built) -> dict:
    from chalicelib.catalog import service as catalog

    return catalog.get(built.org_id, "performance", built.performance_id).state


if __name__ == "__main__":
    main()
