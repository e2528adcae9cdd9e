"""The on-sale sheet as a PDF, to send a distributor: the event, its performances with their local
dates and the distributor's quota, the seat categories, the prices per audience subcategory, our ids
and codes, and a blank column for the ids the distributor gives back."""

from __future__ import annotations

import io
from typing import Any


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def render(sheet: dict[str, Any], organisation: str, *, compress: bool = True) -> bytes:
    # reportlab is imported here, not at module import: it weighs on every Lambda cold start.
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    size = landscape(A4)
    canvas = Canvas(buffer, pagesize=size, pageCompression=1 if compress else 0)
    event = sheet["event"]
    canvas.setTitle(f"On-sale sheet {event['code']}")
    canvas.setAuthor(organisation)
    height = size[1]
    left, top = 15 * mm, height - 18 * mm
    y = top

    def row(cells: list[tuple[float, str]], size: int = 9, bold: bool = False, gap: float = 5.5) -> None:
        nonlocal y
        y -= gap * mm
        if y < 15 * mm:
            canvas.showPage()
            y = top
        canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        for x, text in cells:
            canvas.drawString(left + x * mm, y, text[:60])

    row([(0, organisation)], 14, True, 0)
    row(
        [(0, f"On-sale sheet for {sheet['interface']['name']}: {event['name']} ({event['code']})")],
        12,
        True,
        8,
    )
    row([(0, f"Our event id {event['id']}    Your id: {event.get('distributor_id') or '________'}")])
    row(
        [
            (0, "Performance"),
            (40, "Our id"),
            (80, "Starts (venue time)"),
            (135, "Seats"),
            (155, "Standing"),
            (180, "Your id"),
        ],
        bold=True,
        gap=9,
    )
    for p in sheet["performances"]:
        quota = p["quota"]
        row(
            [
                (0, p["code"]),
                (40, p["id"]),
                (80, p["starts_at_local"]),
                (135, str(quota["seats"])),
                (155, str(quota["places"])),
                (180, p.get("distributor_id") or "________"),
            ]
        )
    for title, key in (
        ("Seat category", "seat_categories"),
        ("Audience subcategory", "audience_subcategories"),
        ("Layout", "layouts"),
    ):
        row([(0, title), (40, "Our id"), (80, "Code"), (135, "Name"), (180, "Your id")], bold=True, gap=9)
        for item in sheet[key]:
            row(
                [
                    (0, ""),
                    (40, item["id"]),
                    (80, item["code"]),
                    (135, item["name"]),
                    (180, item.get("distributor_id") or "________"),
                ]
            )
    names = {c["id"]: c["code"] for c in sheet["seat_categories"]}
    audiences = {a["id"]: a["code"] for a in sheet["audience_subcategories"]}
    row(
        [(0, "Prices"), (40, "Seat category"), (80, "Audience subcategory"), (135, "Price")], bold=True, gap=9
    )
    for price in sheet["prices"]:
        row(
            [
                (40, names.get(price["seat_category_id"], price["seat_category_id"])),
                (80, audiences.get(price["audience_subcategory_id"], price["audience_subcategory_id"])),
                (135, _money(price["amount"], sheet["currency"])),
            ]
        )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
