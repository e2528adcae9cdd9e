"""A performance's stock in DynamoDB: written block by block, read shard by shard, changed by transactions."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.catalog.seating import LayoutBlock, PlanBlock, PlanSeat, SeatAssignment
from chalicelib.db.base import plain
from chalicelib.db.conditions import TRANSIENT_CODES
from chalicelib.db.plans import LayoutBlockItem, PlanBlockItem, block_sk, layout_blocks_pk, plan_blocks_pk
from chalicelib.db.stock import (
    AreaCounterItem,
    BlockLayoutItem,
    BlockMarkerItem,
    SeatItem,
    StockTable,
    area_counter_sk,
    layout_part_sk,
    seat_pk,
    seat_sk,
    shard_pk,
)
from chalicelib.errors import TransientStoreError
from chalicelib.inventory import stock_layout
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
    """Put the block's seats free and its layout parts (BatchWriteItem, 25 a request, unprocessed items
    resent), then its marker, which says how many layout parts the block has.

    Plain puts with no condition are safe only because nothing may hold, sell or block a seat of a
    performance before it is on_sale: until then a put can only replace a seat with the same free
    seat that an earlier, interrupted attempt wrote. The marker comes last, so a block whose marker
    exists was written whole.
    """
    parts = stock_layout.encode(seats, shards)
    sk = block_sk(zone, block)
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
    with BlockLayoutItem.batch_write() as batch:
        for n, part in enumerate(parts):
            batch.save(BlockLayoutItem(built_pk(performance_id), layout_part_sk(sk, n), seats=part))
    BlockMarkerItem(built_pk(performance_id), sk, layout_parts=len(parts)).save()


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


def shard_items(
    performance_id: str, shard: int, fields: list[str], prefix: str | None = None
) -> list[dict[str, Any]]:
    """Every item of one shard (or those whose sk starts with `prefix`), projected on `fields`, paged."""
    return [
        {name: value(raw) for name, raw in zip(fields, row, strict=True) if raw is not None}
        for row in raw_rows(performance_id, shard, fields, prefix)
    ]


def stock_items(performance_id: str, shards: int, fields: list[str], prefix: str | None = None) -> list[dict]:
    """The shards' items: `shards` queries, each paged; never a scan."""
    return [item for shard in range(shards) for item in shard_items(performance_id, shard, fields, prefix)]


# Raw rows: botocore's shape-driven parse of a Query answer costs more CPU than everything else in
# reading a 20,000-seat stock; the JSON of a DynamoDB answer is already the {"S": ...} form botocore
# returns, so within `raw_rows` the body is decoded with json.loads and botocore parses nothing.
_raw = threading.local()


