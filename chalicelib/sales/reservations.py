"""Orders made by operators from held places (validated options)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.clock import iso, now
from chalicelib.errors import Conflict, InvalidInput, InvalidTransition
from chalicelib.inventory import service as inventory
from chalicelib.outbox.model import Effect
from chalicelib.sales import carts, order_lines, repository
from chalicelib.sales.documents import Order, OrderLine
from chalicelib.sales.model import (
    CANCEL,
    CARD,
    PAYMENT_PENDING,
    RESERVATION,
    next_state,
)
from chalicelib.sales.order_store import (
    new_order_id,
    order_for_operator,
    transition,
    update,
)


@dataclass(frozen=True)
class PlacedPlaces:
    """Places already held for someone (an option's placement), to become order lines."""

    performance_id: str
    category_id: str
    hold_ids: list[str]
    seat_ids: list[str]
    area: str | None
    quantity: int
    audience_subcategory_id: str | None = None
    # A season ticket's places (a renewal): priced by its line, not the price grid, and carrying the
    # package (package_id, season_ticket_id, name, line_id, amount) as a shop purchase's lines do.
    unit_price: int | None = None
    package: dict[str, Any] | None = None


BACK_OFFICE = "backoffice"


def reservation_for_contact(
    org_id: str,
    owner: str,
    email: str,
    name: str,
    places: list[PlacedPlaces],
    deadline: int,
    by: str,
    pos_id: str | None = None,
    channel_id: str | None = None,
    *,
    shopper_id: str | None = None,
    contact_id: str | None = None,
    order_id: str | None = None,
    effects: Callable[[Order], list[Effect]] | None = None,
) -> Order:
    """A reservation order for held places, payable until `deadline`; the holds then last until it.

    Made on a point of sale (where its channel may let it be paid or cancelled online), else at the
    back office (paid at the box office). `order_id`: chosen beforehand by a caller that must find the
    order again after a failure (a renewal); Conflict when that order exists. `effects`: what the new
    order brings (an email telling its buyer), written in its transaction."""
    moment = now()
    lines, currency = _lines(org_id, places)
    total = sum(line.unit_price for line in lines)
    order = Order(
        order_id=order_id or new_order_id(moment),
        org_id=org_id,
        pos_id=pos_id or BACK_OFFICE,
        channel_id=channel_id or BACK_OFFICE,
        cart_id=None,
        owner=owner,
        shopper_id=shopper_id,
        email=email,
        name=name,
        status=RESERVATION,
        created_at=iso(moment),
        currency=currency,
        lines=lines,
        tickets_total=total,
        booking_fee=0,
        delivery_method="ETICKET",
        delivery_fee=0,
        total=total,
        deadline=deadline,
        hold_ids=[h for group in places for h in group.hold_ids],
        history=[{"at": iso(moment), "status": RESERVATION, "by": by}],
        contact_id=contact_id,
    )
    repository.create_order(order, effects(order) if effects else [])
    for hold in inventory.get_holds(order.hold_ids):
        inventory.extend_hold(hold, deadline, order.order_id)
    return order


def add_to_reservation(
    org_id: str, order_id: str, owner: str, places: list[PlacedPlaces], deadline: int, by: str
) -> Order:
    """Held places join an existing reservation of the same customer (payable until the earlier of
    the two deadlines); InvalidInput naming `order_id` when it is not theirs or no longer open."""
    order = order_for_operator(org_id, order_id)
    if order.owner != owner or order.status != RESERVATION:
        raise InvalidInput(
            "Choose a reservation of the same contact that is not yet paid, or a new order",
            {"field": "order_id", "value": order_id, "status": order.status},
        )
    lines, _ = _lines(org_id, places)
    added = [h for group in places for h in group.hold_ids]

    def change(current: Order) -> None:
        _refuse_during_card_payment(current)
        current.lines += lines
        current.hold_ids += [h for h in added if h not in current.hold_ids]
        current.tickets_total = sum(line.unit_price for line in current.lines)
        current.total = current.tickets_total + current.booking_fee + current.delivery_fee
        current.deadline = min(current.deadline or deadline, deadline)
        note = f"{len(lines)} places added: options validated"
        current.history.append({"at": iso(), "status": current.status, "by": by, "note": note})

    order = update(order_id, change)
    for hold in inventory.get_holds(order.hold_ids):
        inventory.extend_hold(hold, order.deadline, order.order_id)
    return order


def _lines(org_id: str, places: list[PlacedPlaces]) -> tuple[list[OrderLine], str]:
    """One line per seat or standing place, priced at the audience subcategory's price (or at the
    places' own unit price, a season ticket's)."""
    from chalicelib.shop import service as shop

    builder = order_lines.LineBuilder(org_id)
    lines: list[OrderLine] = []
    currency = "EUR"
    for group in places:
        prices = carts.price_list(org_id, group.performance_id)
        currency = prices.currency
        subcategory = group.audience_subcategory_id or prices.default_subcategory(group.category_id) or ""
        if group.unit_price is None:
            amount = prices.price(group.category_id, subcategory, "audience_subcategory_id")
        else:
            amount = group.unit_price
        state = catalog.get(org_id, "performance", group.performance_id).state
        seats = {s.seat_id: s for s in shop.stock_seats(org_id, group.performance_id, state)}
        hold_id = group.hold_ids[0] if group.hold_ids else ""
        units = [(seat_id, None) for seat_id in group.seat_ids] or [(None, group.area)] * group.quantity
        for seat_id, area in units:
            seat = seats.get(seat_id) if seat_id else None
            place = order_lines.Place(
                seat_id,
                area,
                seat.block if seat else None,
                seat.row if seat else None,
                seat.number if seat else None,
            )
            line = builder.line(group.performance_id, hold_id, group.category_id, subcategory, amount, place)
            line.package = dict(group.package) if group.package else None
            lines.append(line)
    return lines, currency


def detach_reservation(org_id: str, order_id: str, hold_ids: list[str], hold_until: int, by: str) -> Order:
    """Take someone's held places out of a reservation (an option's cancelled validation): their lines
    leave the order, which another option may share; the places stay held until `hold_until`.

    The order is cancelled when nothing is left in it; refused while a card payment of it is under way
    or once it is no longer a reservation (taken up, cancelled or expired)."""
    held = set(hold_ids)
    order = order_for_operator(org_id, order_id)
    if any(line.hold_id in held for line in order.lines):
        if all(line.hold_id in held for line in order.lines):
            next_state(order.status, CANCEL)
            _refuse_during_card_payment(order)
            order = transition(order_id, CANCEL, by, "validation cancelled; the option keeps its places")
        else:
            order = _take_out(order_id, held, by)
    for hold in inventory.get_holds(hold_ids):
        inventory.detach_from_order(hold.hold_id)
        if hold.status == "active":
            inventory.extend_hold(hold, hold_until)
    return order


def _refuse_during_card_payment(order: Order) -> None:
    if order.status != RESERVATION:
        raise InvalidTransition(
            f"The option's order is {order.status}; its validation can no longer be cancelled",
            {"order_id": order.order_id, "state": order.status},
        )
    if any(p.method == CARD and p.status == PAYMENT_PENDING for p in order.payments):
        raise Conflict(
            "A card payment of this order is under way; try again once it has succeeded or failed",
            {"order_id": order.order_id},
        )


def _take_out(order_id: str, held: set[str], by: str) -> Order:
    def change(current: Order) -> None:
        _refuse_during_card_payment(current)
        gone = [line for line in current.lines if line.hold_id in held]
        current.lines = [line for line in current.lines if line.hold_id not in held]
        current.hold_ids = [h for h in current.hold_ids if h not in held]
        current.tickets_total = sum(line.unit_price for line in current.lines)
        current.total = current.tickets_total + current.booking_fee + current.delivery_fee
        note = f"{len(gone)} places taken out: an option's validation was cancelled"
        current.history.append({"at": iso(), "status": current.status, "by": by, "note": note})

    return update(order_id, change)
