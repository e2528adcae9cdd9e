"""Projected reads of a performance's stock: one paged Query per shard, never one read per seat."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from chalicelib.db.conditions import store_errors
from chalicelib.db.stock import SeatItem, StockTable, shard_count, shard_pk
from chalicelib.shop.model import AreaStock, MapSeat, SeatStock

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
# What drawing needs; hold_id is never read, so it cannot leak.
MAP_ATTRIBUTES = (
    "seat_id",
    "zone",
    "block",
    "row",
    "number",
    "x",
    "y",
    "accessible",
    "rank",
    "category_id",
    "quota_id",
    "status",
    "hold_expires_at",
)
# Items per Query page; None lets DynamoDB fill 1 MB pages (about 5,000 projected seats).
PAGE_SIZE: int | None = None


def stock_shards(state: dict[str, Any]) -> int:
    """The shard count the opening wrote down; else the one its seat count implies."""
    return int(state.get("shards") or shard_count(int(state.get("seat_count") or 0)))


def _plain(attribute: dict[str, Any]) -> Any:
    (kind, value) = next(iter(attribute.items()))
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "NULL":
        return None
    return value


def _rows(
    performance_id: str, shards: int, attributes: tuple[str, ...], prefix: str | None
) -> Iterator[dict]:
    """Every item of the performance's shards, projected; one Query call per shard page."""
    connection = SeatItem._get_connection()
    condition = StockTable.sk.startswith(prefix) if prefix else None
    for shard in range(shards):
        start = None
        while True:
            page = connection.query(
                shard_pk(performance_id, shard),
                range_key_condition=condition,
                attributes_to_get=list(attributes),
                exclusive_start_key=start,
                limit=PAGE_SIZE,
            )
            for item in page.get("Items", []):
                yield {name: _plain(value) for name, value in item.items()}
            start = page.get("LastEvaluatedKey")
            if not start:
                break


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@store_errors
def stock_to_count(performance_id: str, shards: int) -> tuple[list[SeatStock], list[AreaStock]]:
    """Seats and standing-area counters, read together: `shards` Query calls plus pagination."""
    seats, areas = [], []
    for row in _rows(performance_id, shards, COUNT_ATTRIBUTES, None):
        sk = row.get("sk", "")
        if sk.startswith(SEAT_PREFIX):
            seats.append(
                SeatStock(
                    row.get("category_id"),
                    row.get("quota_id"),
                    row.get("status"),
                    _int(row.get("hold_expires_at")),
                )
            )
        elif sk.startswith(AREA_PREFIX):
            areas.append(
                AreaStock(
                    row.get("area", ""),
                    row.get("quota_id"),
                    row.get("category_id"),
                    int(row.get("free") or 0),
                    int(row.get("counter") or 0),
                )
            )
    return seats, areas


@store_errors
def seats_to_draw(performance_id: str, shards: int) -> list[MapSeat]:
    """Every numbered seat with its place on the plan: `shards` Query calls plus pagination."""
    return [
        MapSeat(
            seat_id=row["seat_id"],
            zone=row.get("zone"),
            block=row.get("block"),
            row=row.get("row"),
            number=row.get("number"),
            x=row.get("x"),
            y=row.get("y"),
            category_id=row.get("category_id"),
            accessible=bool(row.get("accessible")),
            rank=_int(row.get("rank")),
            quota_id=row.get("quota_id"),
            status=row.get("status"),
            hold_expires_at=_int(row.get("hold_expires_at")),
        )
        for row in _rows(performance_id, shards, MAP_ATTRIBUTES, SEAT_PREFIX)
    ]
