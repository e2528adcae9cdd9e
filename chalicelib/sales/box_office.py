"""The box office takes up a reservation: found by contact or order number, paid by card or cash, its
tickets issued (by payments.settle, as for the shop)."""

from __future__ import annotations

import uuid

from chalicelib.clock import iso, now
from chalicelib.errors import Conflict, HoldExpired, NotFound
from chalicelib.inventory import service as inventory
from chalicelib.sales import payments, repository
from chalicelib.sales.documents import Order, Payment
from chalicelib.sales.model import CARD, PAY, PAYMENT_PENDING, PAYMENT_SUCCEEDED, next_state
from chalicelib.sales.order_store import order_for_operator, update

CASH = "cash"
CARD_TERMINAL = "card_terminal"  # a card paid on the box office's own terminal, not online
METHODS = (CASH, CARD_TERMINAL)
MAX_FOUND = 50


def contact_owner(contact_id: str) -> str:
    """Who owns the reservations made for a contact (validated options)."""
    return f"contact-{contact_id}"


def find(org_id: str, *, order_id: str | None = None, contact_id: str | None = None) -> list[Order]:
    """Orders to take up: the one with this number, or the contact's, newest first."""
    if order_id:
        try:
            return [order_for_operator(org_id, order_id.strip().upper())]
        except NotFound:
            return []
    if contact_id:
        found, _ = repository.orders_of_buyer(org_id, contact_owner(contact_id), MAX_FOUND, None)
        return found
    return []


def take_up(org_id: str, order_id: str, method: str, operator: str) -> Order:
    """Take the whole amount due by `method` and sell the places: the order is paid, its tickets issued.

    Again for a paid order answers it unchanged; a card payment under way online is finished first."""
    order = order_for_operator(org_id, order_id)
    if order.status == "paid":
        return order
    next_state(order.status, PAY)
    if any(p.method == CARD and p.status == PAYMENT_PENDING for p in order.payments):
        raise Conflict(
            "A card payment of this order is under way online; wait for its outcome",
            {"order_id": order_id},
        )
    at = int(now().timestamp())
    if any(h.status != "active" or h.expires_at <= at for h in inventory.get_holds(order.hold_ids)):
        raise HoldExpired("The seats are no longer held for this order", {"order_id": order_id})

    def paid_here(current: Order) -> bool:
        due = current.total - current.paid_amount
        if due <= 0:
            return False
        reference = f"box office: {operator}"
        current.payments.append(
            Payment(uuid.uuid4().hex, method, due, PAYMENT_SUCCEEDED, reference=reference, at=iso())
        )
        note = f"{method} at the box office"
        current.history.append({"at": iso(), "status": current.status, "by": operator, "note": note})
        return True

    update(order_id, paid_here)
    return payments.settle(order_id)
