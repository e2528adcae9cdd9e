"""Option documents for the customer: the one-page PDF summary (récapitulatif) and the emails that
carry it (confirmation of the request, placement or validation; notice of expiry).

reportlab is imported only when a PDF is drawn: it weighs on every Lambda cold start.

`names` (see `names_for`) is a plain dict of what the PDF prints instead of ids; every key is
optional and ids are printed when a name is missing:
    organisation, contact, contact_email, company, event, requested_performance,
    placed_performance, fallbacks (list of labels), categories {id: name}, quotas {id: name},
    timezone (the venue's zone, in which deadlines are written; the default zone when missing).
Performance times and deadlines are written in the venue's local time and name its zone.
"""

from __future__ import annotations

import io
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import Conflict, NotFound
from chalicelib.mail import service as mail
from chalicelib.mail.service import Attachment, OutboxEntry
from chalicelib.observability import logger
from chalicelib.options import model as m
from chalicelib.options.repository import Option
from chalicelib.outbox import repository as outbox
from chalicelib.outbox.model import Effect

CONFIRMATION = "option_confirmation"
EXPIRED = "option_expired"

STATE_LABELS = {
    m.REQUESTED: "Requested",
    m.PLACED: "Placed",
    m.REFUSAL_PENDING: "Refusal pending",
    m.WAITING_LIST: "On the waiting list",
    m.VALIDATED: "Confirmed (reservation order)",
    m.TAKEN_UP: "Ordered and paid",
    m.REFUSED: "Refused",
    m.CANCELLED: "Withdrawn",
    m.EXPIRED: "Expired",
}


def when(epoch: int | None, zone: str = zones.DEFAULT_ZONE) -> str:
    """An epoch in the venue's local time, "Wed 1 Jul 2026, 20:00 (Europe/Paris)" ("" for None), like
    the sales emails; the zone defaults as a venue's does when it names none."""
    if epoch is None:
        return ""
    return zones.local_text(epoch, zone)


def reference(option: Option) -> str:
    """The outbox reference of the option's emails (numbers are unique within an organisation)."""
    return f"option-{option.number}"


def filename(option: Option) -> str:
    return f"option-{option.number}.pdf"


# Names.


def _data(org_id: str, kind: str, item_id: str | None) -> dict[str, Any]:
    if not item_id:
        return {}
    try:
        return catalog.get(org_id, kind, item_id).data
    except NotFound:
        return {}


def _zone(org_id: str, performance_id: str | None) -> str:
    """The zone of the performance's venue; the default zone when the catalog no longer has it."""
    performance = _data(org_id, "performance", performance_id)
    hall = _data(org_id, "hall", performance.get("hall_id"))
    return zones.zone_of_venue(_data(org_id, "venue", hall.get("venue_id")))


def _performance_label(org_id: str, performance_id: str | None) -> str:
    performance = _data(org_id, "performance", performance_id)
    if not performance or not performance.get("starts_at"):
        return performance_id or ""
    return zones.local_text(str(performance["starts_at"]), _zone(org_id, performance_id))


def names_for(option: Option) -> dict[str, Any]:
    """What the summary prints, read from the catalog (and the organisation's name)."""
    from chalicelib.auth.repository import organisation_name

    org_id = option.org_id
    contact = _data(org_id, "contact", option.contact_id)
    company = _data(org_id, "company", option.company_id or contact.get("company_id"))
    event = _data(org_id, "event", option.event_id)
    category_ids = {*option.requested, *(line.category_id for line in option.placed)}
    quota_ids = {line.quota_id for line in option.placed if line.quota_id}
    return {
        "organisation": organisation_name(org_id),
        "contact": contact.get("name", option.contact_id),
        "contact_email": contact.get("email", ""),
        "company": company.get("name", ""),
        "event": event.get("name", option.event_id),
        "requested_performance": _performance_label(org_id, option.performance_id),
        "placed_performance": _performance_label(org_id, option.placed_performance_id)
        if option.placed_performance_id
        else "",
        "fallbacks": [_performance_label(org_id, p) for p in option.fallback_performance_ids],
        "categories": {c: _data(org_id, "seat_category", c).get("name", c) for c in sorted(category_ids)},
        "quotas": {q: _data(org_id, "quota", q).get("name", q) for q in sorted(quota_ids)},
        "timezone": _zone(org_id, option.placed_performance_id or option.performance_id),
    }


# The PDF.


