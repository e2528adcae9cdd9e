"""Advantages and promo codes over HTTP for operators (the `advantages` rights area); single-use codes
are in advantage_codes.py."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.advantages import service
from chalicelib.advantages.model import (
    Advantage,
    AdvantageSpec,
    PromoCode,
    PromoCodeSpec,
)
from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right

api = Api(__name__, tag="advantages")
blueprint = api.blueprint

ADVANTAGES = "/backoffice/advantages"
ADVANTAGE = ADVANTAGES + "/{advantage_id}"
PROMOS = "/backoffice/promo-codes"
PROMO = PROMOS + "/{promo_id}"
READ, CREATE, MODIFY = (
    Right("advantages", "read"),
    Right("advantages", "create"),
    Right("advantages", "modify"),
)
DELETE, EXECUTE = Right("advantages", "delete"), Right("advantages", "execute")


class VersionQuery(Body):
    version: int = Field(ge=1, description="Refuse the change unless this is the version read")


class StateBody(Body):
    action: Literal["put_in_operation", "close"]
    version: int = Field(ge=1)


class AdvantageOut(Advantage):
    quota_taken: int = Field(description="Tickets sold with it so far (given back by cancellations)")


class PromoCodeOut(PromoCode):
    uses: int = Field(description="Orders that used it so far (given back by cancellations)")


class AdvantageList(Out):
    advantages: list[AdvantageOut]


class PromoCodeList(Out):
    promo_codes: list[PromoCodeOut]


def _with_taken(org_id: str, advantage: Advantage) -> AdvantageOut:
    taken = service.quota_taken(org_id, advantage.advantage_id)
    return AdvantageOut(**advantage.model_dump(), quota_taken=taken)


def _with_uses(org_id: str, promo: PromoCode) -> PromoCodeOut:
    return PromoCodeOut(**promo.model_dump(), uses=service.promo_uses(org_id, promo.promo_id))


@api.route(
    ADVANTAGES, summary="List advantages, with the tickets sold with each", auth=READ, response=AdvantageList
)
def list_advantages(caller: OperatorCaller) -> AdvantageList:
    found = service.list_advantages(caller.org_id)
    return AdvantageList(advantages=[_with_taken(caller.org_id, a) for a in found])


@api.route(
    ADVANTAGES,
    "POST",
    summary="Create an advantage (a draft)",
    auth=CREATE,
    body=AdvantageSpec,
    response=Advantage,
    status=201,
)
def create_advantage(caller: OperatorCaller, body: AdvantageSpec) -> Advantage:
    return service.create_advantage(caller.org_id, body)


@api.route(
    ADVANTAGE, summary="One advantage, with the tickets sold with it", auth=READ, response=AdvantageOut
)
def get_advantage(caller: OperatorCaller, advantage_id: str) -> AdvantageOut:
    return _with_taken(caller.org_id, service.get_advantage(caller.org_id, advantage_id))


@api.route(
    ADVANTAGE,
    "PUT",
    summary="Replace an advantage's settings (until it is closed)",
    auth=MODIFY,
    body=AdvantageSpec,
    query=VersionQuery,
    response=Advantage,
)
def replace_advantage(caller: OperatorCaller, advantage_id: str, body: AdvantageSpec, query: VersionQuery):
    return service.modify_advantage(caller.org_id, advantage_id, body, query.version)


@api.route(
    ADVANTAGE, "DELETE", summary="Delete a draft advantage", auth=DELETE, query=VersionQuery, status=204
)
def delete_advantage(caller: OperatorCaller, advantage_id: str, query: VersionQuery) -> None:
    service.delete_advantage(caller.org_id, advantage_id, query.version)


@api.route(
    ADVANTAGE + "/state",
    "POST",
    summary="Put an advantage in operation, or close it",
    auth=EXECUTE,
    body=StateBody,
    response=Advantage,
)
def change_advantage_state(caller: OperatorCaller, advantage_id: str, body: StateBody) -> Advantage:
    return service.change_advantage_state(caller.org_id, advantage_id, body.action, body.version)


@api.route(PROMOS, summary="List promo codes", auth=READ, response=PromoCodeList)
def list_promo_codes(caller: OperatorCaller) -> PromoCodeList:
    found = service.list_promo_codes(caller.org_id)
    return PromoCodeList(promo_codes=[_with_uses(caller.org_id, p) for p in found])


@api.route(
    PROMOS,
    "POST",
    summary="Create a promo code (a draft)",
    auth=CREATE,
    body=PromoCodeSpec,
    response=PromoCode,
    status=201,
)
def create_promo_code(caller: OperatorCaller, body: PromoCodeSpec) -> PromoCode:
    return service.create_promo_code(caller.org_id, body)


@api.route(PROMO, summary="One promo code, with its uses", auth=READ, response=PromoCodeOut)
def get_promo_code(caller: OperatorCaller, promo_id: str) -> PromoCodeOut:
    return _with_uses(caller.org_id, service.get_promo_code(caller.org_id, promo_id))


@api.route(
    PROMO,
    "PUT",
    summary="Replace a promo code's settings (until it is closed)",
    auth=MODIFY,
    body=PromoCodeSpec,
    query=VersionQuery,
    response=PromoCode,
)
def replace_promo_code(caller: OperatorCaller, promo_id: str, body: PromoCodeSpec, query: VersionQuery):
    return service.modify_promo_code(caller.org_id, promo_id, body, query.version)


@api.route(PROMO, "DELETE", summary="Delete a draft promo code", auth=DELETE, query=VersionQuery, status=204)
def delete_promo_code(caller: OperatorCaller, promo_id: str, query: VersionQuery) -> None:
    service.delete_promo_code(caller.org_id, promo_id, query.version)


@api.route(
    PROMO + "/state",
    "POST",
    summary="Put a promo code in operation, or close it",
    auth=EXECUTE,
    body=StateBody,
    response=PromoCode,
)
def change_promo_code_state(caller: OperatorCaller, promo_id: str, body: StateBody) -> PromoCode:
    return service.change_promo_code_state(caller.org_id, promo_id, body.action, body.version)
