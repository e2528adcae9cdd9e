"""Authentication and account use cases: log in, resolve a token, manage operators, roles, shoppers."""

from __future__ import annotations

import uuid

from chalicelib import clock
from chalicelib.auth import client, limits, passwords, repository, shoppers, tokens
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
    """A session for the operator; throttled per account and per client with growing delays."""
    here = client.current()
    limits.check_login(tokens.OPERATOR, org_id, login, here)
    try:
        operator, password_hash = repository.get_operator_with_hash(org_id, login)
    except NotFound:
        operator, password_hash = None, passwords.dummy_hash()
    if not passwords.verify_password(password, password_hash) or operator is None or not operator.active:
        limits.login_failed(tokens.OPERATOR, org_id, login, here)
        raise InvalidCredentials("Unknown login or wrong password")
    limits.login_succeeded(tokens.OPERATOR, org_id, login)
    repository.forget_expired_sessions(operator)
    token, expires_at = operator_session(operator)
    return token, expires_at, OperatorCaller(operator, repository.get_roles(org_id, operator.roles))


def operator_session(operator: Operator) -> tuple[str, int]:
    minutes = settings().operator_token_minutes
    return tokens.issue(
        tokens.OPERATOR, operator.org_id, operator.login, minutes, version=operator.token_version
    )


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
    _check_session(claims, operator.token_version, operator.ended_sessions)
    roles = repository.get_roles(claims.org_id, operator.roles)
    return OperatorCaller(operator, roles, session_key=claims.session_key)


def shopper_from_token(token: str, org_id: str) -> ShopperCaller:
    claims = tokens.verify(token)
    if claims.kind != tokens.SHOPPER:
        raise PermissionDenied("This route is for shoppers only")
    if claims.org_id != org_id:
        raise PermissionDenied("This token belongs to another organisation's shop")
    try:
        shopper = repository.get_shopper(claims.org_id, claims.subject)
    except NotFound:
        raise InvalidToken("The shopper of this token no longer exists") from None
    _check_session(claims, shopper.token_version, shopper.ended_sessions)
    return ShopperCaller(shopper, session_key=claims.session_key)


def _check_session(claims: tokens.TokenClaims, version: int, ended: frozenset[str]) -> None:
    """A password change or a deactivation ends every session (the version); a logout ends its own."""
    if claims.version != version or (claims.session_key is not None and claims.session_key in ended):
        raise InvalidToken("This session has ended (logged out or password changed); log in again")


def buyer_from_token(token: str, org_id: str) -> ShopperCaller | GuestCaller | OperatorCaller:
    """A shopper with an account, a guest (a token from `start_guest_session`), or an operator selling
    at a point of sale (whether they may is the point of sale's decision: sales/pos_access.py)."""
    claims = tokens.verify(token)
    if claims.kind in (tokens.GUEST, tokens.OPERATOR) and claims.org_id != org_id:
        raise PermissionDenied("This token belongs to another organisation's shop")
    if claims.kind == tokens.GUEST:
        # limits count against the device the session was started on, whatever token it holds now
        client.bind_device(claims.device or claims.subject)
        return GuestCaller(org_id, claims.subject)
    if claims.kind == tokens.OPERATOR:
        return operator_from_token(token)
    return shopper_from_token(token, org_id)


def operator_may(org_id: str, login: str, right: Right) -> bool:
    """Whether this operator, as stored now, holds the right (an unknown operator holds none)."""
    try:
        operator = repository.get_operator(org_id, login)
    except NotFound:
        return False
    return OperatorCaller(operator, repository.get_roles(org_id, operator.roles)).may(right)


def start_guest_session(org_id: str) -> tuple[str, int, GuestCaller]:
    """A token for buying without an account, bound to the client's device; minted at a limited rate
    per network address and per device (a device keeps its id by sending a guest token it was given
    before in X-Device-Token)."""
    if not repository.organisation_exists(org_id):
        raise NotFound(f"Organisation {org_id} does not exist", {"org_id": org_id})
    here = client.current()
    device = limits.new_guest_device(here, org_id, _known_device(here, org_id))
    guest = GuestCaller(org_id, uuid.uuid4().hex)
    minutes = settings().shopper_token_minutes
    token, expires_at = tokens.issue(tokens.GUEST, org_id, guest.guest_id, minutes, device=device)
    return token, expires_at, guest


def _known_device(here: client.Client | None, org_id: str) -> str | None:
    """The device a previous guest token names, if it is ours, this shop's and not too old."""
    if here is None or not here.device_token:
        return None
    try:
        claims = tokens.verify(here.device_token, allow_expired=True)
    except InvalidToken:
        return None
    recent = claims.issued_at > clock.seconds() - limits.DEVICE_TOKEN_DAYS * 86400
    if claims.kind != tokens.GUEST or claims.org_id != org_id or not recent:
        return None
    return claims.device or claims.subject


def end_sessions(caller: OperatorCaller | ShopperCaller) -> None:
    """Log out: this session's token stops working now, the account's other sessions go on (a password
    change ends them all; a guest token simply expires)."""
    if isinstance(caller, OperatorCaller):
        if caller.session_key is None:  # a token from before sessions had ids: end them all
            repository.revoke_operator_tokens(caller.org_id, caller.operator.login)
        else:
            repository.end_operator_session(caller.org_id, caller.operator.login, caller.session_key)
    elif caller.session_key is None:
        repository.revoke_shopper_tokens(caller.org_id, caller.shopper.shopper_id)
    else:
        repository.end_shopper_session(caller.org_id, caller.shopper.shopper_id, caller.session_key)


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
    """An account created directly, its e-mail taken as verified (the local seed, tests, imports)."""
    if not repository.organisation_exists(org_id):
        raise NotFound(f"Organisation {org_id} does not exist", {"org_id": org_id})
    shopper = Shopper(org_id, uuid.uuid4().hex, email.lower(), name, email_verified=True)
    repository.create_shopper(shopper, passwords.hash_password(password))
    repository.mark_email_verified(org_id, shopper.shopper_id)
    token, expires_at = shoppers.session(shopper)
    return token, expires_at, shopper


def log_in_shopper(org_id: str, email: str, password: str) -> tuple[str, int, Shopper]:
    return shoppers.log_in(org_id, email, password)


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise NotAuthenticated("Log in first: send 'Authorization: Bearer <token>'")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("The Authorization header must be 'Bearer <token>'")
    return token.strip()
