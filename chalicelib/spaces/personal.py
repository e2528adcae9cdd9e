"""The shopper's personal space: purchase history, the dashboard of pending actions, and tickets to
print again (one PDF per order or per performance across my orders) until the performance starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import Conflict, NotFound, PermissionDenied
from chalicelib.sales import carts, orders
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Order, Ticket
from chalicelib.sales.model import OPEN_STATES, PAID, RESERVATION

# How many of a shopper's orders the dashboard and the printing across orders look through.
ORDERS_READ = 500
PAGE = 100


def buyer(shopper: Any) -> Buyer:
    return Buyer(shopper.org_id, shopper.shopper_id, shopper.shopper_id, shopper.email, shopper.name)


def all_orders(shopper: Any) -> list[Order]:
    """The shopper's orders, newest first (at most ORDERS_READ)."""
    found: list[Order] = []
    cursor = None
    while len(found) < ORDERS_READ:
        page, cursor = orders.my_orders(shopper.org_id, buyer(shopper), PAGE, cursor)
        found.extend(page)
        if not cursor:
            break
    return found[:ORDERS_READ]


def _zone(org_id: str, performance_id: str) -> str:
    try:
        return catalog.performance_zone(org_id, catalog.get(org_id, "performance", performance_id).data)
    except NotFound:
        return zones.DEFAULT_ZONE


def _local(moment: Any, zone: str) -> str | None:
    return None if moment is None else zones.local_iso(moment, zone)


def _performances(order: Order) -> list[dict[str, Any]]:
    """The order's performances, by start, with the venue-local start and its tickets' count."""
    seen: dict[str, dict[str, Any]] = {}
    for line in order.lines:
        entry = seen.get(line.performance_id)
        if entry is None:
            zone = _zone(order.org_id, line.performance_id)
            entry = seen[line.performance_id] = {
                "performance_id": line.performance_id,
                "event_name": line.event_name,
                "starts_at": _local(line.starts_at, zone),
                "timezone": zone,
                "venue": line.venue,
                "tickets": 0,
            }
        entry["tickets"] += 1
    return sorted(seen.values(), key=lambda p: (str(p["starts_at"]), p["performance_id"]))


