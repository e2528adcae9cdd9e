"""Checkout, payment, orders and their life cycle: reservation, paid, cancelled, expired.

Exactly once: a cart becomes at most one order (its `open` -> `ordered` change is in the order's
own transaction), a payment outcome is applied at most once (the order's version), and selling a
hold twice for the same order changes nothing. Replays of a request find what the first one did.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.catalog import service as catalog
from chalicelib.errors import (
    Conflict,
    HoldExpired,
    InvalidInput,
    NotFound,
    PermissionDenied,
    VersionConflict,
)
from chalicelib.inventory import service as inventory
from chalicelib.observability import logger
from chalicelib.sales import carts, repository
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Cart, Order, OrderLine, Payment, Ticket
from chalicelib.sales.model import (
    CANCEL,
    CARD,
    CREDIT_BALANCE,
    EXPIRE,
    GIFT_VOUCHER,
    OPEN_STATES,
    PAID,
    PAY,
    PAYMENT_DECLINED,
    PAYMENT_PENDING,
    PAYMENT_REFUNDED,
    PAYMENT_RETURNED,
    PAYMENT_SUCCEEDED,
    PAYMENT_TIMED_OUT,
    PENDING_PAYMENT,
    RESERVATION,
    next_state,
    split_payment,
)

# A card payment session lasts this long; the seats stay held for it.
PAYMENT_WINDOW_SECONDS = 15 * 60
# Card attempts per order: each keeps the seats held for another payment window.
MAX_CARD_ATTEMPTS = 3
SAVE_ATTEMPTS = 5
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class CheckoutRequest:
    email: str | None = None
    name: str | None = None
    delivery_method: str | None = None
    gift_vouchers: tuple[str, ...] = ()
    use_credit_balance: bool = False


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None = None) -> str:
    return (moment or _now()).isoformat(timespec="seconds")


def new_order_id(moment: datetime) -> str:
    """A short reference a person can read out: the day, then 8 unambiguous random characters."""
    return moment.strftime("%y%m%d") + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


# Checkout.


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
    moment = _now()
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
        created_at=_iso(moment),
        currency=quote.totals.currency,
        lines=_order_lines(org_id, quote),
        tickets_total=quote.totals.tickets,
        booking_fee=quote.totals.booking_fee,
        delivery_method=rules.delivery_option(cart.delivery_method).code,
        delivery_fee=quote.totals.delivery_fee,
        total=quote.totals.total,
        hold_ids=list(cart.hold_ids),
        history=[{"at": _iso(moment), "status": "created", "by": buyer.buyer_id}],
    )
    reservation = rules.payment_ceiling is not None and order.total > rules.payment_ceiling
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
    categories = {c.id: c.data["name"] for c in catalog.all_items(org_id, "seat_category")}
    audiences = {a.id: a.data["name"] for a in catalog.all_items(org_id, "audience_subcategory")}
    shows: dict[str, tuple[str, str, str]] = {}
    lines = []
    for priced_line in quote.lines:
        line = priced_line.line
        if line.performance_id not in shows:
            performance = catalog.get(org_id, "performance", line.performance_id).data
            event = catalog.get(org_id, "event", performance["event_id"]).data
            hall = catalog.get(org_id, "hall", performance["hall_id"]).data
            venue = catalog.get(org_id, "venue", hall["venue_id"]).data
            where = f"{venue['name']}, {hall['name']}"
            shows[line.performance_id] = (event["name"], str(performance["starts_at"]), where)
        event_name, starts_at, where = shows[line.performance_id]
        lines.append(
            OrderLine(
                line_id=line.line_id,
                ticket_id=uuid.uuid4().hex,
                performance_id=line.performance_id,
                hold_id=line.hold_id,
                event_name=event_name,
                starts_at=starts_at,
                category_id=line.category_id,
                category_name=categories.get(line.category_id or "", ""),
                audience_subcategory_id=line.audience_subcategory_id or "",
                audience_name=audiences.get(line.audience_subcategory_id or "", ""),
                unit_price=priced_line.unit_price,
                seat_id=line.seat_id,
                area=line.area,
                block=line.block,
                row=line.row,
                number=line.number,
                venue=where,
            )
        )
    return lines


def _reservation_deadline(org_id: str, order: Order, days: int) -> int:
    """Payable for `days`, and never after the first of its performances begins."""
    deadline = int(_now().timestamp()) + days * 86400
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
        if voucher["expires_on"] and voucher["expires_on"] < _now().date().isoformat():
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
        return _settle(order.order_id)
    deadline = int(_now().timestamp()) + PAYMENT_WINDOW_SECONDS
    for hold in holds:
        inventory.extend_hold(hold, deadline, order.order_id)
    return _start_card(order, card, deadline)


def _start_card(order: Order, card: Payment, deadline: int | None = None) -> Order:
    from chalicelib.config import public_url
    from chalicelib.payments.provider import PaymentRequest, provider

    base = public_url()
    session = provider().start(
        PaymentRequest(
            payment_id=card.payment_id,
            order_id=order.order_id,
            org_id=order.org_id,
            amount=card.amount,
            currency=order.currency,
            description=f"Order {order.order_id}",
            return_url=f"{base}/shop/{order.org_id}/orders/{order.order_id}",
            callback_url=f"{base}/shop/{order.org_id}/payments/callback",
        )
    )

    def change(current: Order) -> None:
        payment = current.payment(card.payment_id)
        if payment is not None:
            payment.redirect_url = session.redirect_url
        if deadline is not None and current.status == PENDING_PAYMENT:
            current.deadline = deadline

    return _update(order.order_id, change)


def _update(order_id: str, change) -> Order:
    """Read, change and write the order, again if someone else wrote it meanwhile."""
    for _ in range(SAVE_ATTEMPTS):
        order = repository.get_order(order_id)
        if change(order) is False:
            return order
        try:
            return repository.save_order(order)
        except VersionConflict:
            continue
    raise Conflict("The order kept changing; try again", {"order_id": order_id})


# Payment.


def pay_online(org_id: str, order_id: str, buyer: Buyer) -> Order:
    """Start (again) a card payment for a reservation or an order whose card payment failed."""
    order = get_order(org_id, order_id, buyer)
    if order.status == RESERVATION:
        rules = carts.rules_for(org_id, order.pos_id)
        if not rules.reservations_payable_online:
            raise PermissionDenied("This reservation is paid at the box office", {"order_id": order_id})
    elif order.status != PENDING_PAYMENT:
        next_state(order.status, PAY)
    holds = inventory.get_holds(order.hold_ids)
    now = int(_now().timestamp())
    if any(h.status != "active" or h.expires_at <= now for h in holds):
        raise HoldExpired("The seats are no longer held for this order", {"order_id": order_id})
    pending = next((p for p in order.payments if p.method == CARD and p.status == PAYMENT_PENDING), None)
    if pending is not None and pending.redirect_url:
        return order
    if sum(1 for p in order.payments if p.method == CARD) >= MAX_CARD_ATTEMPTS:
        raise Conflict(
            "Too many card payment attempts for this order; contact the box office",
            {"order_id": order_id, "max_attempts": MAX_CARD_ATTEMPTS},
        )
    due = order.total - order.paid_amount
    card = Payment(uuid.uuid4().hex, CARD, due, PAYMENT_PENDING, at=_iso())
    if order.status == PENDING_PAYMENT:
        deadline = max(order.deadline or 0, now + PAYMENT_WINDOW_SECONDS)
        for hold in holds:
            inventory.extend_hold(hold, deadline, order.order_id)

    def add(current: Order) -> None:
        current.payments.append(card)
        if current.status == PENDING_PAYMENT:
            current.deadline = max(current.deadline or 0, now + PAYMENT_WINDOW_SECONDS)

    order = _update(order_id, add)
    return _start_card(order, card)


def payment_callback(payload: str, signature: str) -> Order:
    """Apply a payment provider's signed outcome; a replay changes nothing and answers the same."""
    from chalicelib.payments.provider import DECLINED, SUCCEEDED, provider

    outcome = provider().verify_callback(payload, signature)
    order = repository.get_order(outcome.order_id)
    if order.org_id != outcome.org_id:
        raise NotFound("Unknown order", {"order_id": outcome.order_id})
    payment = order.payment(outcome.payment_id)
    if payment is None or payment.method != CARD or payment.amount != outcome.amount:
        raise InvalidInput("The callback does not match a payment of this order", {"field": "payload"})
    if payment.status == PAYMENT_SUCCEEDED and order.status in OPEN_STATES:
        return _settle(order.order_id)  # a replay finishes what a failed first delivery began
    if payment.status != PAYMENT_PENDING:
        return order
    if outcome.status == SUCCEEDED:
        if order.status not in OPEN_STATES:
            _refund_card(order, payment, "the order was no longer waiting for payment")
            return repository.get_order(order.order_id)

        def succeeded(current: Order) -> bool:
            p = current.payment(payment.payment_id)
            if p.status != PAYMENT_PENDING:
                return False
            p.status, p.reference, p.at = PAYMENT_SUCCEEDED, outcome.provider_reference, _iso()
            return True

        _update(order.order_id, succeeded)
        return _settle(order.order_id)
    status = PAYMENT_DECLINED if outcome.status == DECLINED else PAYMENT_TIMED_OUT

    def failed(current: Order) -> bool:
        p = current.payment(payment.payment_id)
        if p.status != PAYMENT_PENDING:
            return False
        p.status, p.reference, p.at = status, outcome.provider_reference, _iso()
        current.history.append({"at": _iso(), "status": f"payment {status}", "by": "payment provider"})
        return True

    return _update(order.order_id, failed)


