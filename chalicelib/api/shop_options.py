"""Options in the shop: a relay requests, edits, withdraws; sees, pays or cancels the option's order."""

from __future__ import annotations

from chalicelib.api.option_models import (
    OptionOut,
    RequestBody,
    option_out,
)
from chalicelib.api.routing import SHOPPER, Api, Out
from chalicelib.api.sales_models import OrderOut, order_out
from chalicelib.auth.model import ShopperCaller
from chalicelib.options import direct
from chalicelib.options import model as m
from chalicelib.options import orders as option_orders
from chalicelib.options import service as options

api = Api(__name__, tag="shop: options", shared_catalog_reads=True)
blueprint = api.blueprint


class MyOptions(Out):
    options: list[OptionOut]


@api.route(
    "/shop/{org_id}/pos/{pos_code}/options",
    "POST",
    summary="Request an option (a company's relay); placed at once where the channel has direct options",
    auth=SHOPPER,
    body=RequestBody,
    response=OptionOut,
    status=201,
)
def request_online(caller: ShopperCaller, org_id: str, pos_code: str, body: RequestBody) -> OptionOut:
    return option_out(direct.request_online(org_id, pos_code, caller.shopper.email, body.request()), m.RELAY)


@api.route("/shop/{org_id}/options", summary="My options", auth=SHOPPER, response=MyOptions)
def my_options(caller: ShopperCaller, org_id: str) -> MyOptions:
    mine = options.my_options(org_id, caller.shopper.email)
    return MyOptions(options=[option_out(o, m.RELAY) for o in mine])


@api.route(
    "/shop/{org_id}/options/{option_id}",
    "PUT",
    summary="Change my request until it is placed or its deadline",
    auth=SHOPPER,
    body=RequestBody,
    response=OptionOut,
)
def edit_request(caller: ShopperCaller, org_id: str, option_id: str, body: RequestBody) -> OptionOut:
    return option_out(options.edit_request(org_id, caller.shopper.email, option_id, body.request()), m.RELAY)


@api.route(
    "/shop/{org_id}/options/{option_id}",
    "DELETE",
    summary="Withdraw my request",
    auth=SHOPPER,
    response=OptionOut,
)
def withdraw(caller: ShopperCaller, org_id: str, option_id: str) -> OptionOut:
    return option_out(options.withdraw(org_id, caller.shopper.email, option_id), m.RELAY)


@api.route(
    "/shop/{org_id}/options/{option_id}/confirm",
    "POST",
    summary="Confirm my direct option by its deadline: it becomes a reservation order, payable online",
    auth=SHOPPER,
    response=OptionOut,
)
def confirm(caller: ShopperCaller, org_id: str, option_id: str) -> OptionOut:
    return option_out(direct.confirm(org_id, caller.shopper.email, option_id), m.RELAY)


OPTION_ORDER = "/shop/{org_id}/options/{option_id}/order"


@api.route(OPTION_ORDER, summary="My (company's) option's reservation order", auth=SHOPPER, response=OrderOut)
def option_order(caller: ShopperCaller, org_id: str, option_id: str) -> OrderOut:
    return order_out(option_orders.order_of(org_id, caller.shopper.email, option_id))


@api.route(
    OPTION_ORDER + "/payment",
    "POST",
    summary="Pay my option's reservation by card (where the channel allows it); answers the payment page",
    auth=SHOPPER,
    response=OrderOut,
)
def pay_option_order(caller: ShopperCaller, org_id: str, option_id: str) -> OrderOut:
    return order_out(option_orders.pay(org_id, caller.shopper.email, option_id))


@api.route(
    OPTION_ORDER + "/cancel",
    "POST",
    summary="Cancel my option's reservation (where the channel allows it); the option is cancelled",
    auth=SHOPPER,
    response=OrderOut,
)
def cancel_option_order(caller: ShopperCaller, org_id: str, option_id: str) -> OrderOut:
    return order_out(option_orders.cancel(org_id, caller.shopper.email, option_id))