def history(shopper: Any, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """A page of my purchases, newest first: what, when, how much, and where to print the tickets."""
    page, next_cursor = orders.my_orders(shopper.org_id, buyer(shopper), limit, cursor)
    return [_purchase(order) for order in page], next_cursor


def _purchase(order: Order) -> dict[str, Any]:
    base = f"/shop/{order.org_id}"
    printable = order.status == PAID and any(not _started(line.starts_at) for line in order.lines)
    return {
        "order_id": order.order_id,
        "created_at": order.created_at,
        "status": order.status,
        "total": order.total,
        "currency": order.currency,
        "tickets": len(order.lines),
        "performances": _performances(order),
        "order": f"{base}/orders/{order.order_id}",
        "tickets_pdf": f"{base}/account/tickets/orders/{order.order_id}/pdf" if printable else None,
    }


# The dashboard of pending actions.


def dashboard(shopper: Any, options: list[Any]) -> dict[str, Any]:
    """Reservations to pay or cancel and renewals waiting, with their deadlines and the routes to act;
    `options`: the relay's options (the caller reads them), those still to confirm are listed."""
    reservations, renewals = [], []
    for order in all_orders(shopper):
        if order.status not in OPEN_STATES:
            continue
        entry = _pending_order(order)
        (renewals if any(line.package for line in order.lines) else reservations).append(entry)
    by_deadline = sorted(reservations, key=lambda e: e["deadline"] or "~")
    return {
        "reservations": by_deadline,
        "renewals": sorted(renewals, key=lambda e: e["deadline"] or "~"),
        "options": [_pending_option(shopper.org_id, option) for option in options if _to_confirm(option)],
    }


def _pending_order(order: Order) -> dict[str, Any]:
    try:
        rules = carts.rules_for(order.org_id, order.pos_id)
        payable, cancellable = rules.reservations_payable_online, rules.reservations_cancellable_online
    except NotFound:  # made at the back office: paid or cancelled at the box office
        payable = cancellable = False
    zone = _zone(order.org_id, order.lines[0].performance_id) if order.lines else zones.DEFAULT_ZONE
    base = f"/shop/{order.org_id}/orders/{order.order_id}"
    reservation = order.status == RESERVATION
    actions = []
    if not reservation or payable:
        actions.append({"action": "pay", "method": "POST", "href": f"{base}/payments"})
    if not reservation or cancellable:
        actions.append({"action": "cancel", "method": "POST", "href": f"{base}/cancel"})
    package = next((line.package for line in order.lines if line.package), None) or {}
    return {
        "order_id": order.order_id,
        "status": order.status,
        "total": order.total,
        "currency": order.currency,
        "deadline": _local(order.deadline, zone),
        "timezone": zone,
        "performances": _performances(order),
        "season_ticket_id": package.get("season_ticket_id"),
        "actions": actions,
        "order": base,
    }


OPTION_STATES_TO_CONFIRM = ("requested", "placed", "validated")


def _to_confirm(option: Any) -> bool:
    return option.state in OPTION_STATES_TO_CONFIRM


def _pending_option(org_id: str, option: Any) -> dict[str, Any]:
    zone = _zone(org_id, option.performance_id) if option.performance_id else zones.DEFAULT_ZONE
    base = f"/shop/{org_id}/options/{option.option_id}"
    if option.state == "validated":
        actions = [
            {"action": "pay", "method": "POST", "href": f"{base}/order/payment"},
            {"action": "cancel", "method": "POST", "href": f"{base}/order/cancel"},
        ]
    elif option.state == "requested":
        actions = [
            {"action": "change", "method": "PUT", "href": base},
            {"action": "withdraw", "method": "DELETE", "href": base},
        ]
    else:
        actions = []  # placed: the box office validates it into a reservation to pay
    return {
        "option_id": option.option_id,
        "number": option.number,
        "state": option.state,
        "event_id": option.event_id,
        "performance_id": option.performance_id,
        "deadline": _local(option.deadline, zone),
        "timezone": zone,
        "order_id": option.order_id,
        "actions": actions,
    }


# Tickets to print again, until the performance starts.


def _started(starts_at: Any) -> bool:
    return zones.instant(str(starts_at)) <= clock.now()


def _downloads_allowed(order: Order) -> None:
    channel = catalog.get(order.org_id, "sales_channel", order.channel_id).data
    if channel.get("ticket_download") is False:
        raise PermissionDenied(
            "This sales channel does not let tickets be downloaded: they are delivered otherwise",
            {"reason": "ticket_download_disabled", "order_id": order.order_id},
        )


def _paid(order: Order) -> None:
    if order.status != PAID:
        raise Conflict(
            "Tickets are issued once the order is paid",
            {"reason": "not_paid", "order_id": order.order_id, "status": order.status},
        )


@dataclass
class Printout:
    order: Order  # the order whose name and number head the PDF
    tickets: list[Ticket]
    filename: str


def _still_to_come(tickets: list[Ticket], order: Order) -> list[Ticket]:
    starts = {line.ticket_id: line.starts_at for line in order.lines}
    return [t for t in tickets if t.status != "cancelled" and not _started(starts[t.ticket_id])]


def order_printout(shopper: Any, order_id: str) -> Printout:
    """My order's tickets for performances not started yet; 409 performance_started if none is left."""
    order = orders.get_order(shopper.org_id, order_id, buyer(shopper))
    _paid(order)
    _downloads_allowed(order)
    tickets = _still_to_come(orders.tickets_of(order), order)
    if not tickets:
        raise Conflict(
            "The performances of this order have started: its tickets are no longer printed",
            {"reason": "performance_started", "order_id": order_id},
        )
    return Printout(order, tickets, f"tickets-{order_id}.pdf")


def _has(order: Order, performance_id: str) -> bool:
    return any(line.performance_id == performance_id for line in order.lines)


def performance_printout(shopper: Any, performance_id: str) -> Printout:
    """Every ticket of mine for one performance, across my paid orders (the seed's mass printing)."""
    mine = [o for o in all_orders(shopper) if o.status == PAID and _has(o, performance_id)]
    if not mine:
        raise NotFound("You have no tickets for this performance", {"performance_id": performance_id})
    starts = next(line.starts_at for line in mine[0].lines if line.performance_id == performance_id)
    if _started(starts):
        raise Conflict(
            "This performance has started: its tickets are no longer printed",
            {"reason": "performance_started", "performance_id": performance_id},
        )
    tickets: list[Ticket] = []
    for order in mine:
        _downloads_allowed(order)
        wanted = {line.ticket_id for line in order.lines if line.performance_id == performance_id}
        tickets += [t for t in orders.tickets_of(order) if t.ticket_id in wanted and t.status != "cancelled"]
    if not tickets:
        raise NotFound("You have no tickets for this performance", {"performance_id": performance_id})
    return Printout(mine[0], tickets, f"tickets-{performance_id}.pdf")


def printable(shopper: Any) -> dict[str, Any]:
    """What I may print now: per order and per performance, each with its PDF's route."""
    base = f"/shop/{shopper.org_id}/account/tickets"
    per_order, per_performance = [], {}
    for order in all_orders(shopper):
        if order.status != PAID:
            continue
        coming = [p for p in _performances(order) if not _started(p["starts_at"])]
        if not coming:
            continue
        per_order.append(
            {
                "order_id": order.order_id,
                "created_at": order.created_at,
                "performances": coming,
                "pdf": f"{base}/orders/{order.order_id}/pdf",
            }
        )
        for perf in coming:
            entry = per_performance.setdefault(
                perf["performance_id"],
                {
                    **perf,
                    "tickets": 0,
                    "order_ids": [],
                    "pdf": f"{base}/performances/{perf['performance_id']}/pdf",
                },
            )
            entry["tickets"] += perf["tickets"]
            entry["order_ids"].append(order.order_id)
    performances = sorted(per_performance.values(), key=lambda p: (str(p["starts_at"]), p["performance_id"]))
    return {"orders": per_order, "performances": performances, "as_of": _now_iso()}


def _now_iso() -> str:
    now: datetime = clock.now()
    return now.isoformat(timespec="seconds")
