"""Advantages in the shop and at the box office: codes on a cart, a performance's advantage prices for
the caller, "my advantages", and the advantages a contact may use (the box office's gift icon)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from chalicelib.advantages.model import Advantage
from chalicelib.api.routing import BUYER, SHOPPER, Api, Body, Out
from chalicelib.api.sales_models import CartOut, cart_out
from chalicelib.api.shop_sales import CART, Id, buyer_of
from chalicelib.auth.model import OperatorCaller, Right, ShopperCaller
from chalicelib.sales import advantage_offers

api = Api(__name__, tag="shop: advantages", shared_catalog_reads=True)
blueprint = api.blueprint

TypedCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^\s*[A-Za-z0-9-]+\s*$")]


class CodeIn(Body):
    code: TypedCode = Field(description="A partner, single-use or promo code; compared without case")


@api.route(
    CART + "/codes",
    "POST",
    summary="Enter a partner, single-use or promo code on my cart",
    auth=BUYER,
    body=CodeIn,
    response=CartOut,
)
def enter_code(caller, org_id: str, cart_id: str, body: CodeIn) -> CartOut:
    return cart_out(advantage_offers.enter_code(org_id, cart_id, buyer_of(caller), body.code))


@api.route(
    CART + "/codes/{code}",
    "DELETE",
    summary="Take a code off my cart (a single-use code is given back)",
    auth=BUYER,
    response=CartOut,
)
def remove_code(caller, org_id: str, cart_id: str, code: str) -> CartOut:
    return cart_out(advantage_offers.remove_code(org_id, cart_id, buyer_of(caller), code))


class AdvantagePriceOut(Out):
    seat_category_id: str
    audience_subcategory_id: str
    audience_name: str
    original_price: int = Field(description="The price grid's (minor units)")
    amount: int = Field(description="With the advantage (minor units)")


class PerformanceAdvantageOut(Out):
    advantage_id: str
    public_name: str
    description: str
    target_type: str
    prices: list[AdvantagePriceOut]


class PerformanceAdvantagesOut(Out):
    currency: str
    advantages: list[PerformanceAdvantageOut]


class CartQuery(Body):
    cart_id: Id | None = Field(default=None, description="My cart: include what its codes unlock")


@api.route(
    "/shop/{org_id}/pos/{pos_code}/performances/{performance_id}/advantages",
    summary="The advantage prices I may use on this performance",
    auth=BUYER,
    query=CartQuery,
    response=PerformanceAdvantagesOut,
)
def performance_advantages(caller, org_id: str, pos_code: str, performance_id: str, query: CartQuery):
    currency, found = advantage_offers.performance_advantages(
        org_id, pos_code, performance_id, buyer_of(caller), query.cart_id
    )
    return PerformanceAdvantagesOut(
        currency=currency,
        advantages=[
            PerformanceAdvantageOut(
                advantage_id=a.advantage_id,
                public_name=a.public_name,
                description=a.description,
                target_type=a.target_type,
                prices=[AdvantagePriceOut(**vars(p)) for p in a.prices],
            )
            for a in found
        ],
    )


class MyAdvantageOut(Out):
    advantage_id: str
    public_name: str
    description: str
    target_type: str
    event_ids: list[str]
    performance_ids: list[str]
    valid_from: datetime | None
    valid_until: datetime | None


class MyAdvantagesOut(Out):
    advantages: list[MyAdvantageOut]


def _mine(found: list[Advantage]) -> MyAdvantagesOut:
    return MyAdvantagesOut(
        advantages=[
            MyAdvantageOut(
                advantage_id=a.advantage_id,
                public_name=a.public_name,
                description=a.description,
                target_type=a.target.type,
                event_ids=a.event_ids,
                performance_ids=a.performance_ids,
                valid_from=a.valid_from,
                valid_until=a.valid_until,
            )
            for a in found
        ]
    )


@api.route(
    "/shop/{org_id}/account/advantages",
    summary="My advantages: those for my contact's lists and indicators, and everyone's",
    auth=SHOPPER,
    response=MyAdvantagesOut,
)
def my_advantages(caller: ShopperCaller, org_id: str) -> MyAdvantagesOut:
    return _mine(advantage_offers.advantages_of_shopper(org_id, caller.buyer_id))


@api.route(
    "/backoffice/contacts/{contact_id}/advantages",
    summary="The advantages a contact may use (the box office's gift icon)",
    auth=Right("orders", "read"),
    response=MyAdvantagesOut,
)
def contact_advantages(caller: OperatorCaller, contact_id: str) -> MyAdvantagesOut:
    return _mine(advantage_offers.advantages_of_contact(caller.org_id, contact_id))
