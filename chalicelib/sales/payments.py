"""Paying an order: card sessions and callbacks, settling into sold seats and tickets (in one
transaction, or step by step when it does not fit one); what goes back when it cannot be: giving_back."""

from __future__ import annotations

import copy
import uuid

from chalicelib.clock import iso, now
from chalicelib.db.conditions import MAX_TRANSACTION_ACTIONS
from chalicelib.errors import (
    Conflict,
    HoldExpired,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from chalicelib.inventory import service as inventory
from chalicelib.observability import logger
from chalicelib.sales import carts, repository, ticket_repository
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Consequences, Order, Payment, Ticket
from chalicelib.sales.giving_back import give_back_stock, money_back, refund_effect
from chalicelib.sales.model import (
    CANCEL,
    CARD,
    OPEN_STATES,
    PAID,
    PAY,
    PAYMENT_DECLINED,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    PAYMENT_TIMED_OUT,
    PENDING_PAYMENT,
    RESERVATION,
    next_state,
)
from chalicelib.sales.order_effects import confirmation_effect, figures_effects
from chalicelib.sales.order_holds import order_holds, sell_order_hold
from chalicelib.sales.order_store import (
    MAX_CARD_ATTEMPTS,
    PAYMENT_WINDOW_SECONDS,
    get_order,
    transition,
    update,
)


def open_session(order: Order, card: Payment) -> str:
    """Open the card provider's payment session for `card`; its page's address."""
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
    return session.redirect_url


def start_card(order: Order, card: Payment, deadline: int | None = None) -> Order:
    """Open the session of a card payment the order already records, and record its page."""
    redirect_url = open_session(order, card)

    def change(current: Order) -> None:
        payment = current.payment(card.payment_id)
        if payment is not None:
            payment.redirect_url = redirect_url
        if deadline is not None and current.status == PENDING_PAYMENT:
            current.deadline = deadline

    return update(order.order_id, change, known=order)


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
    """Apply a payment provider's signed outcome; a replay changes nothing and answers the same.

    A success is written with its settlement (or, on an order no longer open, its refund) as an
    outbox effect in the same transaction: whatever fails after, the worker finishes it.
    """
    from chalicelib.payments.provider import DECLINED, SUCCEEDED, provider

    outcome = provider().verify_callback(payload, signature)
    order = repository.get_order(outcome.order_id)
    if order.org_id != outcome.org_id:
        raise NotFound("Unknown order", {"order_id": outcome.order_id})
    payment = order.payment(outcome.payment_id)
    if payment is None or payment.method != CARD or payment.amount != outcome.amount:
        raise InvalidInput("The callback does not match a payment of this order", {"field": "payload"})
    if payment.status == PAYMENT_SUCCEEDED and order.status in OPEN_STATES:
        return settle(order.order_id, known=order)  # a replay finishes what a first delivery began
    if payment.status != PAYMENT_PENDING:
        return order
    if outcome.status == SUCCEEDED and order.status in OPEN_STATES:
        done = _settle_at_once(order, (payment.payment_id, outcome.provider_reference))
        if done is not None:
            return done
    if outcome.status == SUCCEEDED:

        def succeeded(current: Order) -> Consequences | bool:
            p = current.payment(payment.payment_id)
            if p.status != PAYMENT_PENDING:
                return False
            p.outcome(PAYMENT_SUCCEEDED, outcome.provider_reference, iso())
            if current.status in OPEN_STATES:
                # settled below; should this request die first, the reconciler settles it (the
                # open-orders index puts an order whose money is all in first)
                return True
            late = "the order was no longer waiting for payment"
            return Consequences(effects=[refund_effect(current, p, late)])

        order = update(order.order_id, succeeded, known=order)
        if order.status not in OPEN_STATES:
            return order
        return settle(order.order_id, known=order)
    status = PAYMENT_DECLINED if outcome.status == DECLINED else PAYMENT_TIMED_OUT

    def failed(current: Order) -> bool:
        p = current.payment(payment.payment_id)
        if p.status != PAYMENT_PENDING:
            return False
        p.outcome(status, outcome.provider_reference, iso())
        current.history.append({"at": iso(), "status": f"payment {status}", "by": "payment provider"})
        return True

    return update(order.order_id, failed, known=order)


def settle(order_id: str, known: Order | None = None) -> Order:
    """Everything is paid: sell the holds, issue the tickets, mark the order paid with its
    confirmation email queued in the same write. Each step is safe to repeat; on an order that is no
    longer open (expired or cancelled meanwhile, its money going back), nothing is done. `known`:
    the order as this request just wrote it (saves reading it again)."""
    order = known if known is not None else repository.get_order(order_id)
    if order.status not in OPEN_STATES or order.paid_amount < order.total:
        return order
    done = _settle_at_once(order)
    if done is not None:
        return done
    try:
        for hold_id in order.hold_ids:
            sell_order_hold(hold_id, order)
    except HoldExpired:
        return seats_lost(order)
    ticket_repository.put_tickets(issued_tickets(order))

    def paid(current: Order) -> Consequences | bool:
        return _mark_paid(current) if current.status in OPEN_STATES else False

    order = update(order_id, paid, known=order)
    if order.status == PAID:
        logger.info("order paid", extra={"order_id": order_id, "total": order.total})
    return order


def _settle_at_once(order: Order, succeeded: tuple[str, str | None] | None = None) -> Order | None:
    """Pay an open order in one transaction: its card payment `succeeded` (payment id, provider
    reference) recorded, its holds sold, its tickets issued, the order paid with its confirmation
    and figures queued. None when that is not the whole story (the money is not all in, a hold ended
    or was lost, the order is too large for one transaction, or the write failed for any reason):
    the step-by-step path then records the payment first and decides (seats lost, resumed later).
    """
    changed = copy.deepcopy(order)
    if succeeded is not None:
        payment = changed.payment(succeeded[0])
        payment.outcome(PAYMENT_SUCCEEDED, succeeded[1], iso())
    if changed.paid_amount < changed.total:
        return None
    holds = inventory.get_holds(order.hold_ids)
    if len(holds) != len(order.hold_ids) or not all(
        hold.is_active or (hold.is_sold and hold.order_id == order.order_id) for hold in holds
    ):
        return None
    consequences = _mark_paid(changed)
    consequences.writes = [w for hold in holds for w in inventory.sale_writes(hold, order.order_id)]
    consequences.writes += ticket_repository.ticket_writes(issued_tickets(changed))
    if 1 + len(consequences.effects) + len(consequences.writes) > MAX_TRANSACTION_ACTIONS:
        return None
    try:
        paid = repository.save_order(changed, consequences)
    except Exception as exc:  # noqa: BLE001 - whatever refused it, the step-by-step path decides
        logger.info("settling at once refused", extra={"order_id": order.order_id, "error": str(exc)})
        return None
    logger.info("order paid", extra={"order_id": order.order_id, "total": order.total})
    return paid


def _mark_paid(order: Order) -> Consequences:
    """The open order becomes paid; its confirmation and figures go with the write."""
    order.status = next_state(order.status, PAY)
    order.deadline = None
    order.history.append({"at": iso(), "status": PAID, "by": "payment"})
    return Consequences(effects=[confirmation_effect(order), *figures_effects(order)])


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
                "original_price": line.original_price,
                "advantage_id": line.advantage_id,
                "advantage_name": line.advantage_name,
                "code": line.code,
                "code_kind": line.code_kind,
                "holder": order.name,
            },
        )
        for line in order.lines
    ]


def seats_lost(order: Order) -> Order:
    """The payment came back after the seats went to someone else: cancel, everything goes back."""
    order = transition(
        order.order_id,
        CANCEL,
        "system",
        "seats no longer held when the payment came back",
        lambda current: money_back(current, "the seats were no longer held"),
    )
    give_back_stock(order.order_id)
    return order


def credit_balance(org_id: str, buyer_id: str) -> int:
    """What a shopper's credit balance holds now (refunds made to it, less what paid orders used)."""
    return repository.credit_balance(org_id, buyer_id)
