"""Paying an order: card sessions and callbacks, settling into sold seats and tickets, refunds,
and giving back vouchers and credit once."""

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
from chalicelib.outbox.model import CARD_REFUND, FIGURES, GIVE_BACK_STOCK, SEASON_TICKETS, Effect
from chalicelib.sales import carts, repository
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Consequences, Order, Payment, Ticket
from chalicelib.sales.model import (
    CANCEL,
    CARD,
    CREDIT_BALANCE,
    GIFT_VOUCHER,
    ON_ACCOUNT,
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
    repository.put_tickets(issued_tickets(order))

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
    consequences.writes += repository.ticket_writes(issued_tickets(changed))
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


def refund_effect(order: Order, payment: Payment, reason: str) -> Effect:
    """The card refund to carry out, and its entry on the order (pending until the provider did it)."""
    order.refunds.append(
        {
            "at": iso(),
            "amount": payment.amount,
            "to": CARD,
            "status": "pending",
            "payment_id": payment.payment_id,
            "reason": reason,
        }
    )
    payload = {"order_id": order.order_id, "payment_id": payment.payment_id, "amount": payment.amount}
    return Effect(order.org_id, CARD_REFUND, "card_refund", order.order_id, {**payload, "reason": reason})


def confirmation_effect(order: Order) -> Effect:
    from chalicelib.sales import emails

    return emails.confirmation_effect(order)


def figures_effects(order: Order) -> list[Effect]:
    """What follows every change of an order: the sales figures and, for season tickets, the
    subscriptions (season_tickets.subscriptions)."""
    effects = figures_of(order.org_id, order.order_id)
    if any(line.package for line in order.lines):
        payload = {"order_id": order.order_id}
        effects.append(Effect(order.org_id, SEASON_TICKETS, "subscriptions", order.order_id, payload))
    return effects


def figures_of(org_id: str, order_id: str) -> list[Effect]:
    """The sales figures count the order again (the outbox worker; idempotent by the order's version)."""
    return [Effect(org_id, FIGURES, "figures", order_id, {"order_id": order_id})]


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


def money_back(order: Order, reason: str) -> Consequences:
    """An order that will not be paid: each succeeded card payment is refunded (an outbox effect),
    vouchers and credit go back in the same write, and its stock is given back."""
    consequences = Consequences(effects=[stock_effect(order), *figures_effects(order)])
    for payment in order.payments:
        if payment.method == CARD and payment.status == PAYMENT_SUCCEEDED:
            consequences.effects.append(refund_effect(order, payment, reason))
    return consequences.add(debits_back(order))


def debits_back(order: Order, by: str = "system") -> Consequences:
    """Vouchers, credit and the deferred account debited at checkout go back, once: marked returned
    in the same write."""
    consequences = on_account_back(order, by)
    for payment in order.payments:
        if payment.method not in (GIFT_VOUCHER, CREDIT_BALANCE) or payment.status != PAYMENT_SUCCEEDED:
            continue
        payment.status = PAYMENT_RETURNED
        if payment.method == GIFT_VOUCHER:
            consequences.voucher_credits.append((payment.code, payment.amount))
        else:
            consequences.add(Consequences(credit=(order.owner, payment.amount, "order not completed")))
    return consequences


def on_account_back(order: Order, by: str) -> Consequences:
    """An order paid on account that is cancelled or expires: a credit entry on the company's ledger,
    in the order's write (its payment marked returned there: never credited twice)."""
    from chalicelib.deferred_accounts import checkout as on_account

    consequences = Consequences()
    for payment in order.payments:
        if payment.method == ON_ACCOUNT and payment.status == PAYMENT_SUCCEEDED:
            payment.status = PAYMENT_RETURNED
            consequences.writes += on_account.credit_writes(order, payment, by)
    return consequences


def stock_effect(order: Order) -> Effect:
    payload = {"order_id": order.order_id}
    return Effect(order.org_id, GIVE_BACK_STOCK, "stock_given_back", order.order_id, payload)


def give_back_stock(order_id: str) -> None:
    """A cancelled or expired order's seats and places go back on sale and its tickets stop being
    valid; safe to repeat (the outbox repeats it if the request died first)."""
    order = repository.get_order(order_id)
    if order.status in OPEN_STATES or order.status == PAID:
        return
    for hold in holds_to_give_back(order):
        if hold.is_sold:
            inventory.return_sold_hold(hold.hold_id, order_id)
        elif hold.is_active:
            inventory.release_hold(hold.hold_id)
    for line in order.lines:
        repository.set_ticket_status(line.ticket_id, "cancelled", "valid")


def carry_out_refund(org_id: str, payload: dict, item=None) -> dict:
    """The outbox's card refund: ask the provider (idempotent on the payment), then record it."""
    from chalicelib.payments.provider import provider

    order = repository.get_order(payload["order_id"])
    payment = order.payment(payload["payment_id"])
    if payment is None or payment.status == PAYMENT_REFUNDED:
        return {}
    # the charge's own reference and organisation spare a real provider a lookup
    reference = provider().refund(
        payment.payment_id, payment.amount, reference=payment.reference or None, org_id=order.org_id
    )

    def refunded(current: Order) -> bool:
        p = current.payment(payment.payment_id)
        if p is None or p.status == PAYMENT_REFUNDED:
            return False
        p.status = PAYMENT_REFUNDED
        pending = next(
            (
                r
                for r in current.refunds
                if r.get("payment_id") == p.payment_id and r.get("status") == "pending"
            ),
            None,
        )
        if pending is not None:
            pending.update(status="done", reference=reference, done_at=iso())
            return True
        current.refunds.append(
            {
                "at": iso(),
                "amount": payment.amount,
                "to": "card",
                "reference": reference,
                "reason": payload.get("reason", ""),
            }
        )
        return True

    update(order.order_id, refunded)
    return {"provider_message_id": reference}


def refund_on_cancel(order: Order, refund: str, operator: str) -> Consequences:
    """What cancelling a paid order gives back: to the card (vouchers and credit to where they
    came from), all of it to the credit balance, or nothing."""
    consequences = Consequences(effects=[stock_effect(order), *figures_effects(order)])
    # what was paid on account was never received: it goes back to the company's ledger whatever `refund`
    on_account = on_account_back(order, operator)
    consequences.add(on_account)
    if refund == "none":
        return consequences
    if refund == "card":
        for payment in order.payments:
            if payment.method == CARD and payment.status == PAYMENT_SUCCEEDED:
                consequences.effects.append(refund_effect(order, payment, f"cancelled by {operator}"))
        return consequences.add(debits_back(order, operator))
    amount = order.paid_amount  # what was paid on account is marked returned above: not in it
    if on_account.writes and not amount:
        return consequences
    order.refunds.append({"at": iso(), "amount": amount, "to": CREDIT_BALANCE, "by": operator})
    return consequences.add(Consequences(credit=(order.owner, amount, f"refund by {operator}")))


def give_back_stock_effect(org_id: str, payload: dict, item=None) -> dict:
    """The outbox's side of give_back_stock: finishes a cancellation or expiry whose request died."""
    give_back_stock(payload["order_id"])
    return {}


def credit_balance(org_id: str, buyer_id: str) -> int:
    """What a shopper's credit balance holds now (refunds made to it, less what paid orders used)."""
    return repository.credit_balance(org_id, buyer_id)