def _settle(order_id: str) -> Order:
    """Everything is paid: sell the holds, issue the tickets, mark the order paid, send the tickets."""
    order = repository.get_order(order_id)
    if order.status == PAID:
        return order
    if order.paid_amount < order.total:
        return order
    try:
        for hold_id in order.hold_ids:
            inventory.sell_hold(hold_id, order.order_id)
    except HoldExpired:
        return _seats_lost(order)
    repository.put_tickets(_tickets(order))

    mine = {"paid": False}  # whether this call's write made it paid (the last attempt decides)

    def paid(current: Order) -> bool:
        mine["paid"] = current.status != PAID
        if current.status == PAID:
            return False
        current.status = next_state(current.status, PAY)
        current.deadline = None
        current.history.append({"at": _iso(), "status": PAID, "by": "payment"})
        return True

    order = _update(order_id, paid)
    if mine["paid"]:
        logger.info("order paid", extra={"order_id": order_id, "total": order.total})
        _send_confirmation(order)
    return order


def _tickets(order: Order) -> list[Ticket]:
    from chalicelib.tickets import barcodes

    return [
        Ticket(
            ticket_id=line.ticket_id,
            org_id=order.org_id,
            order_id=order.order_id,
            performance_id=line.performance_id,
            status="valid",
            document={
                "barcode": barcodes.issue(line.ticket_id),
                "event_name": line.event_name,
                "starts_at": line.starts_at,
                "venue": line.venue,
                "seat_id": line.seat_id,
                "area": line.area,
                "block": line.block,
                "row": line.row,
                "number": line.number,
                "category_name": line.category_name,
                "audience_name": line.audience_name,
                "unit_price": line.unit_price,
                "holder": order.name,
            },
        )
        for line in order.lines
    ]


