"""Distributors on DynamoDB Local: requests, write units, read units and time of reintegrating sale lines
(by default 10,000: half named seats of the distributor's quota, half standing places of its share of the
pit), in batches as a run's Map would send them, then of replaying them all (already integrated).
Prints figures; asserts nothing.

    .venv/bin/python bench/distributors.py [--lines 10000] [--batch 500]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.code_batches import REQUESTS, UNITS, count_every_client
from bench.stock import use_dynamodb_local


def measure(label: str, action: Any, lines: int) -> Any:
    REQUESTS.clear()
    UNITS.clear()
    began = time.perf_counter()
    result = action()
    took = time.perf_counter() - began
    calls = sum(REQUESTS.values())
    print(f"{label}")
    print(f"  time {took:8.2f} s ({took / lines * 1000:.1f} ms a line)")
    print(
        f"  requests {calls:,} ({calls / lines:.1f} a line): "
        + ", ".join(f"{n:,} {op}" for op, n in sorted(REQUESTS.items()))
    )
    print(f"  write units {UNITS['write']:,.0f} ({UNITS['write'] / lines:.1f} a line, as AWS bills them)")
    print(f"  read units {UNITS['read']:,.1f} ({UNITS['read'] / lines:.1f} a line)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000, help="sale lines reintegrated")
    parser.add_argument("--batch", type=int, default=500, help="lines per call (a run's batch)")
    args = parser.parse_args()
    os.environ.setdefault("GUICHET_TOKEN_SECRET", "bench-" + "s" * 40)  # the tickets' barcodes
    count_every_client()
    from chalicelib.auth import service as auth
    from chalicelib.db.tables import create_tables
    from chalicelib.distributors import reintegration
    from infra.local import dynamodb
    from tests.service.test_distributor_sales_world import ORG, build_distributor_world, sale

    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        auth.create_organisation(ORG, "Bench", "admin", "admin-password")
        seated = args.lines // 2
        per_row = 100  # row C of every block is the distributor's; a block's seats fit one item
        blocks = tuple(("STALLS", f"B{n:03}") for n in range(-(-seated // per_row)))
        print(
            f"building a performance: {len(blocks) * per_row * 3:,} seats, "
            f"{args.lines - seated:,} standing places ..."
        )
        world = build_distributor_world(blocks=blocks, per_row=per_row, pit_share=args.lines - seated)
        seats = world.distributor_seats()[:seated]
        lines = [sale(f"S{n}", seat=seat) for n, seat in enumerate(seats)]
        lines += [
            sale(f"P{n}", distributor_seat_category_id="D-PIT", price=2000)
            for n in range(args.lines - seated)
        ]

        def run() -> dict:
            outcomes = []
            for start in range(0, len(lines), args.batch):
                batch = lines[start : start + args.batch]
                outcomes += reintegration.integrate(ORG, world.interface_id, batch, "pull")
            return reintegration.summary(outcomes)

        print(f"DynamoDB Local; {len(lines):,} sale lines in batches of {args.batch}")
        first = measure(f"reintegrate {len(lines):,} sale lines (one order each)", run, len(lines))
        print(
            f"  -> integrated {first['integrated']:,}, failed {first['failed']:,}",
            first["errors_by_category"],
        )
        again = measure(f"replay the same {len(lines):,} lines", run, len(lines))
        print(f"  -> already integrated {again['already_integrated']:,}")
    finally:
        local.stop()


if __name__ == "__main__":
    main()
