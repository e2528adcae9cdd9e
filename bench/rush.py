"""Best-available under a rush: separate processes, each with its own caches as Lambda instances have,
holding 2 seats of one category on a 20,000-seat hall on DynamoDB Local; then 8 processes racing for
a standing area. Prints holds, lost races, stock reads per hold and any answer other than 201/409.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LEVELS = (1, 4, 6, 8)
SECONDS = 15.0  # each level's processes place holds for this long, after one warm-up hold each
QUANTITY = 2
STANDING_SECONDS = 40.0  # the standing race runs until the area is sold out or for this long
ENV_NAMES = (
    *("GUICHET_DYNAMODB_ENDPOINT", "GUICHET_TABLE_PREFIX", "GUICHET_TOKEN_SECRET", "AWS_REGION"),
    *("AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "POWERTOOLS_LOG_LEVEL"),
    "POWERTOOLS_METRICS_DISABLED",
)


class Tally:
    """What one worker process saw: hold attempts (writes), lost races, stock reads, answers."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.answers: Counter[str] = Counter()

    def watch(self) -> None:
        """Count every hold write and every whole-stock read this process makes."""
        from chalicelib.errors import SeatUnavailable, TransientStoreError
        from chalicelib.inventory import service as inventory
        from chalicelib.inventory import stock_reads as repository
        from chalicelib.sales import carts

        place, draw = inventory.place_hold, repository.seats_to_draw
        check = getattr(inventory, "taken_seats", None)

        def counted_check(*args: Any, **kwargs: Any) -> Any:
            taken = check(*args, **kwargs)
            self.counts["stale picks"] += bool(taken)
            return taken

        if check is not None:
            inventory.taken_seats = counted_check
        collided = getattr(carts, "_collided", lambda _: False)

        def counted_place(*args: Any, **kwargs: Any) -> Any:
            self.counts["attempts"] += 1
            try:
                return place(*args, **kwargs)
            except SeatUnavailable:
                self.counts["lost"] += 1
                raise
            except TransientStoreError as exc:
                self.counts["lost" if collided(exc) else "faults"] += 1
                raise

        def counted_draw(*args: Any, **kwargs: Any) -> Any:
            self.counts["full reads (seat list)"] += 1
            return draw(*args, **kwargs)

        inventory.place_hold, repository.seats_to_draw = counted_place, counted_draw

    def reads(self) -> dict[str, int]:
        try:
            from chalicelib.inventory import stock_view
        except ImportError:  # main before this change: every stock read was a whole seat list
            return {"full": self.counts["full reads (seat list)"], "shard": 0}
        return {"full": stock_view.READS["full"], "shard": stock_view.READS["shard"]}

    def ask(self, action: Any) -> None:
        from chalicelib.api.errors import status_of
        from chalicelib.errors import DomainError

        try:
            action()
            self.answers["201"] += 1
        except DomainError as exc:
            self.answers[f"{status_of(exc)} {exc.code}"] += 1
        except Exception as exc:  # noqa: BLE001 - what API Gateway would see as a 500
            self.answers[f"500 {type(exc).__name__}"] += 1


