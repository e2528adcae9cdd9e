"""The box office takes up an option's order (any reservation): find it by contact or order number,
take the payment by card or cash, issue the tickets. Registered on the options blueprint."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib.api.option_models import Id
from chalicelib.api.options import api
from chalicelib.api.routing import Body, Out
from chalicelib.api.sales_models import OrderOut, order_out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.errors import InvalidInput
from chalicelib.sales import box_office


class FindQuery(Body):
    contact_id: Id | None = None
    order_id: Annotated[str, Field(min_length=1, max_length=40)] | None = None


class FoundOrders(Out):
    orders: list[OrderOut]


@api.route(
    "/backoffice/box-office/orders",
    summary="Orders to take up at the box office: by order number or by contact",
    auth=Right("orders", "read"),
    query=FindQuery,
    response=FoundOrders,
)
def find_orders(caller: OperatorCaller, query: FindQuery) -> FoundOrders:
    if not (query.order_id or query.contact_id):
        raise InvalidInput("Give an order number or a contact", {"field": "order_id"})
    found = box_office.find(caller.org_id, order_id=query.order_id, contact_id=query.contact_id)
    return FoundOrders(orders=[order_out(o) for o in found])


class TakeUpBody(Body):
    method: Literal[box_office.METHODS] = Field(  # type: ignore[valid-type]
        description="cash, or card_terminal (a card paid on the box office's terminal)"
    )


@api.route(
    "/backoffice/orders/{order_id}/take-up",
    "POST",
    summary="Take an order up at the box office: the amount due paid by card or cash, tickets issued",
    auth=Right("orders", "execute"),
    body=TakeUpBody,
    response=OrderOut,
)
def take_up(caller: OperatorCaller, order_id: str, body: TakeUpBody) -> OrderOut:
    return order_out(box_office.take_up(caller.org_id, order_id, body.method, caller.operator.login))
