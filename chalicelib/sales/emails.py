"""Customer emails about orders, queued in the outbox: the confirmation with the e-tickets, a reservation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.catalog import zones
from chalicelib.outbox.model import Effect
from chalicelib.sales.documents import Order
from chalicelib.sales.tickets import performance_zone, ticket_pdf

if TYPE_CHECKING:
    from chalicelib.mail.service import Attachment


def money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def _zones(order: Order) -> dict[str, str]:
    """Each performance's venue zone: times are written in the venue's local time, naming the zone."""
    return {
        p: performance_zone(order.org_id, p)
        for p in dict.fromkeys(line.performance_id for line in order.lines)
    }


def _order_zone(zone_of: dict[str, str]) -> str:
    """The zone of an order-wide time (a deadline): its venues' zone if they share one, else UTC."""
    found = set(zone_of.values())
    return found.pop() if len(found) == 1 else "UTC"


def _lines(order: Order, zone_of: dict[str, str]) -> list[str]:
    rows = []
    for line in order.lines:
        place = f"row {line.row}, seat {line.number}" if line.seat_id else (line.area or "")
        when = zones.local_text(line.starts_at, zone_of[line.performance_id])
        rows.append(
            f"- {line.event_name}, {when}: {line.category_name}, {place}, "
            f"{line.audience_name} {money(line.unit_price, order.currency)}"
        )
    return rows


def confirmation_effect(order: Order) -> Effect:
    """The confirmation email, queued with the change that makes the order paid; the worker draws
    the e-tickets' PDF when it sends."""
    from chalicelib.mail.service import email_effect

    text = "\n".join(
        [
            f"Hello {order.name},",
            "",
            f"Thank you for your order {order.order_id}. Your e-tickets are attached (one page each);",
            "show the QR code at the entrance, on paper or on your phone.",
            "",
            *_lines(order, _zones(order)),
            "",
            f"Total paid: {money(order.total, order.currency)}",
        ]
    )
    return email_effect(
        order.org_id,
        order.email,
        f"Your tickets - order {order.order_id}",
        text,
        kind="order_confirmation",
        reference=order.order_id,
        document={"document": "tickets", "order_id": order.order_id},
    )


def tickets_attachment(document: dict) -> Attachment:
    """The order's e-tickets as one PDF (drawn by the outbox worker, not in the buyer's request)."""
    from chalicelib.mail.service import Attachment
    from chalicelib.outbox.service import Obsolete
    from chalicelib.sales.order_store import order_for_effects, tickets_for_effects

    order = order_for_effects(document["order_id"])
    tickets = [t for t in tickets_for_effects(order) if t.status != "cancelled"]
    if not tickets:
        raise Obsolete("the order's tickets were cancelled before its confirmation went")
    pdf = ticket_pdf(order, tickets)
    return Attachment(f"tickets-{order.order_id}.pdf", "application/pdf", pdf)


def reservation_effect(order: Order) -> Effect:
    from chalicelib.mail.service import email_effect

    zone_of = _zones(order)
    deadline = zones.local_text(order.deadline or 0, _order_zone(zone_of))
    text = "\n".join(
        [
            f"Hello {order.name},",
            "",
            f"Your seats are reserved under reference {order.order_id} until {deadline}.",
            "Pay before then to receive your tickets; after it, the seats go back on sale.",
            "",
            *_lines(order, zone_of),
            "",
            f"Total due: {money(order.total, order.currency)}",
        ]
    )
    return email_effect(
        order.org_id,
        order.email,
        f"Your reservation {order.order_id}",
        text,
        kind="reservation",
        reference=order.order_id,
    )
