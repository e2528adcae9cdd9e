"""Shop reads for a point of sale: performances on sale, their prices, free places and seat map."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.catalog.model import EventStatus, Stored
from chalicelib.db import cursors
from chalicelib.errors import NotFound
from chalicelib.inventory import service as inventory
from chalicelib.inventory.seat_picking import Spread
from chalicelib.shop.model import (
    NO_PLAN,
    SEAT_FIELDS,
    AreaStock,
    CategoryPrices,
    Channel,
    PriceCell,
    Sellable,
    Showing,
    count_free,
    in_period,
    is_on_sale,
    page_after,
    parse_time,
    price_matrix,
    seat_map_blocks,
    sellable_quotas,
)
from chalicelib.shop.read_models import (
    Availability,
    EventInfo,
    Named,
    Offer,
    PricedOffer,
    SeatMap,
    area_rows,
    category_of,
    category_rows,
    channel_of,
    event_of,
    quota_of,
    showing_of,
)

T = TypeVar("T")

# Stock reads are shared for this long by every request this process serves for one performance
# (any channel: each request then applies its own channel's quotas and the current time). An on-sale
# rush then costs each Lambda instance `shards` queries per performance every 2 s, not per request;
# what a shopper sees may be 2 s old, which holds tolerate: their conditions re-check every seat.
CACHE_SECONDS = 2.0
CACHE_ENTRIES = 64
_cache: dict[tuple[str, ...], tuple[float, datetime, Any]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
    inventory.forget_views()


def _cached(key: tuple[str, ...], read: Callable[[], T]) -> tuple[T, datetime]:
    """The value and when it was read: a fresh one after CACHE_SECONDS."""
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[2], hit[1]
    value, read_at = read(), clock.now()
    with _cache_lock:
        if len(_cache) >= CACHE_ENTRIES:
            _cache.pop(min(_cache, key=lambda k: _cache[k][0]))
        _cache[key] = (time.monotonic() + CACHE_SECONDS, read_at, value)
    return value, read_at


@dataclass(frozen=True)
class ShopFront:
    org_id: str
    pos_code: str
    channel: Channel


def shop_front(org_id: str, pos_code: str) -> ShopFront:
    """The point of sale with this code and its sales channel; a distributor's channel is no shop."""
    try:
        pos = catalog.get_by_code(org_id, "point_of_sale", pos_code)
    except NotFound:
        details = {"org_id": org_id, "pos_code": pos_code}
        raise NotFound(f"No point of sale {pos_code} in organisation {org_id}", details) from None
    channel_id = pos.data["channel_id"]
    channel = channel_of(channel_id, catalog.parsed(org_id, "sales_channel", channel_id))
    if not channel.is_shop:
        details = {"pos_code": pos_code, "channel_type": channel.type}
        raise NotFound(f"Point of sale {pos_code} sells through a distributor; it is not a shop", details)
    return ShopFront(org_id, pos_code, channel)


def sellable(front: ShopFront) -> Sellable:
    return sellable_quotas(front.channel, [quota_of(q) for q in catalog.all_items(front.org_id, "quota")])


def _offer(
    front: ShopFront, showing: Showing, event: EventInfo, hall: Stored | None, venue: Stored | None
) -> Offer:
    channel = front.channel
    zone, starts_at_local = zones.local_start(showing.starts_at, venue.data if venue else None)
    return Offer(
        showing.id,
        showing.code,
        showing.starts_at,
        showing.sales_close_at,
        event,
        Named(hall.id, hall.data["name"]) if hall else None,
        Named(venue.id, venue.data["name"]) if venue else None,
        channel.seat_selection,
        channel.max_tickets_per_performance,
        zone,
        starts_at_local,
    )


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    """The (start, id) of the last performance a previous page showed."""
    position = cursors.decode(cursor, _is_position)
    return None if position is None else (parse_time(position[0]), position[1])


def _is_position(position: Any) -> bool:
    starts_at, item_id = position  # anything but a pair is no cursor of ours
    return isinstance(starts_at, str) and parse_time(starts_at) is not None and isinstance(item_id, str)


def _cursor(showing: Showing) -> str | None:
    return cursors.encode([showing.starts_at.isoformat(), showing.id])


