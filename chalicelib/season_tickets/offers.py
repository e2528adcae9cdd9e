"""What a shopper is offered for a season ticket: each line's performances with their availability in
the chosen seat category and, where that category is full and the line allows it, the seed's
alternatives: the two nearest categories above and the nearest one below that still have seats.

A category's rank orders them (1 is the best); "above" is a better rank. Only categories the line has a
price for, for the chosen audience subcategory, are offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.catalog.season_ticket_kinds import SeasonTicketLineSpec, SeasonTicketSpec, SeasonTicketStatus
from chalicelib.errors import NotFound
from chalicelib.shop import service as shop

ABOVE, BELOW = 2, 1  # the seed: "the two categories above or the category directly below"
AVAILABLE, FULL, NOT_ON_SALE = "available", "full", "not_on_sale"


@dataclass(frozen=True)
class Category:
    seat_category_id: str
    name: str
    rank: int
    free: int
    unit_price: int


@dataclass(frozen=True)
class PerformanceOffer:
    performance_id: str
    starts_at: str
    starts_at_local: str
    timezone: str
    status: str  # available | full | not_on_sale
    free: int
    unit_price: int | None
    category_change_allowed: bool
    message: str | None = None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)  # every priced category, by id


def alternatives(chosen: str, categories: list[Category], quantity: int) -> list[Category]:
    """The two nearest categories ranked above `chosen` and the nearest below it with `quantity` free."""
    ranks = {c.seat_category_id: c.rank for c in categories}
    if chosen not in ranks:
        return []
    rank = ranks[chosen]
    with_seats = [c for c in categories if c.free >= quantity and c.seat_category_id != chosen]
    above = sorted((c for c in with_seats if c.rank < rank), key=lambda c: -c.rank)[:ABOVE]
    below = sorted((c for c in with_seats if c.rank > rank), key=lambda c: c.rank)[:BELOW]
    return sorted(above + below, key=lambda c: c.rank)


def product_on_sale(org_id: str, season_ticket_id: str) -> SeasonTicketSpec:
    spec = catalog.parsed(org_id, "season_ticket", season_ticket_id)
    assert isinstance(spec, SeasonTicketSpec)
    if spec.status != SeasonTicketStatus.ON_SALE:
        raise NotFound(
            f"Season ticket {season_ticket_id} is not on sale", {"season_ticket_id": season_ticket_id}
        )
    return spec


def line_prices(line: SeasonTicketLineSpec, audience_subcategory_id: str) -> dict[str, int]:
    """Seat category -> the line's price of a place for this audience subcategory."""
    return {
        p.seat_category_id: p.amount
        for p in line.prices
        if p.audience_subcategory_id == audience_subcategory_id
    }


def _category_names(org_id: str) -> dict[str, tuple[str, int]]:
    return {
        c.id: (c.data["name"], int(c.data.get("rank") or 99))
        for c in catalog.all_items(org_id, "seat_category")
    }


def performance_offer(
    org_id: str,
    pos_code: str,
    product: SeasonTicketSpec,
    line: SeasonTicketLineSpec,
    performance_id: str,
    audience_subcategory_id: str,
    seat_category_id: str,
    quantity: int,
    names: dict[str, tuple[str, int]] | None = None,
) -> PerformanceOffer:
    """One performance of a line as the shopper sees it in the chosen category."""
    names = names if names is not None else _category_names(org_id)
    allowed = product.allows_category_change(line)
    performance = catalog.get(org_id, "performance", performance_id).data
    zone = zones.zone_of_performance(performance, lambda kind, item: catalog.get(org_id, kind, item).data)
    starts = str(performance["starts_at"])
    common = {
        "performance_id": performance_id,
        "starts_at": zones.instant(starts).isoformat(),
        "starts_at_local": zones.local_iso(starts, zone),
        "timezone": zone,
        "category_change_allowed": allowed,
    }
    try:
        free = shop.availability(org_id, pos_code, performance_id)
    except NotFound:
        return PerformanceOffer(**common, status=NOT_ON_SALE, free=0, unit_price=None)
    prices = line_prices(line, audience_subcategory_id)
    by_id = {c.seat_category_id: c.seats_free for c in free.categories}
    categories = {
        cid: Category(
            cid, names.get(cid, (cid, 99))[0], names.get(cid, (cid, 99))[1], by_id.get(cid, 0), price
        )
        for cid, price in prices.items()
    }
    chosen = categories.get(seat_category_id)
    if chosen is not None and chosen.free >= quantity:
        return PerformanceOffer(
            **common, status=AVAILABLE, free=chosen.free, unit_price=chosen.unit_price, categories=categories
        )
    name = chosen.name if chosen else seat_category_id
    found = alternatives(seat_category_id, list(categories.values()), quantity) if allowed else []
    base = chosen.unit_price if chosen else 0
    if allowed:
        message = (
            f"{name} full, choose an alternative" if found else f"{name} full, no other category has seats"
        )
    else:
        message = f"{name} full; this line does not allow another seat category"
    return PerformanceOffer(
        **common,
        status=FULL,
        free=chosen.free if chosen else 0,
        unit_price=chosen.unit_price if chosen else None,
        message=message,
        alternatives=[
            {
                "seat_category_id": c.seat_category_id,
                "name": c.name,
                "rank": c.rank,
                "free": c.free,
                "unit_price": c.unit_price,
                "difference": (c.unit_price - base) * quantity,
            }
            for c in found
        ],
        categories=categories,
    )


def offer(
    org_id: str,
    pos_code: str,
    season_ticket_id: str,
    audience_subcategory_id: str,
    seat_category_id: str,
    quantity: int,
) -> dict[str, Any]:
    """The product with every line's performances in the chosen category, for the shop's page."""
    product = product_on_sale(org_id, season_ticket_id)
    shop.shop_front(org_id, pos_code)
    names = _category_names(org_id)
    events = {e.id: e.data["name"] for e in catalog.all_items(org_id, "event")}
    lines = []
    for line in product.lines:
        offers = [
            performance_offer(
                org_id, pos_code, product, line, p, audience_subcategory_id, seat_category_id, quantity, names
            )
            for p in line.performance_ids
        ]
        lines.append(
            {
                "line_id": line.id,
                "name": line.name,
                "event_id": line.event_id,
                "event_name": events.get(line.event_id, ""),
                "choice": line.choice.value,
                "category_change_allowed": product.allows_category_change(line),
                "performances": [_public(o) for o in offers],
            }
        )
    return {
        "season_ticket_id": season_ticket_id,
        "code": product.code,
        "name": product.name,
        "description": product.description,
        "audience_subcategory_id": audience_subcategory_id,
        "seat_category_id": seat_category_id,
        "quantity": quantity,
        "min_lines": product.min_lines,
        "max_lines": product.max_lines,
        "same_seat": product.same_seat,
        "allow_category_change": product.allow_category_change,
        "lines": lines,
    }


def _public(o: PerformanceOffer) -> dict[str, Any]:
    return {
        "performance_id": o.performance_id,
        "starts_at": o.starts_at,
        "starts_at_local": o.starts_at_local,
        "timezone": o.timezone,
        "status": o.status,
        "free": o.free,
        "unit_price": o.unit_price,
        "category_change_allowed": o.category_change_allowed,
        "message": o.message,
        "alternatives": o.alternatives,
    }
