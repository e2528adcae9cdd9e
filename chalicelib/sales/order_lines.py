"""Order lines built once, from one read of what a performance is (event, date, venue and hall)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from chalicelib.catalog import service as catalog
from chalicelib.sales.documents import OrderLine


@dataclass(frozen=True)
class Showing:
    """What a ticket says about its performance."""

    performance_id: str
    event_name: str
    starts_at: str
    venue: str  # "Venue, Hall", as printed on the ticket


@dataclass(frozen=True)
class Place:
    """One ticket's place: a seat (with its block, row and number) or a standing area."""

    seat_id: str | None = None
    area: str | None = None
    block: str | None = None
    row: str | None = None
    number: str | None = None


def showing(org_id: str, performance_id: str) -> Showing:
    """The one read of a performance every order line uses."""
    performance = catalog.get(org_id, "performance", performance_id).data
    event = catalog.get(org_id, "event", performance["event_id"]).data
    hall = catalog.get(org_id, "hall", performance["hall_id"]).data
    venue = catalog.get(org_id, "venue", hall["venue_id"]).data
    where = f"{venue['name']}, {hall['name']}"
    return Showing(performance_id, event["name"], str(performance["starts_at"]), where)


@dataclass
class LineBuilder:
    """Builds an organisation's order lines; each performance, category and audience is read once."""

    org_id: str
    _showings: dict[str, Showing] = field(default_factory=dict)
    _categories: dict[str, str] | None = None
    _audiences: dict[str, str] | None = None

    def showing(self, performance_id: str) -> Showing:
        if performance_id not in self._showings:
            self._showings[performance_id] = showing(self.org_id, performance_id)
        return self._showings[performance_id]

    def _category_name(self, category_id: str | None) -> str:
        if self._categories is None:
            self._categories = {c.id: c.data["name"] for c in catalog.all_items(self.org_id, "seat_category")}
        return self._categories.get(category_id or "", "")

    def _audience_name(self, subcategory_id: str | None) -> str:
        if self._audiences is None:
            self._audiences = {
                a.id: a.data["name"] for a in catalog.all_items(self.org_id, "audience_subcategory")
            }
        return self._audiences.get(subcategory_id or "", "")

    def line(
        self,
        performance_id: str,
        hold_id: str,
        category_id: str | None,
        audience_subcategory_id: str | None,
        unit_price: int,
        place: Place,
        line_id: str | None = None,
    ) -> OrderLine:
        shown = self.showing(performance_id)
        return OrderLine(
            line_id=line_id or uuid.uuid4().hex[:12],
            ticket_id=uuid.uuid4().hex,
            performance_id=performance_id,
            hold_id=hold_id,
            event_name=shown.event_name,
            starts_at=shown.starts_at,
            category_id=category_id,
            category_name=self._category_name(category_id),
            audience_subcategory_id=audience_subcategory_id or "",
            audience_name=self._audience_name(audience_subcategory_id),
            unit_price=unit_price,
            seat_id=place.seat_id,
            area=place.area,
            block=place.block,
            row=place.row,
            number=place.number,
            venue=shown.venue,
        )


def for_quote(org_id: str, quote, code_of=lambda advantage_id: None) -> list[OrderLine]:
    """The lines of a priced cart (the shop's checkout), with the advantage and the promo code's share
    each line was priced with, and its original (price grid) price."""
    builder = LineBuilder(org_id)
    lines = []
    for priced in quote.lines:
        line = priced.line
        place = Place(line.seat_id, line.area, line.block, line.row, line.number)
        built = builder.line(
            line.performance_id,
            line.hold_id,
            line.category_id,
            line.audience_subcategory_id,
            priced.unit_price,
            place,
            line_id=line.line_id,
        )
        built.package = dict(line.package) if line.package else None
        price = priced.price
        if price is not None:
            built.original_price = price.original_price
            built.promo_share = price.promo_share
            if price.advantage is not None:
                built.advantage_id = price.advantage.advantage_id
                built.advantage_name = price.advantage.public_name
                unlocked_by = code_of(built.advantage_id)
                if unlocked_by:
                    built.code, built.code_kind = unlocked_by
        lines.append(built)
    return lines