def _seats_lost(order: Order) -> Order:
    """The payment came back after the seats went to someone else: give everything back."""
    for hold_id in order.hold_ids:
        inventory.return_sold_hold(hold_id, order.order_id)
        inventory.release_hold(hold_id)
    for payment in order.payments:
        if payment.method == CARD and payment.status == PAYMENT_SUCCEEDED:
            _refund_card(order, payment, "the seats were no longer held")
    _give_back_debits(order.order_id)
    return _transition(order.order_id, CANCEL, "system", "seats no longer held when the payment came back")


def _refund_card(order: Order, payment: Payment, reason: str) -> None:
    from chalicelib.payments.provider import provider

    reference = provider().refund(payment.payment_id, payment.amount)

    def refunded(current: Order) -> bool:
        p = current.payment(payment.payment_id)
        if p is None or p.status == PAYMENT_REFUNDED:
            return False
        p.status = PAYMENT_REFUNDED
        current.refunds.append(
            {"at": _iso(), "amount": payment.amount, "to": "card", "reference": reference, "reason": reason}
        )
        return True

    _update(order.order_id, refunded)


def _give_back_debits(order_id: str) -> None:
    """Vouchers and credit debited at checkout go back, once: the call whose write marks the payment
    returned gives the money back; a concurrent or later call finds it returned and does nothing."""
    order = repository.get_order(order_id)
    for payment in order.payments:
        if payment.method not in (GIFT_VOUCHER, CREDIT_BALANCE) or payment.status != PAYMENT_SUCCEEDED:
            continue
        mine = {"returned": False}

        def returned(current: Order, payment_id: str = payment.payment_id, mine: dict = mine) -> bool:
            p = current.payment(payment_id)
            mine["returned"] = p.status == PAYMENT_SUCCEEDED
            if not mine["returned"]:
                return False
            p.status = PAYMENT_RETURNED
            return True

        _update(order_id, returned)
        if not mine["returned"]:
            continue
        if payment.method == GIFT_VOUCHER:
            repository.credit_voucher(order.org_id, payment.code, payment.amount, order_id, _iso())
        else:
            repository.add_credit(
                order.org_id, order.owner, payment.amount, order_id, _iso(), "order not completed"
            )


