"""The e-mails of ticket distribution, queued in the outbox with the ticket's change: the beneficiary's
e-ticket (its PDF drawn by the worker when it sends) and, to a former beneficiary, that theirs is void."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.catalog import zones
from chalicelib.outbox.model import Effect

if TYPE_CHECKING:
    from chalicelib.mail.service import Attachment
    from chalicelib.tickets.distribution import Beneficiary, Entry

# The attachment's document name (chalicelib/mail/service.py DOCUMENTS maps it to ticket_attachment).
DOCUMENT = "ticket"
GIVEN = "ticket_distribution"
WITHDRAWN = "ticket_withdrawn"


def _when(entry: Entry) -> str:
    return zones.local_text(str(entry.stored.ticket.document["starts_at"]), entry.zone)


def given_effect(entry: Entry, giver: str, beneficiary: Beneficiary, revision: int) -> Effect:
    """The beneficiary's e-mail with their e-ticket (one page, the barcode of `revision`)."""
    from chalicelib.mail.service import email_effect
    from chalicelib.sales.tickets import place_text

    ticket = entry.stored.ticket
    event = ticket.document["event_name"]
    text = "\n".join(
        [
            f"Hello {beneficiary.name},",
            "",
            f"{giver} gives you a ticket for {event}, {_when(entry)}.",
            f"Place: {place_text(ticket.document)}.",
            "",
            "Your e-ticket is attached, in your name: show its QR code at the entrance, on paper or on",
            "your phone. It admits one person once.",
        ]
    )
    return email_effect(
        ticket.org_id,
        beneficiary.email,
        f"Your ticket - {event}",
        text,
        kind=GIVEN,
        reference=ticket.order_id,
        document={"document": DOCUMENT, "ticket_id": ticket.ticket_id, "revision": revision},
    )


def withdrawn_effect(entry: Entry, giver: str, before: Beneficiary) -> Effect:
    """A former beneficiary is told that the ticket they received no longer admits anyone."""
    from chalicelib.mail.service import email_effect

    ticket = entry.stored.ticket
    event = ticket.document["event_name"]
    text = "\n".join(
        [
            f"Hello {before.name},",
            "",
            f"{giver} has taken back the ticket for {event}, {_when(entry)}, that was sent to you.",
            "Its QR code no longer admits anyone; please do not come with it.",
        ]
    )
    return email_effect(
        ticket.org_id,
        before.email,
        f"Ticket withdrawn - {event}",
        text,
        kind=WITHDRAWN,
        reference=ticket.order_id,
    )


def ticket_attachment(document: dict[str, Any]) -> Attachment:
    """One ticket's PDF, with its beneficiary's name, as it is now; obsolete when the ticket was given
    to someone else or taken back since the e-mail was queued (a newer e-mail carries it), or cancelled."""
    from chalicelib.mail.service import Attachment
    from chalicelib.outbox.service import Obsolete
    from chalicelib.sales import repository
    from chalicelib.sales.tickets import CANCELLED, ticket_pdf
    from chalicelib.tickets import distribution_store

    stored = distribution_store.read(document["ticket_id"])
    if stored is None or stored.ticket.status == CANCELLED:
        raise Obsolete("the ticket was cancelled before its e-mail went")
    if stored.revision != int(document["revision"]):
        raise Obsolete("the ticket was given to someone else or taken back before its e-mail went")
    order = repository.get_order(stored.ticket.order_id)
    pdf = ticket_pdf(order, [stored.ticket])
    return Attachment(f"ticket-{stored.ticket.ticket_id}.pdf", "application/pdf", pdf)
