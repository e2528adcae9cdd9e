"""Back-office routes for sales: order search and detail, cancellation with refund, gift vouchers,
ticket control at the entrance."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.api.sales_models import OrderOut, TicketOut, order_out, ticket_out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.sales import backoffice, orders
from chalicelib.sales import tickets as ticket_control
from chalicelib.sales.model import ORDER_STATES

api = Api(__name__, tag="back-office: orders", shared_catalog_reads=True)
blueprint = api.blueprint

READ = Right("orders", "read")
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class OrderSearch(Body):
    reference: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    day_from: date | None = Field(
        default=None,
        description="Created on or after this day (the organisation's clock); default: a week before",
    )
    day_to: date | None = Field(
        default=None, description="Created on or before this day (the organisation's clock); default: today"
    )
    status: Literal[ORDER_STATES] | None = None  # type: ignore[valid-type]
    email: Annotated[str, Field(min_length=1, max_length=254)] | None = None
    performance_id: Id | None = None
    limit: int = Field(default=100, ge=1, le=500)


class OrderList(Out):
    orders: list[OrderOut]


@api.route("/backoffice/orders", summary="Search orders", auth=READ, query=OrderSearch, response=OrderList)
def search(caller: OperatorCaller, query: OrderSearch) -> OrderList:
    found = backoffice.search_orders(
        caller.org_id,
        reference=query.reference,
        day_from=query.day_from,
        day_to=query.day_to,
        status=query.status,
        email=query.email,
        performance_id=query.performance_id,
        limit=query.limit,
    )
    return OrderList(orders=[order_out(o) for o in found])


class OrderDetail(Out):
    order: OrderOut
    tickets: list[TicketOut]


@api.route(
    "/backoffice/orders/{order_id}", summary="An order with its tickets", auth=READ, response=OrderDetail
)
def detail(caller: OperatorCaller, order_id: str) -> OrderDetail:
    order = orders.order_for_operator(caller.org_id, order_id)
    return OrderDetail(order=order_out(order), tickets=[ticket_out(t) for t in orders.tickets_of(order)])


class CancelIn(Body):
    refund: Literal["credit_balance", "card", "none"] = Field(
        default="credit_balance", description="Where a paid order's money goes back"
    )


@api.route(
    "/backoffice/orders/{order_id}/cancel",
    "POST",
    summary="Cancel an order: seats back on sale, tickets void, refund",
    auth=Right("orders", "modify"),
    body=CancelIn,
    response=OrderOut,
)
def cancel(caller: OperatorCaller, order_id: str, body: CancelIn) -> OrderOut:
    return order_out(orders.cancel_by_operator(caller.org_id, order_id, caller.operator.login, body.refund))


class VoucherIn(Body):
    amount: int = Field(ge=1, le=100_000_00, description="In minor units (cents)")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    expires_on: date | None = None
    code: Annotated[str, Field(min_length=6, max_length=40, pattern=r"^[A-Z0-9-]+$")] | None = Field(
        default=None, description="Default: an unguessable code"
    )


class VoucherOut(Out):
    code: str
    currency: str
    initial: int
    balance: int
    expires_on: str | None
    uses: list[dict]


@api.route(
    "/backoffice/gift-vouchers",
    "POST",
    summary="Issue a gift voucher",
    auth=Right("orders", "create"),
    body=VoucherIn,
    response=VoucherOut,
    status=201,
)
def create_voucher(caller: OperatorCaller, body: VoucherIn) -> VoucherOut:
    voucher = backoffice.create_voucher(caller.org_id, body.amount, body.currency, body.expires_on, body.code)
    return VoucherOut(**voucher)


@api.route(
    "/backoffice/gift-vouchers/{code}", summary="A gift voucher and its uses", auth=READ, response=VoucherOut
)
def get_voucher(caller: OperatorCaller, code: str) -> VoucherOut:
    return VoucherOut(**backoffice.get_voucher(caller.org_id, code))


class ScanIn(Body):
    barcode: Annotated[str, Field(min_length=1, max_length=200)]
    performance_id: Id | None = Field(default=None, description="The performance being controlled")
    gate: Annotated[str, Field(max_length=40)] | None = None


class ScanOut(Out):
    result: Literal["valid", "already_used", "unknown", "cancelled", "wrong_performance"]
    ticket_id: str | None
    order_id: str | None
    performance_id: str | None
    used_at: str | None
    place: str | None
    holder: str | None


@api.route(
    "/backoffice/ticket-control/scan",
    "POST",
    summary="Control a ticket at the entrance: valid (now used), already used, cancelled, unknown",
    auth=Right("ticket_control", "execute"),
    body=ScanIn,
    response=ScanOut,
)
def scan(caller: OperatorCaller, body: ScanIn) -> ScanOut:
    result = ticket_control.scan(
        caller.org_id, body.barcode, body.performance_id, body.gate, caller.operator.login
    )
    return ScanOut(**vars(result))
