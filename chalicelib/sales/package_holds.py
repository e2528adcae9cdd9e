"""Several performances held together for one package (a season ticket): every hold, or none.

Each performance's places are one hold, so one DynamoDB transaction (at most 98 seats); a package of
many performances is held one performance after another and, when one fails, the holds already placed
are released before the refusal is answered (a crash in between leaves holds that expire on their own).

With "same seat", the first performance's seats (chosen, or the best available) are the reference; the
others take the same seat ids where they are free and of the right category. Where they are not, nothing
is held and the answer (409 `same_seat_unavailable`) lists, per performance, the alternatives: the same
seats in another allowed category, the nearest free seats in the category, the best free seats in it,
each with its price difference; the buyer sends the seats they chose back as `seat_ids`.
"""

from __future__ import annotations

import itertools
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib import clock
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.inventory import seat_picking
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import Hold
from chalicelib.observability import logger
from chalicelib.queue import service as queue
from chalicelib.sales import carts, client_limits
from chalicelib.sales.carts import Buyer, HoldRequest, PricedCart
from chalicelib.sales.documents import CartLine
from chalicelib.shop import service as shop
from chalicelib.shop.model import MapSeat, seat_available


class SameSeatUnavailable(Conflict):
    """The same seats are not free in every performance; `details.performances` has the alternatives."""

    code = "same_seat_unavailable"


@dataclass(frozen=True)
class PackagePart:
    """One performance of a package: what to hold there and the package facts its places carry."""

    request: HoldRequest
    package: Mapping[str, Any]  # package_id, season_ticket_id, name, line_id, amount (a place's price)
    same_seat: bool = False  # take the reference seats (the first part's) here
    # seat category -> a place's price in this line, for the categories the buyer may take instead
    other_prices: Mapping[str, int] = field(default_factory=dict)


def new_package_id() -> str:
    return uuid.uuid4().hex[:16]


def add_package(org_id: str, cart_id: str, buyer: Buyer, parts: Sequence[PackagePart]) -> PricedCart:
    """Hold every part's places and add them to the cart as one package; on any refusal none is held."""
    if not parts:
        raise InvalidInput("A package holds at least one performance", {"field": "performances"})
    cart = carts.open_cart_of(org_id, cart_id, buyer)
    rules = carts.rules_for(org_id, cart.pos_id)
    front = shop.shop_front(org_id, rules.pos_code)
    held: list[tuple[Hold, list[CartLine]]] = []
    taken: list[Any] = []
    reference: list[str] = []
    try:
        states = {}
        for part in parts:
            _, _, stored = shop.on_sale(front, part.request.performance_id)
            states[part.request.performance_id] = stored.state
            queue.require_admission(org_id, part.request.performance_id, buyer.buyer_id)
            wanted = len(part.request.seat_ids) or part.request.quantity
            already = len(cart.lines_for(part.request.performance_id))
            if already + wanted > rules.max_tickets_per_performance:
                raise InvalidInput(
                    f"At most {rules.max_tickets_per_performance} tickets per performance in one order",
                    {"field": "quantity", "max": rules.max_tickets_per_performance, "in_cart": already},
                )
        first = parts[0]
        held.append(_hold(org_id, cart, buyer, rules, front, states, first, taken))
        reference = [line.seat_id for line in held[0][1] if line.seat_id]
        rest = list(parts[1:])
        if any(part.same_seat and not part.request.seat_ids for part in rest):
            rest = _same_seats(org_id, front, states, rest, reference, first)
        for part in rest:
            held.append(_hold(org_id, cart, buyer, rules, front, states, part, taken))
    except Exception:
        _undo(held, taken)
        raise
    for hold, lines in held:
        cart.lines.extend(lines)
        cart.hold_ids.append(hold.hold_id)
    cart.started_at = cart.started_at or clock.seconds()
    try:
        return carts.save_priced(cart)
    except Conflict:
        _undo(held, taken)
        raise


def _hold(
    org_id, cart, buyer, rules, front, states, part: PackagePart, taken: list
) -> tuple[Hold, list[CartLine]]:
    request = part.request
    wanted = len(request.seat_ids) or request.quantity
    taken.append(client_limits.take_places(buyer, request.performance_id, wanted, rules))
    context = carts.HoldContext(
        org_id, cart, buyer, rules, front, states[request.performance_id], request, package=True
    )
    if request.seat_ids:
        hold, seats = carts.hold_chosen_seats(context)
    else:
        hold, seats, _ = carts.hold_best_available(context)
    lines = carts.lines_of(hold, seats, request)
    wrong = [line.seat_id for line in lines if line.category_id != request.category_id]
    if wrong:  # a place is paid at its category's price: named seats must be of the chosen one
        _undo([(hold, lines)], [])
        raise InvalidInput(
            "These seats are not in the seat category chosen for this performance",
            {"field": "seat_ids", "seats": wrong, "performance_id": request.performance_id},
        )
    for line in lines:
        line.audience_subcategory_id = request.audience_subcategory_id
        line.package = dict(part.package)
    return hold, lines


