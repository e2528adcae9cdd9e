"""What operators do with sales: search orders, gift vouchers."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from chalicelib import clock
from chalicelib.catalog import organisation, zones
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.sales import repository
from chalicelib.sales.documents import Order
from chalicelib.sales.order_store import REFERENCE_ALPHABET

MAX_SEARCH_DAYS = 31


def search_orders(
    org_id: str,
    *,
    reference: str | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    status: str | None = None,
    email: str | None = None,
    performance_id: str | None = None,
    limit: int = 100,
) -> list[Order]:
    """Orders of the organisation, newest first: by reference (one read) or by day range and filters.

    Days are the organisation's (its time zone's midnight to midnight); orders are indexed by UTC day,
    so the UTC days a local span overlaps are read and the orders outside it left out."""
    if reference:
        try:
            order = repository.get_order(reference.strip().upper())
        except NotFound:
            return []
        return [order] if order.org_id == org_id else []
    zone = organisation.time_zone(org_id)
    today = zones.local_date(clock.now(), zone)
    day_to = day_to or today
    day_from = day_from or day_to - timedelta(days=6)
    if day_from > day_to:
        raise InvalidInput("day_from must not be after day_to", {"field": "day_from"})
    if (day_to - day_from).days >= MAX_SEARCH_DAYS:
        raise InvalidInput(f"Search at most {MAX_SEARCH_DAYS} days at a time", {"field": "day_from"})
    wanted_email = email.strip().lower() if email else None
    start, end = zones.local_days_span(day_from, day_to, zone)
    found: list[Order] = []
    day, oldest = (end - timedelta(microseconds=1)).date(), start.date()
    while day >= oldest and len(found) < limit:
        for order in reversed(repository.orders_of_day(org_id, day.isoformat())):
            if not start <= zones.instant(order.created_at) < end:
                continue
            if status and order.status != status:
                continue
            if wanted_email and wanted_email not in order.email.lower():
                continue
            if performance_id and all(line.performance_id != performance_id for line in order.lines):
                continue
            found.append(order)
        day -= timedelta(days=1)
    return found[:limit]


def create_voucher(
    org_id: str, amount: int, currency: str, expires_on: date | None, code: str | None
) -> dict:
    """A gift voucher worth `amount`; without a code, an unguessable one is made."""
    code = code or "GV-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    repository.create_voucher(org_id, code, amount, currency, expires_on.isoformat() if expires_on else None)
    return get_voucher(org_id, code)


def get_voucher(org_id: str, code: str) -> dict:
    voucher = repository.get_voucher(org_id, code)
    if voucher is None:
        raise NotFound(f"Gift voucher {code} does not exist", {"code": code})
    return voucher
