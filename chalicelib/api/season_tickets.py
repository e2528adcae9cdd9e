"""Season tickets over HTTP: the shop's products, a shopper's offer and the hold into a cart; the back
office's subscriptions (rights area `season_tickets`). The products themselves are catalog items:
/backoffice/season-tickets."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.api.routing import BUYER, PUBLIC, Api, Body, Out
from chalicelib.api.sales_models import CartOut, cart_out
from chalicelib.api.shop_sales import buyer_of
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.season_tickets import service
from chalicelib.season_tickets.holding import Chosen, SeasonTicketRequest

api = Api(__name__, tag="season tickets", shared_catalog_reads=True)
blueprint = api.blueprint

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
SeatId = Annotated[str, Field(min_length=1, max_length=64)]
SHOP = "/shop/{org_id}/pos/{pos_code}/season-tickets"
READ = Right("season_tickets", "read")


class Named(Out):
    id: str
    name: str


class ProductOut(Out):
    season_ticket_id: str
    code: str
    name: str
    description: str
    season_id: str
    min_lines: int
    max_lines: int
    same_seat: bool
    allow_category_change: bool
    lines: int
    seat_categories: list[Named]
    audience_subcategories: list[Named]


class ProductsOut(Out):
    items: list[ProductOut]


@api.route(SHOP, summary="Season tickets on sale at this point of sale", auth=PUBLIC, response=ProductsOut)
def list_season_tickets(_caller: None, org_id: str, pos_code: str) -> ProductsOut:
    return ProductsOut(items=[ProductOut(**p) for p in service.products_on_sale(org_id, pos_code)])


class OfferQuery(Body):
    audience_subcategory_id: Id
    seat_category_id: Id
    quantity: int = Field(default=1, ge=1, le=10)


class AlternativeOut(Out):
    seat_category_id: str
    name: str
    rank: int
    free: int
    unit_price: int
    difference: int = Field(description="What the season ticket costs more (or less, below zero) with it")


class PerformanceOfferOut(Out):
    performance_id: str
    starts_at: str
    starts_at_local: str = Field(description="In the venue's time zone, ISO 8601 with its offset")
    timezone: str
    status: str = Field(description="available | full | not_on_sale (in the chosen seat category)")
    free: int
    unit_price: int | None
    category_change_allowed: bool
    message: str | None = Field(default=None, description='e.g. "Cat 6 full, choose an alternative"')
    alternatives: list[AlternativeOut] = Field(
        description="When full and allowed: the two nearest categories above and the one below with seats"
    )


class LineOfferOut(Out):
    line_id: str
    name: str
    event_id: str
    event_name: str
    choice: str = Field(description="mandatory | optional")
    category_change_allowed: bool
    performances: list[PerformanceOfferOut]


class OfferOut(Out):
    season_ticket_id: str
    code: str
    name: str
    description: str
    audience_subcategory_id: str
    seat_category_id: str
    quantity: int
    min_lines: int
    max_lines: int
    same_seat: bool
    allow_category_change: bool
    lines: list[LineOfferOut]


@api.route(
    SHOP + "/{season_ticket_id}",
    summary="A season ticket's lines and performances, with availability in the chosen seat category",
    auth=PUBLIC,
    query=OfferQuery,
    response=OfferOut,
)
def get_season_ticket_offer(
    _caller: None, org_id: str, pos_code: str, season_ticket_id: str, query: OfferQuery
) -> OfferOut:
    return OfferOut.model_validate(
        service.offer(
            org_id,
            pos_code,
            season_ticket_id,
            query.audience_subcategory_id,
            query.seat_category_id,
            query.quantity,
        )
    )


class ChosenIn(Body):
    line_id: Annotated[str, Field(min_length=1, max_length=32)]
    performance_id: Id
    seat_category_id: Id | None = Field(
        default=None, description="An alternative category for this performance (when allowed and offered)"
    )
    seat_ids: list[SeatId] = Field(
        default_factory=list,
        max_length=10,
        description="Seats named for this performance (a same-seat alternative); default: picked for you",
    )


class SeasonTicketIn(Body):
    season_ticket_id: Id
    audience_subcategory_id: Id
    seat_category_id: Id
    quantity: int = Field(default=1, ge=1, le=10, description="How many season tickets (one seat each)")
    performances: list[ChosenIn] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _performances_once(self) -> SeasonTicketIn:
        ids = [p.performance_id for p in self.performances]
        if len(set(ids)) != len(ids):
            raise ValueError("a performance is chosen twice")
        return self


@api.route(
    "/shop/{org_id}/carts/{cart_id}/season-tickets",
    "POST",
    summary="Hold a season ticket's seats in every chosen performance, all or none, and add it to my cart",
    auth=BUYER,
    body=SeasonTicketIn,
    response=CartOut,
    status=201,
)
def hold_season_ticket(caller, org_id: str, cart_id: str, body: SeasonTicketIn) -> CartOut:
    request = SeasonTicketRequest(
        body.season_ticket_id,
        body.audience_subcategory_id,
        body.seat_category_id,
        body.quantity,
        [
            Chosen(p.line_id, p.performance_id, p.seat_category_id, tuple(p.seat_ids))
            for p in body.performances
        ],
    )
    return cart_out(service.hold(org_id, cart_id, buyer_of(caller), request))


class SubscriptionQuery(Body):
    season_ticket_id: Id
    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2000)


class SubscribedPerformance(Out):
    line_id: str | None
    performance_id: str
    seat_category_id: str | None
    seat_id: str | None
    amount: int
    ticket_id: str | None = None


class SubscriptionOut(Out):
    subscription_id: str
    season_ticket_id: str
    order_id: str
    status: str = Field(description="active | cancelled (follows its order)")
    buyer_name: str | None
    email: str | None
    contact_id: str | None
    shopper_id: str | None
    audience_subcategory_id: str | None
    seat_category_id: str | None
    total: int
    created_at: str
    performances: list[SubscribedPerformance]


class SubscriptionPage(Out):
    items: list[SubscriptionOut]
    next: str | None


@api.route(
    "/backoffice/season-ticket-subscriptions",
    summary="The season tickets sold of a product (its subscriptions)",
    auth=READ,
    query=SubscriptionQuery,
    response=SubscriptionPage,
)
def list_subscriptions(caller: OperatorCaller, query: SubscriptionQuery) -> SubscriptionPage:
    items, cursor = service.subscriptions_of(caller.org_id, query.season_ticket_id, query.limit, query.cursor)
    return SubscriptionPage(items=[SubscriptionOut(**i) for i in items], next=cursor)
