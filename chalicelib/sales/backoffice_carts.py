"""The back-office read of one cart: what a seat "in a cart" on the live stock is held by."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import NotFound
from chalicelib.owned import yours
from chalicelib.sales import carts, repository
from chalicelib.sales.carts import PricedCart
from chalicelib.sales.documents import Cart

GUEST_PREFIX = "guest-"
OPERATOR_PREFIX = "operator-"


@dataclass(frozen=True)
class Performance:
    """What the cart screen says about a performance a place is for (its times on the venue's clock)."""

    performance_id: str
    event_id: str
    event_name: str
    starts_at: str
    timezone: str


@dataclass(frozen=True)
class CartView:
    priced: PricedCart
    owner_kind: str  # guest | shopper | operator
    performances: list[Performance]
    category_names: dict[str, str]


def owner_kind(owner: str) -> str:
    """Who owns a cart: a guest (no account), an operator selling at the box office, or a shopper."""
    if owner.startswith(GUEST_PREFIX):
        return "guest"
    if owner.startswith(OPERATOR_PREFIX):
        return "operator"
    return "shopper"


def cart_for_operator(org_id: str, cart_id: str) -> Cart:
    """A cart of the operator's organisation, whoever owns it; another organisation's does not exist (404)."""
    return yours(lambda: repository.get_cart(cart_id), lambda cart: cart.org_id == org_id, "Cart", cart_id)


def _performance(org_id: str, performance_id: str) -> Performance:
    try:
        data = catalog.get(org_id, "performance", performance_id).data
        event = catalog.get(org_id, "event", data["event_id"]).data
        zone = zones.zone_of_performance(data, lambda kind, item_id: catalog.get(org_id, kind, item_id).data)
        return Performance(performance_id, data["event_id"], event["name"], str(data["starts_at"]), zone)
    except NotFound:  # the catalog lost it: the id alone, on the default clock
        return Performance(performance_id, "", performance_id, "", zones.DEFAULT_ZONE)


def cart_view(org_id: str, cart_id: str) -> CartView:
    """The cart priced as its buyer sees it, with who owns it and its performances' names and clocks."""
    cart = cart_for_operator(org_id, cart_id)
    performance_ids = list(dict.fromkeys(line.performance_id for line in cart.lines))
    wanted = {line.category_id for line in cart.lines if line.category_id}
    names = (
        {c.id: c.data["name"] for c in catalog.all_items(org_id, "seat_category") if c.id in wanted}
        if wanted
        else {}
    )
    return CartView(
        priced=carts.priced(cart),
        owner_kind=owner_kind(cart.owner),
        performances=[_performance(org_id, p) for p in performance_ids],
        category_names=names,
    )
