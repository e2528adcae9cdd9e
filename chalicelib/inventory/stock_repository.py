"""A performance's stock in DynamoDB: written block by block, read shard by shard, changed by transactions."""

from __future__ import annotations

import functools
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.catalog.seating import LayoutBlock, PlanBlock, PlanSeat, SeatAssignment
from chalicelib.db.base import plain
from chalicelib.db.plans import LayoutBlockItem, PlanBlockItem, block_sk, layout_blocks_pk, plan_blocks_pk
from chalicelib.db.stock import (
    AreaCounterItem,
    SeatItem,
    StockTable,
    area_counter_sk,
    seat_pk,
    seat_sk,
    shard_pk,
)
from chalicelib.inventory.repository import store_errors
from chalicelib.inventory.stock_model import AreaShare, StockSeat

# Fields read to count a shard's stock; seats and area counters share the shard, told apart by sk.
COUNT_FIELDS = ["sk", "status", "category_id", "quota_id", "hold_expires_at", "area", "capacity", "free"]
MAP_FIELDS = [
    *("sk", "seat_id", "zone", "block", "row", "number", "x", "y", "rank", "accessible"),
    *("category_id", "quota_id", "status", "hold_expires_at"),
]


def built_pk(performance_id: str) -> str:
    """Where the opening marks each block it has written (apart from the shards the seat map reads)."""
    return f"PERF#{performance_id}#BUILT"


def plain_item(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """A raw DynamoDB item as plain Python values (ints and floats, not Decimals)."""
    if raw is None:
        return None
    deserializer = _deserializer()
    return {name: plain(deserializer.deserialize(value)) for name, value in raw.items()}


@functools.cache
def _deserializer() -> Any:
    # imported on first use: boto3's package import is a cold-start cost the API routes don't need
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


@store_errors
def read_block(
    org_id: str, plan_id: str, layout_id: str, zone: str, block: str
) -> tuple[PlanBlock | None, LayoutBlock | None]:
    """One block's plan record and layout record (two reads by key, not the whole plan)."""
    sk = block_sk(zone, block)
    try:
        item = PlanBlockItem.get(plan_blocks_pk(org_id, plan_id), sk)
        plan = PlanBlock(item.zone, item.block, [PlanSeat.from_row(row) for row in item.seats])
    except DoesNotExist:
        plan = None
    try:
        found = LayoutBlockItem.get(layout_blocks_pk(org_id, layout_id), sk)
        quotas = found.quotas or {}
        seats = {s: SeatAssignment(c, quotas.get(s)) for s, c in (found.categories or {}).items()}
        layout = LayoutBlock(found.zone, found.block, seats)
    except DoesNotExist:
        layout = None
    return plan, layout


@store_errors
def block_written(performance_id: str, zone: str, block: str) -> bool:
    try:
        StockTable.get(built_pk(performance_id), block_sk(zone, block), consistent_read=True)
    except DoesNotExist:
        return False
    return True


@store_errors
def write_block(performance_id: str, shards: int, zone: str, block: str, seats: list[StockSeat]) -> None:
    """Put the block's seats free (BatchWriteItem, 25 a request, unprocessed items resent), then its marker.

    Plain puts with no condition are safe only because nothing may hold, sell or block a seat of a
    performance before it is on_sale: until then a put can only replace a seat with the same free
    seat that an earlier, interrupted attempt wrote. The marker comes last, so a block whose marker
    exists was written whole.
    """
    with SeatItem.batch_write() as batch:
        for seat in seats:
            batch.save(
                SeatItem(
                    seat_pk(performance_id, seat.seat_id, shards),
                    seat_sk(seat.seat_id),
                    performance_id=performance_id,
                    seat_id=seat.seat_id,
                    zone=seat.zone,
                    block=seat.block,
                    row=seat.row,
                    number=seat.number,
                    x=seat.x,
                    y=seat.y,
                    rank=seat.rank,
                    accessible=seat.accessible,
                    category_id=seat.category_id,
                    quota_id=seat.quota_id,
                    status="free",
                )
            )
    StockTable(built_pk(performance_id), block_sk(zone, block)).save()


@store_errors
def write_area_counter(performance_id: str, shards: int, share: AreaShare, counter: int, places: int) -> bool:
    """Create one counter of a standing area's quota; False (and nothing written) if it exists."""
    item = AreaCounterItem(
        shard_pk(performance_id, counter % shards),
        area_counter_sk(share.area, share.quota_id, counter),
        performance_id=performance_id,
        area=share.area,
        quota_id=share.quota_id,
        category_id=share.category_id,
        counter=counter,
        capacity=places,
        free=places,
    )
    try:
        item.save(condition=AreaCounterItem.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


@store_errors
def shard_items(
    performance_id: str, shard: int, fields: list[str], prefix: str | None = None
) -> list[dict[str, Any]]:
    """Every item of one shard (or those whose sk starts with `prefix`), projected on `fields`, paged."""
    connection = StockTable._get_connection()
    condition = StockTable.sk.startswith(prefix) if prefix else None
    items: list[dict[str, Any]] = []
    start = None
    while True:
        page = connection.query(
            shard_pk(performance_id, shard),
            range_key_condition=condition,
            attributes_to_get=fields,
            exclusive_start_key=start,
        )
        items.extend(plain_item(raw) or {} for raw in page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def stock_items(performance_id: str, shards: int, fields: list[str], prefix: str | None = None) -> list[dict]:
    """The shards' items: `shards` queries, each paged; never a scan."""
    return [item for shard in range(shards) for item in shard_items(performance_id, shard, fields, prefix)]
