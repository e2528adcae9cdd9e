"""Orders made by operators from held places (validated options)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from chalicelib.catalog import service as catalog
from chalicelib.inventory import service as inventory
from chalicelib.sales import carts, repository
from chalicelib.sales.documents import Order, OrderLine
from chalicelib.sales.model import (
    CANCEL,
    RESERVATION,
    next_state,
)
from chalicelib.sales.order_store import (
    iso,
    new_order_id,
    now,
    order_for_operator,
    transition,
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


BACK_OFFICE = "backoffice"


def reservation_for_contact(
    org_id: str, owner: str, email: str, name: str, places: list[PlacedPlaces], deadline: int, by: str
) -> Order:
    """A reservation order for held places, payable until `deadline`; the holds then last until it."""
    from chalicelib.shop import service as shop

    moment = now()
    lines: list[OrderLine] = []
    categories = {c.id: c.data["name"] for c in catalog.all_items(org_id, "seat_category")}
    audiences = {a.id: a.data["name"] for a in catalog.all_items(org_id, "audience_subcategory")}
    currency = "EUR"
    for group in places:
        prices = carts.price_list(org_id, group.performance_id)
        currency = prices.currency
        subcategory = group.audience_subcategory_id or prices.default_subcategory(group.category_id) or ""
        amount = prices.price(group.category_id, subcategory, "audience_subcategory_id")
        performance = catalog.get(org_id, "performance", group.performance_id)
        event = catalog.get(org_id, "event", performance.data["event_id"]).data
        seats = {s.seat_id: s for s in shop.stock_seats(org_id, group.performance_id, performance.state)}
        hold_id = group.hold_ids[0] if group.hold_ids else ""
        units = [(seat_id, None) for seat_id in group.seat_ids] or [(None, group.area)] * group.quantity
        for seat_id, area in units:
            seat = seats.get(seat_id) if seat_id else None
            lines.append(
                OrderLine(
                    line_id=uuid.uuid4().hex[:12],
                    ticket_id=uuid.uuid4().hex,
                    performance_id=group.performance_id,
                    hold_id=hold_id,
                    event_name=event["name"],
                    starts_at=str(performance.data["starts_at"]),
                    category_id=group.category_id,
                    category_name=categories.get(group.category_id, ""),
                    audience_subcategory_id=subcategory,
                    audience_name=audiences.get(subcategory, ""),
                    unit_price=amount,
                    seat_id=seat_id,
                    area=area,
                    block=seat.block if seat else None,
                    row=seat.row if seat else None,
                    number=seat.number if seat else None,
                )
            )
    total = sum(line.unit_price for line in lines)
    order = Order(
        order_id=new_order_id(moment),
        org_id=org_id,
        pos_id=BACK_OFFICE,
        channel_id=BACK_OFFICE,
        cart_id=None,
        owner=owner,
        shopper_id=None,
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
    )
    repository.create_order(order)
    for hold in inventory.get_holds(order.hold_ids):
        inventory.extend_hold(hold, deadline, order.order_id)
    return order


def detach_reservation(org_id: str, order_id: str, hold_ids: list[str], hold_until: int, by: str) -> Order:
    """Cancel a reservation whose places stay held for someone else (an option's cancelled validation)."""
    order = order_for_operator(org_id, order_id)
    next_state(order.status, CANCEL)
    for hold in inventory.get_holds(hold_ids):
        inventory.extend_hold(hold, hold_until)
    return transition(order_id, CANCEL, by, "validation cancelled; the option keeps its places")
