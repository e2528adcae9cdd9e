"""Checkout and the order's life: from a cart to an order paid, waiting for a card payment or a
reservation; cancellation and expiry. Payment is in payments.py, operators' reservations in
reservations.py.

Exactly once: a cart becomes at most one order (its `open` -> `ordered` change is in the order's
own transaction), a payment outcome is applied at most once (the order's version), and selling a
hold twice for the same order changes nothing. Replays of a request find what the first one did.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from chalicelib.advantages.model import AdvantageRefused
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.clock import iso, now
from chalicelib.db.conditions import MAX_TRANSACTION_ACTIONS
from chalicelib.deferred_accounts import checkout as on_account
from chalicelib.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from chalicelib.inventory import service as inventory
from chalicelib.observability import logger
from chalicelib.sales import cart_advantages, carts, order_lines, pos_access, repository
from chalicelib.sales.cart_pricing import PricesChanged
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Cart, Order, Payment
from chalicelib.sales.giving_back import give_back_stock, money_back, refund_on_cancel
from chalicelib.sales.model import (
    CANCEL,
    CARD,
    CREDIT_BALANCE,
    EXPIRE,
    GIFT_VOUCHER,
    ON_ACCOUNT,
    OPEN_STATES,
    PAID,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    PENDING_PAYMENT,
    RESERVATION,
    next_state,
    split_payment,
)
from chalicelib.sales.order_effects import figures_effects
from chalicelib.sales.order_holds import order_holds
from chalicelib.sales.order_store import (
    MAX_CARD_ATTEMPTS,
    PAYMENT_WINDOW_SECONDS,
    get_order,
    new_order_id,
    order_for_operator,
    tickets_of,
    transition,
)
from chalicelib.sales.payments import open_session, pay_online, payment_callback, settle, start_card
from chalicelib.sales.reconciliation import open_orders_due, reconcile
from chalicelib.sales.reservations import PlacedPlaces, detach_reservation, reservation_for_contact


@dataclass(frozen=True)
class CheckoutRequest:
    email: str | None = None
    name: str | None = None
    delivery_method: str | None = None
    gift_vouchers: tuple[str, ...] = ()
    use_credit_balance: bool = False
    on_account: bool = False  # a company's or agency's relay pays on the company's deferred account


def checkout(org_id: str, cart_id: str, buyer: Buyer, request: CheckoutRequest) -> Order:
    """Turn the buyer's cart into an order: paid, waiting for a card payment, or a reservation.

    A second call for the same cart returns the order the first one made.
    """
    cart = carts.get_cart(org_id, cart_id, buyer)
    if cart.status != carts.OPEN:
        return _resume(_order_of_cart(cart))
    if not cart.lines:
        raise InvalidInput("The cart is empty", {"field": "cart"})
    rules = carts.rules_for(org_id, cart.pos_id)
    if rules.channel_type in (pos_access.INTERNET_COMPANY, pos_access.INTERNET_AGENCY):
        # the company may have been suspended since the cart was opened: 403 company_not_accepted
        pos_access.check_may_order(org_id, rules.channel_type, cart.pos_id, buyer)
    payer = on_account.payer_for(org_id, buyer.shopper_id, rules, request) if request.on_account else None
    email, name = _customer(buyer, rules.guest_checkout, request)
    if request.delivery_method:
        cart.delivery_method = rules.delivery_option(request.delivery_method).code
    holds = carts.live_holds(cart)
    quote = carts.priced(cart, fresh=True, holds=holds)
    _check_prices_seen(cart, quote)
    use, settings = cart_advantages.plan_use(cart, quote.prices, email)
    moment = now()
    order = Order(
        order_id=new_order_id(moment),
        org_id=org_id,
        pos_id=cart.pos_id,
        channel_id=cart.channel_id,
        cart_id=cart.cart_id,
        owner=buyer.buyer_id,
        shopper_id=buyer.shopper_id,
        email=email,
        name=name,
        status=PENDING_PAYMENT,
        created_at=iso(moment),
        currency=quote.totals.currency,
        lines=order_lines.for_quote(org_id, quote, lambda a: cart_advantages.code_of(cart, a)),
        tickets_total=quote.totals.tickets,
        booking_fee=quote.totals.booking_fee,
        delivery_method=rules.delivery_option(cart.delivery_method).code,
        delivery_fee=quote.totals.delivery_fee,
        total=quote.totals.total,
        hold_ids=list(cart.hold_ids),
        history=[{"at": iso(moment), "status": "created", "by": buyer.buyer_id}],
        promo_code=quote.promo.code if use.promo_id and quote.promo else None,
        promo_discount=quote.promo.discount if use.promo_id and quote.promo else 0,
        advantage_use=None,
        contact_id=cart.contact_id,
    )
    writes = cart_advantages.checkout_writes(
        cart, quote.prices, use, settings, order.order_id, buyer.buyer_id
    )
    order.advantage_use = use.as_dict() if use else None
    reservation = payer is None and rules.payment_ceiling is not None and order.total > rules.payment_ceiling
    if reservation and buyer.buyer_id.startswith("guest-") and not rules.guest_reservations:
        # A guest reservation holds seats for days on a free token: only where the point of sale says so.
        raise PermissionDenied(
            "Above this point of sale's payment ceiling, log in to reserve",
            {"field": "total", "payment_ceiling": rules.payment_ceiling},
        )
    voucher_debits: list[tuple[str, int]] = []
    credit = 0
    if reservation:
        order.status = RESERVATION
        order.deadline = _reservation_deadline(org_id, order, rules.reservation_days)
    elif payer is not None:
        writes = [*writes, *_pay_on_account(org_id, order, payer, buyer)]
    else:
        voucher_debits, credit = _plan_payments(org_id, order, buyer, request)
    effects = _placed_effects(order)
    kept = _keep_holds(order, holds)
    if (
        2 + len(voucher_debits) + bool(credit) + len(writes) + len(effects) + len(kept)
        > MAX_TRANSACTION_ACTIONS
    ):
        kept = []  # a very large order: its holds are kept by their own writes, after it is placed
    try:
        repository.place_order(cart, order, voucher_debits, credit, effects, writes, kept)
    except AdvantageRefused:
        if payer is not None:
            on_account.refused_in_transaction(org_id, payer, order.total)
        raise
    except Conflict as exc:
        if exc.details.get("cart_id"):
            return _resume(_order_of_cart(repository.get_cart(cart.cart_id)))
        raise
    logger.info(
        "order placed", extra={"order_id": order.order_id, "status": order.status, "total": order.total}
    )
    return _after_checkout(order, holds, kept=bool(kept))


def _keep_holds(order: Order, holds: list) -> list:
    """Before the order is placed, what keeps its seats held with it: a reservation's until its
    deadline; a card payment's for the payment window, whose session is opened first so that the order
    is written once with its payment page (a session of an order that then fails to be placed is never
    shown to anyone). The writes go in the order's transaction."""
    if order.status == RESERVATION:
        deadline = order.deadline
    else:
        card = _pending_card(order)
        if card is None:
            return []
        deadline = int(now().timestamp()) + PAYMENT_WINDOW_SECONDS
        order.deadline = deadline
        card.redirect_url = open_session(order, card)
    return [w for hold in holds for w in inventory.extension_writes(hold, deadline, order.order_id)]


