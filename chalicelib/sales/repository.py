"""Carts, orders, gift vouchers and credit balances in the sales table (tickets: ticket_repository)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.advantages.checkout import explain
from chalicelib.advantages.model import AdvantageRefused
from chalicelib.db import cursors
from chalicelib.db.base import connection, plain
from chalicelib.db.conditions import Transaction, condition_failed, failed_items, store_errors, transient
from chalicelib.db.outbox import OutboxItem
from chalicelib.db.sales import (
    CartItem,
    CreditItem,
    OrderItem,
    OrdersByBuyer,
    OrdersByDay,
    SalesTable,
    VoucherItem,
    buyer_key,
    cart_key,
    credit_key,
    day_key,
    day_keys,
    open_key,
    order_key,
    voucher_key,
)
from chalicelib.errors import (
    AlreadyExists,
    Conflict,
    HoldExpired,
    InsufficientBalance,
    NotFound,
    VersionConflict,
)
from chalicelib.outbox import repository as outbox
from chalicelib.outbox.model import Effect
from chalicelib.sales.documents import Cart, CartLine, Consequences, Order
from chalicelib.sales.model import OPEN_STATES

PURGE_CARTS_AFTER = timedelta(days=2)
CONFIRM_ATTEMPTS = 5


def _mapping(value: Any) -> dict[str, Any]:
    """A map read from a list of maps: a dict (raw maps) or a MapAttribute, as plain values."""
    return plain(value.as_dict() if hasattr(value, "as_dict") else dict(value))


def _cart(item: CartItem) -> Cart:
    return Cart(
        cart_id=item.cart_id,
        org_id=item.org_id,
        pos_id=item.pos_id,
        channel_id=item.channel_id,
        owner=item.owner,
        status=item.status,
        lines=[CartLine(**_mapping(line)) for line in item.lines],
        hold_ids=list(item.hold_ids or []),
        delivery_method=item.delivery_method,
        extensions=list(item.extensions or []),
        started_at=None if item.expires_at is None else int(item.expires_at),
        order_id=item.order_id,
        version=int(item.version),
        created_at=item.created_at or "",
        codes=[{k: str(v) for k, v in _mapping(c).items()} for c in item.codes or []],
        promo_code=item.promo_code,
        contact_id=item.contact_id,
    )


def _cart_item(cart: Cart) -> CartItem:
    pk, sk = cart_key(cart.cart_id)
    return CartItem(
        pk,
        sk,
        org_id=cart.org_id,
        cart_id=cart.cart_id,
        pos_id=cart.pos_id,
        channel_id=cart.channel_id,
        owner=cart.owner,
        status=cart.status,
        lines=[{k: v for k, v in asdict(line).items() if v is not None} for line in cart.lines],
        hold_ids=cart.hold_ids,
        delivery_method=cart.delivery_method,
        extensions=cart.extensions,
        expires_at=cart.started_at,
        order_id=cart.order_id,
        version=cart.version,
        created_at=cart.created_at,
        purge_at=clock.now() + PURGE_CARTS_AFTER,
        codes=cart.codes or None,
        promo_code=cart.promo_code,
        contact_id=cart.contact_id,
    )


@store_errors
def create_cart(cart: Cart) -> None:
    _create(_cart_item(cart), "This cart exists", {"cart_id": cart.cart_id})


def _create(item: Any, message: str, details: dict[str, str]) -> None:
    """Write a new item; AlreadyExists when its key is taken."""
    try:
        item.save(condition=type(item).pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyExists(message, details) from exc
        raise


def _read(model: Any, key: tuple[str, str], what: str, ident: dict[str, str]) -> Any:
    try:
        return model.get(*key, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"{what} {next(iter(ident.values()))} does not exist", ident) from exc


def _save_versioned(document: Any, to_item: Any, model: Any, what: str, ident: dict[str, str]) -> Any:
    """Write the document if its version is still the one read (optimistic); VersionConflict else."""
    expected = document.version
    document.version = expected + 1
    try:
        to_item(document).save(condition=model.version == expected)
    except PutError as exc:
        document.version = expected
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflict(f"The {what} changed meanwhile; read it again", ident) from exc
        raise
    return document


@store_errors
def get_cart(cart_id: str) -> Cart:
    return _cart(_read(CartItem, cart_key(cart_id), "Cart", {"cart_id": cart_id}))


@store_errors
def save_cart(cart: Cart) -> Cart:
    return _save_versioned(cart, _cart_item, CartItem, "cart", {"cart_id": cart.cart_id})


# An open order without a deadline yet (its payment session not started) is looked at after this.
_START_WINDOW = 15 * 60  # order_store.PAYMENT_WINDOW_SECONDS (order_store imports this module)


def _open_until(order: Order) -> int | None:
    """When the reconciler should look at an open order: at once when its money is all in (the
    request settling it may have died), else at its deadline or after its payment's start window."""
    if order.status not in OPEN_STATES:
        return None
    if order.payments and order.paid_amount >= order.total:
        return clock.seconds()
    if order.deadline:
        return int(order.deadline)
    return int(datetime.fromisoformat(order.created_at).timestamp()) + _START_WINDOW


