"""Projected reads of a performance's stock (the shop's counts and seat map, the picker's view): the seats as
opened from the blocks' layout parts, then one short paged Query per shard, compact rows, no model objects."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from chalicelib.db.stock import SEAT_FREE, layout_part_sk, shard_count, shard_pk
from chalicelib.inventory import stock_layout
from chalicelib.inventory.stock_model import AreaStock, MapSeat, SeatStock
from chalicelib.inventory.stock_repository import built_pk, number, raw_items, raw_query, raw_rows, text

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


AREA_CAPACITY_ATTRIBUTES = ("area", "quota_id", "category_id", "capacity")


def area_capacities(performance_id: str, shards: int) -> list[tuple[str, str | None, str | None, int]]:
    """Every standing-area sub-counter's (area, quota, category, capacity): the area items only (a few
    per shard), not the seats around them."""
    return [
        (text(area) or "", text(quota), text(category), _int(capacity) or 0)
        for shard in range(shards)
        for area, quota, category, capacity in raw_rows(
            performance_id, shard, AREA_CAPACITY_ATTRIBUTES, AREA_PREFIX
        )
    ]


def _int(raw: dict[str, Any] | None) -> int | None:
    found = number(raw)
    return None if found is None else int(found)


def seats_of_shard(performance_id: str, shard: int, same: dict[Any, Any] | None = None) -> list[MapSeat]:
    """One shard's numbered seats as compact tuples; `same` shares repeated strings (and numbers, by
    their stored text) between reads.

    Every attribute of every seat: what a performance opened without layout parts is read with (and
    the test of the short read). Written out attribute by attribute, with no call per value: a call
    per attribute doubled the CPU of decoding 20,000 seats.
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


def changed_rows(performance_id: str, shard: int) -> Iterator[dict[str, dict[str, Any]]]:
    """One shard's seats no longer as opened (not free, or moved to another quota), raw: seat_id,
    status, hold_expires_at and quota_id. DynamoDB filters them: a free seat sends nothing back."""
    filtered = ("#st <> :free OR attribute_exists(#moved)", {"#st": "status", "#moved": "quota_moved"})
    names = ("seat_id", "status", "hold_expires_at", "quota_id")
    pk = shard_pk(performance_id, shard)
    return raw_query(pk, names, SEAT_PREFIX, None, filtered, {":free": SEAT_FREE})


def layout_items(performance_id: str) -> Iterator[dict[str, dict[str, Any]]]:
    """The performance's block markers and layout parts, raw (sk, layout_parts, seats)."""
    return raw_query(built_pk(performance_id), ("sk", "layout_parts", "seats"))


# A performance's seats as opened, per shard: seat id -> the seat, free with its first quota.
Opened = list[dict[str, MapSeat]]


def opened_seats(performance_id: str, shards: int) -> Opened | None:
    """The seats as opened, from the blocks' layout parts (one paged Query); None when a block lacks
    them (opened before they were written): the caller then reads every seat from the shards."""
    parts: dict[str, bytes] = {}
    markers: dict[str, int | None] = {}
    for item in layout_items(performance_id):
        sk = item["sk"]["S"]
        if "seats" in item:
            parts[sk] = base64.b64decode(item["seats"]["B"])
        else:
            markers[sk] = _int(item.get("layout_parts"))
    if not markers or any(n is None for n in markers.values()):
        return None
    wanted = [layout_part_sk(sk, n) for sk, count in markers.items() for n in range(count or 0)]
    if any(sk not in parts for sk in wanted):
        return None
    # in plan order (block by block), not seat id order as a Query gives them: readers sort as they need
    by_shard = stock_layout.opened_seats((parts[sk] for sk in wanted), shards)
    return [{seat.seat_id: seat for seat in shard} for shard in by_shard]


def seats_as_changed(
    performance_id: str, shard: int, opened: dict[str, MapSeat], same: dict[Any, Any]
) -> list[MapSeat]:
    """One shard's seats: as opened, but for those the shard says are no longer so (a short read)."""
    share = same.setdefault
    seats = dict(opened)
    for item in changed_rows(performance_id, shard):
        seat_id = item["seat_id"]["S"]
        seat = seats.get(seat_id)
        if seat is None:  # not in the layout parts: never expected, and never shown as free
            continue
        status, quota = text(item.get("status")), text(item.get("quota_id"))
        expires = _int(item.get("hold_expires_at"))
        seats[seat_id] = seat._replace(
            status=share(status, status), quota_id=share(quota, quota), hold_expires_at=expires
        )
    return list(seats.values())


def seats_to_draw(performance_id: str, shards: int) -> list[MapSeat]:
    """Every numbered seat with its place on the plan: the layout parts and `shards` short Query calls
    (or, for a performance opened without layout parts, `shards` full ones), plus pagination."""
    same: dict[Any, Any] = {}
    opened = opened_seats(performance_id, shards)
    if opened is not None:
        return [seat for n in range(shards) for seat in seats_as_changed(performance_id, n, opened[n], same)]
    return [seat for shard in range(shards) for seat in seats_of_shard(performance_id, shard, same)]