def _pending_card(order: Order) -> Payment | None:
    return next((p for p in order.payments if p.method == CARD and p.status == PAYMENT_PENDING), None)


def _pay_on_account(org_id: str, order: Order, company_id: str, buyer: Buyer) -> list:
    """The order is paid on the company's deferred account at once; the ledger's debit is written
    in the order's transaction (refused there if another order took the credit limit meanwhile)."""
    writes = on_account.debit_writes(org_id, company_id, order, buyer.buyer_id)
    order.payments.append(
        Payment(
            uuid.uuid4().hex,
            ON_ACCOUNT,
            order.total,
            PAYMENT_SUCCEEDED,
            reference=company_id,
            at=order.created_at,
        )
    )
    order.history.append(
        {"at": order.created_at, "status": "on account", "by": buyer.buyer_id, "company_id": company_id}
    )
    return writes


def _placed_effects(order: Order) -> list:
    """Written with the order: a reservation's email. (An order paid in full by vouchers and credit
    that this request does not live to settle is settled by the reconciler: the open-orders index
    puts it first.)"""
    from chalicelib.sales import emails

    if order.status == RESERVATION:
        return [emails.reservation_effect(order), *figures_effects(order)]
    return []


def _resume(order: Order) -> Order:
    """A checkout asked again after its first request died: finish what it began (the card
    payment's session, or the settlement of an order paid by vouchers and credit)."""
    if order.status != PENDING_PAYMENT:
        return order
    card = _pending_card(order)
    if card is not None and card.redirect_url:
        return order
    return _after_checkout(order, order_holds(order))


