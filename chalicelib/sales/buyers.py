"""Who bought a performance: each shopper account's paid orders of it, seats and standing places alike.

Kept by the figures' outbox item (every change of an order counts it again), from the order as it is
now: a paid order is listed under each of its performances, a cancelled or expired one is taken off.
Safe under at-least-once, out-of-order delivery, since each call writes the order's present state."""

from __future__ import annotations

from collections import Counter
from typing import Any

from chalicelib.db.conditions import store_errors
from chalicelib.db.sales import BuyerItem, buyers_pk
from chalicelib.sales.model import PAID


def _sk(shopper_id: str, order_id: str) -> str:
    return f"{shopper_id}#{order_id}"


@store_errors
def note(order: Any) -> None:
    """List (or take off) the order under each performance it has tickets for."""
    if not order.shopper_id:
        return  # a guest, the box office, a contact: no account to contact
    per_performance = Counter(line.performance_id for line in order.lines)
    for performance_id, tickets in sorted(per_performance.items()):
        item = BuyerItem(
            buyers_pk(performance_id),
            _sk(order.shopper_id, order.order_id),
            org_id=order.org_id,
            shopper_id=order.shopper_id,
            order_id=order.order_id,
            tickets=tickets,
        )
        if order.status == PAID:
            item.save()
        else:
            item.delete()


@store_errors
def of_performance(performance_id: str) -> dict[str, tuple[str, int]]:
    """Order id -> (shopper id, tickets) of the shopper accounts' paid orders of the performance."""
    return {
        item.order_id: (item.shopper_id, int(item.tickets))
        for item in BuyerItem.query(buyers_pk(performance_id))
    }