def performances_on_sale(
    org_id: str,
    pos_code: str,
    start: datetime | None = None,
    end: datetime | None = None,
    event_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    quantity: int | None = None,
) -> tuple[list[Offer], str | None]:
    """Performances this point of sale sells now, by start time, starting in [start, end).

    Where the channel filters by quantity (the seed's "filtrer les séances selon la quantité"), only
    performances with at least `quantity` places (1 if not given) this point of sale may sell are
    listed; elsewhere sold-out performances are listed too and `quantity` changes nothing."""
    after, start, end = _after(cursor), parse_time(start), parse_time(end)
    front = shop_front(org_id, pos_code)
    moment = clock.now()
    published = catalog.all_items(org_id, "event", status=EventStatus.PUBLISHED.value)
    events = {e.id: event_of(e) for e in published}
    filters = {"event_id": event_id} if event_id else {}
    stored = {p.id: p for p in catalog.all_items(org_id, "performance", **filters)}
    showings = [
        s
        for s in map(showing_of, stored.values())
        if s.event_id in events
        and is_on_sale(s, EventStatus.PUBLISHED, moment)
        and in_period(s.starts_at, start, end)
    ]
    if front.channel.filter_by_quantity:
        page, more = _page_with_room(front, showings, stored, after, limit, quantity or 1)
    else:
        page, more = page_after(showings, after, limit)
    if not page:
        return [], None
    halls = {h.id: h for h in catalog.all_items(org_id, "hall")}
    venues = {v.id: v for v in catalog.all_items(org_id, "venue")}
    offers = []
    for showing in page:
        hall = halls.get(showing.hall_id)
        venue = venues.get(hall.data["venue_id"]) if hall else None
        offers.append(_offer(front, showing, events[showing.event_id], hall, venue))
    return offers, _cursor(page[-1]) if more else None


def _page_with_room(
    front: ShopFront,
    showings: list[Showing],
    stored: dict[str, Stored],
    after: tuple[datetime, str] | None,
    limit: int,
    quantity: int,
) -> tuple[list[Showing], bool]:
    """The next `limit` showings with room for `quantity`, reading each one's counts (shared 2 s read)
    only until the page is full and one more is found."""
    ordered, _ = page_after(showings, after, len(showings))
    if not ordered:
        return [], False
    rules = sellable(front)
    moment = int(clock.now().timestamp())
    page: list[Showing] = []
    for showing in ordered:
        shards = inventory.stock_shards(stored[showing.id].state)
        stock, _ = _cached(
            (front.org_id, showing.id, "count"), lambda sid=showing.id, n=shards: inventory.count_rows(sid, n)
        )
        free = count_free(*stock, rules, moment)
        if sum(free.seats.values()) + sum(free.standing.values()) < quantity:
            continue
        if len(page) == limit:
            return page, True
        page.append(showing)
    return page, False


def _not_on_sale(front: ShopFront, performance_id: str) -> NotFound:
    details = {"performance_id": performance_id, "pos_code": front.pos_code}
    return NotFound(f"Performance {performance_id} is not on sale at point of sale {front.pos_code}", details)


def _on_sale(front: ShopFront, performance_id: str) -> tuple[Showing, EventInfo, Stored]:
    """The performance and its event, if this point of sale sells it now; else NotFound. A refusal
    made on kept catalog reads is made again on current ones if the catalog changed since."""
    try:
        return _on_sale_as_read(front, performance_id)
    except NotFound:
        if not catalog.recheck(front.org_id):
            raise
    return _on_sale_as_read(front, performance_id)


def _on_sale_as_read(front: ShopFront, performance_id: str) -> tuple[Showing, EventInfo, Stored]:
    try:
        stored = catalog.get(front.org_id, "performance", performance_id)
        showing = showing_of(stored)
        event = event_of(catalog.get(front.org_id, "event", showing.event_id))
    except NotFound:
        raise _not_on_sale(front, performance_id) from None
    if not is_on_sale(showing, event.status, clock.now()):
        raise _not_on_sale(front, performance_id)
    return showing, event, stored


def _prices(org_id: str, grid_id: str | None) -> tuple[str | None, list[CategoryPrices]]:
    if not grid_id:
        return None, []
    grid = catalog.get(org_id, "price_grid", grid_id).data
    categories = {c.id: category_of(c) for c in catalog.all_items(org_id, "seat_category")}
    audiences = {a.id: a.data["name"] for a in catalog.all_items(org_id, "audience_subcategory")}
    cells = [
        PriceCell(p["seat_category_id"], p["audience_subcategory_id"], p["amount"]) for p in grid["prices"]
    ]
    return grid.get("currency", "EUR"), price_matrix(cells, categories, audiences)


