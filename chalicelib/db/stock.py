"""The stock table: one item per numbered seat of a performance, sharded so writes spread over keys."""

from __future__ import annotations

import zlib

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db.base import TableMeta, TableModel

SEAT_FREE = "free"
SEAT_HELD = "held"
SEAT_SOLD = "sold"
SEAT_BLOCKED = "blocked"


class StockTable(TableModel):
    """Root model: pk = PERF#<performance_id>#<shard>, sk = SEAT#<seat_id>."""

    class Meta(metaclass=TableMeta):
        logical_name = "stock"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class SeatItem(StockTable):
    performance_id = UnicodeAttribute()
    seat_id = UnicodeAttribute()
    status = UnicodeAttribute(default=SEAT_FREE)
    hold_id = UnicodeAttribute(null=True)
    hold_expires_at = NumberAttribute(null=True)


def seat_shard(seat_id: str, shards: int) -> int:
    """A stable shard for a seat, so one performance's writes spread over `shards` partition keys."""
    return zlib.crc32(seat_id.encode()) % shards


def seat_pk(performance_id: str, seat_id: str, shards: int) -> str:
    return f"PERF#{performance_id}#{seat_shard(seat_id, shards)}"


def seat_sk(seat_id: str) -> str:
    return f"SEAT#{seat_id}"
