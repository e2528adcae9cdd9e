"""Back-office routes for a performance's stock: open it for sale, count it, block, unblock and move seats."""

from __future__ import annotations

from chalice import Response
from pydantic import Field

from chalicelib.api.conditional import conditional_json
from chalicelib.api.routing import Api, Body, Out
from chalicelib.api.selection import SelectionIn
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.catalog.kinds import Code, Ref
from chalicelib.catalog.seating import Selection
from chalicelib.distributors import export_pending
from chalicelib.inventory import holders, stock, stock_opening
from chalicelib.inventory.stock_model import BLOCK, MOVE, UNBLOCK

api = Api(__name__, tag="back-office: stock")
blueprint = api.blueprint

BASE = "/backoffice/performances/{item_id}"
# Either right reads the stock; the route takes any operator and checks the pair itself.
READ_STOCK = (Right("catalog", "read"), Right("inventory", "read"))
MODIFY = Right("inventory", "modify")


class SeatsIn(Body):
    selection: SelectionIn


class MoveSeatsIn(SeatsIn):
    quota_id: Ref


class MovePlaces(Body):
    area: Code
    from_quota_id: Ref
    to_quota_id: Ref
    places: int = Field(ge=1, le=200_000)


class OpeningOut(Out):
    performance_id: str
    execution_arn: str


class SeatCountOut(Out):
    category_id: str
    quota_id: str | None
    status: str
    seats: int


class AreaCountOut(Out):
    area: str
    quota_id: str
    category_id: str | None
    capacity: int
    free: int


class StockOut(Out):
    performance_id: str
    status: str
    shards: int
    seat_count: int
    seats: list[SeatCountOut]
    areas: list[AreaCountOut]


class RefusedSeatOut(Out):
    seat_id: str
    reason: str


class ExportSuggestionOut(Out):
    interface_id: str
    name: str
    performance_id: str


SUGGESTED = Field(
    default_factory=list,
    description="Distributors whose seats changed: their allotment export is pending, suggest running it",
)


class ChangeOut(Out):
    changed: int
    unchanged: list[str]
    refused: list[RefusedSeatOut]
    export_suggested: list[ExportSuggestionOut] = SUGGESTED


class PlacesMovedOut(Out):
    area: str
    from_quota_id: str
    to_quota_id: str
    places: int
    export_suggested: list[ExportSuggestionOut] = SUGGESTED


@api.route(
    f"{BASE}/open",
    "POST",
    summary="Open a performance for sale: start building its stock",
    auth=Right("catalog", "execute"),
    response=OpeningOut,
    status=202,
)
def open_performance(caller: OperatorCaller, item_id: str) -> OpeningOut:
    arn = stock_opening.start(caller.org_id, item_id)
    return OpeningOut(performance_id=item_id, execution_arn=arn)


# The live stock screen asks both reads every 10 s: an ETag lets an unchanged stock answer an empty 304.
@api.route(
    f"{BASE}/stock",
    summary="Seats per category, quota and status, and standing places per area (ETag: 304 when unchanged)",
    auth=READ_STOCK,
    response=StockOut,
)
def get_stock(caller: OperatorCaller, item_id: str) -> Response:
    counts = StockOut(**stock.stock_counts(caller.org_id, item_id))
    return conditional_json(blueprint.current_request.headers, counts)


class StockSeatOut(Out):
    seat_id: str
    zone: str | None = None
    block: str | None = None
    row: str | None = None
    number: str | None = None
    category_id: str | None = None
    quota_id: str | None = None
    status: str
    hold_expires_at: int | None = None


class StockSeatsOut(Out):
    performance_id: str
    status: str
    seats: list[StockSeatOut]


@api.route(
    f"{BASE}/stock/seats",
    summary="Every seat's live status and quota, for drawing the plan (a held seat past its expiry is free; "
    "ETag: 304 when unchanged)",
    auth=READ_STOCK,
    response=StockSeatsOut,
)
def get_stock_seats(caller: OperatorCaller, item_id: str) -> Response:
    seats = StockSeatsOut.model_validate(stock.live_seats(caller.org_id, item_id))
    return conditional_json(blueprint.current_request.headers, seats)


class HolderOut(Out):
    hold_id: str | None
    kind: str = Field(
        description="cart, option, reservation (an order awaiting payment), order (sold) or distributor "
        "(held or sold in a distributor's allotment)"
    )
    seat_ids: list[str]
    expires_at: int | None = Field(default=None, description="None when sold")
    cart_id: str | None = Field(default=None, description="Shown with the orders:read right")
    order_id: str | None = Field(default=None, description="Shown with the orders:read right")
    option_id: str | None = Field(default=None, description="Shown with the options:read right")
    channel_id: str | None = Field(default=None, description="distributor: the external sales channel")
    channel_name: str | None = Field(default=None, description="distributor: the channel's name")


