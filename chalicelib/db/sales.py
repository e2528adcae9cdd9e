"""The sales table: carts, orders, e-tickets, gift vouchers, credit balances, buyer limits, email outbox.

Keys (pk, sk):
- CART#<cart_id>, CART            a shopper's cart (its holds live in the holds table)
- ORDER#<order_id>, ORDER         an order; indexed by buyer (history) and by organisation and day (search)
- TICKET#<ticket_id>, TICKET      one e-ticket; its barcode carries the ticket id, so control is one get
- VOUCHER#<org>#<code>, VOUCHER   a gift voucher and its balance (conditional decrements)
- CREDIT#<org>#<buyer>, CREDIT    a shopper's credit balance (refunds)
- LIMIT#<performance>#<buyer>, LIMIT   places a buyer holds or bought for a performance (anti-scalping)
- BUYERS#<performance>, <shopper>#<order>  a shopper account's paid order of a performance, with its
                                  tickets (who bought it: a producer's cultural contacts)
- OUTBOX#<org>#<day>#<shard>, <time>#<id>  a side effect to carry out (an email, a card refund, a
                                  settlement...): written in the transaction of the change that caused
                                  it; while unfinished it sits in the outbox-due index
"""

from __future__ import annotations

import zlib

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.db.base import TableMeta, TableModel
from chalicelib.db.packed import PackedJSONAttribute


class OrdersByBuyer(GlobalSecondaryIndex):
    """A buyer's orders, newest last: `buyer_key` = ORG#<org>#BUYER#<buyer>.

    Keys only: an order is rewritten a few times in its life, and a full copy in each index would
    multiply those writes; reading a page of orders is one BatchGetItem more.
    """

    class Meta:
        index_name = "orders-by-buyer"
        projection = KeysOnlyProjection()

    buyer_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OrdersByDay(GlobalSecondaryIndex):
    """An organisation's orders per day of creation: `day_key` = ORG#<org>#DAY#<day>#<shard>."""

    class Meta:
        index_name = "orders-by-day"
        projection = KeysOnlyProjection()

    day_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OutboxDue(GlobalSecondaryIndex):
    """Outbox items not finished yet, by when to look at them: `due_key` = DUE#<shard>, `due_at` epoch.

    Sparse: an item leaves it (its due_key removed) once sent or dead, so the worker and the reconciler
    read only what is left to do. Keys only: the worker reads the item itself when it claims it.
    """

    class Meta:
        index_name = "outbox-due"
        projection = KeysOnlyProjection()

    due_key = UnicodeAttribute(hash_key=True)
    due_at = NumberAttribute(range_key=True)


class OpenOrders(GlobalSecondaryIndex):
    """Orders still open (waiting for a payment, reserved), by when they must be looked at again.

    `open_key` = OPEN#<shard>, `open_until` = the order's deadline (epoch); sparse: the keys are removed
    when the order leaves its open state, so the reconciler reads only open orders.
    """

    class Meta:
        index_name = "open-orders"
        projection = KeysOnlyProjection()

    open_key = UnicodeAttribute(hash_key=True)
    open_until = NumberAttribute(range_key=True)


class SalesTable(TableModel):
    """Root model: pk and sk as listed in the module docstring."""

    class Meta(metaclass=TableMeta):
        logical_name = "sales"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    buyer_key = UnicodeAttribute(null=True)
    day_key = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    due_at = NumberAttribute(null=True)
    open_key = UnicodeAttribute(null=True)
    open_until = NumberAttribute(null=True)
    by_buyer = OrdersByBuyer()
    by_day = OrdersByDay()
    outbox_due = OutboxDue()
    open_orders = OpenOrders()
    purge_at = TTLAttribute(null=True)


