"""What the shop answers, as plain dataclasses, and the model objects read from catalog items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.catalog.model import EventStatus
from chalicelib.shop.model import (
    CategoryPrices,
    Channel,
    FreeCount,
    MapBlock,
    Quota,
    SeatCategory,
    Showing,
    parse_time,
)

if TYPE_CHECKING:
    from chalicelib.catalog.kinds import SalesChannelSpec
    from chalicelib.catalog.model import Stored


@dataclass(frozen=True)
class Named:
    id: str
    name: str


@dataclass(frozen=True)
class EventInfo:
    id: str
    name: str
    description: str
    status: str
    price_grid_id: str | None


@dataclass(frozen=True)
class Offer:
    id: str
    code: str
    starts_at: datetime
    sales_close_at: datetime | None
    event: EventInfo
    hall: Named | None
    venue: Named | None
    seat_selection: str
    max_tickets_per_performance: int
    timezone: str  # the venue's IANA zone
    starts_at_local: str  # starts_at in the venue's local time, ISO 8601 with its offset


@dataclass(frozen=True)
class PricedOffer(Offer):
    currency: str | None
    prices: list[CategoryPrices]


@dataclass(frozen=True)
class CategoryFree:
    seat_category_id: str
    name: str | None
    colour: str | None
    rank: int | None
    free: int
    seats_free: int
    standing_free: int


@dataclass(frozen=True)
class AreaFree:
    area: str
    name: str | None
    seat_category_id: str | None
    free: int


@dataclass(frozen=True)
class Availability:
    performance_id: str
    as_of: datetime
    total_free: int
    max_tickets_per_performance: int
    categories: list[CategoryFree]
    areas: list[AreaFree]


@dataclass(frozen=True)
class SeatMap:
    performance_id: str
    as_of: datetime
    seat_selection: str
    fields: tuple[str, ...]
    seat_count: int
    available_count: int
    categories: list[SeatCategory]
    blocks: list[MapBlock]


def channel_of(channel_id: str, spec: SalesChannelSpec) -> Channel:
    return Channel(
        channel_id,
        spec.type,
        frozenset(spec.quota_ids),
        spec.seat_selection,
        spec.max_tickets_per_performance,
        spec.filter_by_quantity,
    )


def quota_of(item: Stored) -> Quota:
    d = item.data
    return Quota(
        item.id, d.get("type", "other"), bool(d.get("exclusive")), frozenset(d.get("channel_ids") or ())
    )


def showing_of(item: Stored) -> Showing:
    d = item.data
    return Showing(
        item.id,
        d["code"],
        d["event_id"],
        d["hall_id"],
        d["layout_id"],
        parse_time(d["starts_at"]),  # type: ignore[arg-type]
        parse_time(d.get("sales_open_at")),
        parse_time(d.get("sales_close_at")),
        item.performance_status,
        d.get("price_grid_id"),
    )


def event_of(item: Stored) -> EventInfo:
    d = item.data
    return EventInfo(
        item.id,
        d["name"],
        d.get("description", ""),
        d.get("status", EventStatus.DRAFT),
        d.get("price_grid_id"),
    )


def category_of(item: Stored) -> SeatCategory:
    return SeatCategory(item.id, item.data["name"], item.data["colour"], item.data["rank"])


def category_rows(count: FreeCount, known: dict[str, SeatCategory]) -> list[CategoryFree]:
    """Free places per seat category the channel sells, best rank first (unknown categories last)."""
    rows = []
    for category_id in count.categories():
        seats, standing = count.seats.get(category_id, 0), count.standing.get(category_id, 0)
        c = known.get(category_id)
        name, colour, rank = (c.name, c.colour, c.rank) if c else (None, None, None)
        rows.append(CategoryFree(category_id, name, colour, rank, seats + standing, seats, standing))
    return sorted(rows, key=lambda row: (row.rank is None, row.rank or 0, row.name or ""))


def area_rows(count: FreeCount, names: dict[str, str]) -> list[AreaFree]:
    ordered = sorted(count.areas.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    return [AreaFree(area, names.get(area), category, free) for (area, category), free in ordered]
