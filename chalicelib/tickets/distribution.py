"""Ticket distribution: a company's or agency's relay gives the tickets of its orders to beneficiaries.

A relay (a shop account acting for a relay contact, see chalicelib/auth/relays.py) reaches the orders
bought by its company's relays. Giving a ticket to a beneficiary (name, e-mail) issues it a new
barcode, voiding the one printed before (the buyer's copy), and e-mails the beneficiary their e-ticket
through the outbox in the same write. Until `beneficiary_change_hours` (the order's channel) before the
performance, on the venue's clock, the beneficiary may be changed or the ticket taken back, each time
with a new barcode; after it, 409 `beneficiary_change_closed` with the deadline. A scanned ticket is
neither given again nor taken back (409 `ticket_scanned`), nor is a cancelled one (409 `ticket_cancelled`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.auth.model import Shopper
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chalicelib.sales import repository as sales
from chalicelib.sales import tickets as sold
from chalicelib.sales.documents import Order
from chalicelib.tickets import barcodes, distribution_mail, distribution_store
from chalicelib.tickets.distribution_store import Change, Stored

DEFAULT_CHANGE_HOURS = 24  # SalesChannelSpec.beneficiary_change_hours' default
MAX_ORDERS = 50  # orders read at once (a listing, an export)
MAX_NAME = 100
# Refusals (details.reason of a 409).
CHANGE_CLOSED = "beneficiary_change_closed"
SCANNED = "ticket_scanned"
CANCELLED = "ticket_cancelled"
STARTED = "performance_started"


@dataclass(frozen=True)
class Relay:
    org_id: str
    shopper_id: str
    contact_id: str
    company_id: str | None
    name: str  # the company's name (the relay's own when it has none), told to beneficiaries


@dataclass(frozen=True)
class Beneficiary:
    name: str
    email: str


@dataclass(frozen=True)
class Entry:
    """A ticket as the relay's distribution page shows it."""

    stored: Stored
    order: Order
    zone: str
    deadline: datetime  # until then the beneficiary may be changed (UTC)
    locked: str | None  # why it cannot be given or changed now, or None


def relay_of(shopper: Shopper) -> Relay:
    """The relay the account acts for; PermissionDenied for any other shopper."""
    from chalicelib.auth import relays

    contact = relays.relay_contact_of(shopper)
    if contact is None:
        raise PermissionDenied(
            "Only a company's or agency's relay distributes tickets", {"reason": "not_a_relay"}
        )
    company_id = contact.get("company_id")
    name = contact.get("name") or shopper.name
    if company_id:
        with contextlib.suppress(NotFound):
            name = catalog.get(shopper.org_id, "company", company_id).data.get("name") or name
    return Relay(shopper.org_id, shopper.shopper_id, contact["id"], company_id, name)


def _company_of(org_id: str, shopper_id: str, seen: dict[str, str | None]) -> str | None:
    """The company a buyer's account acts for (None: not a relay)."""
    if shopper_id not in seen:
        from chalicelib.auth import relays
        from chalicelib.auth import repository as accounts

        try:
            contact = relays.relay_contact_of(accounts.get_shopper(org_id, shopper_id))
        except NotFound:
            contact = None
        seen[shopper_id] = (contact or {}).get("company_id")
    return seen[shopper_id]


def owns(relay: Relay, order: Order, seen: dict[str, str | None] | None = None) -> bool:
    """An order the relay bought, or another relay of the same company."""
    if order.org_id != relay.org_id:
        return False
    if order.owner == relay.shopper_id:
        return True
    if relay.company_id is None or not order.shopper_id:
        return False
    return _company_of(relay.org_id, order.shopper_id, {} if seen is None else seen) == relay.company_id


def order_of(relay: Relay, order_id: str) -> Order:
    """One of the company's orders; 404 for any other (its existence is not told)."""
    try:
        order = sales.get_order(order_id)
    except NotFound:
        order = None
    if order is None or not owns(relay, order):
        raise NotFound(f"Order {order_id} does not exist", {"order_id": order_id})
    return order


def orders_of(relay: Relay, order_ids: list[str] | None) -> list[Order]:
    """The orders named (each the company's), or the relay's latest paid orders."""
    if order_ids:
        if len(order_ids) > MAX_ORDERS:
            raise InvalidInput(
                f"At most {MAX_ORDERS} orders at once", {"field": "order_ids", "max": MAX_ORDERS}
            )
        return [order_of(relay, order_id) for order_id in dict.fromkeys(order_ids)]
    found, _ = sales.orders_of_buyer(relay.org_id, relay.shopper_id, MAX_ORDERS, None)
    return [order for order in found if order.status == "paid"]


def change_hours(order: Order) -> int:
    try:
        data = catalog.get(order.org_id, "sales_channel", order.channel_id).data
    except NotFound:
        return DEFAULT_CHANGE_HOURS
    return int(data.get("beneficiary_change_hours", DEFAULT_CHANGE_HOURS))


def change_deadline(starts_at: str, hours: int, zone: str) -> datetime:
    """`hours` before the start as the venue's clocks read it (across a daylight-saving change too)."""
    wall = zones.local(starts_at, zone).replace(tzinfo=None) - timedelta(hours=hours)
    return zones.at_wall_time(wall.date(), wall.time(), zone)