def _keep_raw(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    if getattr(_raw, "on", False) and response_dict.get("status_code", 500) < 300:
        customized_response_dict.update(json.loads(response_dict["body"]))
        response_dict["body"] = b"{}"


def _client() -> Any:
    client = SeatItem._get_connection().connection.client
    # Registered on every call (a no-op once there, by its unique id): a set of clients seen, keyed by
    # id(), missed a new client given a dead one's id, whose answers were then parsed by botocore.
    client.meta.events.register("before-parse.dynamodb.Query", _keep_raw, unique_id="guichet-raw-rows")
    return client


def _query(client: Any, request: dict[str, Any], operation: str = "query") -> dict[str, Any]:
    _raw.on = True
    try:
        return getattr(client, operation)(**request)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in TRANSIENT_CODES:
            raise TransientStoreError(f"DynamoDB is busy: {code}") from exc
        raise
    except BotoCoreError as exc:
        raise TransientStoreError(f"DynamoDB could not be reached: {exc}") from exc
    finally:
        _raw.on = False


def raw_rows(
    performance_id: str, shard: int, names: Sequence[str], prefix: str | None = None, page: int | None = None
) -> Iterator[list[dict[str, Any] | None]]:
    """One shard's items (those whose sk starts with `prefix`), each as its raw attribute values in the
    order of `names` (None where absent): a projected, eventually consistent, paged Query, no model
    object. Eventually consistent is enough: every write re-checks the seat in its condition."""
    for item in raw_items(performance_id, shard, names, prefix, page):
        yield [item.get(name) for name in names]


def raw_items(
    performance_id: str, shard: int, names: Sequence[str], prefix: str | None = None, page: int | None = None
) -> Iterator[dict[str, dict[str, Any]]]:
    """As `raw_rows`, each item as DynamoDB wrote it: attribute name -> {"S": ...} or {"N": ...}."""
    return raw_query(shard_pk(performance_id, shard), names, prefix, page)


def raw_query(
    pk: str,
    names: Sequence[str],
    prefix: str | None = None,
    page: int | None = None,
    filtered: tuple[str, dict[str, str]] | None = None,
    values: dict[str, str] | None = None,
) -> Iterator[dict[str, dict[str, Any]]]:
    """The items of one partition key (whose sk starts with `prefix`; kept by the filter expression
    `filtered` when given, with its own names and string `values`), projected on `names`, paged."""
    client = _client()
    aliases = {f"#a{n}": name for n, name in enumerate(names)}
    request: dict[str, Any] = {
        "TableName": StockTable.Meta.table_name,
        "KeyConditionExpression": "#pk = :pk" + (" AND begins_with(#sk, :prefix)" if prefix else ""),
        "ProjectionExpression": ", ".join(aliases),
        "ExpressionAttributeNames": {**aliases, "#pk": "pk", **({"#sk": "sk"} if prefix else {})},
        "ExpressionAttributeValues": {
            ":pk": {"S": pk},
            **({":prefix": {"S": prefix}} if prefix else {}),
            **{name: {"S": value} for name, value in (values or {}).items()},
        },
    }
    if filtered:
        request["FilterExpression"] = filtered[0]
        request["ExpressionAttributeNames"].update(filtered[1])
    if page:
        request["Limit"] = page
    while True:
        answer = _query(client, request)
        yield from answer.get("Items", [])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return
        request["ExclusiveStartKey"] = start


def seat_states(performance_id: str, shards: int, seat_ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """(status, hold_expires_at, quota_id) of each seat that exists, read now by key (consistent)."""
    names = ("seat_id", "status", "hold_expires_at", "quota_id")
    aliases = {f"#a{n}": name for n, name in enumerate(names)}
    keys = [{"pk": {"S": seat_pk(performance_id, s, shards)}, "sk": {"S": seat_sk(s)}} for s in seat_ids]
    table = SeatItem.Meta.table_name
    found: dict[str, tuple[Any, ...]] = {}
    while keys:
        wanted = {"Keys": keys, "ProjectionExpression": ", ".join(aliases), "ConsistentRead": True}
        request = {"RequestItems": {table: {**wanted, "ExpressionAttributeNames": aliases}}}
        answer = _query(_client(), request, "batch_get_item")
        for item in answer.get("Responses", {}).get(table, []):
            found[text(item.get("seat_id")) or ""] = (
                text(item.get("status")),
                number(item.get("hold_expires_at")),
                text(item.get("quota_id")),
            )
        keys = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    return found


@store_errors
def area_category(pk: str, sk: str) -> str | None:
    """The seat category of a standing-area sub-counter."""
    return AreaCounterItem.get(pk, sk, attributes_to_get=["category_id"]).category_id


def text(value: dict[str, Any] | None) -> str | None:
    return None if value is None else value.get("S")


def number(value: dict[str, Any] | None) -> int | float | None:
    """A stored number as an int when whole, else a float."""
    if value is None or "N" not in value:
        return None
    raw = value["N"]
    try:
        return int(raw)
    except ValueError:
        whole = float(raw)
        return int(whole) if whole.is_integer() else whole


def value(raw: dict[str, Any]) -> Any:
    """A raw attribute value as plain Python (the stock stores strings, numbers and flags)."""
    if "N" in raw:
        return number(raw)
    if "NULL" in raw:
        return None
    return plain(_deserializer().deserialize(raw)) if "S" not in raw and "BOOL" not in raw else next(
        iter(raw.values())
    )


def flag(value: dict[str, Any] | None) -> bool:
    return bool(value and value.get("BOOL"))
