"""An invoice as a PDF: the organisation, the company, the period, each billed entry, the totals."""

from __future__ import annotations

import io
from typing import Any

from chalicelib.deferred_accounts.model import Invoice

KIND_LABELS = {"order": "Order", "cancellation": "Cancellation"}


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def render(invoice: Invoice, organisation: str, company: dict[str, Any], *, compress: bool = True) -> bytes:
    # reportlab is imported here, not at module import: it weighs on every Lambda cold start.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    canvas.setTitle(f"Invoice {invoice.reference}")
    canvas.setAuthor(organisation)
    width, height = A4
    left, y = 20 * mm, height - 25 * mm

    def line(text: str, size: int = 10, bold: bool = False, x: float = left) -> None:
        canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        canvas.drawString(x, y, text)

    line(organisation, 16, True)
    y -= 12 * mm
    line(f"Invoice {invoice.reference}", 14, True)
    y -= 7 * mm
    line(f"Issued on {invoice.issued_on}    Due on {invoice.due_on}")
    y -= 5 * mm
    line(f"Period: {invoice.period_from} to {invoice.period_to}")
    y -= 10 * mm
    line("Billed to", 10, True)
    y -= 5 * mm
    line(str(company.get("name") or company.get("id")))
    for text in (company.get("address") or "").splitlines():
        y -= 5 * mm
        line(text)
    y -= 12 * mm
    line("Date", 10, True)
    line("Item", 10, True, left + 35 * mm)
    line("Order", 10, True, left + 70 * mm)
    line("Amount", 10, True, width - 55 * mm)
    for entry in invoice.entries:
        y -= 6 * mm
        if y < 30 * mm:
            canvas.showPage()
            y = height - 25 * mm
        line(str(entry.get("at", ""))[:10])
        line(KIND_LABELS.get(entry.get("kind"), str(entry.get("kind"))), x=left + 35 * mm)
        line(str(entry.get("order_id") or ""), x=left + 70 * mm)
        line(_money(int(entry.get("amount") or 0), invoice.currency), x=width - 55 * mm)
    y -= 10 * mm
    line("Total", 11, True, left + 70 * mm)
    line(_money(invoice.total, invoice.currency), 11, True, width - 55 * mm)
    y -= 6 * mm
    line("Paid", 10, False, left + 70 * mm)
    line(_money(invoice.paid, invoice.currency), 10, False, width - 55 * mm)
    y -= 6 * mm
    line("Outstanding", 11, True, left + 70 * mm)
    line(_money(invoice.outstanding, invoice.currency), 11, True, width - 55 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
