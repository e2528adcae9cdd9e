"""Emails of the waiting list, written in the outbox with the change that causes them."""

from __future__ import annotations

from chalicelib import config
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import NotFound
from chalicelib.mail.service import email_effect
from chalicelib.outbox.model import Effect
from chalicelib.waiting_list.model import Entry


def offer_link(entry: Entry) -> str:
    """Where the shopper takes the offer: the shop's page when the point of sale has an address (it
    calls the API's offer route), else the API's route itself."""
    try:
        url = (
            catalog.get_by_code(entry.org_id, "point_of_sale", entry.pos_code).data.get("url") or ""
        ).rstrip("/")
    except NotFound:
        url = ""
    if url:
        return f"{url}/waiting-list/{entry.performance_id}/offer"
    return f"{config.public_url()}/shop/{entry.org_id}/account/waiting-list/{entry.performance_id}/offer"


def _performance(entry: Entry) -> tuple[str, str, str]:
    """The event's name, the performance's start on the venue's clock, and the venue's time zone."""
    try:
        performance = catalog.get(entry.org_id, "performance", entry.performance_id).data
        name = catalog.get(entry.org_id, "event", performance["event_id"]).data.get("name", "")
    except NotFound:
        return "", "", zones.DEFAULT_ZONE
    zone = catalog.performance_zone(entry.org_id, performance)
    return name, zones.local_text(performance["starts_at"], zone), zone


def offer_effect(entry: Entry) -> Effect:
    assert entry.offer is not None and entry.email
    name, when, zone = _performance(entry)
    seats = ", ".join(
        " ".join(
            part for part in (s.block, s.row and f"row {s.row}", s.number and f"seat {s.number}") if part
        )
        for s in entry.offer.seats
    )
    held = seats or f"standing, {entry.offer.area}"
    expires = zones.local_text(entry.offer.expires_at, zone)
    text = "\n".join(
        [
            f"Hello {entry.name or ''},",
            "",
            f"Places came back for {name}, {when}: {entry.offer.quantity} are held for you ({held}).",
            f"Open this link to buy them before {expires}:",
            offer_link(entry),
            "",
            "After that time they go to the next person on the waiting list.",
        ]
    )
    return email_effect(
        entry.org_id,
        entry.email,
        f"Seats for {name} are held for you",
        text,
        kind="waiting_list_offer",
        reference=entry.entry_id,
    )


def cancelled_effect(entry: Entry) -> Effect:
    assert entry.email
    name, when, _ = _performance(entry)
    text = "\n".join(
        [
            f"Hello {entry.name or ''},",
            "",
            f"The performance of {name} on {when} is cancelled: its waiting list is closed.",
            "You have nothing to do; we are sorry.",
        ]
    )
    return email_effect(
        entry.org_id,
        entry.email,
        f"{name}: performance cancelled",
        text,
        kind="waiting_list_closed",
        reference=entry.entry_id,
    )