# What the order item holds as attributes of its own: left out of its packed document (DynamoDB
# charges a write by the item's size) and put back when it is read.
_ORDER_ATTRIBUTES = ("order_id", "org_id", "cart_id", "pos_id", "channel_id", "owner", "status", "created_at")


def _order_item(order: Order) -> OrderItem:
    pk, sk = order_key(order.order_id)
    until = _open_until(order)
    packed = {k: v for k, v in order.document().items() if k not in _ORDER_ATTRIBUTES}
    return OrderItem(
        pk,
        sk,
        org_id=order.org_id,
        order_id=order.order_id,
        reference=order.order_id,
        cart_id=order.cart_id,
        pos_id=order.pos_id,
        channel_id=order.channel_id,
        owner=order.owner,
        status=order.status,
        packed=packed,
        version=order.version,
        buyer_key=buyer_key(order.org_id, order.owner),
        day_key=day_key(order.org_id, order.created_at[:10], order.order_id),
        created_at=order.created_at,
        open_key=None if until is None else open_key(order.order_id),
        open_until=until,
    )


def order_from_item(item: OrderItem) -> Order:
    """The order an item holds (its document, with the fields the item keeps as attributes)."""
    document = dict(item.packed if item.packed is not None else item.document)
    for name in _ORDER_ATTRIBUTES:  # an order written before holds them in its document too
        document.setdefault(name, getattr(item, name))
    return Order.from_document(document, int(item.version))


@store_errors
def place_order(
    cart: Cart,
    order: Order,
    voucher_debits: list[tuple[str, int]],
    credit_debit: int,
    effects: list[Effect] = (),
    writes: list = (),
    stock_writes: list = (),
) -> None:
    """The cart becomes the order, vouchers and credit are debited, the advantages' `writes`
    (quotas, caps, single-use codes, promo uses) are taken and the holds are kept to the order's
    deadline (inventory's `stock_writes`): one transaction.

    Raises Conflict (`cart`) if the cart was checked out or changed meanwhile, InsufficientBalance
    naming the voucher or credit whose balance fell short, AdvantageRefused naming the quota, cap or
    code that could not be taken, HoldExpired when a hold lapsed or ended before the order was placed.
    """
    pk, sk = cart_key(cart.cart_id)
    now = order.created_at
    tx = Transaction(connection=connection())
    try:
        with tx:
            tx.update(
                CartItem(pk, sk),
                actions=[
                    CartItem.status.set("ordered"),
                    CartItem.order_id.set(order.order_id),
                    CartItem.version.set(cart.version + 1),
                ],
                condition=(CartItem.status == "open") & (CartItem.version == cart.version),
            )
            tx.save(_order_item(order), condition=OrderItem.pk.does_not_exist())
            for code, amount in voucher_debits:
                tx.update(
                    VoucherItem(*voucher_key(order.org_id, code)),
                    actions=[
                        VoucherItem.balance.add(-amount),
                        VoucherItem.uses.set(
                            (VoucherItem.uses | []).append(
                                [{"order_id": order.order_id, "amount": amount, "at": now}]
                            )
                        ),
                    ],
                    condition=VoucherItem.balance >= amount,
                )
            if credit_debit:
                tx.update(
                    CreditItem(*credit_key(order.org_id, order.owner)),
                    actions=[
                        CreditItem.balance.add(-credit_debit),
                        CreditItem.movements.set(
                            (CreditItem.movements | []).append(
                                [{"order_id": order.order_id, "amount": -credit_debit, "at": now}]
                            )
                        ),
                    ],
                    condition=CreditItem.balance >= credit_debit,
                )
            for write in [*writes, *stock_writes]:
                write.add_to(tx)
            for effect in effects:
                tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
    except TransactWriteError as exc:
        failed = failed_items(exc, tx)  # positions in the order written above
        if not failed:
            raise transient(exc) from exc
        if 0 in failed or 1 in failed:
            raise Conflict(
                "The cart was checked out or changed meanwhile", {"cart_id": cart.cart_id}
            ) from exc
        first = 2 + len(voucher_debits) + (1 if credit_debit else 0)
        refused = explain(list(writes), failed, first)
        if refused:
            raise AdvantageRefused(
                "An advantage's quota, a cap or a code was taken meanwhile",
                {"field": "lines", "refused": refused},
            ) from exc
        held_from = first + len(writes)
        lapsed = [w.refusal["hold_id"] for n, w in enumerate(stock_writes, start=held_from) if n in failed]
        if lapsed:
            raise HoldExpired(
                "The seats' hold has expired; choose seats again", {"hold_id": lapsed[0]}
            ) from exc
        codes = [code for n, (code, _) in enumerate(voucher_debits, start=2) if n in failed]
        if codes:
            raise InsufficientBalance(
                "The gift voucher's balance is lower than the amount",
                {"field": "gift_vouchers", "codes": codes},
            ) from exc
        raise InsufficientBalance("The credit balance is lower than the amount", {"field": "credit"}) from exc