class HoldersOut(Out):
    performance_id: str
    holders: list[HolderOut]


# What a holder links to, and the right that shows it: without it the operator sees the kind only.
LINK_RIGHTS = {
    "cart_id": Right("orders", "read"),
    "order_id": Right("orders", "read"),
    "option_id": Right("options", "read"),
}


@api.route(
    f"{BASE}/stock/holders",
    summary="Who holds each held or sold seat: the hold's kind and its cart, option or order (links need "
    "orders:read / options:read; ETag: 304 when unchanged)",
    auth=Right("inventory", "read"),
    response=HoldersOut,
)
def get_stock_holders(caller: OperatorCaller, item_id: str) -> Response:
    hidden = [name for name, right in LINK_RIGHTS.items() if not caller.may(right)]
    found = holders.seat_holders(caller.org_id, item_id)
    for holder in found["holders"]:
        for name in hidden:
            holder.pop(name, None)
    return conditional_json(blueprint.current_request.headers, HoldersOut.model_validate(found))


def _change(
    caller: OperatorCaller, item_id: str, selection: Selection, change: str, quota: str | None = None
) -> ChangeOut:
    """Change the seats; a move between two distributors' quotas is refused (their two-step move), and
    the answer suggests the allotment exports the change made pending."""
    before: dict[str, str | None] = {}

    def guard(seat_ids: list[str]) -> None:
        before.update(export_pending.check_stock_change(caller.org_id, item_id, seat_ids, change, quota))

    report = stock.change_seats(caller.org_id, item_id, selection, change, quota, guard=guard)
    skipped = [*report.unchanged, *(r["seat_id"] for r in report.refused)]
    suggested = export_pending.note_stock_change(caller.org_id, item_id, before, change, quota, skipped)
    return ChangeOut(
        changed=report.changed,
        unchanged=report.unchanged,
        refused=[RefusedSeatOut(**r) for r in report.refused],
        export_suggested=[ExportSuggestionOut(**s) for s in suggested],
    )


CHANGE_NOTE = (
    "; up to 100 seats all or nothing (409 names refused seats), more in chunks with a report; 409 "
    "two_step_move / export_pending for seats going from one distributor to another; export_suggested "
    "names the distributors whose allotment export is due"
)


@api.route(
    f"{BASE}/stock/block",
    "POST",
    summary="Block free seats" + CHANGE_NOTE,
    auth=MODIFY,
    body=SeatsIn,
    response=ChangeOut,
)
def block_seats(caller: OperatorCaller, item_id: str, body: SeatsIn) -> ChangeOut:
    return _change(caller, item_id, body.selection.selection(), BLOCK)


@api.route(
    f"{BASE}/stock/unblock",
    "POST",
    summary="Unblock blocked seats" + CHANGE_NOTE,
    auth=MODIFY,
    body=SeatsIn,
    response=ChangeOut,
)
def unblock_seats(caller: OperatorCaller, item_id: str, body: SeatsIn) -> ChangeOut:
    return _change(caller, item_id, body.selection.selection(), UNBLOCK)


@api.route(
    f"{BASE}/stock/move",
    "POST",
    summary="Move free seats to another quota" + CHANGE_NOTE,
    auth=MODIFY,
    body=MoveSeatsIn,
    response=ChangeOut,
)
def move_seats(caller: OperatorCaller, item_id: str, body: MoveSeatsIn) -> ChangeOut:
    return _change(caller, item_id, body.selection.selection(), MOVE, body.quota_id)


@api.route(
    f"{BASE}/stock/areas/move",
    "POST",
    summary="Move free standing places of an area from one quota to another (export_suggested: the "
    "distributors whose allotment export is due)",
    auth=MODIFY,
    body=MovePlaces,
    response=PlacesMovedOut,
)
def move_places(caller: OperatorCaller, item_id: str, body: MovePlaces) -> PlacesMovedOut:
    org_id, to_quota = caller.org_id, body.to_quota_id
    before = export_pending.places_before(body.area, body.from_quota_id)
    export_pending.check_stock_change(org_id, item_id, [], MOVE, to_quota, seats_before=before)
    moved = stock.move_places(org_id, item_id, body.area, body.from_quota_id, to_quota, body.places)
    suggested = export_pending.note_stock_change(org_id, item_id, before, MOVE, to_quota)
    return PlacesMovedOut(**moved, export_suggested=[ExportSuggestionOut(**s) for s in suggested])
