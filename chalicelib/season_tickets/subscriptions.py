"""Subscriptions: the season tickets sold, kept up to date from their orders by the outbox.

Every change of an order that holds season-ticket places (paid, cancelled, expired) writes a
`season_tickets` outbox effect in the order's own transaction (sales.order_effects.figures_effects); the
worker reads the order and writes one subscription per season ticket in it (keyed by its package id,
so a repeat changes nothing), and on payment gives the buyer the product's subscriber quality.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.catalog.season_ticket_kinds import SeasonTicketSpec
from chalicelib.customers import service as customers
from chalicelib.db.conditions import store_errors
from chalicelib.db.cursors import decode_key, encode_key
from chalicelib.db.season_tickets import SubscriptionItem, subscriptions_pk
from chalicelib.errors import NotFound
from chalicelib.sales import repository as sales
from chalicelib.sales.documents import Order

ACTIVE, CANCELLED = "active", "cancelled"
_STATUS = {"paid": ACTIVE, "cancelled": CANCELLED, "expired": CANCELLED, "refunded": CANCELLED}


def packages_of(order: Order) -> dict[str, list]:
    """The order's season tickets: package id -> its lines."""
    found: dict[str, list] = defaultdict(list)
    for line in order.lines:
        if line.package:
            found[line.package["package_id"]].append(line)
    return found


def project_effect(org_id: str, payload: dict[str, Any], _item: Any = None) -> dict[str, Any]:
    """The outbox handler: the order's subscriptions follow its status; a paid one grants the quality."""
    order = sales.get_order(payload["order_id"])
    status = _STATUS.get(order.status)
    if status is None:
        return {"skipped": order.status}
    written = 0
    for package_id, lines in packages_of(order).items():
        _save(order, package_id, lines, status)
        written += 1
        if status == ACTIVE:
            _grant(order, lines[0].package["season_ticket_id"])
    return {"subscriptions": written, "status": status}


@store_errors
def _save(order: Order, package_id: str, lines: list, status: str) -> None:
    first = lines[0]
    season_ticket_id = first.package["season_ticket_id"]
    categories = [line.category_id for line in lines]
    SubscriptionItem(
        subscriptions_pk(order.org_id, season_ticket_id),
        package_id,
        org_id=order.org_id,
        season_ticket_id=season_ticket_id,
        package_id=package_id,
        order_id=order.order_id,
        status=status,
        buyer_name=order.name,
        email=order.email,
        contact_id=order.contact_id,
        shopper_id=order.shopper_id,
        audience_subcategory_id=first.audience_subcategory_id,
        seat_category_id=max(set(categories), key=categories.count) if categories else None,
        total=sum(line.unit_price for line in lines),
        created_at=order.created_at,
        performances=[
            {
                "line_id": line.package.get("line_id"),
                "performance_id": line.performance_id,
                "seat_category_id": line.category_id,
                "seat_id": line.seat_id,
                "amount": line.unit_price,
                "ticket_id": line.ticket_id,
            }
            for line in lines
        ],
    ).save()


def _grant(order: Order, season_ticket_id: str) -> None:
    try:
        product = catalog.parsed(order.org_id, "season_ticket", season_ticket_id)
    except NotFound:
        return
    assert isinstance(product, SeasonTicketSpec)
    if not (product.grant_subscriber and product.subscriber_indicator_id and product.subscriber_level_id):
        return
    contact_id = order.contact_id
    if contact_id is None and order.shopper_id is None:
        return  # a guest has no record to carry a quality
    customers.grant(
        order.org_id,
        contact_id=contact_id,
        shopper_id=None if contact_id else order.shopper_id,
        indicator_id=product.subscriber_indicator_id,
        level=product.subscriber_level_id,
    )


@store_errors
def subscriptions(
    org_id: str, season_ticket_id: str, limit: int = 100, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """A product's subscriptions, a page at a time."""
    catalog.get(org_id, "season_ticket", season_ticket_id)  # 404 for an unknown product
    pk = subscriptions_pk(org_id, season_ticket_id)
    page = SubscriptionItem.query(pk, limit=limit, last_evaluated_key=decode_key(cursor, fixed={"pk": pk}))
    items = [_public(item) for item in page]
    return items, encode_key(page.last_evaluated_key)


def _public(item: SubscriptionItem) -> dict[str, Any]:
    return {
        "subscription_id": item.package_id,
        "season_ticket_id": item.season_ticket_id,
        "order_id": item.order_id,
        "status": item.status,
        "buyer_name": item.buyer_name,
        "email": item.email,
        "contact_id": item.contact_id,
        "shopper_id": item.shopper_id,
        "audience_subcategory_id": item.audience_subcategory_id,
        "seat_category_id": item.seat_category_id,
        "total": int(item.total),
        "created_at": item.created_at,
        "performances": item.performances or [],
    }
