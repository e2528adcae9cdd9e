"""Projected reads of a performance's stock (the shop's counts and seat map, the picker's view): one paged
Query per shard, compact rows, no model objects."""

from __future__ import annotations

from typing import Any

from chalicelib.db.stock import shard_count
from chalicelib.inventory.stock_model import AreaStock, MapSeat, SeatStock
from chalicelib.inventory.stock_repository import number, raw_items, raw_rows, text

SEAT_PREFIX = "SEAT#"
AREA_PREFIX = "AREA#"
# What counting needs from seat and area items alike (both live in the same shard partitions).
COUNT_ATTRIBUTES = (
    "sk",
    "category_id",
    "quota_id",
    "status",
    "hold_expires_at",
    "area",
    "free",
    "counter",
)
# What drawing and picking need, in MapSeat's order; hold_id is never read, so it cannot leak.
MAP_ATTRIBUTES = (
    "seat_id",
    "zone",
    "block",
    "row",
    "number",
    "x",
    "y",
    "category_id",
    "accessible",
    "quota_id",
    "status",
    "hold_expires_at",
    "rank",
)
# Items per Query page; None lets DynamoDB fill 1 MB pages (about 5,000 projected seats).
PAGE_SIZE: int | None = None


def stock_shards(state: dict[str, Any]) -> int:
    """The one shard reader: the shard count the opening wrote down; else the one its seat count implies."""
    return int(state.get("shards") or shard_count(int(state.get("seat_count") or 0)))


def stock_to_count(performance_id: str, shards: int) -> tuple[list[SeatStock], list[AreaStock]]:
    """Seats and standing-area counters, read together: `shards` Query calls plus pagination."""
    seats, areas = [], []
    same: dict[Any, Any] = {}  # one string object per distinct category, quota and status
    for shard in range(shards):
        for sk, category, quota, status, expires, area, free, counter in raw_rows(
            performance_id, shard, COUNT_ATTRIBUTES, page=PAGE_SIZE
        ):
            key = text(sk) or ""
            if key.startswith(SEAT_PREFIX):
                seats.append(
                    SeatStock(
                        same.setdefault(text(category), text(category)),
                        same.setdefault(text(quota), text(quota)),
                        same.setdefault(text(status), text(status)),
                        _int(expires),
                    )
                )
            elif key.startswith(AREA_PREFIX):
                name, places = text(area) or "", _int(free) or 0
                areas.append(AreaStock(name, text(quota), text(category), places, _int(counter) or 0))
    return seats, areas


AREA_ATTRIBUTES = ("area", "quota_id", "category_id", "free", "counter")


def area_counters(performance_id: str, shards: int, area: str) -> list[AreaStock]:
    """One standing area's sub-counters, from every shard (each holds a few of them at most)."""
    return [
        AreaStock(text(name) or "", text(quota), text(category), _int(free) or 0, _int(counter) or 0)
        for shard in range(shards)
        for name, quota, category, free, counter in raw_rows(
            performance_id, shard, AREA_ATTRIBUTES, f"{AREA_PREFIX}{area}#"
        )
    ]


def _int(raw: dict[str, Any] | None) -> int | None:
    found = number(raw)
    return None if found is None else int(found)


def seats_of_shard(performance_id: str, shard: int, same: dict[Any, Any] | None = None) -> list[MapSeat]:
    """One shard's numbered seats as compact tuples; `same` shares repeated strings (and numbers, by
    their stored text) between reads.

    Written out attribute by attribute, with no call per value: decoding 20,000 seats is most of a
    cold hold's CPU, and a call per attribute doubled it.
    """
    same = {} if same is None else same
    share = same.setdefault
    numbers: dict[str, int | float | None] = same.setdefault(_NUMBERS, {})
    seats = []
    append = seats.append
    for item in raw_items(performance_id, shard, MAP_ATTRIBUTES, SEAT_PREFIX, PAGE_SIZE):
        get = item.get
        zone, block, row, num = get("zone"), get("block"), get("row"), get("number")
        category, quota, status = get("category_id"), get("quota_id"), get("status")
        x, y, accessible, rank = get("x"), get("y"), get("accessible"), get("rank")
        expires = get("hold_expires_at")
        append(
            MapSeat(
                item["seat_id"]["S"],
                share(zone["S"], zone["S"]) if zone else None,
                share(block["S"], block["S"]) if block else None,
                share(row["S"], row["S"]) if row else None,
                share(num["S"], num["S"]) if num else None,
                (numbers.get(x["N"]) or _number(numbers, x["N"])) if x else None,
                (numbers.get(y["N"]) or _number(numbers, y["N"])) if y else None,
                share(category["S"], category["S"]) if category else None,
                bool(accessible and accessible.get("BOOL")),
                share(quota["S"], quota["S"]) if quota else None,
                share(status["S"], status["S"]) if status else None,
                _int(expires),
                (numbers.get(rank["N"]) or _number(numbers, rank["N"])) if rank else None,
            )
        )
    return seats


_NUMBERS = ("numbers",)  # the key, in `same`, of the stored numbers already decoded


def _number(numbers: dict[str, int | float | None], raw: str) -> int | float | None:
    numbers[raw] = found = number({"N": raw})
    return found


def seats_to_draw(performance_id: str, shards: int) -> list[MapSeat]:
    """Every numbered seat with its place on the plan: `shards` Query calls plus pagination."""
    same: dict[Any, Any] = {}
    return [seat for shard in range(shards) for seat in seats_of_shard(performance_id, shard, same)]
