"""Who holds each taken seat of a performance: the hold's kind and the cart, option or order behind it.

A seat held or sold in a distributor's allotment is of kind "distributor" and names the external sales
channel behind it: an allotment is a quota of type external (its one channel) or a quota that external
channels list in their `quota_ids` and no other channel sells."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog.kinds import ChannelType, QuotaType
from chalicelib.db.conditions import store_errors
from chalicelib.db.holds import HOLD_CONVERTED, HoldItem, hold_pk
from chalicelib.db.stock import SEAT_HELD, SEAT_SOLD
from chalicelib.inventory import stock_repository
from chalicelib.inventory.stock_reads import stock_shards

# Only the fields that name a seat's hold: a 20,000-seat stock read stays a few hundred KB.
HOLDER_FIELDS = ["sk", "status", "hold_id", "hold_expires_at", "order_id", "quota_id"]
BATCH = 100  # keys per BatchGetItem, DynamoDB's limit
OPTION_OWNER = "option-"
CART, OPTION, RESERVATION, ORDER = "cart", "option", "reservation", "order"
DISTRIBUTOR = "distributor"
Channel = tuple[str | None, str | None]  # a distributor's sales channel: its id and name (None: unknown)


def kind_of(status: str, owner: str, order_id: str | None) -> str:
    """Sold into an order; held by an option; an order awaiting payment (a reservation); else a cart."""
    if status == HOLD_CONVERTED:
        return ORDER
    if owner.startswith(OPTION_OWNER):
        return OPTION
    return RESERVATION if order_id else CART


@store_errors
def _read_holds(hold_ids: list[str]) -> dict[str, HoldItem]:
    found: dict[str, HoldItem] = {}
    for start in range(0, len(hold_ids), BATCH):
        keys = [hold_pk(hold_id) for hold_id in hold_ids[start : start + BATCH]]
        found.update((item.hold_id, item) for item in HoldItem.batch_get(keys))
    return found


def allotments(org_id: str) -> dict[str, Channel]:
    """Each distributor's quota -> the external channel selling it: two catalog reads, quotas and channels.

    A quota of type external belongs to its one channel; another quota is an allotment when only
    external channels list it (a quota the web also sells is not the distributor's alone)."""
    channels = {c.id: c.data for c in catalog.all_items(org_id, "sales_channel")}
    sellers: dict[str, set[str]] = defaultdict(set)
    for channel_id, data in channels.items():
        for quota_id in data.get("quota_ids", []):
            sellers[quota_id].add(channel_id)
    found: dict[str, Channel] = {}
    for quota_id, listed in sellers.items():
        if all(channels[c].get("type") == ChannelType.EXTERNAL for c in listed):
            first = min(listed)
            found[quota_id] = (first, channels[first].get("name"))
    for quota in catalog.all_items(org_id, "quota", type=QuotaType.EXTERNAL.value):
        channel_id = next(iter(quota.data.get("channel_ids", [])), None)
        found[quota.id] = (channel_id, channels.get(channel_id or "", {}).get("name"))
    return found


def _taken_seats(performance_id: str, shards: int, allotted: dict[str, Channel]) -> dict[tuple, list[dict]]:
    """(each held seat's hold id, or a sold seat's "order:<order id>"; its allotment's channel or None)
    -> those seats, taken now.

    A sold seat names its order itself: a sold-out hall needs no hold read at all."""
    now = clock.seconds()
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for row in stock_repository.stock_items(performance_id, shards, HOLDER_FIELDS, prefix="SEAT#"):
        status = row.get("status")
        lapsed = status == SEAT_HELD and int(row.get("hold_expires_at") or 0) <= now
        if status not in (SEAT_HELD, SEAT_SOLD) or lapsed:
            continue
        sold_to = row.get("order_id") if status == SEAT_SOLD else None
        key = f"order:{sold_to}" if sold_to else row.get("hold_id")
        if key:
            grouped[(key, allotted.get(row.get("quota_id") or ""))].append(row)
    return grouped


def _holder(org_id: str, key: str, rows: list[dict], item: HoldItem | None) -> dict[str, Any] | None:
    seat_ids = sorted(row["sk"].removeprefix("SEAT#") for row in rows)
    if key.startswith("order:"):
        return {"hold_id": None, "kind": ORDER, "seat_ids": seat_ids, "order_id": key.removeprefix("order:")}
    if item is None:
        return None
    if item.org_id != org_id:
        return None
    holder: dict[str, Any] = {
        "hold_id": item.hold_id,
        "kind": kind_of(item.status, item.owner, item.order_id),
        "seat_ids": seat_ids,
        "expires_at": None if item.status == HOLD_CONVERTED else int(item.expires_at),
        "cart_id": item.cart_id,
        "order_id": item.order_id,
    }
    if item.owner.startswith(OPTION_OWNER):
        holder["option_id"] = item.owner.removeprefix(OPTION_OWNER)
    return holder


def _by_distributor(holder: dict[str, Any], channel: Channel) -> dict[str, Any]:
    """The holder of seats in a distributor's allotment: kind distributor, with the channel."""
    channel_id, channel_name = channel
    return {**holder, "kind": DISTRIBUTOR, "channel_id": channel_id, "channel_name": channel_name}


def seat_holders(org_id: str, performance_id: str) -> dict[str, Any]:
    """The holds on the performance's taken seats, each with its kind, seats and what it belongs to.

    One stock read (six fields a seat), two catalog reads (the quotas and channels naming the
    distributors' allotments), then one BatchGetItem per 100 distinct holds of held seats: the cost
    grows with the live holds, not with the seats or the orders."""
    performance = catalog.get(org_id, "performance", performance_id)
    allotted = allotments(org_id)
    grouped = _taken_seats(performance_id, stock_shards(performance.state), allotted)
    items = _read_holds(sorted({key for key, _ in grouped if not key.startswith("order:")}))
    holders = []
    for (key, channel), rows in sorted(grouped.items(), key=lambda entry: (entry[0][0], str(entry[0][1]))):
        holder = _holder(org_id, key, rows, items.get(key))
        if holder:
            holders.append(_by_distributor(holder, channel) if channel else holder)
    return {"performance_id": performance_id, "holders": holders}