def _transition(order_id: str, action: str, by: str, note: str | None = None) -> Order:
    def change(current: Order) -> None:
        current.status = next_state(current.status, action)
        current.deadline = None
        entry = {"at": _iso(), "status": current.status, "by": by}
        if note:
            entry["note"] = note
        current.history.append(entry)

    return _update(order_id, change)


# Reads and the order's life after checkout.


def get_order(org_id: str, order_id: str, buyer: Buyer) -> Order:
    """The buyer's own order; another buyer's order does not exist for them."""
    try:
        order = repository.get_order(order_id)
    except NotFound:
        order = None
    if order is None or order.org_id != org_id or order.owner != buyer.buyer_id:
        raise NotFound(f"Order {order_id} does not exist", {"order_id": order_id})
    return order


def order_for_operator(org_id: str, order_id: str) -> Order:
    try:
        order = repository.get_order(order_id)
    except NotFound:
        order = None
    if order is None or order.org_id != org_id:
        raise NotFound(f"Order {order_id} does not exist", {"order_id": order_id})
    return order


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
    for hold_id in order.hold_ids:
        inventory.release_hold(hold_id)
    _give_back_debits(order.order_id)
    return _transition(order.order_id, CANCEL, by)


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
    for hold_id in order.hold_ids:
        inventory.return_sold_hold(hold_id, order.order_id)
    for line in order.lines:
        repository.set_ticket_status(line.ticket_id, "cancelled", "valid")
    order = _transition(order.order_id, CANCEL, operator)
    _refund(order, refund, operator)
    return repository.get_order(order.order_id)


def _refund(order: Order, refund: str, operator: str) -> None:
    if refund == "none":
        return
    if refund == "card":
        for payment in order.payments:
            if payment.method == CARD and payment.status == PAYMENT_SUCCEEDED:
                _refund_card(order, payment, f"cancelled by {operator}")
        _give_back_debits(order.order_id)
        return
    amount = order.paid_amount

    mine = {"credited": False}

    def credited(current: Order) -> bool:
        mine["credited"] = not any(r.get("to") == CREDIT_BALANCE for r in current.refunds)
        if not mine["credited"]:
            return False
        current.refunds.append({"at": _iso(), "amount": amount, "to": CREDIT_BALANCE, "by": operator})
        return True

    _update(order.order_id, credited)
    if mine["credited"]:
        repository.add_credit(
            order.org_id, order.owner, amount, order.order_id, _iso(), f"refund by {operator}"
        )


def expire_order(order_id: str) -> bool:
    """The order's hold lapsed (hold-cleanup): an unpaid order expires, its other holds end."""
    try:
        order = repository.get_order(order_id)
    except NotFound:
        return False
    if order.status not in OPEN_STATES:
        return False
    for hold_id in order.hold_ids:
        inventory.release_expired_hold(hold_id)
    _give_back_debits(order_id)
    _transition(order_id, EXPIRE, "hold-cleanup")
    return True


