"""An order's holds, read and sold strictly: a hold that no longer exists is an error, never skipped."""

from __future__ import annotations

from chalicelib.errors import HoldMissing, NotFound
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import Hold
from chalicelib.observability import logger
from chalicelib.sales.documents import Order


def order_holds(order: Order) -> list[Hold]:
    """Every hold of the order, in its order; HoldMissing names those that no longer exist.

    An order is paid, sold or cancelled through its holds: skipping a missing one would charge a
    card, or cancel an order, for seats nobody knows about any more.
    """
    holds = inventory.get_holds(order.hold_ids)
    found = {hold.hold_id for hold in holds}
    missing = [hold_id for hold_id in order.hold_ids if hold_id not in found]
    if missing:
        raise _missing(order, missing)
    return holds


def holds_to_give_back(order: Order) -> list[Hold]:
    """The order's holds that still exist, for a path that gives the buyer's money back (expiry,
    seats lost): a missing hold holds nothing, and refusing would keep the money; it is logged."""
    holds = inventory.get_holds(order.hold_ids)
    found = {hold.hold_id for hold in holds}
    missing = [hold_id for hold_id in order.hold_ids if hold_id not in found]
    if missing:
        _missing(order, missing)
    return holds


def sell_order_hold(hold_id: str, order: Order) -> Hold:
    """The hold's seats become the order's; HoldExpired if they went to someone else."""
    try:
        return inventory.sell_hold(hold_id, order.order_id)
    except NotFound as exc:
        raise _missing(order, [hold_id]) from exc


def _missing(order: Order, hold_ids: list[str]) -> HoldMissing:
    logger.error("order holds missing", extra={"order_id": order.order_id, "hold_ids": hold_ids})
    return HoldMissing(
        "The seats of this order can no longer be found; contact the box office",
        {"order_id": order.order_id, "hold_ids": hold_ids},
    )
