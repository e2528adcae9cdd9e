"""What follows every change of an order, through the outbox in the change's own transaction: its
confirmation email, the sales figures counting it again, and season tickets' subscriptions."""

from __future__ import annotations

from chalicelib.outbox.model import FIGURES, SEASON_TICKETS, Effect
from chalicelib.sales.documents import Order


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