class CartItem(SalesTable):
    org_id = UnicodeAttribute()
    cart_id = UnicodeAttribute()
    pos_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    owner = UnicodeAttribute()
    status = UnicodeAttribute()
    # one entry a place: {line_id, performance_id, hold_id, seat_id | area, category_id, quota_id,
    # audience_subcategory_id}
    lines = ListAttribute(of=MapAttribute, default=list)
    hold_ids = ListAttribute(of=UnicodeAttribute, default=list)
    delivery_method = UnicodeAttribute(null=True)
    extensions = ListAttribute(of=UnicodeAttribute, default=list)
    expires_at = NumberAttribute(null=True)
    order_id = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    codes = ListAttribute(of=MapAttribute, null=True)  # {code, kind, ref_id} entered on the cart
    promo_code = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)


class OrderItem(SalesTable):
    org_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    cart_id = UnicodeAttribute(null=True)
    pos_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    owner = UnicodeAttribute()
    status = UnicodeAttribute()
    # customer, lines, totals, payments, deadline, history: compressed (`packed`), or as JSON text in
    # orders written before it was (`document`); a write stores `packed` only
    packed = PackedJSONAttribute(null=True)
    document = JSONAttribute(null=True)
    version = NumberAttribute(default=1)


class TicketItem(SalesTable):
    org_id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    performance_id = UnicodeAttribute()
    status = UnicodeAttribute()
    document = JSONAttribute()  # seat or area, category, price, holder
    scans = ListAttribute(of=MapAttribute, default=list)
    used_at = UnicodeAttribute(null=True)


class VoucherItem(SalesTable):
    org_id = UnicodeAttribute()
    code = UnicodeAttribute()
    currency = UnicodeAttribute()
    initial = NumberAttribute()
    balance = NumberAttribute()
    expires_on = UnicodeAttribute(null=True)
    uses = ListAttribute(of=MapAttribute, default=list)


class CreditItem(SalesTable):
    org_id = UnicodeAttribute()
    buyer = UnicodeAttribute()
    balance = NumberAttribute(default=0)
    movements = ListAttribute(of=MapAttribute, default=list)


class BuyerItem(SalesTable):
    org_id = UnicodeAttribute()
    shopper_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    tickets = NumberAttribute()


def buyers_pk(performance_id: str) -> str:
    return f"BUYERS#{performance_id}"


class LimitItem(SalesTable):
    taken = NumberAttribute(default=0)


def cart_key(cart_id: str) -> tuple[str, str]:
    return f"CART#{cart_id}", "CART"


def order_key(order_id: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", "ORDER"


def ticket_key(ticket_id: str) -> tuple[str, str]:
    return f"TICKET#{ticket_id}", "TICKET"


def voucher_key(org_id: str, code: str) -> tuple[str, str]:
    return f"VOUCHER#{org_id}#{code}", "VOUCHER"


def credit_key(org_id: str, buyer: str) -> tuple[str, str]:
    return f"CREDIT#{org_id}#{buyer}", "CREDIT"


def limit_key(performance_id: str, buyer: str) -> tuple[str, str]:
    return f"LIMIT#{performance_id}#{buyer}", "LIMIT"


def buyer_key(org_id: str, buyer: str) -> str:
    return f"ORG#{org_id}#BUYER#{buyer}"


# An organisation's orders of one day spread over this many index partitions (an on-sale rush writes
# hundreds of orders a second; one index partition takes 1,000 writes a second).
DAY_SHARDS = 4


def day_key(org_id: str, day: str, order_id: str) -> str:
    return f"ORG#{org_id}#DAY#{day}#{shard_of(order_id, DAY_SHARDS)}"


def day_keys(org_id: str, day: str) -> list[str]:
    return [f"ORG#{org_id}#DAY#{day}#{shard}" for shard in range(DAY_SHARDS)]


# Open orders and unfinished outbox items spread over this many index partitions each.
INDEX_SHARDS = 8


def shard_of(ident: str, shards: int = INDEX_SHARDS) -> int:
    """A stable shard for an id (not Python's salted hash)."""
    return zlib.crc32(ident.encode()) % shards


def open_key(order_id: str) -> str:
    return f"OPEN#{shard_of(order_id)}"