def summary_lines(option: Option, names: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of the summary, in print order (also usable as plain text)."""
    categories = names.get("categories") or {}
    quotas = names.get("quotas") or {}
    contact = names.get("contact") or option.contact_id
    if names.get("company"):
        contact = f"{contact} ({names['company']})"
    pairs: list[tuple[str, str]] = [
        ("State", STATE_LABELS.get(option.state, option.state) + (", firm" if option.firm else "")),
        ("Contact", contact),
    ]
    if names.get("contact_email"):
        pairs.append(("Email", names["contact_email"]))
    pairs.append(("Event", names.get("event") or option.event_id))
    pairs.append(("Performance", names.get("requested_performance") or option.performance_id))
    for n, label in enumerate(names.get("fallbacks") or [], start=1):
        pairs.append((f"Fallback date {n}", label))
    if option.created_at:
        pairs.append(("Requested on", option.created_at[:10]))
    if option.requested:
        pairs.append(("Requested", f"{option.requested_quantity} places"))
        for category_id, quantity in sorted(
            option.requested.items(), key=lambda cq: categories.get(cq[0], cq[0])
        ):
            pairs.append((f"  {categories.get(category_id, category_id)}", str(quantity)))
        if option.accept_upgrade:
            pairs.append(("Upgrade", "accepts the next category up"))
    if option.placed:
        placed_on = names.get("placed_performance")
        if placed_on and placed_on != names.get("requested_performance"):
            pairs.append(("Placed on", placed_on))
        pairs.append(("Placed", f"{option.placed_quantity} places"))
        for line in option.placed:
            label = categories.get(line.category_id, line.category_id)
            if line.quota_id:
                label = f"{label}, {quotas.get(line.quota_id, line.quota_id)}"
            pairs.append((f"  {label}", str(line.quantity)))
    zone = names.get("timezone") or zones.DEFAULT_ZONE
    if option.state == m.REQUESTED and option.editable_until is not None:
        pairs.append(("Editable until", when(option.editable_until, zone)))
    if option.state != m.REQUESTED and option.state in m.OPEN_STATES and option.deadline is not None:
        pairs.append(("Valid until", when(option.deadline, zone)))
    if option.payment_date:
        pairs.append(("Payment date", str(option.payment_date)))
    if option.order_id:
        pairs.append(("Order", option.order_id))
    if option.remark:
        pairs.append(("Remark", option.remark))
    return pairs


def summary_pdf(option: Option, org_name: str, names: dict[str, Any], *, compress: bool = True) -> bytes:
    """One A4 page summing up the option; what does not fit is cut with "...".

    `compress=False` leaves the text streams readable (tests)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    canvas.setTitle(f"Option no. {option.number}")
    canvas.setAuthor(org_name)
    width, height = A4
    left, right, bottom = 20 * mm, width - 20 * mm, 25 * mm
    y = height - 20 * mm
    canvas.setFont("Helvetica", 10)
    canvas.drawString(left, y, _fit(org_name, "Helvetica", 10, right - left))
    y -= 14 * mm
    title = f"Option no. {option.number}"
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(left, y, _fit(title, "Helvetica-Bold", 20, right - left))
    y -= 7 * mm
    canvas.setFont("Helvetica", 11)
    canvas.drawString(left, y, "Summary of your option")
    y -= 6 * mm
    canvas.line(left, y, right, y)
    y -= 4 * mm
    y = _pairs(canvas, summary_lines(option, names), left, right, y, bottom)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(
        left, 12 * mm, _fit(f"{org_name} - option no. {option.number}", "Helvetica", 8, 120 * mm)
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pairs(
    canvas: Any, pairs: list[tuple[str, str]], left: float, right: float, y: float, bottom: float
) -> float:
    """Label in a first column, value (wrapped) in the second; stops with "..." at the bottom."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit

    size, step = 11, 11 * 1.4
    value_x = left + 45 * mm
    value_width = right - value_x
    for label, value in pairs:
        lines = simpleSplit(value, "Helvetica", size, value_width) or [""]
        for n, line in enumerate(lines):
            if y - step < bottom:
                canvas.setFont("Helvetica", size)
                canvas.drawString(value_x, y - step, "...")
                return y - step
            y -= step
            if n == 0:  # a label indented with spaces is a detail line: set in, not bold
                detail = label.startswith(" ")
                font, x = ("Helvetica", left + 5 * mm) if detail else ("Helvetica-Bold", left)
                canvas.setFont(font, size)
                canvas.drawString(x, y, _fit(label.strip(), font, size, value_x - x - 2 * mm))
            canvas.setFont("Helvetica", size)
            canvas.drawString(value_x, y, _fit(line, "Helvetica", size, value_width))
        y -= 2
    return y


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "...", font, size) > width:
        text = text[:-1]
    return text + "..."


# The emails.


def _places(option: Option, names: dict[str, Any]) -> list[str]:
    categories = names.get("categories") or {}
    if option.placed:
        return [f"- {categories.get(p.category_id, p.category_id)}: {p.quantity}" for p in option.placed]
    requested = sorted(option.requested.items(), key=lambda cq: categories.get(cq[0], cq[0]))
    return [f"- {categories.get(c, c)}: {q}" for c, q in requested]


def _show(option: Option, names: dict[str, Any]) -> str:
    date = names.get("placed_performance") or names.get("requested_performance") or ""
    return ", ".join(part for part in (names.get("event") or option.event_id, date) if part)


def _confirmation_text(option: Option, names: dict[str, Any]) -> tuple[str, str]:
    """(subject, opening paragraph) for the option's state."""
    zone = names.get("timezone") or zones.DEFAULT_ZONE
    n, deadline = option.number, when(option.deadline, zone)
    if option.state == m.REQUESTED:
        until = when(option.editable_until, zone)
        return (
            f"Your option request no. {n}",
            f"We have received your option request no. {n}. We will let you know which places we can "
            "grant." + (f" You can change your request until {until}." if until else ""),
        )
    if option.state == m.PLACED:
        return (
            f"Your option no. {n} is placed",
            f"Your option no. {n} is placed: the places below are set aside for you"
            + (f" until {deadline}." if deadline else "."),
        )
    if option.state == m.VALIDATED:
        pay = f" Please pay by {option.payment_date}." if option.payment_date else ""
        order = f" under reservation {option.order_id}" if option.order_id else ""
        return (
            f"Your option no. {n} is confirmed",
            f"Your option no. {n} is confirmed{order}.{pay}",
        )
    if option.state == m.WAITING_LIST:
        return (
            f"Your option no. {n} is on the waiting list",
            f"We could not grant your option no. {n} yet; it is on our waiting list and we will come "
            "back to you if places are released.",
        )
    if option.state in (m.REFUSAL_PENDING, m.REFUSED):
        return (
            f"Your option no. {n}",
            f"We are sorry: we cannot grant your option no. {n}.",
        )
    return f"Your option no. {n}", f"Your option no. {n} is {STATE_LABELS.get(option.state, option.state)}."


def _contact_address(option: Option, names: dict[str, Any]) -> str:
    address = names.get("contact_email")
    if not address:
        raise NotFound(
            f"Contact {option.contact_id} has no email address",
            {"contact_id": option.contact_id, "option_id": option.option_id},
        )
    return address


def confirmation_effect(option: Option) -> Effect | None:
    """The email telling the contact where their option stands (request received, placed, confirmed,
    waiting, refused), to write with the option's change; the worker draws the PDF summary when it
    sends. None (logged) for a contact without an address: the action stands without the email."""
    names = names_for(option)
    try:
        to = _contact_address(option, names)
    except NotFound:
        logger.warning("option confirmation not queued: no address", extra={"option_id": option.option_id})
        return None
    subject, opening = _confirmation_text(option, names)
    text = "\n".join(
        [
            f"Hello {names.get('contact') or option.contact_id},",
            "",
            opening,
            "",
            _show(option, names),
            *_places(option, names),
            "",
            "The summary of your option is attached.",
        ]
    )
    return mail.email_effect(
        option.org_id,
        to,
        f"{subject} - {_show(option, names)}",
        text,
        kind=CONFIRMATION,
        reference=reference(option),
        document={"document": "option_summary", "option_id": option.option_id},
    )


def send_confirmation(option: Option) -> OutboxEntry:
    """Queue the confirmation email on its own (an operator's "send again"); NotFound when the
    contact has no address."""
    _contact_address(option, names_for(option))
    effect = confirmation_effect(option)
    outbox.add([effect])
    return mail.entry_of(effect)


def summary_attachment(document: dict) -> Attachment:
    """The option's PDF summary as it stands when the outbox worker sends the email."""
    from chalicelib.options import repository

    option = repository.get(document["option_id"])
    names = names_for(option)
    pdf = summary_pdf(option, names.get("organisation") or option.org_id, names)
    return Attachment(filename(option), "application/pdf", pdf)


def send_expiry_notice(option: Option) -> OutboxEntry:
    """Email the contact that their option lapsed (its places went back on sale); no attachment.

    Conflict for an option that has not expired."""
    if option.state != m.EXPIRED:
        raise Conflict(
            f"Option {option.number} has not expired", {"option_id": option.option_id, "state": option.state}
        )
    names = names_for(option)
    to = _contact_address(option, names)
    lapsed = when(option.deadline, names.get("timezone") or zones.DEFAULT_ZONE)
    text = "\n".join(
        [
            f"Hello {names.get('contact') or option.contact_id},",
            "",
            f"Your option no. {option.number} was not confirmed in time and has expired"
            + (f" ({lapsed})." if lapsed else "."),
            "The places it held are back on sale. Contact us if you still wish to come.",
            "",
            _show(option, names),
            *_places(option, names),
        ]
    )
    return mail.send_email(
        option.org_id,
        to,
        f"Your option no. {option.number} has expired - {_show(option, names)}",
        text,
        kind=EXPIRED,
        reference=reference(option),
    )
