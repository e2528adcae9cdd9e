"""What a subscription becomes next season: each performance mapped to the new product's line and
performance, priced by the new line, and a seat kept for it (the same seat, else the best in the same
category), read from one view of the new performances' stock per renewal run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import PerformanceStatus
from chalicelib.catalog.season_ticket_kinds import SeasonTicketSpec
from chalicelib.inventory import seat_picking
from chalicelib.inventory import service as inventory
from chalicelib.season_tickets.offers import line_prices
from chalicelib.shop.model import MapSeat, Sellable, seat_available

SAME_SEAT, PREFERRED_SEAT, BEST_IN_CATEGORY = "same_seat", "preferred_seat", "best_in_category"


class NotRenewable(Exception):
    """Why a subscription is not renewed: a stable reason code and what it concerns."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Wanted:
    """One performance of last season's subscription, mapped to next season's product."""

    line_id: str  # the new product's line
    from_performance_id: str
    from_seat_ids: tuple[str, ...]
    performance_id: str
    category_id: str
    unit_price: int
    quantity: int


@dataclass(frozen=True)
class Placed:
    wanted: Wanted
    seat_ids: tuple[str, ...]
    kept: str  # same_seat | preferred_seat | best_in_category


def mapped(subscription: dict[str, Any], old: SeasonTicketSpec, new: SeasonTicketSpec) -> list[Wanted]:
    """Each performance's line becomes the new line of the same id (case-insensitive) and the
    performance the new line's one at the same position (else its first); priced by the new line for
    the subscriber's audience subcategory and category. NotRenewable says which line fails."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for performance in subscription.get("performances") or []:
        groups.setdefault(performance["performance_id"], []).append(performance)
    wanted = []
    for performance_id, seats in groups.items():
        line_id = seats[0].get("line_id") or ""
        line = new.line(line_id)
        if line is None:
            raise NotRenewable("line_not_in_new_product", line_id=line_id, performance_id=performance_id)
        before = old.line(line_id)
        offered = before.performance_ids if before else []
        position = offered.index(performance_id) if performance_id in offered else 0
        target = line.performance_ids[position if position < len(line.performance_ids) else 0]
        # The subscriber's own category: a performance taken in another one because theirs was full is
        # offered in theirs again.
        category = subscription.get("seat_category_id") or seats[0].get("seat_category_id") or ""
        prices = line_prices(line, subscription.get("audience_subcategory_id") or "")
        if category not in prices:
            raise NotRenewable("no_price", line_id=line.id, seat_category_id=category)
        wanted.append(
            Wanted(
                line_id=line.id,
                from_performance_id=performance_id,
                from_seat_ids=tuple(s["seat_id"] for s in seats if s.get("seat_id")),
                performance_id=target,
                category_id=category,
                unit_price=prices[category],
                quantity=len(seats),
            )
        )
    if not wanted:
        raise NotRenewable("no_performance")
    return wanted


@dataclass
class StockView:
    """The new performances' seats as read once by this run, with the seats it holds meanwhile: a
    conditional hold still refuses a seat someone else took since."""

    org_id: str
    sellable: Sellable
    seats: dict[str, dict[str, MapSeat]] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    layouts: dict[str, str | None] = field(default_factory=dict)
    taken: set[tuple[str, str]] = field(default_factory=set)

    def layout(self, performance_id: str) -> str | None:
        if performance_id not in self.layouts:
            self.layouts[performance_id] = catalog.get(self.org_id, "performance", performance_id).data.get(
                "layout_id"
            )
        return self.layouts[performance_id]

    def of(self, performance_id: str) -> dict[str, MapSeat]:
        if performance_id not in self.seats:
            state = catalog.get(self.org_id, "performance", performance_id).state
            if state.get("status") != PerformanceStatus.ON_SALE:
                raise NotRenewable("performance_not_on_sale", performance_id=performance_id)
            self.states[performance_id] = state
            shards = inventory.stock_shards(state)
            seats = inventory.view_seats(self.org_id, performance_id, shards, fresh=True)
            self.seats[performance_id] = {s.seat_id: s for s in seats}
        return self.seats[performance_id]

    def forget(self, performance_id: str) -> None:
        """Read it again: a hold was refused, someone took seats since."""
        self.seats.pop(performance_id, None)

    def free(self, performance_id: str, seat_id: str, category_id: str, now: int) -> bool:
        seat = self.of(performance_id).get(seat_id)
        return (
            seat is not None
            and seat.category_id == category_id
            and (performance_id, seat_id) not in self.taken
            and seat_available(seat, self.sellable, now)
        )

    def best(
        self, performance_id: str, category_id: str, quantity: int, spare: set[tuple[str, str]]
    ) -> list[str]:
        """The best free seats of the category, leaving alone the seats in `spare` (others' same seats)."""
        now = clock.seconds()
        picks = [
            seat_picking.pick_seat(
                s,
                self.free(performance_id, s.seat_id, category_id, now)
                and (performance_id, s.seat_id) not in spare,
            )
            for s in self.of(performance_id).values()
            if s.category_id == category_id
        ]
        try:
            rule = seat_picking.OrphanRule(always_allow=True)
            return list(seat_picking.best_available(picks, category_id, quantity, rule=rule).seat_ids)
        except (seat_picking.NotEnoughSeats, seat_picking.OrphanSeatsRefused, ValueError):
            return []


def same_seat(view: StockView, wanted: Wanted) -> tuple[str, ...] | None:
    """The subscriber's seats in the new performance, when its layout is last season's and they are free
    in the subscriber's category there."""
    if len(wanted.from_seat_ids) != wanted.quantity:
        return None  # standing places: no seat to keep
    if view.layout(wanted.performance_id) != view.layout(wanted.from_performance_id):
        return None
    now = clock.seconds()
    if all(view.free(wanted.performance_id, s, wanted.category_id, now) for s in wanted.from_seat_ids):
        return wanted.from_seat_ids
    return None


def placed(
    view: StockView,
    wanted: list[Wanted],
    *,
    same_only: bool,
    spare: set[tuple[str, str]] = frozenset(),
    preferred: tuple[str, ...] = (),
) -> list[Placed] | None:
    """A seat for every performance: the same seat; else (unless `same_only`) the contact's preferred
    seats (`preferred`, best first) that are free in the category; else the best in the category.

    None when `same_only` and one performance cannot keep its seat; NotRenewable when a category has no
    seat left."""
    found: list[Placed] = []
    for want in wanted:
        seats = same_seat(view, want)
        if seats is not None:
            found.append(Placed(want, seats, SAME_SEAT))
            continue
        if same_only:
            return None
        liked = preferred_seats(view, want, preferred, spare)
        if liked is not None:
            found.append(Placed(want, liked, PREFERRED_SEAT))
            continue
        best = view.best(want.performance_id, want.category_id, want.quantity, set(spare))
        if not best:
            raise NotRenewable(
                "no_seat_in_category", performance_id=want.performance_id, seat_category_id=want.category_id
            )
        found.append(Placed(want, tuple(best), BEST_IN_CATEGORY))
    return found


def preferred_seats(
    view: StockView, want: Wanted, preferred: tuple[str, ...], spare: set[tuple[str, str]]
) -> tuple[str, ...] | None:
    """The first `want.quantity` of the contact's preferred seats free in the category, or None."""
    now = clock.seconds()
    free = [
        seat_id
        for seat_id in preferred
        if (want.performance_id, seat_id) not in spare
        and view.free(want.performance_id, seat_id, want.category_id, now)
    ]
    return tuple(free[: want.quantity]) if len(free) >= want.quantity else None


def claims_of(wanted: list[Wanted]) -> set[tuple[str, str]]:
    """The seats a subscription would keep: (new performance, seat id)."""
    return {(w.performance_id, s) for w in wanted for s in w.from_seat_ids}
