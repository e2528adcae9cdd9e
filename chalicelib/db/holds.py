"""The holds table: a shopper's or an operator's temporary claim on seats, with an expiry index."""

from __future__ import annotations

import zlib

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
    # DynamoDB removes the item a while after it ended; the expiry itself is in the seat condition.
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


def expiry_shards() -> list[str]:
    return [f"ACTIVE#{n}" for n in range(EXPIRY_SHARDS)]