def tickets_of(order: Order) -> list[Ticket]:
    """The order's e-tickets (issued once it is paid)."""
    return repository.get_tickets([line.ticket_id for line in order.lines])


# Emails.


def _send_reservation_email(order: Order) -> None:
    from chalicelib.sales import emails

    emails.reservation(order)


def _send_confirmation(order: Order) -> None:
    from chalicelib.sales import emails

    emails.confirmation(order, tickets_of(order))


# Orders made by operators from held places (validated options).


@dataclass(frozen=True)
class PlacedPlaces:
    """Places already held for someone (an option's placement), to become order lines."""

    performance_id: str
    category_id: str
    hold_ids: list[str]
    seat_ids: list[str]
    area: str | None
    quantity: int
    audience_subcategory_id: str | None = None


BACK_OFFICE = "backoffice"


def reservation_for_contact(
    org_id: str, owner: str, email: str, name: str, places: list[PlacedPlaces], deadline: int, by: str
) -> Order:
    """A reservation order for held places, payable until `deadline`; the holds then last until it."""
    from chalicelib.shop import service as shop

    moment = _now()
    lines: list[OrderLine] = []
    categories = {c.id: c.data["name"] for c in catalog.all_items(org_id, "seat_category")}
    audiences = {a.id: a.data["name"] for a in catalog.all_items(org_id, "audience_subcategory")}
    currency = "EUR"
    for group in places:
        prices = carts.price_list(org_id, group.performance_id)
        currency = prices.currency
        subcategory = group.audience_subcategory_id or prices.default_subcategory(group.category_id) or ""
        amount = prices.price(group.category_id, subcategory, "audience_subcategory_id")
        performance = catalog.get(org_id, "performance", group.performance_id)
        event = catalog.get(org_id, "event", performance.data["event_id"]).data
        seats = {s.seat_id: s for s in shop.stock_seats(org_id, group.performance_id, performance.state)}
        hold_id = group.hold_ids[0] if group.hold_ids else ""
        units = [(seat_id, None) for seat_id in group.seat_ids] or [(None, group.area)] * group.quantity
        for seat_id, area in units:
            seat = seats.get(seat_id) if seat_id else None
            lines.append(
                OrderLine(
                    line_id=uuid.uuid4().hex[:12],
                    ticket_id=uuid.uuid4().hex,
                    performance_id=group.performance_id,
                    hold_id=hold_id,
                    event_name=event["name"],
                    starts_at=str(performance.data["starts_at"]),
                    category_id=group.category_id,
                    category_name=categories.get(group.category_id, ""),
                    audience_subcategory_id=subcategory,
                    audience_name=audiences.get(subcategory, ""),
                    unit_price=amount,
                    seat_id=seat_id,
                    area=area,
                    block=seat.block if seat else None,
                    row=seat.row if seat else None,
                    number=seat.number if seat else None,
                )
            )
    total = sum(line.unit_price for line in lines)
    order = Order(
        order_id=new_order_id(moment),
        org_id=org_id,
        pos_id=BACK_OFFICE,
        channel_id=BACK_OFFICE,
        cart_id=None,
        owner=owner,
        shopper_id=None,
        email=email,
        name=name,
        status=RESERVATION,
        created_at=_iso(moment),
        currency=currency,
        lines=lines,
        tickets_total=total,
        booking_fee=0,
        delivery_method="ETICKET",
        delivery_fee=0,
        total=total,
        deadline=deadline,
        hold_ids=[h for group in places for h in group.hold_ids],
        history=[{"at": _iso(moment), "status": RESERVATION, "by": by}],
    )
    repository.create_order(order)
    for hold in inventory.get_holds(order.hold_ids):
        inventory.extend_hold(hold, deadline, order.order_id)
    return order


def detach_reservation(org_id: str, order_id: str, hold_ids: list[str], hold_until: int, by: str) -> Order:
    """Cancel a reservation whose places stay held for someone else (an option's cancelled validation)."""
    order = order_for_operator(org_id, order_id)
    next_state(order.status, CANCEL)
    for hold in inventory.get_holds(hold_ids):
        inventory.extend_hold(hold, hold_until)
    return _transition(order_id, CANCEL, by, "validation cancelled; the option keeps its places")
