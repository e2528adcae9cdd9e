"""Operators and roles managed by an operator: one grants only rights one holds, the administrator role
and the last administrator are protected, passwords change with the current one or by an administrator."""

from __future__ import annotations

from chalicelib.auth import passwords, repository
from chalicelib.auth.model import ADMINISTRATOR_ROLE, Operator, OperatorCaller, Right, Role, Scope
from chalicelib.auth.service import _check_roles
from chalicelib.errors import InvalidInput, NotFound, PermissionDenied
from chalicelib.observability import logger


def _rights_of(org_id: str, role_names: list[str]) -> dict[str, list[str]]:
    merged: dict[str, set[str]] = {}
    for role in repository.get_roles(org_id, role_names):
        for area, actions in role.rights.items():
            merged.setdefault(area, set()).update(actions)
    return {area: sorted(actions) for area, actions in merged.items()}


def _may_grant(caller: OperatorCaller, rights: dict[str, list[str]], what: str) -> None:
    if caller.is_administrator or caller.holds_all(rights):
        return
    wanted = [Right(area, action) for area, actions in rights.items() for action in actions]
    missing = sorted(str(right) for right in wanted if not caller.may(right))
    raise PermissionDenied(f"You can only {what} rights you hold yourself", {"missing": missing})


def _may_give_roles(caller: OperatorCaller, roles: list[str]) -> None:
    if ADMINISTRATOR_ROLE in roles and not caller.is_administrator:
        raise PermissionDenied(
            "Only an administrator gives the administrator role", {"role": ADMINISTRATOR_ROLE}
        )
    _may_grant(caller, _rights_of(caller.org_id, roles), "give")


def _may_manage(caller: OperatorCaller, target: Operator) -> None:
    """An operator with more rights than the caller (an administrator above all) is out of their reach."""
    if caller.is_administrator or caller.operator.login == target.login:
        return
    if ADMINISTRATOR_ROLE in target.roles:
        raise PermissionDenied("Only an administrator changes an administrator", {"login": target.login})
    _may_grant(caller, _rights_of(caller.org_id, target.roles), "manage an operator with")


def _other_active_administrators(org_id: str, login: str) -> int:
    return sum(
        1
        for o in repository.list_operators(org_id)
        if o.login != login and o.active and ADMINISTRATOR_ROLE in o.roles
    )


def _keep_an_administrator(org_id: str, target: Operator, still_admin: bool) -> None:
    was_admin = target.active and ADMINISTRATOR_ROLE in target.roles
    if was_admin and not still_admin and _other_active_administrators(org_id, target.login) == 0:
        raise InvalidInput(
            "The organisation keeps at least one active administrator",
            {"field": "login", "login": target.login},
        )


def _check_scope(caller: OperatorCaller, scope: Scope) -> None:
    """Audience categories of the catalog; one restricted oneself gives only a scope within one's own."""
    from chalicelib.catalog import repository as catalog

    wanted = set(scope.audience_category_ids)
    unknown = sorted(wanted - catalog.existing_ids(caller.org_id, "audience_category", wanted))
    if unknown:
        raise InvalidInput(
            f"Unknown audience categor{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}",
            {"field": "scope.audience_category_ids", "unknown": unknown},
        )
    if not caller.is_administrator and not scope.within(caller.operator.scope):
        raise PermissionDenied(
            "You can only give a scope within your own",
            {"field": "scope", "yours": caller.operator.scope.as_dict()},
        )


def create_operator(
    caller: OperatorCaller, login: str, name: str, password: str, roles: list[str], scope: Scope | None = None
) -> Operator:
    _check_roles(caller.org_id, roles)
    _may_give_roles(caller, roles)
    scope = scope or Scope()
    _check_scope(caller, scope)
    operator = Operator(caller.org_id, login, name, sorted(set(roles)), scope=scope)
    repository.create_operator(operator, passwords.hash_password(password))
    logger.info("operator created", extra={"login": login, "by": caller.operator.login})
    return operator


def update_operator(
    caller: OperatorCaller,
    login: str,
    name: str | None,
    roles: list[str] | None,
    active: bool | None,
    password: str | None,
    current_password: str | None = None,
    scope: Scope | None = None,
) -> Operator:
    operator, password_hash = repository.get_operator_with_hash(caller.org_id, login)
    _may_manage(caller, operator)
    if scope is not None and scope != operator.scope:
        _check_scope(caller, scope)
        operator.scope = scope
    myself = login == caller.operator.login
    if roles is not None:
        _check_roles(caller.org_id, roles)
        _may_give_roles(caller, sorted(set(roles) - set(operator.roles)))
        if ADMINISTRATOR_ROLE in set(operator.roles) - set(roles) and not caller.is_administrator:
            raise PermissionDenied(
                "Only an administrator takes the administrator role away", {"field": "roles"}
            )
    if myself and (active is False or (roles is not None and not roles)):
        raise InvalidInput("You cannot deactivate yourself or remove all your roles", {"field": "login"})
    if password:
        _may_set_password(caller, myself, current_password, password_hash)
    new_roles = sorted(set(roles)) if roles is not None else operator.roles
    new_active = active if active is not None else operator.active
    _keep_an_administrator(caller.org_id, operator, new_active and ADMINISTRATOR_ROLE in new_roles)
    revoke = operator.active and not new_active
    operator.roles, operator.active = new_roles, new_active
    operator.name = name if name is not None else operator.name
    new_hash = passwords.hash_password(password) if password else None
    repository.update_operator(operator, new_hash, caller.operator.login, revoke=revoke)
    if password:
        logger.info("operator password changed", extra={"login": login, "by": caller.operator.login})
    return operator


def _may_set_password(caller: OperatorCaller, myself: bool, current: str | None, password_hash: str) -> None:
    """One's own password with the current one; another's by an administrator only."""
    if not myself:
        if not caller.is_administrator:
            raise PermissionDenied(
                "Only an administrator sets another operator's password", {"field": "password"}
            )
        return
    if not current or not passwords.verify_password(current, password_hash):
        raise InvalidInput("Give your current password to change it", {"field": "current_password"})


def delete_operator(caller: OperatorCaller, login: str) -> None:
    if login == caller.operator.login:
        raise InvalidInput("You cannot delete yourself", {"field": "login"})
    target = repository.get_operator(caller.org_id, login)
    _may_manage(caller, target)
    _keep_an_administrator(caller.org_id, target, still_admin=False)
    repository.delete_operator(caller.org_id, login)
    logger.info("operator deleted", extra={"login": login, "by": caller.operator.login})


def save_role(caller: OperatorCaller, role: Role, *, create: bool) -> Role:
    """The administrator role is not edited; a role grants only rights its editor holds."""
    if role.name == ADMINISTRATOR_ROLE:
        raise PermissionDenied(
            "The administrator role holds every right and is not edited", {"name": role.name}
        )
    _may_grant(caller, role.rights, "grant")
    if not create:
        known = {r.name: r for r in repository.list_roles(caller.org_id)}
        if role.name not in known:
            raise NotFound(f"Role {role.name} does not exist", {"name": role.name})
        _may_grant(caller, known[role.name].rights, "change a role with")
    repository.save_role(caller.org_id, role, create=create)
    return role


def delete_role(caller: OperatorCaller, name: str) -> None:
    from chalicelib.auth.service import delete_role as delete

    known = {r.name: r for r in repository.list_roles(caller.org_id)}
    if name in known and name != ADMINISTRATOR_ROLE:
        _may_grant(caller, known[name].rights, "delete a role with")
    delete(caller.org_id, name)
