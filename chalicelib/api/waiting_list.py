"""The waiting list of sold-out performances over HTTP: shoppers join, leave, see their place and take
an offer; operators (rights area `orders`) see the lists with their offers, remove an entry, offer now."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from chalicelib.api.routing import SHOPPER, Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right, ShopperCaller
from chalicelib.sales.carts import Buyer
from chalicelib.waiting_list import offers
from chalicelib.waiting_list import service as waiting
from chalicelib.waiting_list.model import Entry, Request

api = Api(__name__, tag="waiting list")
blueprint = api.blueprint

JOIN = "/shop/{org_id}/pos/{pos_code}/performances/{performance_id}/waiting-list"
MINE = "/shop/{org_id}/account/waiting-list"
LISTS = "/backoffice/waiting-lists"


class JoinIn(Body):
    quantity: int = Field(ge=1, le=1000, description="Seats wanted (at most the channel's per performance)")
    min_quantity: int | None = Field(
        default=None, ge=1, description="The fewest seats accepted (default: the quantity: no fewer)"
    )
    seat_category_id: str | None = Field(default=None, max_length=100, description="None: any category")
    accepts_seats_apart: bool = Field(default=False, description="Seats need not be together in a row")

    @model_validator(mode="after")
    def _least_not_above(self) -> JoinIn:
        if self.min_quantity is not None and self.min_quantity > self.quantity:
            raise ValueError("min_quantity must not be above quantity")
        return self

    def request(self) -> Request:
        least = self.min_quantity or self.quantity
        return Request(self.quantity, least, self.seat_category_id, self.accepts_seats_apart)


class SeatOut(Out):
    seat_id: str
    seat_category_id: str | None
    block: str | None
    row: str | None
    number: str | None


class OfferOut(Out):
    status: str = Field(description="offered | taken (a cart holds the seats) | bought | expired | withdrawn")
    seats: list[SeatOut] = Field(description="Numbered seats held (none when standing places are)")
    area: str | None = Field(description="The standing area whose places are held, if any")
    places: int = Field(description="How many places are held: seats, or standing places")
    offered_at: int
    expires_at: int = Field(description="Epoch seconds: after it the seats pass to the next entry")
    cart_id: str | None


class EntryOut(Out):
    entry_id: str
    performance_id: str
    pos_code: str
    status: str = Field(description="waiting | offered | bought | lapsed | left | removed | closed")
    position: int | None = Field(description="Place among the entries still waiting (1: next); else null")
    joined_at: str
    quantity: int
    min_quantity: int
    seat_category_id: str | None
    accepts_seats_apart: bool
    offer: OfferOut | None


class MyEntries(Out):
    entries: list[EntryOut]


class TakenOfferOut(Out):
    cart_id: str = Field(description="The cart holding the offered seats: check it out as any cart")
    pos_code: str
    performance_id: str
    expires_at: int
    entry: EntryOut


class EntryDetailOut(EntryOut):
    name: str | None
    email: str | None
    history: list[dict[str, Any]]


class ListOut(Out):
    performance_id: str
    status: str = Field(description="open | closed")
    closed_reason: str | None = Field(description="cancelled | started | deleted")
    erased: bool = Field(description="Its entries' names and emails are erased")
    created_at: str
    event_name: str | None
    performance_code: str | None
    starts_at: str | None
    counts: dict[str, int] = Field(default_factory=dict, description="Entries by status")


class ListsOut(Out):
    lists: list[ListOut]


class ListDetailOut(ListOut):
    entries: list[EntryDetailOut]


class VisitOut(Out):
    performance_id: str
    offered: int
    seats_offered: int
    bought: int
    lapsed: int
    closed: int
    erased: int
    notes: list[str]


def _offer(entry: Entry) -> OfferOut | None:
    offer = entry.offer
    if offer is None:
        return None
    seats = [
        SeatOut(seat_id=s.seat_id, seat_category_id=s.category_id, block=s.block, row=s.row, number=s.number)
        for s in offer.seats
    ]
    return OfferOut(
        status=offer.status,
        seats=seats,
        area=offer.area,
        places=offer.quantity,
        offered_at=offer.offered_at,
        expires_at=offer.expires_at,
        cart_id=offer.cart_id,
    )


def _fields(placed: waiting.Placed) -> dict[str, Any]:
    entry, request = placed.entry, placed.entry.request
    return {
        "entry_id": entry.entry_id,
        "performance_id": entry.performance_id,
        "pos_code": entry.pos_code,
        "status": entry.status,
        "position": placed.position,
        "joined_at": entry.joined_at,
        "quantity": request.quantity,
        "min_quantity": request.min_quantity,
        "seat_category_id": request.category_id,
        "accepts_seats_apart": request.accepts_apart,
        "offer": _offer(entry),
    }


def entry_out(placed: waiting.Placed) -> EntryOut:
    return EntryOut(**_fields(placed))


def _buyer(caller: ShopperCaller) -> Buyer:
    s = caller.shopper
    return Buyer(s.org_id, s.shopper_id, s.shopper_id, s.email, s.name)


@api.route(
    JOIN,
    "POST",
    summary="Join a sold-out performance's waiting list",
    auth=SHOPPER,
    body=JoinIn,
    response=EntryOut,
    status=201,
)
def join_waiting_list(
    caller: ShopperCaller, org_id: str, pos_code: str, performance_id: str, body: JoinIn
) -> EntryOut:
    return entry_out(waiting.join(org_id, pos_code, performance_id, _buyer(caller), body.request()))


@api.route(
    MINE, summary="My waiting-list entries, with my place and any offer", auth=SHOPPER, response=MyEntries
)
def my_waiting_list_entries(caller: ShopperCaller, org_id: str) -> MyEntries:
    return MyEntries(entries=[entry_out(p) for p in waiting.my_entries(org_id, caller.buyer_id)])


@api.route(
    MINE + "/{performance_id}", summary="My entry on one performance's list", auth=SHOPPER, response=EntryOut
)
def my_waiting_list_entry(caller: ShopperCaller, org_id: str, performance_id: str) -> EntryOut:
    return entry_out(waiting.my_entry(org_id, caller.buyer_id, performance_id))


@api.route(
    MINE + "/{performance_id}",
    "DELETE",
    summary="Leave the list (an offer not bought is given up)",
    auth=SHOPPER,
    response=EntryOut,
)
def leave_waiting_list(caller: ShopperCaller, org_id: str, performance_id: str) -> EntryOut:
    return entry_out(waiting.Placed(waiting.leave(org_id, caller.buyer_id, performance_id), None))


@api.route(
    MINE + "/{performance_id}/offer",
    "POST",
    summary="Take the offer (the email's link): a cart holding the offered seats, to check out as usual",
    auth=SHOPPER,
    response=TakenOfferOut,
)
def take_waiting_list_offer(caller: ShopperCaller, org_id: str, performance_id: str) -> TakenOfferOut:
    taken = waiting.take_offer(org_id, _buyer(caller), performance_id)
    entry = taken.entry
    return TakenOfferOut(
        cart_id=taken.cart_id,
        pos_code=entry.pos_code,
        performance_id=entry.performance_id,
        expires_at=taken.expires_at,
        entry=entry_out(waiting.Placed(entry, None)),
    )


@api.route(
    LISTS,
    summary="Waiting lists, with their entries counted by status",
    auth=Right("orders", "read"),
    response=ListsOut,
)
def list_waiting_lists(caller: OperatorCaller) -> ListsOut:
    return ListsOut(lists=[ListOut(**found) for found in waiting.lists(caller.org_id)])


@api.route(
    LISTS + "/{performance_id}",
    summary="One waiting list: its entries in order, their offers and statuses",
    auth=Right("orders", "read"),
    response=ListDetailOut,
)
def get_waiting_list(caller: OperatorCaller, performance_id: str) -> ListDetailOut:
    summary, entries = waiting.list_detail(caller.org_id, performance_id)
    detailed = [
        EntryDetailOut(**_fields(p), name=p.entry.name, email=p.entry.email, history=p.entry.history)
        for p in entries
    ]
    return ListDetailOut(**summary, entries=detailed)


@api.route(
    LISTS + "/{performance_id}/entries/{entry_id}",
    "DELETE",
    summary="Remove an entry from the list (its live offer's seats are released)",
    auth=Right("orders", "modify"),
    response=EntryOut,
)
def remove_waiting_list_entry(caller: OperatorCaller, performance_id: str, entry_id: str) -> EntryOut:
    removed = waiting.remove(caller.org_id, performance_id, entry_id, caller.operator.login)
    return entry_out(waiting.Placed(removed, None))


@api.route(
    LISTS + "/{performance_id}/offers",
    "POST",
    summary="Offer the seats free now (e.g. after a cancellation) without waiting for the next run",
    auth=Right("orders", "modify"),
    response=VisitOut,
)
def offer_waiting_list_now(caller: OperatorCaller, performance_id: str) -> VisitOut:
    waiting.list_detail(caller.org_id, performance_id)  # 404 for a performance with no list
    return VisitOut(**offers.offer_now(caller.org_id, performance_id))
