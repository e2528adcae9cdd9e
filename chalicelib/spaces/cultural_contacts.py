"""Cultural contacts: the buyers of a producer's event who agreed to be contacted (their profile's
consent), found from the list of each performance's buyers (chalicelib/sales/buyers.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib.auth import shoppers
from chalicelib.errors import NotFound
from chalicelib.inventory import holders
from chalicelib.reports.selection import Filters, performances
from chalicelib.sales import buyers, orders
from chalicelib.sales.model import PAID
from chalicelib.spaces.producer import event_of

# Order owners that are no shopper account: guests, the box office, contacts, subscriptions.
NOT_ACCOUNTS = ("guest-", "operator-", "contact-", "subscription-", "option-", "device-")
ADDRESS_PARTS = ("line1", "line2", "postal_code", "city", "country")


def _sold_orders(org_id: str, performance_id: str) -> set[str]:
    """The orders the performance's sold seats belong to: one read of the stock (five fields a seat)."""
    found = holders.seat_holders(org_id, performance_id)["holders"]
    return {h["order_id"] for h in found if h["kind"] == holders.ORDER and h.get("order_id")}


def cultural_contacts(org_id: str, company_id: str, event_id: str) -> dict[str, Any]:
    """The event's buyers with a shop account who agreed to be contacted, with what they bought."""
    event_of(org_id, company_id, event_id)
    tickets: dict[str, int] = defaultdict(int)
    bought: dict[str, set[str]] = defaultdict(set)
    for perf in performances(org_id, Filters(event_id=event_id)):
        # the orders kept since they were paid (seats and standing places alike)...
        listed = buyers.of_performance(perf.performance_id)
        for shopper_id, count in listed.values():
            tickets[shopper_id] += count
            bought[shopper_id].add(perf.performance_id)
        # ...and, for orders paid before that list was kept, those holding the performance's sold seats
        for order_id in sorted(_sold_orders(org_id, perf.performance_id) - set(listed)):
            try:
                order = orders.order_for_operator(org_id, order_id)
            except NotFound:
                continue
            if order.status != PAID or order.owner.startswith(NOT_ACCOUNTS):
                continue
            mine = [line for line in order.lines if line.performance_id == perf.performance_id]
            tickets[order.owner] += len(mine)
            bought[order.owner].add(perf.performance_id)
    agreed = [p for p in shoppers.profiles(org_id, list(bought)).values() if p.cultural_contact_consent]
    rows = [
        {
            "shopper_id": p.shopper_id,
            "name": p.name,
            "email": p.email,
            "phone": p.phone,
            "language": p.language,
            "address": p.address,
            "address_text": address_text(p.address),
            "consent_at": p.cultural_contact_consent_at,
            "performance_ids": sorted(bought[p.shopper_id]),
            "tickets": tickets[p.shopper_id],
        }
        for p in agreed
    ]
    rows.sort(key=lambda r: (r["name"].lower(), r["email"]))
    return {"event_id": event_id, "rows": rows, "totals": {"contacts": len(rows)}}


def address_text(address: dict[str, str] | None) -> str:
    return ", ".join(str(address[part]) for part in ADDRESS_PARTS if (address or {}).get(part))
