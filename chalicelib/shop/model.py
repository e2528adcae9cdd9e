"""The shop's rules as plain Python: sales windows, sellable quotas, free seats, price matrix, seat map."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.catalog.model import EventStatus, PerformanceStatus
from chalicelib.inventory.stock_model import (
    SEAT_FREE,
    AreaStock,
    MapSeat,
    SeatStock,
    natural_key,
    takeable,
)

EXTERNAL_CHANNEL = "external"
EXTERNAL_QUOTA = "external"
NO_PLAN = "no_plan"

# Positions of a seat's values in the seat map's rows (documented in the API).
SEAT_FIELDS = ("seat_id", "row", "number", "x", "y", "category_id", "accessible", "available")


@dataclass(frozen=True)
class Channel:
    id: str
    type: str
    quota_ids: frozenset[str]
    seat_selection: str
    max_tickets_per_performance: int
    filter_by_quantity: bool = False

    @property
    def is_shop(self) -> bool:
        """An external channel is a distributor's: it sells through their systems, never this shop."""
        return self.type != EXTERNAL_CHANNEL


@dataclass(frozen=True)
class Quota:
    id: str
    type: str
    exclusive: bool
    channel_ids: frozenset[str]


def quota_is_sellable(channel: Channel, quota: Quota) -> bool:
    """A channel sells a quota linked to it from either side, unless the quota is reserved for others.

    Linked: the channel lists the quota in `quota_ids`, or the quota names the channel in
    `channel_ids`. Reserved: an exclusive or external quota that names channels is sold by those
    channels only, even if another channel lists it.
    """
    reserved = (quota.exclusive or quota.type == EXTERNAL_QUOTA) and quota.channel_ids
    if reserved and channel.id not in quota.channel_ids:
        return False
    return quota.id in channel.quota_ids or channel.id in quota.channel_ids


@dataclass(frozen=True)
class Sellable:
    """The quotas a channel may sell; stock in no quota is open stock, sold by every shop channel."""

    quota_ids: frozenset[str]

    def allows(self, quota_id: str | None) -> bool:
        return quota_id is None or quota_id in self.quota_ids


def sellable_quotas(channel: Channel, quotas: Iterable[Quota]) -> Sellable:
    return Sellable(frozenset(q.id for q in quotas if quota_is_sellable(channel, q)))


def parse_time(value: str | datetime | None) -> datetime | None:
    """A stored time as an aware datetime; a time stored without an offset is UTC."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def in_sales_window(now: datetime, opens: datetime | None, closes: datetime | None) -> bool:
    """Open from `opens` (included) until `closes` (excluded); a missing bound leaves that side open."""
    return (opens is None or opens <= now) and (closes is None or now < closes)


@dataclass(frozen=True)
class Showing:
    """A performance as the shop sees it: its schedule, sales window and system status."""

    id: str
    code: str
    event_id: str
    hall_id: str
    layout_id: str
    starts_at: datetime
    sales_open_at: datetime | None
    sales_close_at: datetime | None
    status: str
    price_grid_id: str | None = None


def is_on_sale(showing: Showing, event_status: str | None, now: datetime) -> bool:
    return (
        showing.status == PerformanceStatus.ON_SALE
        and event_status == EventStatus.PUBLISHED
        and showing.starts_at > now
        and in_sales_window(now, showing.sales_open_at, showing.sales_close_at)
    )


def in_period(starts_at: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or start <= starts_at) and (end is None or starts_at < end)


def page_after(
    showings: Iterable[Showing], after: tuple[datetime, str] | None, limit: int
) -> tuple[list[Showing], bool]:
    """The next `limit` showings by start time (then id) after the cursor's; and whether more follow."""
    ordered = sorted(showings, key=lambda s: (s.starts_at, s.id))
    if after is not None:
        ordered = [s for s in ordered if (s.starts_at, s.id) > after]
    return ordered[:limit], len(ordered) > limit


def seat_is_free(status: str | None, hold_expires_at: int | None, now: int) -> bool:
    """Free, or held by a hold that has expired: inventory's one rule."""
    return takeable(status, hold_expires_at, now)