@store_errors
def create_order(order: Order, effects: list[Effect] = ()) -> None:
    """A new order that no cart made (an operator's reservation), with its outbox `effects` (its email)
    in the same transaction; AlreadyExists when its id is taken."""
    if not effects:
        _create(_order_item(order), "This order exists", {"order_id": order.order_id})
        return
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(_order_item(order), condition=OrderItem.pk.does_not_exist())
            for effect in effects:
                tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
    except TransactWriteError as exc:
        if 0 in failed_items(exc):
            raise AlreadyExists("This order exists", {"order_id": order.order_id}) from exc
        raise transient(exc) from exc


@store_errors
def get_order(order_id: str) -> Order:
    return order_from_item(_read(OrderItem, order_key(order_id), "Order", {"order_id": order_id}))


@store_errors
def save_order(order: Order, consequences: Consequences | None = None) -> Order:
    """Write the order if its version is still the one read, with what the change brings (outbox
    effects, money given back) in the same transaction; VersionConflict if it changed meanwhile."""
    if not consequences:
        return _save_versioned(order, _order_item, OrderItem, "order", {"order_id": order.order_id})
    expected = order.version
    order.version = expected + 1
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(_order_item(order), condition=OrderItem.version == expected)
            for code, amount in consequences.voucher_credits:
                voucher = VoucherItem(*voucher_key(order.org_id, code))
                tx.update(voucher, actions=_voucher_credit(order, amount))
            if consequences.credit:
                buyer, amount, note = consequences.credit
                at = clock.iso()
                actions = _credit_actions(order.org_id, buyer, amount, order.order_id, at, note)
                tx.update(CreditItem(*credit_key(order.org_id, buyer)), actions=actions)
            for write in consequences.writes:
                write.add_to(tx)
            for effect in consequences.effects:
                tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
    except TransactWriteError as exc:
        order.version = expected
        if 0 in failed_items(exc) or _collided(exc):
            raise VersionConflict(
                "The order changed meanwhile; read it again", {"order_id": order.order_id}
            ) from exc
        raise transient(exc) from exc
    return order


def _collided(exc: TransactWriteError) -> bool:
    """Another transaction wrote the order at the same moment: read it again, as for a new version."""
    return any(r is not None and r.code == "TransactionConflict" for r in exc.cancellation_reasons or [])


def _voucher_credit(order: Order, amount: int) -> list:
    return [
        VoucherItem.balance.add(amount),
        VoucherItem.uses.set(
            (VoucherItem.uses | []).append(
                [{"order_id": order.order_id, "amount": -amount, "at": clock.iso()}]
            )
        ),
    ]


def _credit_actions(org_id: str, buyer: str, amount: int, order_id: str, at: str, note: str) -> list:
    return [
        CreditItem.org_id.set(org_id),
        CreditItem.buyer.set(buyer),
        CreditItem.balance.add(amount),
        CreditItem.movements.set(
            (CreditItem.movements | []).append(
                [{"order_id": order_id, "amount": amount, "at": at, "note": note}]
            )
        ),
    ]


