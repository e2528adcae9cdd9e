"""E-tickets: the PDF of an order's tickets (with their beneficiaries), and ticket control at the entrance."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import NotFound
from chalicelib.sales import ticket_repository
from chalicelib.sales.documents import Order, Ticket

VALID = "valid"
USED = "used"
CANCELLED = "cancelled"
# Answers of ticket control.
ADMIT = "valid"
ALREADY_USED = "already_used"
UNKNOWN = "unknown"
REFUSED_CANCELLED = "cancelled"
WRONG_PERFORMANCE = "wrong_performance"
# Recorded on the ticket (answered as unknown): a barcode the ticket had before it was given to a
# beneficiary, or given to another one.
VOIDED = "voided"


def place_text(document: dict) -> str:
    """Where the ticket admits: "L, row B, seat 4" or "Standing: PIT"."""
    if document.get("seat_id"):
        parts = [document.get("block"), f"row {document.get('row')}", f"seat {document.get('number')}"]
        return ", ".join(p for p in parts if p)
    return f"Standing: {document.get('area') or ''}"


def performance_zone(org_id: str, performance_id: str) -> str:
    """The time zone of the performance's venue (the default zone should the catalog have lost it)."""
    try:
        performance = catalog.get(org_id, "performance", performance_id).data
        return zones.zone_of_performance(
            performance, lambda kind, item_id: catalog.get(org_id, kind, item_id).data
        )
    except NotFound:
        return zones.DEFAULT_ZONE


def ticket_pdf(order: Order, tickets: list[Ticket]) -> bytes:
    from chalicelib.tickets.pdf import PrintedTicket, TicketSheet, render

    try:
        organisation = catalog_org_name(order.org_id)
    except Exception:  # noqa: BLE001 - a name on paper is not worth failing the tickets for
        organisation = order.org_id
    zone = {p: performance_zone(order.org_id, p) for p in {t.performance_id for t in tickets}}
    printed = [
        PrintedTicket(
            barcode=t.document["barcode"],
            event_name=t.document["event_name"],
            starts_at=zones.local_text(str(t.document["starts_at"]), zone[t.performance_id]),
            venue=t.document.get("venue") or "",
            place=place_text(t.document),
            category=t.document.get("category_name") or "",
            audience=t.document.get("audience_name") or "",
            price=f"{int(t.document.get('unit_price') or 0) / 100:.2f} {order.currency}",
            beneficiary=beneficiary_name(t.document),
        )
        for t in tickets
        if t.status != CANCELLED
    ]
    return render(TicketSheet(organisation, order.order_id, order.name, printed))


def beneficiary_name(document: dict) -> str:
    """The name of the person a ticket was given to (ticket distribution), or ""."""
    return str((document.get("beneficiary") or {}).get("name") or "")


def catalog_org_name(org_id: str) -> str:
    from chalicelib.auth import repository as accounts

    return accounts.organisation_name(org_id)


@dataclass(frozen=True)
class ScanResult:
    result: str
    ticket_id: str | None
    order_id: str | None
    performance_id: str | None
    used_at: str | None
    place: str | None
    holder: str | None


def _entry_counted(ticket) -> list:
    """The sales figures count the entry (the order's scans) once the ticket is admitted; a ticket
    bought with a single-use code counts the code as scanned on the codes' dashboard."""
    from chalicelib.advantages import dashboard
    from chalicelib.sales.order_effects import figures_of

    effects = figures_of(ticket.org_id, ticket.order_id)
    code, advantage_id = ticket.document.get("code"), ticket.document.get("advantage_id")
    if code and advantage_id and ticket.document.get("code_kind") == "single_use":
        effects += dashboard.scanned_effects(ticket.org_id, advantage_id, code)
    return effects


def scan(
    org_id: str, barcode: str, performance_id: str | None, gate: str | None, operator: str
) -> ScanResult:
    """Control one ticket: valid (and now used), already used, cancelled, unknown, wrong performance.

    A barcode the ticket no longer carries (it was given to a beneficiary since, who got a new one)
    answers unknown; the attempt is recorded on the ticket as voided."""
    from chalicelib.tickets import barcodes, distribution_store

    carried = barcodes.decode(barcode.strip())
    stored = distribution_store.read(carried.ticket_id) if carried else None
    if carried is None or stored is None or stored.ticket.org_id != org_id:
        return ScanResult(UNKNOWN, None, None, None, None, None, None)
    ticket = stored.ticket
    at = clock.iso()
    entry = {"at": at, "gate": gate or "", "by": operator}
    if carried.revision != stored.revision:
        refused = {**entry, "result": VOIDED, "revision": carried.revision}
        ticket_repository.record_scan(ticket.ticket_id, refused, admit=False)
        return ScanResult(UNKNOWN, None, None, None, None, None, None)

    def answer(result: str, used_at: str | None = ticket.used_at) -> ScanResult:
        return ScanResult(
            result,
            ticket.ticket_id,
            ticket.order_id,
            ticket.performance_id,
            used_at,
            place_text(ticket.document),
            ticket.document.get("holder"),
        )

    if performance_id and ticket.performance_id != performance_id:
        ticket_repository.record_scan(ticket.ticket_id, {**entry, "result": WRONG_PERFORMANCE}, admit=False)
        return answer(WRONG_PERFORMANCE)
    if ticket.status == CANCELLED:
        ticket_repository.record_scan(ticket.ticket_id, {**entry, "result": REFUSED_CANCELLED}, admit=False)
        return answer(REFUSED_CANCELLED)
    admitted = ticket.status == VALID and distribution_store.admit(
        ticket.ticket_id, stored.revision, {**entry, "result": ADMIT}, effects=_entry_counted(ticket)
    )
    if admitted:
        return answer(ADMIT, at)
    again = distribution_store.read(ticket.ticket_id)
    if again is not None and again.ticket.status == CANCELLED:
        return answer(REFUSED_CANCELLED)
    if again is not None and again.revision != stored.revision:
        # given to a beneficiary while this barcode was being read: it no longer admits
        refused = {**entry, "result": VOIDED, "revision": carried.revision}
        ticket_repository.record_scan(ticket.ticket_id, refused, admit=False)
        return ScanResult(UNKNOWN, None, None, None, None, None, None)
    # used before, or admitted at another gate a moment ago: this scan is recorded as refused
    ticket_repository.record_scan(ticket.ticket_id, {**entry, "result": ALREADY_USED}, admit=False)
    return answer(ALREADY_USED, again.ticket.used_at if again else None)
