"""Customer emails about orders, queued in the outbox: the confirmation with the e-tickets, a reservation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.outbox.model import Effect
from chalicelib.sales.documents import Order
from chalicelib.sales.tickets import ticket_pdf

if TYPE_CHECKING:
    from chalicelib.mail.service import Attachment


def money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def _lines(order: Order) -> list[str]:
    rows = []
    for line in order.lines:
        place = f"row {line.row}, seat {line.number}" if line.seat_id else (line.area or "")
        rows.append(
            f"- {line.event_name}, {line.starts_at[:16].replace('T', ' ')}: {line.category_name}, {place}, "
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
            *_lines(order),
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
    from chalicelib.sales import repository
    from chalicelib.sales.order_store import tickets_of

    order = repository.get_order(document["order_id"])
    tickets = [t for t in tickets_of(order) if t.status != "cancelled"]
    if not tickets:
        raise Obsolete("the order's tickets were cancelled before its confirmation went")
    pdf = ticket_pdf(order, tickets)
    return Attachment(f"tickets-{order.order_id}.pdf", "application/pdf", pdf)


def reservation_effect(order: Order) -> Effect:
    from chalicelib.mail.service import email_effect

    deadline = datetime.fromtimestamp(order.deadline or 0, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            f"Hello {order.name},",
            "",
            f"Your seats are reserved under reference {order.order_id} until {deadline}.",
            "Pay before then to receive your tickets; after it, the seats go back on sale.",
            "",
            *_lines(order),
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
