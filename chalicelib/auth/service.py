"""Authentication and account use cases: log in, resolve a token, manage operators, roles, shoppers."""

from __future__ import annotations

import uuid

from chalicelib.auth import passwords, repository, tokens
from chalicelib.auth.model import (
    ADMINISTRATOR_ROLE,
    GuestCaller,
    Operator,
    OperatorCaller,
    Right,
    Role,
    Shopper,
    ShopperCaller,
    all_rights,
)
from chalicelib.config import settings
from chalicelib.errors import (
    InvalidCredentials,
    InvalidInput,
    InvalidToken,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)


def create_organisation(org_id: str, name: str, admin_login: str, admin_password: str) -> bool:
    """Create an organisation with an administrator role and operator; re-running changes nothing."""
    created = repository.save_organisation(org_id, name)
    if ADMINISTRATOR_ROLE not in {r.name for r in repository.list_roles(org_id)}:
        repository.save_role(org_id, Role(ADMINISTRATOR_ROLE, all_rights()), create=True)
    if admin_login not in {o.login for o in repository.list_operators(org_id)}:
        admin = Operator(org_id, admin_login, "Administrator", [ADMINISTRATOR_ROLE])
        repository.create_operator(admin, passwords.hash_password(admin_password))
    return created


def log_in_operator(org_id: str, login: str, password: str) -> tuple[str, int, OperatorCaller]:
    try:
        operator, password_hash = repository.get_operator_with_hash(org_id, login)
    except NotFound:
        passwords.verify_password(password, passwords.dummy_hash())
        raise InvalidCredentials("Unknown login or wrong password") from None
    if not passwords.verify_password(password, password_hash) or not operator.active:
        raise InvalidCredentials("Unknown login or wrong password")
    token, expires_at = tokens.issue(tokens.OPERATOR, org_id, login, settings().operator_token_minutes)
    return token, expires_at, OperatorCaller(operator, repository.get_roles(org_id, operator.roles))


def operator_from_token(token: str) -> OperatorCaller:
    """The operator a bearer token names, with their current rights; a shopper token is refused."""
    claims = tokens.verify(token)
    if claims.kind != tokens.OPERATOR:
        raise PermissionDenied("This route is for operators only")
    try:
        operator = repository.get_operator(claims.org_id, claims.subject)
    except NotFound:
        raise InvalidToken("The operator of this token no longer exists") from None
    if not operator.active:
        raise InvalidToken("This operator is deactivated")
    return OperatorCaller(operator, repository.get_roles(claims.org_id, operator.roles))


def shopper_from_token(token: str, org_id: str) -> ShopperCaller:
    claims = tokens.verify(token)
    if claims.kind != tokens.SHOPPER:
        raise PermissionDenied("This route is for shoppers only")
    if claims.org_id != org_id:
        raise PermissionDenied("This token belongs to another organisation's shop")
    try:
        return ShopperCaller(repository.get_shopper(claims.org_id, claims.subject))
    except NotFound:
        raise InvalidToken("The shopper of this token no longer exists") from None


def buyer_from_token(token: str, org_id: str) -> ShopperCaller | GuestCaller:
    """A shopper with an account, or a guest (a token from `start_guest_session`)."""
    claims = tokens.verify(token)
    if claims.kind == tokens.GUEST:
        if claims.org_id != org_id:
            raise PermissionDenied("This token belongs to another organisation's shop")
        return GuestCaller(org_id, claims.subject)
    return shopper_from_token(token, org_id)


def start_guest_session(org_id: str) -> tuple[str, int, GuestCaller]:
    """A token for buying without an account; carts and orders made with it belong to it."""
    if not repository.organisation_exists(org_id):
        raise NotFound(f"Organisation {org_id} does not exist", {"org_id": org_id})
    guest = GuestCaller(org_id, uuid.uuid4().hex)
    token, expires_at = tokens.issue(tokens.GUEST, org_id, guest.guest_id, settings().shopper_token_minutes)
    return token, expires_at, guest