def performance_with_prices(org_id: str, pos_code: str, performance_id: str) -> PricedOffer:
    """One performance on sale here, with its price grid's (or else its event's) prices."""
    front = shop_front(org_id, pos_code)
    showing, event, _ = _on_sale(front, performance_id)
    hall = catalog.get(org_id, "hall", showing.hall_id)
    offer = _offer(front, showing, event, hall, catalog.get(org_id, "venue", hall.data["venue_id"]))
    currency, prices = _prices(org_id, showing.price_grid_id or event.price_grid_id)
    return PricedOffer(**vars(offer), currency=currency, prices=prices)


def _area_names(org_id: str, layout_id: str) -> dict[str, str]:
    """Standing areas' names, from the seating plan the performance's layout assigns."""
    layout = catalog.get(org_id, "layout", layout_id)
    plan = catalog.get(org_id, "seating_plan", layout.data["seating_plan_id"])
    return {area["code"]: area["name"] for area in plan.data.get("areas") or []}


def availability(org_id: str, pos_code: str, performance_id: str) -> Availability:
    """Free places this point of sale may sell, per seat category and per standing area."""
    front = shop_front(org_id, pos_code)
    showing, _, stored = _on_sale(front, performance_id)
    shards = inventory.stock_shards(stored.state)
    stock, as_of = _cached(
        (org_id, performance_id, "count"), lambda: inventory.count_rows(performance_id, shards)
    )
    count = count_free(*stock, sellable(front), int(clock.now().timestamp()))
    known = {c.id: c for c in map(category_of, catalog.all_items(org_id, "seat_category"))}
    names = _area_names(org_id, showing.layout_id) if count.areas else {}
    categories, areas = category_rows(count, known), area_rows(count, names)
    total = sum(row.free for row in categories)
    return Availability(
        performance_id, as_of, total, front.channel.max_tickets_per_performance, categories, areas
    )


def seat_map(org_id: str, pos_code: str, performance_id: str) -> SeatMap:
    """Every numbered seat to draw, and whether this point of sale may sell it now; nothing on holders."""
    front = shop_front(org_id, pos_code)
    if front.channel.seat_selection == NO_PLAN:
        details = {"pos_code": pos_code, "seat_selection": NO_PLAN}
        raise NotFound(
            f"Point of sale {pos_code} sells without a seating plan; it shows no seat map", details
        )
    _, _, stored = _on_sale(front, performance_id)
    shards = inventory.stock_shards(stored.state)
    seats, as_of = _cached(
        (org_id, performance_id, "map"), lambda: inventory.map_seats(performance_id, shards)
    )
    blocks = seat_map_blocks(seats, sellable(front), int(clock.now().timestamp()))
    used = {s.category_id for s in seats}
    categories = sorted(
        (c for c in map(category_of, catalog.all_items(org_id, "seat_category")) if c.id in used),
        key=lambda c: (c.rank, c.name),
    )
    available = sum(row[-1] for block in blocks for row in block.seats)
    return SeatMap(
        performance_id,
        as_of,
        front.channel.seat_selection,
        SEAT_FIELDS,
        len(seats),
        available,
        categories,
        blocks,
    )


def on_sale(front: ShopFront, performance_id: str) -> tuple[Showing, EventInfo, Stored]:
    """The performance, its event and catalog item if this point of sale sells it now; else NotFound."""
    return _on_sale(front, performance_id)


# Compatible wrappers: sales/carts.py reads the stock through these; they go to inventory.service,
# which callers should use directly.


def stock_seats(org_id: str, performance_id: str, state: dict[str, Any], *, fresh: bool = False) -> list[Any]:
    """Every numbered seat of an open performance as this instance knows it; `fresh` reads them all now."""
    return inventory.view_seats(org_id, performance_id, inventory.stock_shards(state), fresh=fresh)


def stock_counts(org_id: str, performance_id: str, state: dict[str, Any], *, fresh: bool = False) -> Any:
    """Seats and standing-area counters to count from (the shared 2 s read unless `fresh`)."""
    shards = inventory.stock_shards(state)
    if fresh:
        return inventory.count_rows(performance_id, shards)
    return _cached((org_id, performance_id, "count"), lambda: inventory.count_rows(performance_id, shards))[0]


def note_held(org_id: str, performance_id: str, seat_ids: set[str], expires_at: int) -> None:
    inventory.note_held(org_id, performance_id, seat_ids, expires_at)


def note_lost(org_id: str, performance_id: str, seats: list[Any], now: int, *, reread: bool = True) -> None:
    inventory.note_lost(org_id, performance_id, seats, now, reread=reread)


def pick_spread(org_id: str, performance_id: str) -> Spread:
    return inventory.pick_spread(org_id, performance_id)


def area_counters(performance_id: str, shards: int, area: str) -> list[AreaStock]:
    return inventory.area_counters(performance_id, shards, area)
