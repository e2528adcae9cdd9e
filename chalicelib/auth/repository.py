"""Organisations, operators, roles and shoppers in the accounts table."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.auth.model import Operator, Role, Shopper
from chalicelib.db.accounts import (
    AccountsTable,
    OperatorItem,
    OrganisationItem,
    RoleItem,
    ShopperEmailItem,
    ShopperItem,
    operator_sk,
    org_pk,
    organisation_sk,
    role_sk,
    shopper_email_sk,
    shopper_sk,
)
from chalicelib.db.base import connection
from chalicelib.db.conditions import condition_failed, transient
from chalicelib.errors import AlreadyExists, NotFound


def _now() -> datetime:
    return datetime.now(UTC)


def _is_condition_failure(exc: PutError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def save_organisation(org_id: str, name: str) -> bool:
    """Create the organisation if missing; returns whether it was created."""
    item = OrganisationItem(org_pk(org_id), organisation_sk(), org_id=org_id, name=name, created_at=_now())
    try:
        item.save(condition=AccountsTable.sk.does_not_exist())
        return True
    except PutError as exc:
        if _is_condition_failure(exc):
            return False
        raise


def organisation_exists(org_id: str) -> bool:
    try:
        OrganisationItem.get(org_pk(org_id), organisation_sk())
        return True
    except DoesNotExist:
        return False


def organisation_name(org_id: str) -> str:
    try:
        return OrganisationItem.get(org_pk(org_id), organisation_sk()).name
    except DoesNotExist:
        return org_id


def _to_operator(item: OperatorItem) -> Operator:
    return Operator(item.org_id, item.login, item.name, sorted(item.roles or []), item.active)


def get_operator_with_hash(org_id: str, login: str) -> tuple[Operator, str]:
    try:
        item = OperatorItem.get(org_pk(org_id), operator_sk(login))
    except DoesNotExist as exc:
        raise NotFound(f"Operator {login} does not exist", {"login": login}) from exc
    return _to_operator(item), item.password_hash


def get_operator(org_id: str, login: str) -> Operator:
    return get_operator_with_hash(org_id, login)[0]


def list_operators(org_id: str) -> list[Operator]:
    query = OperatorItem.query(org_pk(org_id), OperatorItem.sk.startswith("OPERATOR#"))
    return [_to_operator(item) for item in query]


def create_operator(operator: Operator, password_hash: str) -> None:
    item = OperatorItem(
        org_pk(operator.org_id),
        operator_sk(operator.login),
        org_id=operator.org_id,
        login=operator.login,
        name=operator.name,
        password_hash=password_hash,
        roles=set(operator.roles) or None,
        active=operator.active,
        created_at=_now(),
    )
    try:
        item.save(condition=AccountsTable.sk.does_not_exist())
    except PutError as exc:
        if _is_condition_failure(exc):
            raise AlreadyExists(
                f"Operator {operator.login} already exists", {"login": operator.login}
            ) from exc
        raise


def update_operator(operator: Operator, password_hash: str | None) -> None:
    item = OperatorItem(org_pk(operator.org_id), operator_sk(operator.login))
    actions = [
        OperatorItem.name.set(operator.name),
        OperatorItem.active.set(operator.active),
        OperatorItem.roles.set(set(operator.roles)) if operator.roles else OperatorItem.roles.remove(),
    ]
    if password_hash:
        actions.append(OperatorItem.password_hash.set(password_hash))
    item.update(actions=actions, condition=AccountsTable.sk.exists())


def delete_operator(org_id: str, login: str) -> None:
    OperatorItem(org_pk(org_id), operator_sk(login)).delete(condition=AccountsTable.sk.exists())


def list_roles(org_id: str) -> list[Role]:
    query = RoleItem.query(org_pk(org_id), RoleItem.sk.startswith("ROLE#"))
    return [Role(item.name, _rights(item)) for item in query]


def _rights(item: RoleItem) -> dict[str, list[str]]:
    raw = item.rights.as_dict() if item.rights else {}
    return {area: list(actions) for area, actions in raw.items()}


def get_roles(org_id: str, names: list[str]) -> list[Role]:
    if not names:
        return []
    keys = [(org_pk(org_id), role_sk(name)) for name in names]
    return [Role(item.name, _rights(item)) for item in RoleItem.batch_get(keys)]


def save_role(org_id: str, role: Role, *, create: bool) -> None:
    item = RoleItem(org_pk(org_id), role_sk(role.name), org_id=org_id, name=role.name, rights=role.rights)
    condition = AccountsTable.sk.does_not_exist() if create else AccountsTable.sk.exists()
    try:
        item.save(condition=condition)
    except PutError as exc:
        if not _is_condition_failure(exc):
            raise
        if create:
            raise AlreadyExists(f"Role {role.name} already exists", {"name": role.name}) from exc
        raise NotFound(f"Role {role.name} does not exist", {"name": role.name}) from exc


def delete_role(org_id: str, name: str) -> None:
    RoleItem(org_pk(org_id), role_sk(name)).delete(condition=AccountsTable.sk.exists())


def create_shopper(shopper: Shopper, password_hash: str) -> None:
    """Write the shopper and its e-mail guard in one transaction: one account per e-mail, even in a race."""
    item = ShopperItem(
        org_pk(shopper.org_id),
        shopper_sk(shopper.shopper_id),
        org_id=shopper.org_id,
        shopper_id=shopper.shopper_id,
        email=shopper.email,
        name=shopper.name,
        password_hash=password_hash,
        created_at=_now(),
    )
    guard = ShopperEmailItem(
        org_pk(shopper.org_id), shopper_email_sk(shopper.email), shopper_id=shopper.shopper_id
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(guard, condition=AccountsTable.sk.does_not_exist())
            tx.save(item, condition=AccountsTable.sk.does_not_exist())
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise AlreadyExists("An account with this e-mail already exists", {"field": "email"}) from exc
        raise transient(exc) from exc


def _to_shopper(item: ShopperItem) -> Shopper:
    return Shopper(item.org_id, item.shopper_id, item.email, item.name)


def get_shopper(org_id: str, shopper_id: str) -> Shopper:
    try:
        return _to_shopper(ShopperItem.get(org_pk(org_id), shopper_sk(shopper_id)))
    except DoesNotExist as exc:
        raise NotFound("Shopper does not exist", {"shopper_id": shopper_id}) from exc


def find_shopper_by_email(org_id: str, email: str) -> tuple[Shopper, str] | None:
    try:
        guard = ShopperEmailItem.get(org_pk(org_id), shopper_email_sk(email))
        item = ShopperItem.get(org_pk(org_id), shopper_sk(guard.shopper_id))
    except DoesNotExist:
        return None
    return _to_shopper(item), item.password_hash
