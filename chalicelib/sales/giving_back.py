"""Giving back: what an order that will not be paid, or is cancelled, returns, once. A succeeded card
payment is refunded through the outbox (the intent is written with the order's change, the provider
asked by the worker with an idempotency key); vouchers, credit and the deferred account's debit go back
in the order's own write; its seats and places go back on sale and its tickets stop being valid."""

from __future__ import annotations

from chalicelib.clock import iso
from chalicelib.inventory import service as inventory
from chalicelib.outbox.model import CARD_REFUND, GIVE_BACK_STOCK, Effect
from chalicelib.sales import repository, ticket_repository
from chalicelib.sales.documents import Consequences, Order, Payment
from chalicelib.sales.model import (
    CARD,
    CREDIT_BALANCE,
    GIFT_VOUCHER,
    ON_ACCOUNT,
    OPEN_STATES,
    PAID,
    PAYMENT_REFUNDED,
    PAYMENT_RETURNED,
    PAYMENT_SUCCEEDED,
)
from chalicelib.sales.order_effects import figures_effects
from chalicelib.sales.order_holds import holds_to_give_back
from chalicelib.sales.order_store import update


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
        ticket_repository.set_ticket_status(line.ticket_id, "cancelled", "valid")


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