def entries(relay: Relay, orders: list[Order]) -> list[Entry]:
    """The orders' tickets with their beneficiaries and what may be done with them now."""
    ticket_ids = [line.ticket_id for order in orders for line in order.lines]
    stored = distribution_store.read_many(ticket_ids)
    found = []
    for order in orders:
        hours, zone_of = change_hours(order), {}
        for line in order.lines:
            if line.ticket_id not in stored:
                continue  # not issued (an order not paid)
            if line.performance_id not in zone_of:
                zone_of[line.performance_id] = sold.performance_zone(order.org_id, line.performance_id)
            found.append(entry_for(stored[line.ticket_id], order, zone_of[line.performance_id], hours))
    return found


def entry_for(stored: Stored, order: Order, zone: str, hours: int) -> Entry:
    starts_at = str(stored.ticket.document["starts_at"])
    deadline = change_deadline(starts_at, hours, zone)
    return Entry(stored, order, zone, deadline, _locked(stored, starts_at, deadline))


def _locked(stored: Stored, starts_at: str, deadline: datetime) -> str | None:
    if stored.ticket.status == sold.CANCELLED:
        return CANCELLED
    if stored.ticket.status == sold.USED:
        return SCANNED
    now = clock.now()
    if beneficiary_of(stored) is not None:
        return CHANGE_CLOSED if now >= deadline else None
    return STARTED if now >= zones.instant(starts_at) else None


def beneficiary_of(stored: Stored) -> Beneficiary | None:
    found = stored.ticket.document.get("beneficiary")
    return Beneficiary(found["name"], found["email"]) if found else None


def refusal(entry: Entry) -> Conflict:
    """The 409 telling why the entry's ticket cannot be changed now."""
    ticket_id = entry.stored.ticket.ticket_id
    if entry.locked == CHANGE_CLOSED:
        deadline = zones.local_iso(entry.deadline, entry.zone)
        return Conflict(
            f"The beneficiary could be changed until {deadline}",
            {"reason": CHANGE_CLOSED, "ticket_id": ticket_id, "deadline": deadline},
        )
    messages = {
        SCANNED: "This ticket was scanned at the entrance: it can no longer be given or taken back",
        CANCELLED: "This ticket was cancelled",
        STARTED: "The performance has started",
    }
    return Conflict(messages[entry.locked or ""], {"reason": entry.locked, "ticket_id": ticket_id})


def checked(name: str, email: str) -> Beneficiary:
    """A beneficiary's name and e-mail, trimmed; InvalidInput naming the field."""
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            f"A beneficiary's name has 1 to {MAX_NAME} characters", {"field": "name", "max_length": MAX_NAME}
        )
    local, at, domain = email.rpartition("@")
    spaced = any(c.isspace() for c in email)
    if not at or not local or "." not in domain.strip(".") or spaced or len(email) > 254:
        raise InvalidInput("The beneficiary's e-mail is not a valid address", {"field": "email"})
    return Beneficiary(name, email)


def change_for(entry: Entry, relay: Relay, beneficiary: Beneficiary | None) -> tuple[Change, list]:
    """The ticket's new document (new barcode, the beneficiary or none) and the emails it brings."""
    ticket, revision = entry.stored.ticket, entry.stored.revision + 1
    before = beneficiary_of(entry.stored)
    document: dict[str, Any] = {
        **ticket.document,
        "barcode": barcodes.issue(ticket.ticket_id, revision),
        "barcode_revision": revision,
        "holder": beneficiary.name if beneficiary else entry.order.name,
    }
    if beneficiary:
        document["beneficiary"] = {
            "name": beneficiary.name,
            "email": beneficiary.email,
            "at": clock.iso(),
            "by": relay.shopper_id,
        }
    else:
        document.pop("beneficiary", None)
    change = Change(ticket.ticket_id, entry.stored.revision, document)
    effects = []
    if beneficiary:
        effects.append(distribution_mail.given_effect(entry, relay.name, beneficiary, revision))
    if before and (beneficiary is None or before.email != beneficiary.email):
        effects.append(distribution_mail.withdrawn_effect(entry, relay.name, before))
    return change, effects


def entry_of(relay: Relay, ticket_id: str) -> Entry:
    stored = distribution_store.read(ticket_id)
    order = None
    if stored is not None and stored.ticket.org_id == relay.org_id:
        try:
            order = order_of(relay, stored.ticket.order_id)
        except NotFound:
            order = None
    if stored is None or order is None:
        raise NotFound(f"Ticket {ticket_id} does not exist", {"ticket_id": ticket_id})
    zone = sold.performance_zone(order.org_id, stored.ticket.performance_id)
    return entry_for(stored, order, zone, change_hours(order))


def give(shopper: Shopper, ticket_id: str, name: str, email: str) -> Entry:
    """Give the ticket to a beneficiary, or change its beneficiary: a new barcode, an e-mail."""
    relay = relay_of(shopper)
    beneficiary = checked(name, email)
    entry = entry_of(relay, ticket_id)
    if beneficiary_of(entry.stored) == beneficiary:
        return entry  # given to this person already: nothing changes, no second e-mail
    if entry.locked:
        raise refusal(entry)
    change, effects = change_for(entry, relay, beneficiary)
    distribution_store.apply([change], effects)
    return entry_of(relay, ticket_id)


def take_back(shopper: Shopper, ticket_id: str) -> Entry:
    """Take the ticket back from its beneficiary: their barcode is void, the buyer's ticket a new one."""
    relay = relay_of(shopper)
    entry = entry_of(relay, ticket_id)
    if entry.locked:
        raise refusal(entry)
    if beneficiary_of(entry.stored) is None:
        return entry
    change, effects = change_for(entry, relay, None)
    distribution_store.apply([change], effects)
    return entry_of(relay, ticket_id)


def listing(shopper: Shopper, order_ids: list[str] | None) -> list[Entry]:
    relay = relay_of(shopper)
    return entries(relay, orders_of(relay, order_ids))