@store_errors
def open_orders_due(until: int, limit: int = 200) -> list[Order]:
    """Open orders whose deadline (or start window) has passed `until`, read whole."""
    from chalicelib.db.sales import INDEX_SHARDS

    keys: list[tuple[str, str]] = []
    for shard in range(INDEX_SHARDS):
        page = SalesTable.open_orders.query(
            f"OPEN#{shard}", range_key_condition=SalesTable.open_until <= until, limit=limit - len(keys)
        )
        keys.extend((item.pk, item.sk) for item in page)
        if len(keys) >= limit:
            break
    return [order_from_item(item) for item in OrderItem.batch_get(keys)] if keys else []


def _orders_from_index(
    index: str, key: str, *, newest_first: bool, limit: int | None = None, start: dict | None = None
) -> tuple[list[Order], dict | None]:
    """Orders from one of the table's keys-only indexes, then read whole in one BatchGetItem."""
    page = SalesTable._get_connection().query(
        key,
        index_name=index,
        scan_index_forward=not newest_first,
        limit=limit,
        exclusive_start_key=start,
    )
    keys = [(item["pk"]["S"], item["sk"]["S"]) for item in page.get("Items", [])]
    read = {item.order_id: order_from_item(item) for item in OrderItem.batch_get(keys)} if keys else {}
    found = [read[pk.removeprefix("ORDER#")] for pk, _ in keys if pk.removeprefix("ORDER#") in read]
    return found, page.get("LastEvaluatedKey")


@store_errors
def orders_of_buyer(
    org_id: str, buyer: str, limit: int, cursor: str | None
) -> tuple[list[Order], str | None]:
    """A buyer's orders, newest first, from the by-buyer index."""
    found, last = _orders_from_index(
        OrdersByBuyer.Meta.index_name,
        buyer_key(org_id, buyer),
        newest_first=True,
        limit=limit,
        start=cursors.decode_key(cursor, fixed={"buyer_key": buyer_key(org_id, buyer)}),
    )
    return found, cursors.encode_key(last)


@store_errors
def orders_of_day(org_id: str, day: str) -> list[Order]:
    """An organisation's orders created on one day (UTC), oldest first, from the day's partitions."""
    found: list[Order] = []
    for key in day_keys(org_id, day):
        start = None
        while True:
            index = OrdersByDay.Meta.index_name
            page, start = _orders_from_index(index, key, newest_first=False, start=start)
            found.extend(page)
            if not start:
                break
    return sorted(found, key=lambda order: (order.created_at, order.order_id))


# Gift vouchers and credit balances.


@store_errors
def create_voucher(org_id: str, code: str, amount: int, currency: str, expires_on: str | None) -> None:
    pk, sk = voucher_key(org_id, code)
    item = VoucherItem(
        pk,
        sk,
        org_id=org_id,
        code=code,
        currency=currency,
        initial=amount,
        balance=amount,
        expires_on=expires_on,
    )
    _create(item, "This gift voucher code exists", {"field": "code", "value": code})


@store_errors
def get_voucher(org_id: str, code: str) -> dict[str, Any] | None:
    try:
        item = VoucherItem.get(*voucher_key(org_id, code), consistent_read=True)
    except DoesNotExist:
        return None
    return {
        "code": item.code,
        "currency": item.currency,
        "initial": int(item.initial),
        "balance": int(item.balance),
        "expires_on": item.expires_on,
        "uses": [_mapping(u) for u in item.uses or []],
    }


@store_errors
def credit_voucher(org_id: str, code: str, amount: int, order_id: str, at: str) -> None:
    VoucherItem(*voucher_key(org_id, code)).update(
        actions=[
            VoucherItem.balance.add(amount),
            VoucherItem.uses.set(
                (VoucherItem.uses | []).append([{"order_id": order_id, "amount": -amount, "at": at}])
            ),
        ]
    )


@store_errors
def credit_balance(org_id: str, buyer: str) -> int:
    try:
        return int(CreditItem.get(*credit_key(org_id, buyer), consistent_read=True).balance)
    except DoesNotExist:
        return 0


@store_errors
def add_credit(org_id: str, buyer: str, amount: int, order_id: str, at: str, note: str) -> None:
    """Add to (or take back into) a buyer's credit balance; the item is made on first use."""
    pk, sk = credit_key(org_id, buyer)
    CreditItem(pk, sk).update(actions=_credit_actions(org_id, buyer, amount, order_id, at, note))


def condition_failed_update(exc: UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


__all__ = ["condition_failed", "condition_failed_update"]
