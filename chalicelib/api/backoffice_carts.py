"""Back-office read of one cart: who holds a seat "in a cart" on the live stock, and what they hold."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.routing import Api, Out
from chalicelib.api.sales_models import CartOut, cart_out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.sales import backoffice_carts

api = Api(__name__, tag="back-office: orders", shared_catalog_reads=True)
blueprint = api.blueprint

READ = Right("orders", "read")


class CartPerformanceOut(Out):
    performance_id: str
    event_id: str = Field(description="Empty when the catalog lost the performance")
    event_name: str
    starts_at: str = Field(
        description="As the catalog stores it; empty when the catalog lost the performance"
    )
    timezone: str = Field(description="The IANA time zone of the performance's venue")


class CartDetail(Out):
    cart: CartOut
    owner_kind: Literal["guest", "shopper", "operator"] = Field(
        description="guest: no account; shopper: a shop account; operator: sold at the box office"
    )
    created_at: str
    pos_id: str
    performances: list[CartPerformanceOut]
    category_names: dict[str, str] = Field(description="Seat category id -> name, for the cart's places")


@api.route(
    "/backoffice/carts/{cart_id}",
    summary="A cart of the organisation, priced, with who owns it",
    auth=READ,
    response=CartDetail,
)
def cart_detail(caller: OperatorCaller, cart_id: str) -> CartDetail:
    view = backoffice_carts.cart_view(caller.org_id, cart_id)
    cart = view.priced.cart
    return CartDetail(
        cart=cart_out(view.priced),
        owner_kind=view.owner_kind,
        created_at=cart.created_at,
        pos_id=cart.pos_id,
        performances=[CartPerformanceOut(**vars(p)) for p in view.performances],
        category_names=view.category_names,
    )
