"""Paying an order: card sessions and callbacks, settling into sold seats and tickets, refunds,
and giving back vouchers and credit once."""

from __future__ import annotations

import uuid

from chalicelib.errors import (
    Conflict,
    HoldExpired,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from chalicelib.inventory import service as inventory
from chalicelib.observability import logger
from chalicelib.sales import carts, repository
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Order, Payment, Ticket
from chalicelib.sales.model import (
    CANCEL,
    CARD,
    CREDIT_BALANCE,
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
)
from chalicelib.sales.order_holds import holds_to_give_back, order_holds, sell_order_hold
from chalicelib.sales.order_store import (
    MAX_CARD_ATTEMPTS,
    PAYMENT_WINDOW_SECONDS,
    get_order,
    iso,
    now,
    tickets_of,
    transition,
    update,
)


def start_card(order: Order, card: Payment, deadline: int | None = None) -> Order:
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

    return update(order.order_id, change)


def pay_online(org_id: str, order_id: str, buyer: Buyer) -> Order:
    """Start (again) a card payment for a reservation or an order whose card payment failed."""
    order = get_order(org_id, order_id, buyer)
    if order.status == RESERVATION:
        rules = carts.rules_for(org_id, order.pos_id)
        if not rules.reservations_payable_online:
            raise PermissionDenied("This reservation is paid at the box office", {"order_id": order_id})
    elif order.status != PENDING_PAYMENT:
        next_state(order.status, PAY)
    holds = order_holds(order)
    at = int(now().timestamp())
    if any(h.status != "active" or h.expires_at <= at for h in holds):
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
    card = Payment(uuid.uuid4().hex, CARD, due, PAYMENT_PENDING, at=iso())
    if order.status == PENDING_PAYMENT:
        deadline = max(order.deadline or 0, at + PAYMENT_WINDOW_SECONDS)
        for hold in holds:
            inventory.extend_hold(hold, deadline, order.order_id)

    def add(current: Order) -> None:
        current.payments.append(card)
        if current.status == PENDING_PAYMENT:
            current.deadline = max(current.deadline or 0, at + PAYMENT_WINDOW_SECONDS)

    order = update(order_id, add)
    return start_card(order, card)


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
        return settle(order.order_id)  # a replay finishes what a failed first delivery began
    if payment.status != PAYMENT_PENDING:
        return order
    if outcome.status == SUCCEEDED:
        if order.status not in OPEN_STATES:
            refund_card(order, payment, "the order was no longer waiting for payment")
            return repository.get_order(order.order_id)

        def succeeded(current: Order) -> bool:
            p = current.payment(payment.payment_id)
            if p.status != PAYMENT_PENDING:
                return False
            p.status, p.reference, p.at = PAYMENT_SUCCEEDED, outcome.provider_reference, iso()
            return True

        update(order.order_id, succeeded)
        return settle(order.order_id)
    status = PAYMENT_DECLINED if outcome.status == DECLINED else PAYMENT_TIMED_OUT

    def failed(current: Order) -> bool:
        p = current.payment(payment.payment_id)
        if p.status != PAYMENT_PENDING:
            return False
        p.status, p.reference, p.at = status, outcome.provider_reference, iso()
        current.history.append({"at": iso(), "status": f"payment {status}", "by": "payment provider"})
        return True

    return update(order.order_id, failed)


def settle(order_id: str) -> Order:
    """Everything is paid: sell the holds, issue the tickets, mark the order paid, send the tickets."""
    order = repository.get_order(order_id)
    if order.status == PAID:
        return order
    if order.paid_amount < order.total:
        return order
    try:
        for hold_id in order.hold_ids:
            sell_order_hold(hold_id, order)
    except HoldExpired:
        return seats_lost(order)
    repository.put_tickets(issued_tickets(order))

    mine = {"paid": False}  # whether this call's write made it paid (the last attempt decides)

    def paid(current: Order) -> bool:
        mine["paid"] = current.status != PAID
        if current.status == PAID:
            return False
        current.status = next_state(current.status, PAY)
        current.deadline = None
        current.history.append({"at": iso(), "status": PAID, "by": "payment"})
        return True

    order = update(order_id, paid)
    if mine["paid"]:
        logger.info("order paid", extra={"order_id": order_id, "total": order.total})
        send_confirmation(order)
    return order


def issued_tickets(order: Order) -> list[Ticket]:
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


def seats_lost(order: Order) -> Order:
    """The payment came back after the seats went to someone else: give everything back."""
    for hold in holds_to_give_back(order):
        inventory.return_sold_hold(hold.hold_id, order.order_id)
        inventory.release_hold(hold.hold_id)
    for payment in order.payments:
        if payment.method == CARD and payment.status == PAYMENT_SUCCEEDED:
            refund_card(order, payment, "the seats were no longer held")
    give_back_debits(order.order_id)
    return transition(order.order_id, CANCEL, "system", "seats no longer held when the payment came back")


def refund_card(order: Order, payment: Payment, reason: str) -> None:
    from chalicelib.payments.provider import provider

    # the charge's own reference and organisation spare a real provider a lookup
    reference = provider().refund(
        payment.payment_id, payment.amount, reference=payment.reference or None, org_id=order.org_id
    )

    def refunded(current: Order) -> bool:
        p = current.payment(payment.payment_id)
        if p is None or p.status == PAYMENT_REFUNDED:
            return False
        p.status = PAYMENT_REFUNDED
        current.refunds.append(
            {"at": iso(), "amount": payment.amount, "to": "card", "reference": reference, "reason": reason}
        )
        return True

    update(order.order_id, refunded)


def give_back_debits(order_id: str) -> None:
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

        update(order_id, returned)
        if not mine["returned"]:
            continue
        if payment.method == GIFT_VOUCHER:
            repository.credit_voucher(order.org_id, payment.code, payment.amount, order_id, iso())
        else:
            repository.add_credit(
                order.org_id, order.owner, payment.amount, order_id, iso(), "order not completed"
            )


def refund_paid(order: Order, refund: str, operator: str) -> None:
    if refund == "none":
        return
    if refund == "card":
        for payment in order.payments:
            if payment.method == CARD and payment.status == PAYMENT_SUCCEEDED:
                refund_card(order, payment, f"cancelled by {operator}")
        give_back_debits(order.order_id)
        return
    amount = order.paid_amount

    mine = {"credited": False}

    def credited(current: Order) -> bool:
        mine["credited"] = not any(r.get("to") == CREDIT_BALANCE for r in current.refunds)
        if not mine["credited"]:
            return False
        current.refunds.append({"at": iso(), "amount": amount, "to": CREDIT_BALANCE, "by": operator})
        return True

    update(order.order_id, credited)
    if mine["credited"]:
        repository.add_credit(
            order.org_id, order.owner, amount, order.order_id, iso(), f"refund by {operator}"
        )


def send_confirmation(order: Order) -> None:
    from chalicelib.sales import emails

    emails.confirmation(order, tickets_of(order))
