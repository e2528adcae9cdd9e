"""What the shop and the box office show of advantages: the codes entered on a cart, a performance's
advantage prices for the caller, a shopper's "my advantages", a contact's advantages at the box office."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.advantages import offers
from chalicelib.advantages.model import Advantage
from chalicelib.advantages.pricing import advantage_price
from chalicelib.catalog import service as catalog
from chalicelib.customers import service as customers
from chalicelib.sales import cart_advantages, cart_pricing, carts
from chalicelib.sales.carts import Buyer, PricedCart
from chalicelib.shop import service as shop


def enter_code(org_id: str, cart_id: str, buyer: Buyer, code: str) -> PricedCart:
    """A partner, single-use or promo code typed on the cart; refused (409 code_refused) naming why."""
    cart = carts.open_cart_of(org_id, cart_id, buyer)
    cart_advantages.enter_code(cart, code)
    return carts.save_priced(cart)


def remove_code(org_id: str, cart_id: str, buyer: Buyer, code: str) -> PricedCart:
    cart = carts.open_cart_of(org_id, cart_id, buyer)
    cart_advantages.remove_code(cart, code)
    return carts.save_priced(cart)


@dataclass(frozen=True)
class AdvantagePrice:
    seat_category_id: str
    audience_subcategory_id: str
    audience_name: str
    original_price: int
    amount: int


@dataclass(frozen=True)
class PerformanceAdvantage:
    advantage_id: str
    public_name: str
    description: str
    target_type: str
    prices: list[AdvantagePrice]


def performance_advantages(
    org_id: str, pos_code: str, performance_id: str, buyer: Buyer, cart_id: str | None = None
) -> tuple[str, list[PerformanceAdvantage]]:
    """The advantage prices the caller may use on this performance at this point of sale: everyone's,
    the shopper's (target lists, indicators), and, with their cart, what its codes unlock."""
    front = shop.shop_front(org_id, pos_code)
    shop.on_sale(front, performance_id)
    if cart_id:
        cart = carts.get_cart(org_id, cart_id, buyer)
        customer, unlocked = cart_advantages.customer_of(cart), cart_pricing.unlocked(cart)
    else:
        customer = _customer(org_id, buyer)
        unlocked = offers.Unlocked()
    facts = cart_pricing.facts(org_id, performance_id)
    prices = carts.price_list(org_id, performance_id)
    found = offers.usable(org_id, customer, unlocked, front.channel.id, facts)
    return prices.currency, [_priced(org_id, item, facts.event_id, prices) for item in found]


def _customer(org_id: str, buyer: Buyer) -> offers.Customer:
    if buyer.shopper_id:
        return customers.profile_of_shopper(org_id, buyer.shopper_id)
    return offers.Anyone()


def _audience_names(org_id: str) -> dict[str, str]:
    return {a.id: a.data["name"] for a in catalog.all_items(org_id, "audience_subcategory")}


def _priced(org_id: str, item: Advantage, event_id: str, prices) -> PerformanceAdvantage:
    names = _audience_names(org_id)
    rows = []
    categories = sorted({category for category, _ in prices.cells})
    for subcategory in offers.subcategories(item, event_id):
        rule = offers.rule_for(item, event_id, subcategory)
        for category in categories:
            base = prices.cells.get((category, subcategory))
            if base is None:
                full = prices.default_subcategory(category)
                base = prices.cells.get((category, full or ""))
            if base is None or rule is None:
                continue
            rows.append(
                AdvantagePrice(
                    category, subcategory, names.get(subcategory, ""), base, advantage_price(base, rule)
                )
            )
    return PerformanceAdvantage(item.advantage_id, item.public_name, item.description, item.target.type, rows)


def advantages_of_shopper(org_id: str, shopper_id: str) -> list[Advantage]:
    """'My advantages': those targeted at the shopper (their contact's lists, their indicators) and
    those open to everyone, in operation and not past their validity."""
    return offers.for_customer(org_id, customers.profile_of_shopper(org_id, shopper_id))


def advantages_of_contact(org_id: str, contact_id: str) -> list[Advantage]:
    """The box office's gift icon: what a contact may use when an operator sells for them."""
    catalog.get(org_id, "contact", contact_id)  # 404 for an unknown contact
    return offers.for_customer(org_id, customers.profile_of_contact(org_id, contact_id))
