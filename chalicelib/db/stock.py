"""The stock table: a performance's sellable seats and standing places, spread over shard keys.

Key design (a 20,000-seat performance must not put its writes on one key):
- a numbered seat is one item, pk = PERF#<performance>#S<n> with n = crc32(seat_id) mod shards,
  sk = SEAT#<seat_id>; `shards` grows with capacity (STOCK_SHARD_SEATS seats per shard), so an
  on-sale rush on one block still spreads over every shard, and the seat map is `shards` queries;
- a standing area's places for one quota are split into sub-counters of at most AREA_COUNTER_PLACES
  places, sk = AREA#<area>#<quota>#<k>, each in shard k mod shards; a hold takes places from one
  sub-counter with a conditional decrement, so no single counter item is updated by every hold;
- availability is counted from a projected read of the shards, never kept in one counter item;
- what never changes about a seat once the stock is open (where it is, its category, its first quota)
  is also written per block, compressed, beside the block's marker (pk = PERF#<performance>#BUILT):
  a reader takes the seats from there and reads from the shards only the seats no longer as opened
  (not free, or moved to another quota: `quota_moved`), so a cold read of 20,000 seats decodes about
  200 KB of compressed parts, not 5 MB of DynamoDB JSON. Every write still decides on the seat's item.
"""

from __future__ import annotations

import math
import zlib

from pynamodb.attributes import BinaryAttribute, BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.base import TableMeta, TableModel

SEAT_FREE = "free"
SEAT_HELD = "held"
SEAT_SOLD = "sold"
SEAT_BLOCKED = "blocked"

STOCK_SHARD_SEATS = 1000
AREA_COUNTER_PLACES = 500


class StockTable(TableModel):
    """Root model: pk = PERF#<performance_id>#S<shard>; sk = SEAT#<seat_id> or AREA#<area>#<quota>#<k>."""

    class Meta(metaclass=TableMeta):
        logical_name = "stock"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class SeatItem(StockTable):
    performance_id = UnicodeAttribute()
    seat_id = UnicodeAttribute()
    zone = UnicodeAttribute(null=True)
    block = UnicodeAttribute(null=True)
    row = UnicodeAttribute(null=True)
    number = UnicodeAttribute(null=True)
    x = NumberAttribute(null=True)
    y = NumberAttribute(null=True)
    rank = NumberAttribute(null=True)
    accessible = BooleanAttribute(null=True)
    category_id = UnicodeAttribute(null=True)
    quota_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default=SEAT_FREE)
    hold_id = UnicodeAttribute(null=True)
    hold_expires_at = NumberAttribute(null=True)
    order_id = UnicodeAttribute(null=True)
    # set by an operator's move to another quota: the seat no longer has the quota it opened with
    quota_moved = BooleanAttribute(null=True)


class BlockMarkerItem(StockTable):
    """Written last for a block, once its seats and their layout are: `layout_parts` of them."""

    layout_parts = NumberAttribute(null=True)


class BlockLayoutItem(StockTable):
    """Part of a block's seats as opened (zlib-compressed JSON rows, see inventory/stock_layout.py)."""

    seats = BinaryAttribute(legacy_encoding=False)


class AreaCounterItem(StockTable):
    """A share of a standing area's places for one quota; `free` is decremented conditionally."""

    performance_id = UnicodeAttribute()
    area = UnicodeAttribute()
    quota_id = UnicodeAttribute()
    category_id = UnicodeAttribute(null=True)
    counter = NumberAttribute()
    capacity = NumberAttribute()
    free = NumberAttribute()


def shard_count(seat_count: int) -> int:
    return max(1, math.ceil(seat_count / STOCK_SHARD_SEATS))


def seat_shard(seat_id: str, shards: int) -> int:
    """A stable shard for a seat, so one performance's writes spread over `shards` partition keys."""
    return zlib.crc32(seat_id.encode()) % shards


def shard_pk(performance_id: str, shard: int) -> str:
    return f"PERF#{performance_id}#S{shard}"


def seat_pk(performance_id: str, seat_id: str, shards: int) -> str:
    return shard_pk(performance_id, seat_shard(seat_id, shards))


def seat_sk(seat_id: str) -> str:
    return f"SEAT#{seat_id}"


def layout_part_sk(block_sk: str, part: int) -> str:
    return f"{block_sk}#LAYOUT#{part}"


def area_counter_sk(area: str, quota_id: str, counter: int) -> str:
    return f"AREA#{area}#{quota_id}#{counter}"


def area_counters(capacity: int) -> list[int]:
    """Split `capacity` places into sub-counters of at most AREA_COUNTER_PLACES, as even as possible."""
    parts = max(1, math.ceil(capacity / AREA_COUNTER_PLACES))
    base, extra = divmod(capacity, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]
