"""Customer emails about orders: the confirmation with the e-tickets, the reservation's deadline."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.sales.documents import Order, Ticket
from chalicelib.sales.tickets import ticket_pdf


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


def confirmation(order: Order, tickets: list[Ticket]) -> None:
    from chalicelib.mail.service import Attachment, send_email

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
    pdf = ticket_pdf(order, tickets)
    send_email(
        order.org_id,
        order.email,
        f"Your tickets - order {order.order_id}",
        text,
        attachments=[Attachment(f"tickets-{order.order_id}.pdf", "application/pdf", pdf)],
        kind="order_confirmation",
        reference=order.order_id,
    )


def reservation(order: Order) -> None:
    from chalicelib.mail.service import send_email

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
    send_email(
        order.org_id,
        order.email,
        f"Your reservation {order.order_id}",
        text,
        kind="reservation",
        reference=order.order_id,
    )
