"""Online-shop routes for shoppers: register, log in, my account."""

from __future__ import annotations

from chalicelib.api.accounts_models import ShopperLogin, ShopperOut, ShopperRegistration, ShopperSession
from chalicelib.api.routing import PUBLIC, SHOPPER, Api
from chalicelib.auth import service as auth
from chalicelib.auth.model import Shopper, ShopperCaller

api = Api(__name__, tag="shop: account")
blueprint = api.blueprint


def _shopper_out(shopper: Shopper) -> ShopperOut:
    return ShopperOut(shopper_id=shopper.shopper_id, email=shopper.email, name=shopper.name)


@api.route(
    "/shop/{org_id}/account",
    "POST",
    summary="Register a shopper account",
    auth=PUBLIC,
    body=ShopperRegistration,
    response=ShopperSession,
    status=201,
)
def register(_caller: None, org_id: str, body: ShopperRegistration) -> ShopperSession:
    token, expires_at, shopper = auth.register_shopper(org_id, body.email, body.name, body.password)
    return ShopperSession(token=token, expires_at=expires_at, shopper=_shopper_out(shopper))


@api.route(
    "/shop/{org_id}/account/login",
    "POST",
    summary="Log a shopper in",
    auth=PUBLIC,
    body=ShopperLogin,
    response=ShopperSession,
)
def log_in(_caller: None, org_id: str, body: ShopperLogin) -> ShopperSession:
    token, expires_at, shopper = auth.log_in_shopper(org_id, body.email, body.password)
    return ShopperSession(token=token, expires_at=expires_at, shopper=_shopper_out(shopper))


@api.route("/shop/{org_id}/account", summary="My account", auth=SHOPPER, response=ShopperOut)
def my_account(caller: ShopperCaller, org_id: str) -> ShopperOut:
    return _shopper_out(caller.shopper)
