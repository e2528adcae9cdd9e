"""Seat map and availability of a 20,000-seat performance: in-process cost and response size (no AWS)."""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from a clean clone

from chalicelib.api.shop_catalog import AvailabilityOut, SeatMapOut
from chalicelib.db.stock import STOCK_SHARD_SEATS, shard_count
from chalicelib.shop.model import (
    SEAT_FIELDS,
    Channel,
    MapSeat,
    Quota,
    SeatCategory,
    SeatStock,
    count_free,
    seat_map_blocks,
    sellable_quotas,
)
from chalicelib.shop.read_models import Availability, SeatMap, category_rows

SEATS = 20_000
RUNS = 5
NOW = 1_000_000


def seats() -> list[MapSeat]:
    made = []
    for n in range(SEATS):
        block, row, number = f"B{n // 1000}", str(n // 40 % 25 + 1), str(n % 40 + 1)
        status, expires = [("free", None), ("held", NOW + 60), ("held", NOW - 60), ("sold", None)][n % 4]
        made.append(
            MapSeat(
                f"{block}-{row}-{number}",
                "STALLS" if n < 12_000 else "BALCONY",
                block,
                row,
                number,
                float(n % 40 * 12),
                float(n // 40 * 14),
                f"cat-{n % 3}",
                n % 97 == 0,
                ["q-web", "q-box", None][n % 3],
                status,
                expires,
            )
        )
    return made


def median_ms(fn) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    stock = seats()
    channel = Channel("web", "internet_b2c", frozenset({"q-web"}), "map", 10)
    sellable = sellable_quotas(channel, [Quota("q-web", "other", False, frozenset())])
    categories = [SeatCategory(f"cat-{n}", f"Cat {n}", "#aa0000", n + 1) for n in range(3)]
    now = datetime.now(UTC)

    def seat_map() -> str:
        blocks = seat_map_blocks(stock, sellable, NOW)
        available = sum(row[-1] for block in blocks for row in block.seats)
        drawn = SeatMap("p", now, "map", SEAT_FIELDS, SEATS, available, categories, blocks)
        return SeatMapOut.model_validate(drawn).model_dump_json()

    def availability() -> str:
        counted = [SeatStock(s.category_id, s.quota_id, s.status, s.hold_expires_at) for s in stock]
        count = count_free(counted, [], sellable, NOW)
        rows = category_rows(count, {c.id: c for c in categories})
        return AvailabilityOut.model_validate(Availability("p", now, 0, 10, rows, [])).model_dump_json()

    body = seat_map()
    print(f"seats                       : {SEATS}")
    print(f"shard queries per read      : {shard_count(SEATS)} (one per {STOCK_SHARD_SEATS} seats)")
    print(f"seat map JSON (KB)          : {len(body) / 1024:.0f}")
    print(f"seat map gzipped (KB)       : {len(gzip.compress(body.encode())) / 1024:.0f}")
    print(f"seat map build + JSON (ms)  : {median_ms(seat_map):.1f}")
    print(f"availability count (ms)     : {median_ms(availability):.1f}")


if __name__ == "__main__":
    main()
