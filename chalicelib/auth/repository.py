"""Organisations, operators, roles and shoppers in the accounts table."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.auth.model import Operator, Role, Scope, Shopper
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
from chalicelib.db.conditions import condition_failed, store_errors, transient
from chalicelib.errors import AlreadyExists, NotFound


def _is_condition_failure(exc: PutError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


@store_errors
def save_organisation(org_id: str, name: str) -> bool:
    """Create the organisation if missing; returns whether it was created."""
    created = clock.now()
    item = OrganisationItem(org_pk(org_id), organisation_sk(), org_id=org_id, name=name, created_at=created)
    try:
        item.save(condition=AccountsTable.sk.does_not_exist())
        return True
    except PutError as exc:
        if _is_condition_failure(exc):
            return False
        raise


@store_errors
def organisation_exists(org_id: str) -> bool:
    try:
        OrganisationItem.get(org_pk(org_id), organisation_sk())
        return True
    except DoesNotExist:
        return False


@store_errors
def organisation_name(org_id: str) -> str:
    try:
        return OrganisationItem.get(org_pk(org_id), organisation_sk()).name
    except DoesNotExist:
        return org_id


def _to_operator(item: OperatorItem) -> Operator:
    changed = item.password_changed_at.isoformat() if item.password_changed_at else None
    return Operator(
        item.org_id,
        item.login,
        item.name,
        sorted(item.roles or []),
        item.active,
        int(item.token_version or 0),
        changed,
        item.password_changed_by,
        frozenset(item.ended_sessions or ()),
        Scope(
            frozenset(item.scope_audience_category_ids or ()), frozenset(item.scope_product_families or ())
        ),
    )


def _scope_actions(scope: Scope) -> list:
    """Set each side of the scope, or remove it when unrestricted (DynamoDB holds no empty set)."""
    return [
        attribute.set(set(values)) if values else attribute.remove()
        for attribute, values in (
            (OperatorItem.scope_audience_category_ids, scope.audience_category_ids),
            (OperatorItem.scope_product_families, scope.product_families),
        )
    ]


@store_errors
def get_operator_with_hash(org_id: str, login: str) -> tuple[Operator, str]:
    try:
        item = OperatorItem.get(org_pk(org_id), operator_sk(login))
    except DoesNotExist as exc:
        raise NotFound(f"Operator {login} does not exist", {"login": login}) from exc
    return _to_operator(item), item.password_hash


@store_errors
def get_operator(org_id: str, login: str) -> Operator:
    return get_operator_with_hash(org_id, login)[0]


@store_errors
def list_operators(org_id: str) -> list[Operator]:
    query = OperatorItem.query(org_pk(org_id), OperatorItem.sk.startswith("OPERATOR#"))
    return [_to_operator(item) for item in query]


@store_errors
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
        created_at=clock.now(),
        scope_audience_category_ids=set(operator.scope.audience_category_ids) or None,
        scope_product_families=set(operator.scope.product_families) or None,
    )
    try:
        item.save(condition=AccountsTable.sk.does_not_exist())
    except PutError as exc:
        if _is_condition_failure(exc):
            raise AlreadyExists(
                f"Operator {operator.login} already exists", {"login": operator.login}
            ) from exc
        raise


@store_errors
def update_operator(
    operator: Operator, password_hash: str | None, changed_by: str | None = None, revoke: bool = False
) -> None:
    """Save the operator; a new password is recorded (when, by whom); `revoke` voids their tokens."""
    item = OperatorItem(org_pk(operator.org_id), operator_sk(operator.login))
    actions = [
        OperatorItem.name.set(operator.name),
        OperatorItem.active.set(operator.active),
        OperatorItem.roles.set(set(operator.roles)) if operator.roles else OperatorItem.roles.remove(),
        *_scope_actions(operator.scope),
    ]
    if password_hash:
        actions.append(OperatorItem.password_hash.set(password_hash))
        actions.append(OperatorItem.password_changed_at.set(clock.now()))
        actions.append(OperatorItem.password_changed_by.set(changed_by or operator.login))
    if password_hash or revoke:
        actions.append(OperatorItem.token_version.add(1))
    item.update(actions=actions, condition=AccountsTable.sk.exists())
    operator.token_version = int(item.token_version or 0)


@store_errors
def revoke_operator_tokens(org_id: str, login: str) -> int:
    """Every token issued to this operator so far stops working at once; the new version."""
    item = OperatorItem(org_pk(org_id), operator_sk(login))
    item.update(actions=[OperatorItem.token_version.add(1)], condition=AccountsTable.sk.exists())
    return int(item.token_version)


@store_errors
def end_operator_session(org_id: str, login: str, session_key: str) -> None:
    """One session logged out (one atomic set addition: no read, no lost update)."""
    item = OperatorItem(org_pk(org_id), operator_sk(login))
    item.update(actions=[OperatorItem.ended_sessions.add({session_key})], condition=AccountsTable.sk.exists())


@store_errors
def forget_operator_sessions(org_id: str, login: str, session_keys: set[str]) -> None:
    """Logged-out sessions whose tokens have expired need no remembering (a set deletion)."""
    item = OperatorItem(org_pk(org_id), operator_sk(login))
    item.update(
        actions=[OperatorItem.ended_sessions.delete(session_keys)], condition=AccountsTable.sk.exists()
    )


@store_errors
def delete_operator(org_id: str, login: str) -> None:
    OperatorItem(org_pk(org_id), operator_sk(login)).delete(condition=AccountsTable.sk.exists())


@store_errors
def list_roles(org_id: str) -> list[Role]:
    query = RoleItem.query(org_pk(org_id), RoleItem.sk.startswith("ROLE#"))
    return [Role(item.name, _rights(item)) for item in query]


def _rights(item: RoleItem) -> dict[str, list[str]]:
    raw = item.rights.as_dict() if item.rights else {}
    return {area: list(actions) for area, actions in raw.items()}


@store_errors
def get_roles(org_id: str, names: list[str]) -> list[Role]:
    if not names:
        return []
    keys = [(org_pk(org_id), role_sk(name)) for name in names]
    return [Role(item.name, _rights(item)) for item in RoleItem.batch_get(keys)]


@store_errors
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


@store_errors
def delete_role(org_id: str, name: str) -> None:
    RoleItem(org_pk(org_id), role_sk(name)).delete(condition=AccountsTable.sk.exists())


@store_errors
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
        created_at=clock.now(),
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


def to_shopper(item: ShopperItem) -> Shopper:
    return Shopper(
        item.org_id,
        item.shopper_id,
        item.email,
        item.name,
        int(item.token_version or 0),
        bool(item.email_verified),
        item.relay_contact_id,
        frozenset(item.ended_sessions or ()),
        contact_id=item.contact_id,
        levels=dict(item.levels.as_dict()) if item.levels else {},
        levels_version=int(item.levels_version or 0),
    )


@store_errors
def revoke_shopper_tokens(org_id: str, shopper_id: str) -> int:
    item = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
    item.update(actions=[ShopperItem.token_version.add(1)], condition=AccountsTable.sk.exists())
    return int(item.token_version)


@store_errors
def end_shopper_session(org_id: str, shopper_id: str, session_key: str) -> None:
    item = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
    item.update(actions=[ShopperItem.ended_sessions.add({session_key})], condition=AccountsTable.sk.exists())


@store_errors
def forget_shopper_sessions(org_id: str, shopper_id: str, session_keys: set[str]) -> None:
    item = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
    item.update(
        actions=[ShopperItem.ended_sessions.delete(session_keys)], condition=AccountsTable.sk.exists()
    )


@store_errors
def set_shopper_password(org_id: str, shopper_id: str, password_hash: str) -> int:
    """A new password, recorded, voiding every token issued before; the new token version."""
    item = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
    item.update(
        actions=[
            ShopperItem.password_hash.set(password_hash),
            ShopperItem.password_changed_at.set(clock.now()),
            ShopperItem.token_version.add(1),
        ],
        condition=AccountsTable.sk.exists(),
    )
    return int(item.token_version)


@store_errors
def get_shopper_with_hash(org_id: str, shopper_id: str) -> tuple[Shopper, str]:
    try:
        item = ShopperItem.get(org_pk(org_id), shopper_sk(shopper_id))
    except DoesNotExist as exc:
        raise NotFound("Shopper does not exist", {"shopper_id": shopper_id}) from exc
    return to_shopper(item), item.password_hash


@store_errors
def mark_email_verified(org_id: str, shopper_id: str) -> None:
    item = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
    item.update(actions=[ShopperItem.email_verified.set(True)], condition=AccountsTable.sk.exists())


@store_errors
def get_shopper(org_id: str, shopper_id: str) -> Shopper:
    try:
        return to_shopper(ShopperItem.get(org_pk(org_id), shopper_sk(shopper_id)))
    except DoesNotExist as exc:
        raise NotFound("Shopper does not exist", {"shopper_id": shopper_id}) from exc


@store_errors
def find_shopper_by_email(org_id: str, email: str) -> tuple[Shopper, str] | None:
    try:
        guard = ShopperEmailItem.get(org_pk(org_id), shopper_email_sk(email))
        item = ShopperItem.get(org_pk(org_id), shopper_sk(guard.shopper_id))
    except DoesNotExist:
        return None
    return to_shopper(item), item.password_hash


@store_errors
def forget_expired_sessions(account: Operator | Shopper) -> None:
    """At log-in: logged-out sessions whose tokens have expired leave the account item."""
    now = clock.seconds()
    expired = {key for key in account.ended_sessions if int(key.rsplit(":", 1)[1]) <= now}
    if not expired:
        return
    if isinstance(account, Operator):
        forget_operator_sessions(account.org_id, account.login, expired)
    else:
        forget_shopper_sessions(account.org_id, account.shopper_id, expired)
