"""Waiting-list use cases of shoppers and operators: join, leave, see, take an offer, remove."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.db.waiting_lists import entry_sk
from chalicelib.errors import Conflict, HoldExpired, InvalidInput, NotFound, VersionConflict
from chalicelib.inventory import service as inventory
from chalicelib.sales import carts, pos_access
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.shop import service as shop
from chalicelib.shop.model import MapSeat
from chalicelib.waiting_list import model as m
from chalicelib.waiting_list import repository
from chalicelib.waiting_list.model import Entry, NotSoldOut, Request, WaitingListClosed

SHOPPER, WORKFLOW = "shopper", "workflow"


@dataclass(frozen=True)
class Placed:
    """An entry and its place in the queue (None once it is no longer waiting)."""

    entry: Entry
    position: int | None


@dataclass(frozen=True)
class TakenOffer:
    entry: Entry
    cart_id: str
    expires_at: int


def join(org_id: str, pos_code: str, performance_id: str, buyer: Buyer, request: Request) -> Placed:
    """Put the shopper on the sold-out performance's list at this point of sale (one entry each)."""
    front = shop.shop_front(org_id, pos_code)
    channel = catalog.parsed(org_id, "sales_channel", front.channel.id)
    if channel.hide_waiting_list:
        raise NotFound(
            f"Point of sale {pos_code} has no waiting list", {"pos_code": pos_code, "waiting_list": "hidden"}
        )
    shop.on_sale(front, performance_id)
    pos = catalog.get_by_code(org_id, "point_of_sale", pos_code)
    pos_access.check_may_open(org_id, front.channel.type, pos, buyer)
    _check_request(org_id, request, channel.max_tickets_per_performance)
    _check_sold_out(org_id, pos_code, performance_id, request)
    listed = repository.get_list(org_id, performance_id)
    if listed is not None and listed.status != repository.OPEN:
        raise WaitingListClosed(
            "This performance's waiting list is closed", {"performance_id": performance_id}
        )
    now = clock.now()
    entry_id = uuid.uuid4().hex
    entry = Entry(
        org_id=org_id,
        performance_id=performance_id,
        entry_id=entry_id,
        sk=entry_sk(int(now.timestamp() * 1_000_000), entry_id),
        buyer_id=buyer.buyer_id,
        pos_code=pos_code,
        email=buyer.email,
        name=buyer.name,
        request=request,
        status=m.WAITING,
        joined_at=now.isoformat(),
        history=[{"at": int(now.timestamp()), "action": "join", "status": m.WAITING, "by": SHOPPER}],
    )
    try:
        repository.add_entry(entry, new_list=listed is None)
    except VersionConflict:  # another shopper opened the list at the same moment
        repository.add_entry(entry, new_list=False)
    return my_entry(org_id, buyer.buyer_id, performance_id)


def _check_request(org_id: str, request: Request, most: int) -> None:
    if not 1 <= request.quantity <= most:
        raise InvalidInput(
            f"Ask for 1 to {most} seats (the channel's maximum per performance)",
            {"field": "quantity", "max": most},
        )
    if not 1 <= request.min_quantity <= request.quantity:
        raise InvalidInput(
            "The fewest seats accepted is between 1 and the quantity asked", {"field": "min_quantity"}
        )
    if request.category_id is not None:
        try:
            catalog.get(org_id, "seat_category", request.category_id)
        except NotFound:
            raise InvalidInput(
                "No such seat category", {"field": "seat_category_id", "value": request.category_id}
            ) from None


def _check_sold_out(org_id: str, pos_code: str, performance_id: str, request: Request) -> None:
    """Free places for the request at this point of sale: the shopper buys them instead (409)."""
    availability = shop.availability(org_id, pos_code, performance_id)
    if request.category_id is None:
        free = availability.total_free
    else:
        free = sum(c.free for c in availability.categories if c.seat_category_id == request.category_id)
    if free >= request.min_quantity:
        raise NotSoldOut(
            "Places are free for this request: buy them instead of waiting",
            {"performance_id": performance_id, "free": free, "seat_category_id": request.category_id},
        )


def _own_entry(org_id: str, buyer_id: str, performance_id: str) -> Entry:
    sk = repository.shopper_entry_sk(org_id, buyer_id, performance_id)
    if sk is None:
        raise NotFound(
            f"You are not on the waiting list of performance {performance_id}",
            {"performance_id": performance_id},
        )
    return repository.get_entry(org_id, performance_id, sk)


def my_entry(org_id: str, buyer_id: str, performance_id: str) -> Placed:
    entry = _own_entry(org_id, buyer_id, performance_id)
    return Placed(entry, _position(entry))


def my_entries(org_id: str, buyer_id: str) -> list[Placed]:
    return [Placed(e, _position(e)) for e in repository.shopper_entries(org_id, buyer_id)]


def _position(entry: Entry) -> int | None:
    if entry.status != m.WAITING:
        return None
    return m.positions(repository.entries(entry.org_id, entry.performance_id)).get(entry.entry_id)


def leave(org_id: str, buyer_id: str, performance_id: str) -> Entry:
    """The shopper leaves the list; an offer not bought is given up (its seats go to the next entry)."""
    entry = _own_entry(org_id, buyer_id, performance_id)
    return end_entry(entry, m.LEAVE, SHOPPER)