def _undo(held: list[tuple[Hold, list[CartLine]]], taken: list) -> None:
    """Release what was held (a failed release is left to expire: holds always do) and the counts."""
    for hold, _ in held:
        try:
            inventory.release_hold(hold.hold_id)
        except Exception:  # noqa: BLE001 - the hold expires on its own; the refusal must still answer
            logger.warning("package hold not released; it will expire", extra={"hold_id": hold.hold_id})
    for count in taken:
        count.undo()


def _same_seats(
    org_id: str,
    front: shop.ShopFront,
    states: dict,
    parts: list[PackagePart],
    reference: list[str],
    first: PackagePart,
) -> list[PackagePart]:
    """The parts asking for the reference seats, given them as chosen seats; where they cannot have
    them, SameSeatUnavailable with the alternatives of each such performance."""
    now = clock.seconds()
    sellable = shop.sellable(front)
    ready, problems = [], []
    for part in parts:
        if not part.same_seat or part.request.seat_ids:
            ready.append(part)
            continue
        seats = shop.stock_seats(org_id, part.request.performance_id, states[part.request.performance_id])
        by_id = {s.seat_id: s for s in seats}
        category = part.request.category_id
        same = [by_id.get(seat_id) for seat_id in reference]
        if all(
            s is not None and seat_available(s, sellable, now) and s.category_id == category for s in same
        ):
            ready.append(replace(part, request=replace(part.request, seat_ids=tuple(reference), quantity=0)))
            continue
        problems.append(_alternatives(part, seats, reference, sellable, now))
    if problems:
        raise SameSeatUnavailable(
            "The same seats are not free in every performance; choose among the alternatives",
            {
                "reference": {"performance_id": first.request.performance_id, "seat_ids": reference},
                "performances": problems,
            },
        )
    return ready


def _alternatives(
    part: PackagePart, seats: list[MapSeat], reference: list[str], sellable, now: int
) -> dict[str, Any]:
    request = part.request
    category = request.category_id or ""
    amount = int(part.package["amount"])
    quantity = len(reference) or request.quantity
    free = [s for s in seats if seat_available(s, sellable, now)]
    by_id = {s.seat_id: s for s in free}
    found: list[dict[str, Any]] = []
    same = [by_id.get(seat_id) for seat_id in reference]
    if reference and all(s is not None for s in same):
        others = {s.category_id for s in same if s is not None}
        if len(others) == 1:
            other = others.pop() or ""
            if other != category and other in part.other_prices:
                found.append(
                    _choice("same_seat_other_category", other, reference, part.other_prices[other], amount)
                )
    in_category = [s for s in free if s.category_id == category]
    near = _nearest(in_category, [s for s in seats if s.seat_id in set(reference)], quantity)
    if near:
        found.append(_choice("nearest", category, near, amount, amount))
    best = _best(in_category, category, quantity)
    if best and best != near:
        found.append(_choice("best_in_category", category, best, amount, amount))
    return {
        "performance_id": request.performance_id,
        "line_id": part.package.get("line_id"),
        "seat_category_id": category,
        "reason": "same_seat_taken",
        "alternatives": found,
    }


def _choice(kind: str, category: str, seat_ids: list[str], price: int, amount: int) -> dict[str, Any]:
    return {
        "kind": kind,
        "seat_category_id": category,
        "seat_ids": list(seat_ids),
        "unit_price": price,
        "difference": (price - amount) * len(seat_ids),
    }


def _nearest(free: list[MapSeat], around: list[MapSeat], quantity: int) -> list[str]:
    """The free seats of one row, side by side, closest to the reference seats; else the closest ones."""
    placed = [s for s in around if s.x is not None and s.y is not None]
    if not placed or len(free) < quantity:
        return []
    cx = sum(s.x or 0.0 for s in placed) / len(placed)
    cy = sum(s.y or 0.0 for s in placed) / len(placed)

    def distance(group: Sequence[MapSeat]) -> float:
        gx = sum(s.x or 0.0 for s in group) / len(group)
        gy = sum(s.y or 0.0 for s in group) / len(group)
        return math.hypot(gx - cx, gy - cy)

    rows: dict[tuple, list[MapSeat]] = {}
    for seat in free:
        if seat.x is not None and seat.y is not None:
            rows.setdefault((seat.block, seat.row), []).append(seat)
    runs: list[list[MapSeat]] = []
    for row in rows.values():
        row.sort(key=lambda s: s.x or 0.0)
        runs += [row[i : i + quantity] for i in range(len(row) - quantity + 1)]
    runs = [run for run in runs if _side_by_side(run)]
    if runs:
        return [s.seat_id for s in min(runs, key=distance)]
    closest = sorted((s for row in rows.values() for s in row), key=lambda s: distance([s]))
    return [s.seat_id for s in closest[:quantity]] if len(closest) >= quantity else []


def _side_by_side(run: list[MapSeat]) -> bool:
    if len(run) < 2:
        return True
    gaps = [(b.x or 0.0) - (a.x or 0.0) for a, b in itertools.pairwise(run)]
    return max(gaps) <= 1.6 * min(gaps) if min(gaps) > 0 else False


def _best(free: list[MapSeat], category: str, quantity: int) -> list[str]:
    picks = [seat_picking.pick_seat(s, True) for s in free]
    try:
        return seat_picking.best_available(picks, category, quantity).seat_ids
    except (seat_picking.NotEnoughSeats, seat_picking.OrphanSeatsRefused, ValueError):
        return []
