"""Advantages, promo codes and single-use codes over HTTP for operators (the `advantages` rights area)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib import clock
from chalicelib.advantages import codes, service
from chalicelib.advantages.model import (
    Advantage,
    AdvantageSpec,
    CodeText,
    Id,
    PromoCode,
    PromoCodeSpec,
    SingleUseCode,
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


class AdvantageList(Out):
    advantages: list[Advantage]


class PromoCodeList(Out):
    promo_codes: list[PromoCode]


class GenerateBody(Body):
    count: int = Field(ge=1, le=1000, description="At most 1,000 codes a call")
    contact_id: Id | None = None


class ImportBody(Body):
    codes: Annotated[list[CodeText], Field(min_length=1, max_length=1000)]
    contact_id: Id | None = None


class RevokeBody(Body):
    codes: Annotated[list[CodeText], Field(min_length=1, max_length=1000)]
    reason: str = Field(min_length=1, max_length=500)


class CodesQuery(Body):
    after: CodeText | None = None
    limit: int = Field(default=100, ge=1, le=500)


class BatchOut(Out):
    batch_id: str
    advantage_id: str
    codes: list[str]


class CodeOut(Out):
    code: str
    state: str  # as of now: a code whose cart expired reads "free"
    batch_id: str | None
    contact_id: str | None
    cart_id: str | None
    order_id: str | None
    used_at: str | None
    used_by: str | None
    revoked_reason: str | None


class CodePage(Out):
    codes: list[CodeOut]
    after: str | None


class RevokeOut(Out):
    outcomes: dict[str, str]


@api.route(ADVANTAGES, summary="List advantages", auth=READ, response=AdvantageList)
def list_advantages(caller: OperatorCaller) -> AdvantageList:
    return AdvantageList(advantages=service.list_advantages(caller.org_id))


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


@api.route(ADVANTAGE, summary="One advantage", auth=READ, response=Advantage)
def get_advantage(caller: OperatorCaller, advantage_id: str) -> Advantage:
    return service.get_advantage(caller.org_id, advantage_id)


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


@api.route(
    ADVANTAGE + "/codes",
    "POST",
    summary="Generate single-use codes (at most 1,000 a call)",
    auth=CREATE,
    body=GenerateBody,
    response=BatchOut,
    status=201,
)
def generate_codes(caller: OperatorCaller, advantage_id: str, body: GenerateBody) -> BatchOut:
    batch = codes.generate_codes(caller.org_id, advantage_id, body.count, body.contact_id)
    return BatchOut(batch_id=batch.batch_id, advantage_id=advantage_id, codes=batch.codes)


@api.route(
    ADVANTAGE + "/codes/import",
    "POST",
    summary="Import single-use codes from a list",
    auth=CREATE,
    body=ImportBody,
    response=BatchOut,
    status=201,
)
def import_codes(caller: OperatorCaller, advantage_id: str, body: ImportBody) -> BatchOut:
    batch = codes.import_codes(caller.org_id, advantage_id, body.codes, body.contact_id)
    return BatchOut(batch_id=batch.batch_id, advantage_id=advantage_id, codes=batch.codes)


@api.route(
    ADVANTAGE + "/codes",
    summary="Track an advantage's codes: state, use, revocation",
    auth=READ,
    query=CodesQuery,
    response=CodePage,
)
def list_codes(caller: OperatorCaller, advantage_id: str, query: CodesQuery) -> CodePage:
    page, after = codes.list_codes(caller.org_id, advantage_id, query.after, query.limit)
    return CodePage(codes=[_code_out(code) for code in page], after=after)


@api.route(
    ADVANTAGE + "/codes/revoke",
    "POST",
    summary="Revoke codes not used yet, with a reason",
    auth=MODIFY,
    body=RevokeBody,
    response=RevokeOut,
)
def revoke_codes(caller: OperatorCaller, advantage_id: str, body: RevokeBody) -> RevokeOut:
    return RevokeOut(outcomes=codes.revoke_codes(caller.org_id, advantage_id, body.codes, body.reason))


@api.route(PROMOS, summary="List promo codes", auth=READ, response=PromoCodeList)
def list_promo_codes(caller: OperatorCaller) -> PromoCodeList:
    return PromoCodeList(promo_codes=service.list_promo_codes(caller.org_id))


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


@api.route(PROMO, summary="One promo code", auth=READ, response=PromoCode)
def get_promo_code(caller: OperatorCaller, promo_id: str) -> PromoCode:
    return service.get_promo_code(caller.org_id, promo_id)


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


def _code_out(code: SingleUseCode) -> CodeOut:
    return CodeOut(
        code=code.code,
        state=str(code.state_at(clock.seconds())),
        batch_id=code.batch_id,
        contact_id=code.contact_id,
        cart_id=code.cart_id,
        order_id=code.order_id,
        used_at=code.used_at,
        used_by=code.used_by,
        revoked_reason=code.revoked_reason,
    )