def _customer(buyer: Buyer, guest_checkout: bool, request: CheckoutRequest) -> tuple[str, str]:
    if buyer.shopper_id is None:
        if not guest_checkout:
            raise PermissionDenied("This point of sale sells to shoppers with an account only", {})
        if not request.email:
            raise InvalidInput("A guest gives an email address for the tickets", {"field": "email"})
        if not request.name:
            raise InvalidInput("A guest gives a name", {"field": "name"})
        return request.email, request.name
    return request.email or buyer.email or "", request.name or buyer.name or ""


def _order_of_cart(cart: Cart) -> Order:
    if not cart.order_id:
        raise Conflict("The cart changed meanwhile; read it again", {"cart_id": cart.cart_id})
    return repository.get_order(cart.order_id)


def _check_prices_seen(cart: Cart, quote: carts.PricedCart) -> None:
    """Never charge a price the buyer was not shown: when a place's price changed since the cart was
    last priced (a grid changed, an advantage ended), checkout answers 409 with the new prices, and the
    cart keeps them as shown; the next checkout takes them. A line whose advantage no longer applies is
    refused (409 advantage_refused) until the buyer changes it."""
    cart_advantages.check_priced(quote.prices)
    changed = [
        {"line_id": p.line.line_id, "was": p.line.unit_price, "now": p.unit_price}
        for p in quote.lines
        if p.line.unit_price is not None and p.line.unit_price != p.unit_price
    ]
    if changed:
        carts.save_priced(cart)
        raise PricesChanged(
            "Some prices changed since the cart was shown; check the new total and check out again",
            {"field": "lines", "changed": changed, "total": quote.totals.total},
        )


def _reservation_deadline(org_id: str, order: Order, days: int) -> int:
    """Payable until the end of the venue's day `days` days from now (23:59:59 on its clock, across
    daylight saving; with venues in two zones the earlier end), never after its first performance begins."""
    deadline = None
    for performance_id in {line.performance_id for line in order.lines}:
        performance = catalog.get(org_id, "performance", performance_id).data
        zone = catalog.performance_zone(org_id, performance)
        end = int(zones.end_of_local_day_after(now(), days, zone).timestamp())
        starts = int(zones.instant(str(performance["starts_at"])).timestamp())
        deadline = min(end, starts) if deadline is None else min(deadline, end, starts)
    return int(now().timestamp()) + days * 86400 if deadline is None else deadline


def _plan_payments(
    org_id: str, order: Order, buyer: Buyer, request: CheckoutRequest
) -> tuple[list[tuple[str, int]], int]:
    """Vouchers first, then the credit balance, the rest by card; recorded on the order."""
    codes = list(dict.fromkeys(request.gift_vouchers))
    balances = []
    for code in codes:
        voucher = repository.get_voucher(org_id, code)
        if voucher is None or voucher["balance"] <= 0:
            raise InvalidInput("Unknown or used-up gift voucher", {"field": "gift_vouchers", "code": code})
        if voucher["expires_on"] and voucher["expires_on"] < now().date().isoformat():
            raise InvalidInput("This gift voucher has expired", {"field": "gift_vouchers", "code": code})
        if voucher["currency"] != order.currency:
            raise InvalidInput(
                "This gift voucher is in another currency", {"field": "gift_vouchers", "code": code}
            )
        balances.append(voucher["balance"])
    credit_balance = None
    if request.use_credit_balance:
        if buyer.shopper_id is None:
            raise InvalidInput(
                "A credit balance belongs to a shopper account; log in", {"field": "use_credit_balance"}
            )
        credit_balance = repository.credit_balance(org_id, buyer.buyer_id)
    from_vouchers, from_credit, by_card = split_payment(order.total, balances, credit_balance)
    at = order.created_at
    debits = [(code, amount) for code, amount in zip(codes, from_vouchers, strict=True) if amount > 0]
    for code, amount in debits:
        order.payments.append(
            Payment(uuid.uuid4().hex, GIFT_VOUCHER, amount, PAYMENT_SUCCEEDED, code=code, at=at)
        )
    if from_credit:
        order.payments.append(
            Payment(uuid.uuid4().hex, CREDIT_BALANCE, from_credit, PAYMENT_SUCCEEDED, at=at)
        )
    if by_card:
        order.payments.append(Payment(uuid.uuid4().hex, CARD, by_card, PAYMENT_PENDING, at=at))
    return debits, from_credit


