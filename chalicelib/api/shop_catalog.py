"""Public shop routes of a point of sale: performances on sale, their prices, free places, seat map."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.api.routing import PUBLIC, Api, Body, Out
from chalicelib.catalog.kinds import Code
from chalicelib.shop import service
from chalicelib.shop.model import SEAT_FIELDS, parse_time

api = Api(__name__, tag="shop: catalog")
blueprint = api.blueprint

BASE = "/shop/{org_id}/pos/{pos_code}/performances"
# Ids in keys: no "#" or spaces, so a path cannot name another key.
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class ShopPath(Body):
    org_id: Id
    pos_code: Code
    performance_id: Id | None = None


class PerformanceQuery(Body):
    from_: datetime | None = Field(
        default=None, alias="from", description="Performances starting at or after (no offset: UTC)"
    )
    until: datetime | None = Field(default=None, description="Performances starting before (no offset: UTC)")
    event_id: Id | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=500, description="next_cursor of the previous page")
    quantity: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="Where the channel filters by quantity: only performances with this many places free",
    )

    @field_validator("until")
    @classmethod
    def _after_from(cls, until: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("from_")
        if until is not None and start is not None and parse_time(until) <= parse_time(start):  # type: ignore[operator]
            raise ValueError("until must be after from")
        return until


class Shaped(Out):
    model_config = ConfigDict(from_attributes=True)


class EventOut(Shaped):
    id: str
    name: str
    description: str


class PlaceOut(Shaped):
    id: str
    name: str


class PerformanceOut(Shaped):
    id: str
    code: str
    starts_at: datetime
    sales_close_at: datetime | None
    event: EventOut
    hall: PlaceOut | None
    venue: PlaceOut | None
    seat_selection: str = Field(description="map, auto_with_view, auto_with_modification or no_plan")
    max_tickets_per_performance: int
    timezone: str = Field(description="The venue's IANA time zone, e.g. Europe/Paris")
    starts_at_local: str = Field(
        description="starts_at in the venue's local time, ISO 8601 with its offset (starts_at is unchanged)"
    )


class PerformancePage(Shaped):
    items: list[PerformanceOut]
    next_cursor: str | None


class AudiencePriceOut(Shaped):
    audience_subcategory_id: str
    name: str
    amount: int = Field(description="Minor units (cents)")


class CategoryPricesOut(Shaped):
    seat_category_id: str
    name: str
    colour: str
    rank: int
    prices: list[AudiencePriceOut]


class PerformanceWithPricesOut(PerformanceOut):
    currency: str | None
    prices: list[CategoryPricesOut] = Field(description="Per seat category, best rank first")


class CategoryFreeOut(Shaped):
    seat_category_id: str
    name: str | None
    colour: str | None
    rank: int | None
    free: int = Field(description="seats_free + standing_free")
    seats_free: int
    standing_free: int


class AreaFreeOut(Shaped):
    area: str
    name: str | None
    seat_category_id: str | None
    free: int


class AvailabilityOut(Shaped):
    performance_id: str
    as_of: datetime = Field(description="When the stock was read (reads are shared for up to 2 s)")
    total_free: int
    max_tickets_per_performance: int
    categories: list[CategoryFreeOut]
    areas: list[AreaFreeOut]


class SeatCategoryOut(Shaped):
    id: str
    name: str
    colour: str
    rank: int


class BlockOut(Shaped):
    zone: str | None
    block: str | None
    seats: list[list[Any]] = Field(description=f"One array per seat: {', '.join(SEAT_FIELDS)}")


class SeatMapOut(Shaped):
    performance_id: str
    as_of: datetime
    seat_selection: str
    fields: list[str] = Field(description="Names of the positions in each seat array")
    seat_count: int
    available_count: int
    categories: list[SeatCategoryOut]
    blocks: list[BlockOut]


def _path(org_id: str, pos_code: str, performance_id: str | None = None) -> ShopPath:
    return ShopPath(org_id=org_id, pos_code=pos_code, performance_id=performance_id)


@api.route(
    BASE,
    summary="Performances this point of sale sells now, by start time",
    auth=PUBLIC,
    query=PerformanceQuery,
    response=PerformancePage,
)
def list_performances_on_sale(_caller: None, org_id: str, pos_code: str, query: PerformanceQuery) -> Any:
    path = _path(org_id, pos_code)
    offers, cursor = service.performances_on_sale(
        path.org_id,
        path.pos_code,
        query.from_,
        query.until,
        query.event_id,
        query.limit,
        query.cursor,
        query.quantity,
    )
    return PerformancePage(items=[PerformanceOut.model_validate(o) for o in offers], next_cursor=cursor)


@api.route(
    BASE + "/{performance_id}",
    summary="A performance on sale, with its prices",
    auth=PUBLIC,
    response=PerformanceWithPricesOut,
)
def get_performance_on_sale(_caller: None, org_id: str, pos_code: str, performance_id: str) -> Any:
    path = _path(org_id, pos_code, performance_id)
    offer = service.performance_with_prices(path.org_id, path.pos_code, performance_id)
    return PerformanceWithPricesOut.model_validate(offer)


@api.route(
    BASE + "/{performance_id}/availability",
    summary="Free places this point of sale may sell, per seat category and standing area",
    auth=PUBLIC,
    response=AvailabilityOut,
)
def get_availability(_caller: None, org_id: str, pos_code: str, performance_id: str) -> Any:
    path = _path(org_id, pos_code, performance_id)
    return AvailabilityOut.model_validate(service.availability(path.org_id, path.pos_code, performance_id))


@api.route(
    BASE + "/{performance_id}/seats",
    summary="The seat map to draw: every seat, and whether this point of sale may sell it",
    auth=PUBLIC,
    response=SeatMapOut,
)
def get_seat_map(_caller: None, org_id: str, pos_code: str, performance_id: str) -> Any:
    path = _path(org_id, pos_code, performance_id)
    return SeatMapOut.model_validate(service.seat_map(path.org_id, path.pos_code, performance_id))