def end_entry(entry: Entry, action: str, by: str, effects: list | None = None) -> Entry:
    """Leave, remove or close an entry; a live offer's hold is released (unless an order holds it)."""
    offer = entry.offer if entry.offer and entry.offer.is_open else None
    m.move(entry, action, clock.seconds(), by)
    repository.save_entry(entry, effects, release_guard=True)
    if offer is not None:
        release_offer_hold(offer.hold_id)
    return entry


def release_offer_hold(hold_id: str) -> bool:
    """Free an offer's seats now, unless they were sold or a checkout made an order of them."""
    try:
        hold = inventory.get_hold(hold_id)
    except NotFound:
        return False
    if not hold.is_active or hold.order_id:
        return False
    return inventory.release_hold(hold_id).released


def take_offer(org_id: str, buyer: Buyer, performance_id: str) -> TakenOffer:
    """The shopper opens the offer's link: a cart at the entry's point of sale holding the offered
    seats until the offer ends, to check out as usual. Asked again, the same cart."""
    entry = _own_entry(org_id, buyer.buyer_id, performance_id)
    offer = entry.offer
    if entry.status != m.OFFERED or offer is None or not offer.is_open:
        raise Conflict(
            "No seats are offered to you for this performance now",
            {"performance_id": performance_id, "status": entry.status},
        )
    hold = inventory.get_hold(offer.hold_id)
    if not hold.is_active or hold.expires_at <= clock.seconds():
        raise HoldExpired(
            "The offer has ended", {"performance_id": performance_id, "expires_at": offer.expires_at}
        )
    if offer.status == m.OFFER_TAKEN and offer.cart_id:
        _attach(org_id, offer.cart_id, buyer, entry)
        return TakenOffer(entry, offer.cart_id, hold.expires_at)
    cart = carts.open_cart(org_id, entry.pos_code, buyer)
    offer.status, offer.cart_id = m.OFFER_TAKEN, cart.cart_id
    entry.history.append({"at": clock.seconds(), "action": "take", "status": entry.status, "by": SHOPPER})
    try:
        repository.save_entry(entry)
    except VersionConflict:  # taken at the same moment from another tab: that cart is the one
        return take_offer(org_id, buyer, performance_id)
    _attach(org_id, cart.cart_id, buyer, entry)
    return TakenOffer(entry, cart.cart_id, hold.expires_at)


def _attach(org_id: str, cart_id: str, buyer: Buyer, entry: Entry) -> None:
    """The offer's hold becomes the cart's (once): a line a seat, priced at the default audience."""
    offer = entry.offer
    assert offer is not None
    cart = carts.open_cart_of(org_id, cart_id, buyer)
    if offer.hold_id in cart.hold_ids:
        return
    hold = inventory.get_hold(offer.hold_id)
    seats = [
        MapSeat(s.seat_id, None, s.block, s.row, s.number, None, None, s.category_id, False, None, None, None)
        for s in offer.seats
    ]
    prices = carts.price_list(org_id, entry.performance_id)
    request = HoldRequest(
        entry.performance_id, category_id=offer.category_id, quantity=offer.places, area=offer.area
    )
    lines = carts.lines_of(hold, seats, request)
    for line in lines:
        line.audience_subcategory_id = prices.default_subcategory(line.category_id)
    cart.lines.extend(lines)
    cart.hold_ids.append(hold.hold_id)
    cart.started_at = cart.started_at or clock.seconds()
    carts.save_priced(cart)


# The back office.


def lists(org_id: str) -> list[dict[str, Any]]:
    """The organisation's waiting lists, each with its entries counted by status."""
    found = []
    for item in repository.org_lists(org_id):
        counts = {status: 0 for status in m.STATUSES}
        for entry in repository.entries(org_id, item.performance_id):
            counts[entry.status] += 1
        found.append(
            {**repository.summary(item), **_performance_of(org_id, item.performance_id), "counts": counts}
        )
    return found


def _performance_of(org_id: str, performance_id: str) -> dict[str, Any]:
    """What an operator recognises a list by: the event's name, the performance's code and start."""
    try:
        performance = catalog.get(org_id, "performance", performance_id).data
        event = catalog.get(org_id, "event", performance["event_id"]).data
    except NotFound:
        return {"event_name": None, "performance_code": None, "starts_at": None}
    return {
        "event_name": event.get("name"),
        "performance_code": performance.get("code"),
        "starts_at": str(performance.get("starts_at")),
    }


def list_detail(org_id: str, performance_id: str) -> tuple[dict[str, Any], list[Placed]]:
    item = repository.get_list(org_id, performance_id)
    if item is None:
        raise NotFound(
            f"Performance {performance_id} has no waiting list", {"performance_id": performance_id}
        )
    entries = repository.entries(org_id, performance_id)
    places = m.positions(entries)
    summary = {**repository.summary(item), **_performance_of(org_id, performance_id)}
    return summary, [Placed(e, places.get(e.entry_id)) for e in entries]


def remove(org_id: str, performance_id: str, entry_id: str, operator: str) -> Entry:
    """An operator takes an entry off the list (its live offer's seats are released)."""
    entry = next((e for e in repository.entries(org_id, performance_id) if e.entry_id == entry_id), None)
    if entry is None:
        raise NotFound(f"Waiting-list entry {entry_id} does not exist", {"entry_id": entry_id})
    return end_entry(entry, m.REMOVE, f"operator:{operator}")
