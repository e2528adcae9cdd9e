"""Advantages and promo codes in DynamoDB: versioned settings, code guards and conditional counters."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.advantages import checkout
from chalicelib.advantages.model import Advantage, PromoCode, QuotaReached, State
from chalicelib.db import advantages as keys
from chalicelib.db.advantages import CodeGuardItem, CounterItem, SettingsItem
from chalicelib.db.base import connection
from chalicelib.db.conditions import Transaction, failed_items, store_errors, transient, update_if
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict

Settings = Advantage | PromoCode
ADVANTAGE, PROMO = "advantage", "promo"


def _guarded_code(item: Settings) -> tuple[str, str] | None:
    """The code a buyer types for this item (a promo code, a partner's access code), and its kind."""
    if isinstance(item, PromoCode):
        return item.code, "promo"
    if item.target.type == "partner" and item.target.access_code:
        return item.target.access_code, "partner"
    return None


def _settings_item(org_id: str, item: Settings) -> SettingsItem:
    ident = item.advantage_id if isinstance(item, Advantage) else item.promo_id
    pk, sk = (keys.advantage_key if isinstance(item, Advantage) else keys.promo_key)(org_id, ident)
    document = item.model_dump(mode="json", exclude={"state", "version"})
    return SettingsItem(
        pk, sk, org_id=org_id, item_id=ident, state=str(item.state), document=document, version=item.version
    )


def _from_item(item: SettingsItem) -> Settings:
    values = {**item.document, "state": State(item.state), "version": int(item.version)}
    return Advantage(**values) if item.sk.startswith("ADVANTAGE#") else PromoCode(**values)


@store_errors
def create(org_id: str, item: Settings) -> Settings:
    """A new advantage or promo code with the guard of its code, in one transaction."""
    guarded = _guarded_code(item)
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(_settings_item(org_id, item), condition=SettingsItem.pk.does_not_exist())
            if guarded:
                tx.save(_guard(org_id, guarded, _ident(item)), condition=CodeGuardItem.pk.does_not_exist())
    except TransactWriteError as exc:
        failed = failed_items(exc)
        if 1 in failed:
            raise _code_taken(guarded[0]) from exc
        if 0 in failed:
            raise AlreadyExists("This id is taken", {"id": _ident(item)}) from exc
        raise transient(exc) from exc
    return item


@store_errors
def save(org_id: str, item: Settings, before: Settings) -> Settings:
    """Write the item if its version is still `before`'s; its code guard moves with its code."""
    expected = before.version
    item.version = expected + 1
    old, new = _guarded_code(before), _guarded_code(item)
    tx = Transaction(connection=connection())
    try:
        with tx:
            tx.save(_settings_item(org_id, item), condition=SettingsItem.version == expected)
            if old != new and old:
                tx.delete(CodeGuardItem(*keys.guard_key(org_id, old[0])))
            if old != new and new:
                tx.save(_guard(org_id, new, _ident(item)), condition=CodeGuardItem.pk.does_not_exist())
    except TransactWriteError as exc:
        item.version = expected
        failed = failed_items(exc, tx)  # in the order written above
        if 0 in failed:
            raise VersionConflict("It changed meanwhile; read it again", {"id": _ident(item)}) from exc
        if failed:
            raise _code_taken(new[0]) from exc
        raise transient(exc) from exc
    return item


@store_errors
def delete(org_id: str, item: Settings) -> None:
    guarded = _guarded_code(item)
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.delete(_settings_item(org_id, item), condition=SettingsItem.version == item.version)
            if guarded:
                tx.delete(CodeGuardItem(*keys.guard_key(org_id, guarded[0])))
    except TransactWriteError as exc:
        if 0 in failed_items(exc):
            raise VersionConflict("It changed meanwhile; read it again", {"id": _ident(item)}) from exc
        raise transient(exc) from exc


@store_errors
def get(org_id: str, kind: str, ident: str) -> Settings:
    key = keys.advantage_key(org_id, ident) if kind == ADVANTAGE else keys.promo_key(org_id, ident)
    try:
        return _from_item(SettingsItem.get(*key, consistent_read=True))
    except DoesNotExist:
        raise NotFound(f"No such {kind.replace('promo', 'promo code')}", {"id": ident}) from None


@store_errors
def list_all(org_id: str, kind: str) -> list[Settings]:
    prefix = "ADVANTAGE#" if kind == ADVANTAGE else "PROMO#"
    query = SettingsItem.query(keys.org_pk(org_id), SettingsItem.sk.startswith(prefix))
    return [_from_item(item) for item in query]


def _ident(item: Settings) -> str:
    return item.advantage_id if isinstance(item, Advantage) else item.promo_id


def _guard(org_id: str, guarded: tuple[str, str], owner_id: str) -> CodeGuardItem:
    code, kind = guarded
    return CodeGuardItem(*keys.guard_key(org_id, code), kind=kind, owner_id=owner_id)


def _code_taken(code: str) -> AlreadyExists:
    return AlreadyExists("This code is already in use in the organisation", {"field": "code", "code": code})


@store_errors
def find_code(org_id: str, code: str) -> tuple[str, str] | None:
    """What a typed code unlocks: (kind, advantage or promo id), or None when no such code exists."""
    try:
        guard = CodeGuardItem.get(*keys.guard_key(org_id, code))
    except DoesNotExist:
        return None
    return guard.kind, guard.owner_id


@store_errors
def take(key: tuple[str, str], count: int, cap: int | None) -> None:
    """Count `count` more against a cap (a quota, a per-customer cap, a promo code's uses), or refuse:
    the cap is in the write's condition, so concurrent buyers never take more than it together."""
    if cap is not None and count > cap:
        raise QuotaReached("More than the quota allows", {"cap": cap, "asked": count})
    write = checkout.take(key, count, cap, {"reason": "quota_reached"})
    if not update_if(write.item, write.actions, write.condition):
        raise QuotaReached("The quota is reached", {"cap": cap, "asked": count})


@store_errors
def give_back(key: tuple[str, str], count: int) -> None:
    """Return `count` to a counter (a cancelled order); never below 0."""
    update_if(CounterItem(*key), [CounterItem.taken.add(-count)], CounterItem.taken >= count)


@store_errors
def taken(key: tuple[str, str]) -> int:
    """What a counter holds: the sum of its shards (keys.counter_shard), read in one request."""
    shards = [keys.counter_shard(key, n) for n in range(keys.COUNTER_SHARDS)]
    return sum(int(item.taken or 0) for item in CounterItem.batch_get(shards, consistent_read=True))
