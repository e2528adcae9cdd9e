"""A validated option's order for its company's relay: seen, paid by card or cancelled online where
the option's channel allows it (the box office takes it up otherwise: sales/box_office.py)."""

from __future__ import annotations

from chalicelib.errors import NotFound, PermissionDenied
from chalicelib.options.repository import Option
from chalicelib.options.requests import relay_contact
from chalicelib.options.store import get
from chalicelib.sales import orders, repository
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Order
from chalicelib.sales.reservations import BACK_OFFICE


def company_option(org_id: str, email: str, option_id: str) -> Option:
    """The relay's own option, or one of its company's; none other exists for them."""
    relay = relay_contact(org_id, email)
    option = get(org_id, option_id)
    company = relay.get("company_id")
    if option.contact_id != relay["id"] and not (company and option.company_id == company):
        raise NotFound(f"Option {option_id} does not exist", {"option_id": option_id})
    return option


def order_of(org_id: str, email: str, option_id: str) -> Order:
    option = company_option(org_id, email, option_id)
    if not option.order_id:
        raise NotFound(
            f"Option {option.number} has no order yet: it is ordered once the box office validates it",
            {"option_id": option_id, "state": option.state},
        )
    return repository.get_order(option.order_id)


def _buyer(order: Order) -> Buyer:
    if order.pos_id == BACK_OFFICE:
        raise PermissionDenied(
            "This reservation was made at the box office and is paid or cancelled there",
            {"order_id": order.order_id},
        )
    return Buyer(order.org_id, order.owner)


def pay(org_id: str, email: str, option_id: str) -> Order:
    """Start a card payment of the option's reservation (where its channel lets reservations be paid
    online); once paid, the option is taken up."""
    order = order_of(org_id, email, option_id)
    return orders.pay_online(org_id, order.order_id, _buyer(order))


def cancel(org_id: str, email: str, option_id: str) -> Order:
    """Cancel the option's reservation (where its channel allows it): the option is cancelled with it."""
    order = order_of(org_id, email, option_id)
    cancelled = orders.cancel_by_buyer(org_id, order.order_id, _buyer(order))
    get(org_id, option_id)  # reading it moves the option with its order
    return cancelled