def rush(worker: int, barrier: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Buyers of this process, one after the other: open a cart, hold 2 best seats of one category."""
    from chalicelib.sales import carts
    from chalicelib.sales.carts import Buyer, HoldRequest
    from tests.integration.shop_workers import share_botocore_sessions

    share_botocore_sessions()
    tally = Tally()
    tally.watch()
    request = HoldRequest(payload["performance_id"], category_id=payload["category"], quantity=QUANTITY)

    def buy(name: str) -> None:
        buyer = Buyer(payload["org"], name)
        cart = carts.open_cart(payload["org"], payload["pos"], buyer)
        tally.ask(lambda: carts.add_to_cart(payload["org"], cart.cart_id, buyer, request))

    buy(f"warm-{payload['level']}-{worker}")  # the instance's cold start: its first whole read
    before, counts_before = tally.reads(), Counter(tally.counts)
    tally.answers.clear()
    barrier.wait()
    started, cpu = time.time(), time.process_time()
    n = 0
    while time.time() < started + payload["seconds"]:
        buy(f"rush-{payload['level']}-{worker}-{n}")
        n += 1
    after = tally.reads()
    counts = Counter(tally.counts)
    counts.subtract(counts_before)
    return {
        "counts": dict(counts),
        "answers": dict(tally.answers),
        "reads": {k: after[k] - before[k] for k in after},
        "wall": time.time() - started,
        "cpu": time.process_time() - cpu,
    }


def standing(worker: int, barrier: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Buyers holding 2 standing places until the area is sold out; every fourth empties the cart."""
    from chalicelib.sales import carts
    from chalicelib.sales.carts import Buyer, HoldRequest
    from tests.integration.shop_workers import share_botocore_sessions

    share_botocore_sessions()
    tally = Tally()
    tally.watch()
    request = HoldRequest(payload["performance_id"], area=payload["area"], quantity=QUANTITY)
    held = 0
    barrier.wait()
    started, n = time.time(), 0
    while time.time() < started + payload["seconds"]:
        buyer = Buyer(payload["org"], f"standing-{worker}-{n}")
        cart = carts.open_cart(payload["org"], payload["pos"], buyer)
        before = tally.answers["201"]
        tally.ask(lambda b=buyer, c=cart: carts.add_to_cart(payload["org"], c.cart_id, b, request))
        if tally.answers["201"] > before:
            if n % 4 == 3:
                carts.empty_cart(payload["org"], cart.cart_id, buyer)
            else:
                held += QUANTITY
        elif _sold_out(payload):
            break
        n += 1
    return {"counts": dict(tally.counts), "answers": dict(tally.answers), "held": held}


def _sold_out(payload: dict[str, Any]) -> bool:
    from chalicelib.inventory import stock_reads as repository

    counters = repository.area_counters(payload["performance_id"], payload["shards"], payload["area"])
    return sum(c.free for c in counters if c.quota_id == payload["quota"]) < QUANTITY


def level_row(level: int, results: list[dict[str, Any]]) -> str:
    counts: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    reads: Counter[str] = Counter()
    for result in results:
        counts.update(result["counts"])
        answers.update(result["answers"])
        reads.update(result["reads"])
    placed = answers["201"]
    wall = max(r["wall"] for r in results)
    attempts = counts["attempts"] or 1
    shards_per_hold = reads["shard"] / placed if placed else 0.0
    stale = counts["stale picks"] / placed if placed else 0.0
    others = {k: v for k, v in answers.items() if not (k == "201" or k.startswith("409"))}
    refused = sum(v for k, v in answers.items() if k.startswith("409"))
    return (
        f"{level:>9}{placed:>8}{placed / wall:>9.1f}"
        f"{counts['lost']:>7}{100 * counts['lost'] / attempts:>7.0f} %"
        f"{reads['full'] / max(placed, 1):>12.2f}{shards_per_hold:>13.2f}{stale:>12.2f}{refused:>6}"
        f"{sum(r['cpu'] for r in results) / max(placed, 1):>12.2f}   {others or 'none'}"
    )


def main() -> None:
    from bench.sales import ORG, POS, build_world
    from bench.stock import use_dynamodb_local
    from chalicelib.db.tables import create_tables
    from infra.local import dynamodb
    from tests.integration.processes import run_workers

    os.environ.setdefault("GUICHET_TOKEN_SECRET", "bench-" + "s" * 40)
    began = time.perf_counter()
    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        world = build_world()
        env = {name: os.environ[name] for name in ENV_NAMES if name in os.environ}
        print(f"DynamoDB Local; a 20,000-seat hall in {world.shards} shards; {QUANTITY} Cat 1 seats a hold;")
        print(f"each level's processes start together and hold for {SECONDS:.0f} s after one warm-up hold.\n")
        print(
            f"{'processes':>9}{'holds':>8}{'holds/s':>9}{'lost':>7}{'lost %':>9}"
            f"{'full/hold':>12}{'shards/hold':>13}{'stale/hold':>12}{'409':>6}{'cpu s/hold':>12}"
            "   other answers"
        )
        base = {"org": ORG, "pos": POS, "performance_id": world.performance_id, "seconds": SECONDS}
        for level in LEVELS:
            payload = {**base, "category": world.categories["CAT1"], "level": level}
            results = run_workers("bench.rush:rush", env, payload, workers=level, timeout=SECONDS + 240)
            print(level_row(level, results), flush=True)
        race_standing(world, env, run_workers)
    finally:
        local.stop()
    print(f"\ntotal wall time {time.perf_counter() - began:.0f} s; load average {os.getloadavg()[0]:.1f}")
    print(
        "lost: hold writes refused because another buyer took a seat first, or collided with another"
        "\ntransaction; full/hold: reads of the whole stock per hold placed (each process's cold read"
        f"\nbefore the rush is left out); shards/hold: reads of one shard (1/{world.shards} of the stock)"
        "\nper hold; stale/hold: picks found taken when read by key before writing (picked again, no"
        "\ntransaction spent); cpu s/hold: the processes' CPU per hold placed."
    )


def race_standing(world: Any, env: dict[str, str], run_workers: Any) -> None:
    from chalicelib.catalog import service as catalog
    from chalicelib.inventory import stock_reads as repository

    quota = next(q.id for q in catalog.all_items("bench", "quota") if q.data["code"] == "WEB")
    counters = repository.area_counters(world.performance_id, world.shards, "FLOOR")
    capacity = sum(c.free for c in counters if c.quota_id == quota)
    payload = {
        **{"org": "bench", "pos": "WEB", "performance_id": world.performance_id, "area": "FLOOR"},
        **{"seconds": STANDING_SECONDS, "shards": world.shards, "quota": quota},
    }
    results = run_workers("bench.rush:standing", env, payload, workers=8, timeout=STANDING_SECONDS + 240)
    answers: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for result in results:
        answers.update(result["answers"])
        counts.update(result["counts"])
    held = sum(r["held"] for r in results)
    after = repository.area_counters(world.performance_id, world.shards, "FLOOR")
    free = sum(c.free for c in after if c.quota_id == quota)
    errors = {k: v for k, v in answers.items() if k.startswith("5")}
    print(
        f"\nstanding area FLOOR, web quota of {capacity} places in {len(counters)} counters, 8 processes:"
        f"\n  holds placed {answers['201']}, lost races {counts['lost']} of {counts['attempts']} writes,"
        f" answers {dict(answers)}"
        f"\n  5xx answers: {errors or 'none'}; free {free} + held {held} + sold 0 = {free + held}"
        f" (capacity {capacity}: {'exact' if free + held == capacity else 'WRONG'})"
    )


if __name__ == "__main__":
    main()
