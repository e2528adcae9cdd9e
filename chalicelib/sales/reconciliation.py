"""Open orders the reconciler looks at: settle those whose money is all in, expire those past due."""

from __future__ import annotations

from chalicelib.errors import NotFound
from chalicelib.sales import repository
from chalicelib.sales.model import OPEN_STATES, PAID


def open_orders_due(until: int, limit: int) -> list[str]:
    """Ids of open orders whose deadline (or payment start window) ended before `until`."""
    return [order.order_id for order in repository.open_orders_due(until, limit)]


def reconcile(order_id: str) -> str:
    """'settled', 'expired' or 'nothing' for one open order past due; safe to repeat."""
    from chalicelib.sales import orders, payments

    try:
        order = repository.get_order(order_id)
    except NotFound:
        return "nothing"
    if order.status not in OPEN_STATES:
        return "nothing"
    if order.paid_amount >= order.total:
        settled = payments.settle(order_id)
        if settled.status == PAID:
            return "settled"
        if settled.status not in OPEN_STATES:
            return "cancelled"  # the seats had gone: everything was given back
    return "expired" if orders.expire_order(order_id) else "nothing"
