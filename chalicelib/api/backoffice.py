"""Back-office routes for operators: log in, who am I, operators and roles."""

from __future__ import annotations

from chalicelib.api.accounts_models import (
    MeOut,
    OperatorCreate,
    OperatorLogin,
    OperatorOut,
    OperatorSession,
    OperatorUpdate,
    PasswordChange,
    RelayInvitationOut,
    RightsCatalogueOut,
    RoleCreate,
    RoleOut,
    RoleUpdate,
    scope_out,
)
from chalicelib.api.routing import ANY_OPERATOR, PUBLIC, Api
from chalicelib.auth import operators, relays
from chalicelib.auth import service as auth
from chalicelib.auth.model import ACTIONS, AREAS, Operator, OperatorCaller, Right, Role

api = Api(__name__, tag="back-office: accounts")
blueprint = api.blueprint


def _fields(operator: Operator) -> dict:
    return {
        "org_id": operator.org_id,
        "login": operator.login,
        "name": operator.name,
        "roles": operator.roles,
        "active": operator.active,
        "credentials_changed_at": operator.password_changed_at,
        "credentials_changed_by": operator.password_changed_by,
        "scope": scope_out(operator),
    }


def _operator_out(operator: Operator) -> OperatorOut:
    return OperatorOut(**_fields(operator))


def _me(caller: OperatorCaller) -> MeOut:
    return MeOut(**_fields(caller.operator), rights=caller.rights())


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
    "/backoffice/logout",
    "POST",
    summary="Log out: this session ends at once (a password change ends every session)",
    auth=ANY_OPERATOR,
    status=204,
)
def log_out(caller: OperatorCaller) -> None:
    auth.end_sessions(caller)


@api.route(
    "/backoffice/me/password",
    "POST",
    summary="Change my password (with the current one); my other sessions end, a new one is returned",
    auth=ANY_OPERATOR,
    body=PasswordChange,
    response=OperatorSession,
)
def change_my_password(caller: OperatorCaller, body: PasswordChange) -> OperatorSession:
    login = caller.operator.login
    operator = operators.update_operator(
        caller, login, None, None, None, body.new_password, body.current_password
    )
    token, expires_at = auth.operator_session(operator)
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
    scope = body.scope.scope() if body.scope else None
    operator = operators.create_operator(caller, body.login, body.name, body.password, body.roles, scope)
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
    operator = operators.update_operator(
        caller, login, body.name, body.roles, body.active, body.password, body.current_password,
        body.scope.scope() if body.scope else None,
    )
    return _operator_out(operator)


@api.route(
    "/backoffice/operators/{login}",
    "DELETE",
    summary="Delete an operator",
    auth=Right("operators", "delete"),
    status=204,
)
def delete_operator(caller: OperatorCaller, login: str) -> None:
    operators.delete_operator(caller, login)


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
    role = operators.save_role(caller, Role(body.name, body.rights), create=True)
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
    role = operators.save_role(caller, Role(name, body.rights), create=False)
    return RoleOut(name=role.name, rights=role.rights)


@api.route(
    "/backoffice/roles/{name}",
    "DELETE",
    summary="Delete a role no operator has",
    auth=Right("operators", "delete"),
    status=204,
)
def delete_role(caller: OperatorCaller, name: str) -> None:
    operators.delete_role(caller, name)


@api.route(
    "/backoffice/contacts/{contact_id}/relay-invitation",
    "POST",
    summary="Invite a relay contact to act for their company from their shop account (by e-mail)",
    auth=Right("contacts", "modify"),
    response=RelayInvitationOut,
    status=202,
)
def invite_relay(caller: OperatorCaller, contact_id: str) -> RelayInvitationOut:
    relays.invite(caller.org_id, contact_id, caller.operator.name)
    contact = relays.relay_contact(caller.org_id, contact_id)
    return RelayInvitationOut(status="sent", sent_to=contact["email"] if contact else "")