def require(caller: OperatorCaller, *rights: Right) -> None:
    """The caller needs one of `rights`."""
    if not any(caller.may(right) for right in rights):
        needed = " or ".join(str(right) for right in rights)
        raise PermissionDenied(f"You need the right '{needed}'", {"right": needed})


def list_operators(org_id: str) -> list[Operator]:
    return repository.list_operators(org_id)


def get_operator(org_id: str, login: str) -> Operator:
    return repository.get_operator(org_id, login)


def _check_roles(org_id: str, roles: list[str]) -> None:
    known = {role.name for role in repository.list_roles(org_id)}
    unknown = sorted(set(roles) - known)
    if unknown:
        raise InvalidInput(f"Unknown role(s): {', '.join(unknown)}", {"field": "roles", "unknown": unknown})


def create_operator(org_id: str, login: str, name: str, password: str, roles: list[str]) -> Operator:
    _check_roles(org_id, roles)
    operator = Operator(org_id, login, name, sorted(set(roles)))
    repository.create_operator(operator, passwords.hash_password(password))
    return operator


def update_operator(
    caller: OperatorCaller,
    login: str,
    name: str | None,
    roles: list[str] | None,
    active: bool | None,
    password: str | None,
) -> Operator:
    operator = repository.get_operator(caller.org_id, login)
    if roles is not None:
        _check_roles(caller.org_id, roles)
        operator.roles = sorted(set(roles))
    if login == caller.operator.login and (active is False or (roles is not None and not roles)):
        raise InvalidInput("You cannot deactivate yourself or remove all your roles", {"field": "login"})
    operator.name = name if name is not None else operator.name
    operator.active = active if active is not None else operator.active
    repository.update_operator(operator, passwords.hash_password(password) if password else None)
    return operator


def delete_operator(caller: OperatorCaller, login: str) -> None:
    if login == caller.operator.login:
        raise InvalidInput("You cannot delete yourself", {"field": "login"})
    repository.get_operator(caller.org_id, login)
    repository.delete_operator(caller.org_id, login)


def list_roles(org_id: str) -> list[Role]:
    return repository.list_roles(org_id)


def save_role(org_id: str, role: Role, *, create: bool) -> Role:
    repository.save_role(org_id, role, create=create)
    return role


def delete_role(org_id: str, name: str) -> None:
    if name == ADMINISTRATOR_ROLE:
        raise InvalidInput("The administrator role cannot be deleted", {"field": "name"})
    in_use = [o.login for o in repository.list_operators(org_id) if name in o.roles]
    if in_use:
        raise InvalidInput(f"Role {name} is given to operators", {"field": "name", "operators": in_use})
    if name not in {r.name for r in repository.list_roles(org_id)}:
        raise NotFound(f"Role {name} does not exist", {"name": name})
    repository.delete_role(org_id, name)


def register_shopper(org_id: str, email: str, name: str, password: str) -> tuple[str, int, Shopper]:
    if not repository.organisation_exists(org_id):
        raise NotFound(f"Organisation {org_id} does not exist", {"org_id": org_id})
    shopper = Shopper(org_id, uuid.uuid4().hex, email.lower(), name)
    repository.create_shopper(shopper, passwords.hash_password(password))
    token, expires_at = tokens.issue(
        tokens.SHOPPER, org_id, shopper.shopper_id, settings().shopper_token_minutes
    )
    return token, expires_at, shopper


def log_in_shopper(org_id: str, email: str, password: str) -> tuple[str, int, Shopper]:
    found = repository.find_shopper_by_email(org_id, email)
    if found is None:
        passwords.verify_password(password, passwords.dummy_hash())
        raise InvalidCredentials("Unknown e-mail or wrong password")
    shopper, password_hash = found
    if not passwords.verify_password(password, password_hash):
        raise InvalidCredentials("Unknown e-mail or wrong password")
    token, expires_at = tokens.issue(
        tokens.SHOPPER, org_id, shopper.shopper_id, settings().shopper_token_minutes
    )
    return token, expires_at, shopper


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise NotAuthenticated("Log in first: send 'Authorization: Bearer <token>'")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("The Authorization header must be 'Bearer <token>'")
    return token.strip()
