"""Back-office routes for operators: log in, who am I, operators and roles."""

from __future__ import annotations

from chalicelib.api.accounts_models import (
    MeOut,
    OperatorCreate,
    OperatorLogin,
    OperatorOut,
    OperatorSession,
    OperatorUpdate,
    RightsCatalogueOut,
    RoleCreate,
    RoleOut,
    RoleUpdate,
)
from chalicelib.api.routing import ANY_OPERATOR, PUBLIC, Api
from chalicelib.auth import service as auth
from chalicelib.auth.model import ACTIONS, AREAS, Operator, OperatorCaller, Right, Role

api = Api(__name__, tag="back-office: accounts")
blueprint = api.blueprint


def _operator_out(operator: Operator) -> OperatorOut:
    return OperatorOut(**vars(operator))


def _me(caller: OperatorCaller) -> MeOut:
    return MeOut(**vars(caller.operator), rights=caller.rights())


@api.route(
    "/backoffice/login",
    "POST",
    summary="Log an operator in",
    auth=PUBLIC,
    body=OperatorLogin,
    response=OperatorSession,
)
def log_in(_caller: None, body: OperatorLogin) -> OperatorSession:
    token, expires_at, caller = auth.log_in_operator(body.org_id, body.login, body.password)
    return OperatorSession(token=token, expires_at=expires_at, operator=_me(caller))


@api.route(
    "/backoffice/me", summary="The logged-in operator and their rights", auth=ANY_OPERATOR, response=MeOut
)
def me(caller: OperatorCaller) -> MeOut:
    return _me(caller)


@api.route(
    "/backoffice/rights",
    summary="The areas and actions that roles grant",
    auth=ANY_OPERATOR,
    response=RightsCatalogueOut,
)
def rights_catalogue(_caller: OperatorCaller) -> RightsCatalogueOut:
    return RightsCatalogueOut(areas=list(AREAS), actions=list(ACTIONS))


@api.route(
    "/backoffice/operators",
    summary="List operators",
    auth=Right("operators", "read"),
    response=list[OperatorOut],
)
def list_operators(caller: OperatorCaller) -> list[OperatorOut]:
    return [_operator_out(o) for o in auth.list_operators(caller.org_id)]


@api.route(
    "/backoffice/operators",
    "POST",
    summary="Create an operator",
    auth=Right("operators", "create"),
    body=OperatorCreate,
    response=OperatorOut,
    status=201,
)
def create_operator(caller: OperatorCaller, body: OperatorCreate) -> OperatorOut:
    operator = auth.create_operator(caller.org_id, body.login, body.name, body.password, body.roles)
    return _operator_out(operator)


@api.route(
    "/backoffice/operators/{login}",
    summary="One operator",
    auth=Right("operators", "read"),
    response=OperatorOut,
)
def get_operator(caller: OperatorCaller, login: str) -> OperatorOut:
    return _operator_out(auth.get_operator(caller.org_id, login))


@api.route(
    "/backoffice/operators/{login}",
    "PATCH",
    summary="Change an operator",
    auth=Right("operators", "modify"),
    body=OperatorUpdate,
    response=OperatorOut,
)
def update_operator(caller: OperatorCaller, login: str, body: OperatorUpdate) -> OperatorOut:
    operator = auth.update_operator(caller, login, body.name, body.roles, body.active, body.password)
    return _operator_out(operator)


@api.route(
    "/backoffice/operators/{login}",
    "DELETE",
    summary="Delete an operator",
    auth=Right("operators", "delete"),
    status=204,
)
def delete_operator(caller: OperatorCaller, login: str) -> None:
    auth.delete_operator(caller, login)


@api.route(
    "/backoffice/roles",
    summary="List roles and their rights",
    auth=Right("operators", "read"),
    response=list[RoleOut],
)
def list_roles(caller: OperatorCaller) -> list[RoleOut]:
    return [RoleOut(name=r.name, rights=r.rights) for r in auth.list_roles(caller.org_id)]


@api.route(
    "/backoffice/roles",
    "POST",
    summary="Create a role",
    auth=Right("operators", "create"),
    body=RoleCreate,
    response=RoleOut,
    status=201,
)
def create_role(caller: OperatorCaller, body: RoleCreate) -> RoleOut:
    role = auth.save_role(caller.org_id, Role(body.name, body.rights), create=True)
    return RoleOut(name=role.name, rights=role.rights)


@api.route(
    "/backoffice/roles/{name}",
    "PUT",
    summary="Replace a role's rights",
    auth=Right("operators", "modify"),
    body=RoleUpdate,
    response=RoleOut,
)
def update_role(caller: OperatorCaller, name: str, body: RoleUpdate) -> RoleOut:
    role = auth.save_role(caller.org_id, Role(name, body.rights), create=False)
    return RoleOut(name=role.name, rights=role.rights)


@api.route(
    "/backoffice/roles/{name}",
    "DELETE",
    summary="Delete a role no operator has",
    auth=Right("operators", "delete"),
    status=204,
)
def delete_role(caller: OperatorCaller, name: str) -> None:
    auth.delete_role(caller.org_id, name)