@dataclass
class FreeCount:
    """Free places a channel may sell: per seat category (numbered, standing) and per standing area."""

    seats: dict[str, int] = field(default_factory=dict)
    standing: dict[str, int] = field(default_factory=dict)
    areas: dict[tuple[str, str | None], int] = field(default_factory=dict)

    def categories(self) -> list[str]:
        return sorted(set(self.seats) | set(self.standing))


def count_free(
    seats: Iterable[SeatStock], areas: Iterable[AreaStock], sellable: Sellable, now: int
) -> FreeCount:
    """Count only stock in quotas the channel sells; a category it sells appears even when sold out."""
    count = FreeCount()
    for seat in seats:
        if seat.category_id is None or not sellable.allows(seat.quota_id):
            continue
        free = seat_is_free(seat.status, seat.hold_expires_at, now)
        count.seats[seat.category_id] = count.seats.get(seat.category_id, 0) + free
    for area in areas:
        if not sellable.allows(area.quota_id):
            continue
        key = (area.area, area.category_id)
        count.areas[key] = count.areas.get(key, 0) + max(0, area.free)
        if area.category_id is not None:
            count.standing[area.category_id] = count.standing.get(area.category_id, 0) + max(0, area.free)
    return count


@dataclass
class MapBlock:
    zone: str | None
    block: str | None
    seats: list[tuple[Any, ...]]  # in SEAT_FIELDS order


def seat_available(seat: MapSeat, sellable: Sellable, now: int) -> bool:
    # asked of every seat of a hall at each pick: Sellable.allows and takeable are written inline
    # here for their common cases (no quota; a free seat), the rest still goes to takeable
    quota, status = seat.quota_id, seat.status
    return (
        seat.category_id is not None
        and (quota is None or quota in sellable.quota_ids)
        and (status == SEAT_FREE or takeable(status, seat.hold_expires_at, now))
    )


def seat_map_blocks(seats: Iterable[MapSeat], sellable: Sellable, now: int) -> list[MapBlock]:
    """Seats grouped by block (zone and block named once), rows in SEAT_FIELDS order; no quota, no hold."""
    blocks: dict[tuple[str | None, str | None], list[MapSeat]] = {}
    for seat in seats:
        blocks.setdefault((seat.zone, seat.block), []).append(seat)
    result = []
    for (zone, block), members in sorted(blocks.items(), key=lambda kv: tuple(map(natural_key, kv[0]))):
        members.sort(key=lambda s: (natural_key(s.row), natural_key(s.number), s.seat_id))
        rows = [
            (
                s.seat_id,
                s.row,
                s.number,
                s.x,
                s.y,
                s.category_id,
                s.accessible,
                seat_available(s, sellable, now),
            )
            for s in members
        ]
        result.append(MapBlock(zone, block, rows))
    return result


@dataclass(frozen=True)
class SeatCategory:
    id: str
    name: str
    colour: str
    rank: int


@dataclass(frozen=True)
class PriceCell:
    seat_category_id: str
    audience_subcategory_id: str
    amount: int


@dataclass(frozen=True)
class SubcategoryPrice:
    audience_subcategory_id: str
    name: str
    amount: int


@dataclass(frozen=True)
class CategoryPrices:
    seat_category_id: str
    name: str
    colour: str
    rank: int
    prices: list[SubcategoryPrice]


def price_matrix(
    cells: Iterable[PriceCell], categories: dict[str, SeatCategory], subcategories: dict[str, str]
) -> list[CategoryPrices]:
    """Prices per seat category (best rank first), each with its audience subcategories (dearest first)."""
    by_category: dict[str, list[SubcategoryPrice]] = {}
    for cell in cells:
        name = subcategories.get(cell.audience_subcategory_id)
        if cell.seat_category_id not in categories or name is None:
            continue
        by_category.setdefault(cell.seat_category_id, []).append(
            SubcategoryPrice(cell.audience_subcategory_id, name, cell.amount)
        )
    rows = []
    for category_id, prices in by_category.items():
        category = categories[category_id]
        prices.sort(key=lambda p: (-p.amount, p.name))
        rows.append(CategoryPrices(category.id, category.name, category.colour, category.rank, prices))
    return sorted(rows, key=lambda row: (row.rank, row.name))
