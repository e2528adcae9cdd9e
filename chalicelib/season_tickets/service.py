"""Season tickets as other contexts and the routes use them: the products a shop sells, what a shopper
is offered, holding a season ticket into a cart, and the subscriptions sold."""

from __future__ import annotations

from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.catalog.season_ticket_kinds import SeasonTicketSpec, SeasonTicketStatus
from chalicelib.sales import carts
from chalicelib.sales.carts import Buyer, PricedCart
from chalicelib.season_tickets import holding, offers, subscriptions
from chalicelib.shop import service as shop


def products_on_sale(org_id: str, pos_code: str) -> list[dict[str, Any]]:
    """The season tickets on sale, with the audience subcategories and seat categories they price."""
    shop.shop_front(org_id, pos_code)  # 404 for an unknown point of sale
    names = {
        kind: {i.id: i.data["name"] for i in catalog.all_items(org_id, kind)}
        for kind in ("seat_category", "audience_subcategory")
    }
    found = []
    for stored in catalog.all_items(org_id, "season_ticket", status=SeasonTicketStatus.ON_SALE.value):
        spec = catalog.spec_of(stored)
        assert isinstance(spec, SeasonTicketSpec)
        cells = {(p.seat_category_id, p.audience_subcategory_id) for line in spec.lines for p in line.prices}
        found.append(
            {
                "season_ticket_id": stored.id,
                "code": spec.code,
                "name": spec.name,
                "description": spec.description,
                "season_id": spec.season_id,
                "min_lines": spec.min_lines,
                "max_lines": spec.max_lines,
                "same_seat": spec.same_seat,
                "allow_category_change": spec.allow_category_change,
                "lines": len(spec.lines),
                "seat_categories": _named(names["seat_category"], {c for c, _ in cells}),
                "audience_subcategories": _named(names["audience_subcategory"], {a for _, a in cells}),
            }
        )
    return sorted(found, key=lambda p: (p["name"], p["season_ticket_id"]))


def _named(names: dict[str, str], ids: set[str]) -> list[dict[str, str]]:
    return [{"id": i, "name": names.get(i, i)} for i in sorted(ids, key=lambda i: names.get(i, i))]


offer = offers.offer  # the product with every line's performances in the chosen category


def hold(org_id: str, cart_id: str, buyer: Buyer, request: holding.SeasonTicketRequest) -> PricedCart:
    """Hold the season ticket's seats in every chosen performance, all or none, into the buyer's cart."""
    cart = carts.open_cart_of(org_id, cart_id, buyer)
    pos_code = carts.rules_for(org_id, cart.pos_id).pos_code
    return holding.hold_season_ticket(org_id, cart_id, buyer, pos_code, request)


def subscriptions_of(
    org_id: str, season_ticket_id: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    return subscriptions.subscriptions(org_id, season_ticket_id, limit, cursor)
