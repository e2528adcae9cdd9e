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
from datetime import UTC, datetime

from chalicelib.catalog import service as catalog
from chalicelib.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from chalicelib.inventory import service as inventory
from chalicelib.observability import logger
from chalicelib.sales import carts, order_lines, repository
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Cart, Order, OrderLine, Payment
from chalicelib.sales.model import (
    CANCEL,
    CARD,
    CREDIT_BALANCE,
    EXPIRE,
    GIFT_VOUCHER,
    OPEN_STATES,
    PAID,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    PENDING_PAYMENT,
    RESERVATION,
    next_state,
    split_payment,
)
from chalicelib.sales.order_holds import holds_to_give_back, order_holds
from chalicelib.sales.order_store import (
    MAX_CARD_ATTEMPTS,
    PAYMENT_WINDOW_SECONDS,
    get_order,
    iso,
    new_order_id,
    now,
    order_for_operator,
    tickets_of,
    transition,
)
from chalicelib.sales.payments import (
    give_back_debits,
    pay_online,
    payment_callback,
    refund_card,
    refund_paid,
    settle,
    start_card,
)
from chalicelib.sales.reservations import PlacedPlaces, detach_reservation, reservation_for_contact


@dataclass(frozen=True)
class CheckoutRequest:
    email: str | None = None
    name: str | None = None
    delivery_method: str | None = None
    gift_vouchers: tuple[str, ...] = ()
    use_credit_balance: bool = False


def checkout(org_id: str, cart_id: str, buyer: Buyer, request: CheckoutRequest) -> Order:
    """Turn the buyer's cart into an order: paid, waiting for a card payment, or a reservation.

    A second call for the same cart returns the order the first one made.
    """
    cart = carts.get_cart(org_id, cart_id, buyer)
    if cart.status != carts.OPEN:
        return _order_of_cart(cart)
    if not cart.lines:
        raise InvalidInput("The cart is empty", {"field": "cart"})
    rules = carts.rules_for(org_id, cart.pos_id)
    email, name = _customer(buyer, rules.guest_checkout, request)
    if request.delivery_method:
        cart.delivery_method = rules.delivery_option(request.delivery_method).code
    quote = carts.priced(cart)
    holds = carts.live_holds(cart)
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
        lines=_order_lines(org_id, quote),
        tickets_total=quote.totals.tickets,
        booking_fee=quote.totals.booking_fee,
        delivery_method=rules.delivery_option(cart.delivery_method).code,
        delivery_fee=quote.totals.delivery_fee,
        total=quote.totals.total,
        hold_ids=list(cart.hold_ids),
        history=[{"at": iso(moment), "status": "created", "by": buyer.buyer_id}],
    )
    reservation = rules.payment_ceiling is not None and order.total > rules.payment_ceiling
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
    else:
        voucher_debits, credit = _plan_payments(org_id, order, buyer, request)
    try:
        repository.place_order(cart, order, voucher_debits, credit)
    except Conflict as exc:
        if exc.details.get("cart_id"):
            return _order_of_cart(repository.get_cart(cart.cart_id))
        raise
    logger.info(
        "order placed", extra={"order_id": order.order_id, "status": order.status, "total": order.total}
    )
    return _after_checkout(order, holds)


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


def _order_lines(org_id: str, quote: carts.PricedCart) -> list[OrderLine]:
    return order_lines.for_quote(org_id, quote)


def _reservation_deadline(org_id: str, order: Order, days: int) -> int:
    """Payable for `days`, and never after the first of its performances begins."""
    deadline = int(now().timestamp()) + days * 86400
    for performance_id in {line.performance_id for line in order.lines}:
        starts = datetime.fromisoformat(
            str(catalog.get(org_id, "performance", performance_id).data["starts_at"])
        )
        starts = starts if starts.tzinfo else starts.replace(tzinfo=UTC)
        deadline = min(deadline, int(starts.timestamp()))
    return deadline


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


def _after_checkout(order: Order, holds: list) -> Order:
    """Reservation: hold until the deadline. Card: hold for the payment and start it. Else: paid."""
    if order.status == RESERVATION:
        for hold in holds:
            inventory.extend_hold(hold, order.deadline, order.order_id)
        _send_reservation_email(order)
        return order
    card = next((p for p in order.payments if p.method == CARD and p.status == PAYMENT_PENDING), None)
    if card is None:
        return settle(order.order_id)
    deadline = int(now().timestamp()) + PAYMENT_WINDOW_SECONDS
    for hold in holds:
        inventory.extend_hold(hold, deadline, order.order_id)
    return start_card(order, card, deadline)


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
    for hold in order_holds(order):
        inventory.release_hold(hold.hold_id)
    give_back_debits(order.order_id)
    return transition(order.order_id, CANCEL, by)


def cancel_by_operator(org_id: str, order_id: str, operator: str, refund: str) -> Order:
    """Cancel any open or paid order: its seats go back on sale, its tickets stop being valid.

    `refund`: "credit_balance" (the buyer's account), "card" (back to the card) or "none".
    """
    order = order_for_operator(org_id, order_id)
    if order.status != PAID:
        return _cancel_unpaid(order, operator)
    next_state(order.status, CANCEL)
    if refund == CREDIT_BALANCE and order.shopper_id is None:
        raise InvalidInput(
            "A guest order has no account to credit; refund to the card", {"field": "refund", "value": refund}
        )
    for hold in order_holds(order):
        inventory.return_sold_hold(hold.hold_id, order.order_id)
    for line in order.lines:
        repository.set_ticket_status(line.ticket_id, "cancelled", "valid")
    order = transition(order.order_id, CANCEL, operator)
    refund_paid(order, refund, operator)
    return repository.get_order(order.order_id)


def expire_order(order_id: str) -> bool:
    """A hold of this open order ended (hold-cleanup, whoever ended it): the order expires.

    Its other holds end, seats a partial sale took go back, a card payment that went through is
    refunded, vouchers and credit go back. Each step is safe to repeat, and the order leaves its
    open state last, so a retry after a failure anywhere finishes the job. False if not open.
    """
    try:
        order = repository.get_order(order_id)
    except NotFound:
        return False
    if order.status not in OPEN_STATES:
        return False
    for hold in holds_to_give_back(order):
        if hold.is_sold:
            inventory.return_sold_hold(hold.hold_id, order_id)
        elif hold.is_active:
            inventory.release_hold(hold.hold_id)
    for payment in order.payments:
        if payment.method == CARD and payment.status == PAYMENT_SUCCEEDED:
            refund_card(order, payment, "the order expired before it was settled")
    give_back_debits(order_id)
    transition(order_id, EXPIRE, "hold-cleanup")
    return True


def _send_reservation_email(order: Order) -> None:
    from chalicelib.sales import emails

    emails.reservation(order)


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
    "order_for_operator",
    "pay_online",
    "payment_callback",
    "reservation_for_contact",
    "tickets_of",
]
