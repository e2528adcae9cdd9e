"""The holds table: a shopper's or an operator's temporary claim on seats, with an expiry index."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.db.base import TableMeta, TableModel

HOLD_ACTIVE = "active"
HOLD_RELEASED = "released"
HOLD_EXPIRED = "expired"
HOLD_CONVERTED = "converted"

# Active holds spread over this many index partitions, so an on-sale rush has no hot key.
EXPIRY_SHARDS = 8
# An ended hold stays readable this long (order history, support, a retried cancellation), then
# DynamoDB's TTL removes it. A live or sold hold has no purge time at all.
KEEP_ENDED_HOLD_SECONDS = 7 * 24 * 3600


class ActiveHoldsByExpiry(GlobalSecondaryIndex):
    """Sparse index: only active holds carry `expiry_shard`, sorted by `expires_at`."""

    class Meta:
        index_name = "active-by-expiry"
        projection = KeysOnlyProjection()

    expiry_shard = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute(range_key=True)


class SeatKey(MapAttribute):
    pk = UnicodeAttribute()
    sk = UnicodeAttribute()


class AreaKey(MapAttribute):
    pk = UnicodeAttribute()
    sk = UnicodeAttribute()
    quantity = NumberAttribute()


class LimitKey(MapAttribute):
    pk = UnicodeAttribute()
    sk = UnicodeAttribute()
    cap = NumberAttribute()


class HoldsTable(TableModel):
    """Root model: pk = HOLD#<hold_id>."""

    class Meta(metaclass=TableMeta):
        logical_name = "holds"

    pk = UnicodeAttribute(hash_key=True)
    expiry_shard = UnicodeAttribute(null=True)
    expires_at = NumberAttribute()
    by_expiry = ActiveHoldsByExpiry()
    # Set only by the write that ends the hold: DynamoDB may delete the item once it is past, so a
    # hold its order or option still needs (active, sold) never carries one. Expiry is in the seats.
    purge_at = TTLAttribute(null=True)


class HoldItem(HoldsTable):
    hold_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    performance_id = UnicodeAttribute()
    owner = UnicodeAttribute()
    status = UnicodeAttribute(default=HOLD_ACTIVE)
    seats = ListAttribute(of=SeatKey, default=list)
    areas = ListAttribute(of=AreaKey, default=list)
    limit = LimitKey(null=True)
    cart_id = UnicodeAttribute(null=True)
    order_id = UnicodeAttribute(null=True)


def hold_pk(hold_id: str) -> str:
    return f"HOLD#{hold_id}"


def expiry_shard(hold_id: str) -> str:
    return f"ACTIVE#{zlib.crc32(hold_id.encode()) % EXPIRY_SHARDS}"


def purge_time(now: int) -> datetime:
    """When DynamoDB may delete a hold that ends at `now`."""
    return datetime.fromtimestamp(now + KEEP_ENDED_HOLD_SECONDS, tz=UTC)


def expiry_shards() -> list[str]:
    return [f"ACTIVE#{n}" for n in range(EXPIRY_SHARDS)]