def _after_checkout(order: Order, holds: list, kept: bool = False) -> Order:
    """Reservation: hold until the deadline. Card: hold for the payment and start it. Else: paid.
    `kept`: the order's own transaction kept the holds already."""
    card = _pending_card(order)
    if order.status != RESERVATION and card is None:
        return settle(order.order_id)
    # a reservation, or a card payment whose session was opened before the order was placed
    if order.status == RESERVATION or (card.redirect_url and order.deadline):
        if not kept:
            _keep(holds, order.deadline, order.order_id)
        return order
    deadline = int(now().timestamp()) + PAYMENT_WINDOW_SECONDS
    _keep(holds, deadline, order.order_id)
    return start_card(order, card, deadline)


def _keep(holds: list, deadline: int, order_id: str) -> None:
    for hold in holds:
        inventory.extend_hold(hold, deadline, order_id)


def my_orders(org_id: str, buyer: Buyer, limit: int, cursor: str | None) -> tuple[list[Order], str | None]:
    return repository.orders_of_buyer(org_id, buyer.buyer_id, limit, cursor)


def cancel_by_buyer(org_id: str, order_id: str, buyer: Buyer) -> Order:
    """A shopper cancels their reservation (where the channel allows) or an unpaid order."""
    order = get_order(org_id, order_id, buyer)
    if (
        order.status == RESERVATION
        and not carts.rules_for(org_id, order.pos_id).reservations_cancellable_online
    ):
        raise PermissionDenied("This reservation is cancelled at the box office", {"order_id": order_id})
    if order.status == PAID:
        raise PermissionDenied("A paid order is cancelled by the box office", {"order_id": order_id})
    return _cancel_unpaid(order, buyer.buyer_id)


def _cancel_unpaid(order: Order, by: str) -> Order:
    next_state(order.status, CANCEL)
    order_holds(order)  # HoldMissing: never cancel an order for seats nobody can find any more
    order = transition(
        order.order_id, CANCEL, by, consequences=lambda current: money_back(current, f"cancelled by {by}")
    )
    give_back_stock(order.order_id)
    return order


def cancel_by_operator(org_id: str, order_id: str, operator: str, refund: str) -> Order:
    """Cancel any open or paid order: its seats go back on sale, its tickets stop being valid.

    `refund`: "credit_balance" (the buyer's account), "card" (back to the card) or "none". The
    cancellation is written with what it gives back (card refunds as outbox effects, credit in the
    same transaction), so a failure after it loses nothing: the outbox worker finishes.
    """
    order = order_for_operator(org_id, order_id)
    if order.status != PAID:
        return _cancel_unpaid(order, operator)
    next_state(order.status, CANCEL)
    order_holds(order)  # HoldMissing, as above
    if refund == CREDIT_BALANCE and order.shopper_id is None:
        raise InvalidInput(
            "A guest order has no account to credit; refund to the card", {"field": "refund", "value": refund}
        )
    order = transition(
        order.order_id,
        CANCEL,
        operator,
        consequences=lambda current: refund_on_cancel(current, refund, operator),
    )
    give_back_stock(order.order_id)
    return repository.get_order(order.order_id)


def expire_order(order_id: str) -> bool:
    """A hold of this open order ended (hold-cleanup, the reconciler, whoever ended it): it expires.

    The expiry is written with what it gives back (a card payment that went through is refunded by
    the outbox, vouchers and credit in the same transaction); its stock goes back after, again by the
    outbox if this call dies first. False if the order is not open.
    """
    try:
        order = repository.get_order(order_id)
    except NotFound:
        return False
    if order.status not in OPEN_STATES:
        return False
    try:
        transition(
            order_id,
            EXPIRE,
            "hold-cleanup",
            consequences=lambda current: money_back(current, "the order expired before it was settled"),
        )
    except InvalidTransition:
        return False  # paid or cancelled meanwhile
    give_back_stock(order_id)
    return True


# The whole order surface in one place for the API, workflows and options.
__all__ = [
    "MAX_CARD_ATTEMPTS",
    "CheckoutRequest",
    "PlacedPlaces",
    "cancel_by_buyer",
    "cancel_by_operator",
    "checkout",
    "detach_reservation",
    "expire_order",
    "get_order",
    "my_orders",
    "open_orders_due",
    "order_for_operator",
    "pay_online",
    "payment_callback",
    "reconcile",
    "reservation_for_contact",
    "tickets_of",
]
