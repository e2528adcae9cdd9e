"""Options in the shop: a company's relay requests, lists, edits and withdraws on a company point of sale."""

from __future__ import annotations

from chalicelib.api.option_models import (
    OptionOut,
    RequestBody,
    option_out,
)
from chalicelib.api.routing import SHOPPER, Api, Out
from chalicelib.auth.model import ShopperCaller
from chalicelib.options import service as options

api = Api(__name__, tag="shop: options", shared_catalog_reads=True)
blueprint = api.blueprint


class MyOptions(Out):
    options: list[OptionOut]


@api.route(
    "/shop/{org_id}/pos/{pos_code}/options",
    "POST",
    summary="Request an option (a company's relay)",
    auth=SHOPPER,
    body=RequestBody,
    response=OptionOut,
    status=201,
)
def request_online(caller: ShopperCaller, org_id: str, pos_code: str, body: RequestBody) -> OptionOut:
    return option_out(options.request_online(org_id, pos_code, caller.shopper.email, body.request()))


@api.route("/shop/{org_id}/options", summary="My options", auth=SHOPPER, response=MyOptions)
def my_options(caller: ShopperCaller, org_id: str) -> MyOptions:
    return MyOptions(options=[option_out(o) for o in options.my_options(org_id, caller.shopper.email)])


@api.route(
    "/shop/{org_id}/options/{option_id}",
    "PUT",
    summary="Change my request until it is placed or its deadline",
    auth=SHOPPER,
    body=RequestBody,
    response=OptionOut,
)
def edit_request(caller: ShopperCaller, org_id: str, option_id: str, body: RequestBody) -> OptionOut:
    return option_out(options.edit_request(org_id, caller.shopper.email, option_id, body.request()))


@api.route(
    "/shop/{org_id}/options/{option_id}",
    "DELETE",
    summary="Withdraw my request",
    auth=SHOPPER,
    response=OptionOut,
)
def withdraw(caller: ShopperCaller, org_id: str, option_id: str) -> OptionOut:
    return option_out(options.withdraw(org_id, caller.shopper.email, option_id))
