"""The printable e-ticket PDF: one A4 page per ticket, with its QR code and barcode text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PrintedTicket:
    barcode: str
    event_name: str
    starts_at: str  # formatted in the venue's local time, e.g. "Sat 14 Mar 2026, 20:30 (Europe/Paris)"
    venue: str
    place: str  # e.g. "Stalls, row C, seat 12" or "Standing pit"
    category: str
    audience: str
    price: str  # already formatted, e.g. "35.00 EUR"
    beneficiary: str = ""  # the person the ticket was given to (ticket distribution), if any


@dataclass(frozen=True)
class TicketSheet:
    organisation: str
    order_reference: str
    buyer: str
    tickets: list[PrintedTicket]


def render(sheet: TicketSheet, *, compress: bool = True) -> bytes:
    """The PDF of every ticket of an order; `compress=False` leaves the text streams readable."""
    # reportlab is imported here, not at module import: it weighs on every Lambda cold start.
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    if not sheet.tickets:
        raise ValueError("A ticket sheet needs at least one ticket")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    canvas.setTitle(f"Tickets - order {sheet.order_reference}")
    canvas.setAuthor(sheet.organisation)
    for number, ticket in enumerate(sheet.tickets, start=1):
        _draw_ticket(canvas, sheet, ticket, f"Ticket {number} of {len(sheet.tickets)}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_ticket(canvas: Any, sheet: TicketSheet, ticket: PrintedTicket, counter: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    width, height = A4
    left, top, box_width, box_height = 15 * mm, height - 15 * mm, width - 30 * mm, 120 * mm
    bottom = top - box_height
    canvas.setLineWidth(1)
    canvas.roundRect(left, bottom, box_width, box_height, 4 * mm)
    qr_size = 55 * mm
    _draw_details(canvas, sheet, ticket, left + 8 * mm, top - 12 * mm, box_width - qr_size - 20 * mm)
    _draw_qr(canvas, ticket.barcode, left + box_width - qr_size - 8 * mm, top - qr_size - 10 * mm, qr_size)
    canvas.setFont("Courier", 9)
    canvas.drawCentredString(left + box_width / 2, bottom + 16 * mm, ticket.barcode)
    canvas.setFont("Helvetica", 9)
    order = _fit(f"Order {sheet.order_reference} - {sheet.buyer}", "Helvetica", 9, box_width - 50 * mm)
    canvas.drawString(left + 8 * mm, bottom + 7 * mm, order)
    canvas.drawRightString(left + box_width - 8 * mm, bottom + 7 * mm, counter)
    canvas.drawString(left, bottom - 10 * mm, "Print this page or show it on your phone at the door.")
    canvas.drawString(left, bottom - 15 * mm, "Each code admits one person once: do not share or copy it.")


def _draw_details(
    canvas: Any, sheet: TicketSheet, ticket: PrintedTicket, x: float, y: float, width: float
) -> None:
    from reportlab.lib.utils import simpleSplit

    title = simpleSplit(ticket.event_name, "Helvetica-Bold", 18, width)
    if len(title) > 3:
        title = [*title[:2], title[2] + "..."]  # _fit trims it to the width, keeping the dots
    blocks = [
        ([sheet.organisation], "Helvetica", 10, 0),
        (title, "Helvetica-Bold", 18, 4),
        ([ticket.starts_at, ticket.venue], "Helvetica", 12, 4),
        ([ticket.place], "Helvetica-Bold", 14, 6),
        ([f"{ticket.category} - {ticket.audience}", ticket.price], "Helvetica", 11, 4),
    ]
    if ticket.beneficiary:
        blocks.append(([f"Beneficiary: {ticket.beneficiary}"], "Helvetica-Bold", 12, 6))
    for lines, font, size, gap in blocks:
        y = _lines(canvas, lines, x, y - gap, font, size, width)


def _lines(canvas: Any, lines: list[str], x: float, y: float, font: str, size: int, width: float) -> float:
    """Draws one line per text, cut to `width`; returns the baseline below the last one."""
    canvas.setFont(font, size)
    for line in lines:
        y -= size * 1.25
        canvas.drawString(x, y, _fit(line, font, size, width))
    return y


def _fit(text: str, font: str, size: int, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "...", font, size) > width:
        text = text[:-1]
    return text + "..."


def _draw_qr(canvas: Any, value: str, x: float, y: float, size: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
