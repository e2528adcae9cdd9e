"""Who holds each taken seat of a performance: the hold's kind and the cart, option or order behind it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.db.conditions import store_errors
from chalicelib.db.holds import HOLD_CONVERTED, HoldItem, hold_pk
from chalicelib.db.stock import SEAT_HELD, SEAT_SOLD
from chalicelib.inventory import stock_repository
from chalicelib.inventory.stock_reads import stock_shards

# Only the fields that name a seat's hold: a 20,000-seat stock read stays a few hundred KB.
HOLDER_FIELDS = ["sk", "status", "hold_id", "hold_expires_at", "order_id"]
BATCH = 100  # keys per BatchGetItem, DynamoDB's limit
OPTION_OWNER = "option-"
CART, OPTION, RESERVATION, ORDER = "cart", "option", "reservation", "order"


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


def _taken_seats(performance_id: str, shards: int) -> dict[str, list[dict]]:
    """Each held seat's hold id, or a sold seat's "order:<order id>" -> those seats, taken now.

    A sold seat names its order itself: a sold-out hall needs no hold read at all."""
    now = clock.seconds()
    by_hold: dict[str, list[dict]] = defaultdict(list)
    for row in stock_repository.stock_items(performance_id, shards, HOLDER_FIELDS, prefix="SEAT#"):
        status = row.get("status")
        lapsed = status == SEAT_HELD and int(row.get("hold_expires_at") or 0) <= now
        if status not in (SEAT_HELD, SEAT_SOLD) or lapsed:
            continue
        sold_to = row.get("order_id") if status == SEAT_SOLD else None
        key = f"order:{sold_to}" if sold_to else row.get("hold_id")
        if key:
            by_hold[key].append(row)
    return by_hold


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


def seat_holders(org_id: str, performance_id: str) -> dict[str, Any]:
    """The holds on the performance's taken seats, each with its kind, seats and what it belongs to.

    One stock read (five fields a seat), then one BatchGetItem per 100 distinct holds of held seats:
    the cost grows with the live holds, not with the seats or the orders."""
    performance = catalog.get(org_id, "performance", performance_id)
    by_hold = _taken_seats(performance_id, stock_shards(performance.state))
    items = _read_holds(sorted(key for key in by_hold if not key.startswith("order:")))
    holders = []
    for key, rows in sorted(by_hold.items()):
        holder = _holder(org_id, key, rows, items.get(key))
        if holder:
            holders.append(holder)
    return {"performance_id": performance_id, "holders": holders}
