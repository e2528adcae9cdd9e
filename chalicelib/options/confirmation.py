"""What an operator confirms with a placement: the option rate (audience subcategory) and the
contact's reservation the option is validated into."""

from __future__ import annotations

from chalicelib.catalog import service as catalog
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.options.repository import Option


def check_audience(org_id: str, audience_subcategory_id: str) -> None:
    try:
        catalog.get(org_id, "audience_subcategory", audience_subcategory_id)
    except NotFound:
        details = {"field": "audience_subcategory_id", "value": audience_subcategory_id}
        raise InvalidInput("No such audience subcategory", details) from None


def check_into_order(option: Option, order_id: str | None) -> None:
    """The order chosen at confirmation is a reservation of the same contact, not yet paid."""
    if not order_id:
        return
    from chalicelib.sales import repository as sales

    try:
        order = sales.get_order(order_id)
    except NotFound:
        order = None
    if order is None or order.org_id != option.org_id or order.owner != f"contact-{option.contact_id}":
        raise InvalidInput("No reservation of this contact has this number", {"field": "order_id"})
    if order.status != "reservation":
        raise InvalidInput(
            f"Order {order_id} is {order.status}: choose a reservation not yet paid, or a new order",
            {"field": "order_id", "status": order.status},
        )
