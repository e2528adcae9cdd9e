"""The shopper's personal space over HTTP: purchase history, the dashboard of pending actions, and
tickets to print again until the performance starts (a PDF per order or per performance)."""

from __future__ import annotations

from typing import Annotated

from chalice import Response
from pydantic import Field

from chalicelib.api.routing import SHOPPER, Api, Body, Out
from chalicelib.auth.model import ShopperCaller
from chalicelib.errors import PermissionDenied
from chalicelib.spaces import personal

api = Api(__name__, tag="shop: personal space", shared_catalog_reads=True)
blueprint = api.blueprint

ACCOUNT = "/shop/{org_id}/account"


class Action(Out):
    action: str = Field(description="pay | cancel | change | withdraw")
    method: str
    href: str


class PerformanceLine(Out):
    performance_id: str
    event_name: str
    starts_at: str | None = Field(description="Venue-local start with its offset")
    timezone: str
    venue: str
    tickets: int


class Purchase(Out):
    order_id: str
    created_at: str
    status: str
    total: int
    currency: str
    tickets: int
    performances: list[PerformanceLine]
    order: str = Field(description="The order's route")
    tickets_pdf: str | None = Field(description="Its tickets' PDF while one is still to come; else null")


class HistoryQuery(Body):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: Annotated[str, Field(max_length=1000)] | None = None


class HistoryOut(Out):
    purchases: list[Purchase]
    next_cursor: str | None


@api.route(
    ACCOUNT + "/history",
    summary="My purchase history, newest first (paginated with next_cursor)",
    auth=SHOPPER,
    query=HistoryQuery,
    response=HistoryOut,
)
def my_history(caller: ShopperCaller, org_id: str, query: HistoryQuery) -> HistoryOut:
    found, cursor = personal.history(caller.shopper, query.limit, query.cursor)
    return HistoryOut(purchases=found, next_cursor=cursor)


class PendingOrder(Out):
    order_id: str
    status: str
    total: int
    currency: str
    deadline: str | None = Field(description="Pay by then (venue-local, with its offset)")
    timezone: str
    performances: list[PerformanceLine]
    season_ticket_id: str | None
    actions: list[Action] = Field(description="What the channel lets me do online")
    order: str


class PendingOption(Out):
    option_id: str
    number: int
    state: str
    event_id: str
    performance_id: str
    deadline: str | None
    timezone: str
    order_id: str | None
    actions: list[Action]


class DashboardOut(Out):
    reservations: list[PendingOrder] = Field(description="Reservations to pay or cancel, soonest first")
    renewals: list[PendingOrder] = Field(description="Season-ticket renewals waiting for payment")
    options: list[PendingOption] = Field(description="My company's options still to confirm")


def _my_options(caller: ShopperCaller) -> list:
    from chalicelib.options import service as options

    try:
        return options.my_options(caller.org_id, caller.shopper.email)
    except PermissionDenied:  # not a company's relay: no options
        return []


@api.route(
    ACCOUNT + "/dashboard",
    summary="My pending actions: reservations and renewals to pay or cancel, options to confirm",
    auth=SHOPPER,
    response=DashboardOut,
)
def my_dashboard(caller: ShopperCaller, org_id: str) -> DashboardOut:
    return DashboardOut.model_validate(personal.dashboard(caller.shopper, _my_options(caller)))


class PrintableOrder(Out):
    order_id: str
    created_at: str
    performances: list[PerformanceLine]
    pdf: str


class PrintablePerformance(PerformanceLine):
    order_ids: list[str]
    pdf: str


class PrintableOut(Out):
    orders: list[PrintableOrder]
    performances: list[PrintablePerformance]
    as_of: str


@api.route(
    ACCOUNT + "/tickets",
    summary="Tickets I may print again (performances not started): per order and per performance",
    auth=SHOPPER,
    response=PrintableOut,
)
def my_printable_tickets(caller: ShopperCaller, org_id: str) -> PrintableOut:
    return PrintableOut.model_validate(personal.printable(caller.shopper))


def _pdf(printout: personal.Printout) -> Response:
    from chalicelib.sales.tickets import ticket_pdf

    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{printout.filename}"',
    }
    return Response(ticket_pdf(printout.order, printout.tickets), status_code=200, headers=headers)


@api.route(
    ACCOUNT + "/tickets/orders/{order_id}/pdf",
    summary="Print one order's tickets again (409 performance_started once they have all begun)",
    auth=SHOPPER,
    produces="application/pdf",
)
def print_order(caller: ShopperCaller, org_id: str, order_id: str) -> Response:
    return _pdf(personal.order_printout(caller.shopper, order_id))


@api.route(
    ACCOUNT + "/tickets/performances/{performance_id}/pdf",
    summary="Print all my tickets for one performance, across my orders (409 once it has started)",
    auth=SHOPPER,
    produces="application/pdf",
)
def print_performance(caller: ShopperCaller, org_id: str, performance_id: str) -> Response:
    return _pdf(personal.performance_printout(caller.shopper, performance_id))
