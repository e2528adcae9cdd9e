"""Catalog items in DynamoDB: unique codes, optimistic versions, pages with opaque cursors."""

from __future__ import annotations

import time
import uuid
from typing import Any, NoReturn

from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.catalog.model import Stored
from chalicelib.db import cursors
from chalicelib.db.base import connection, plain
from chalicelib.db.catalog import (
    CatalogGenerationItem,
    CatalogItem,
    CatalogTable,
    CodeGuardItem,
    code_sk,
    generation_key,
    item_sk,
    kind_pk,
)
from chalicelib.db.conditions import failed_items, store_errors, transient
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict
from chalicelib.observability import logger

# How long a process trusts the catalog generation it last read before reading it again. Every shop
# request starts from it: read each time, the one small item of an organisation would take every
# request of an on-sale rush (3,000 strongly consistent reads a second is a partition's most); trusted
# for a second, it takes one read a second per running instance. A write made by this process is seen
# at once (it keeps the generation it wrote); one made elsewhere, within this window.
GENERATION_CHECK_SECONDS = 1.0

_clock = time.monotonic  # seconds, for the window (tests move it)

# (table, organisation) -> (generation, when read or written here (on `_clock`))
_generations: dict[tuple[str, str], tuple[str | None, float]] = {}


def _known(org_id: str) -> tuple[str, str]:
    return CatalogGenerationItem.Meta.table_name, org_id


def generation(org_id: str, fresh: bool = False) -> str | None:
    """The organisation's catalog generation: it changes after every catalog write (None before any).
    Read again once the window has passed, or now if `fresh`."""
    known = _generations.get(_known(org_id))
    now = _clock()
    if not fresh and known is not None and now - known[1] < GENERATION_CHECK_SECONDS:
        return known[0]
    current = _read_generation(org_id)
    _generations[_known(org_id)] = (current, now)
    return current


def forget_generations() -> None:
    _generations.clear()


@store_errors
def _read_generation(org_id: str) -> str | None:
    pk, sk = generation_key(org_id)
    try:
        item = CatalogGenerationItem.get(pk, sk, consistent_read=True, attributes_to_get=["generation"])
    except DoesNotExist:
        return None
    return item.generation


def _changed(org_id: str) -> None:
    """A new generation, after a write: processes drop the catalog reads they kept. A failure here
    does not undo the write (it is done); kept reads then expire by age (see catalog.cache)."""
    moved = uuid.uuid4().hex
    _generations.pop(_known(org_id), None)  # should the write below fail, the next request reads it
    try:
        CatalogGenerationItem(*generation_key(org_id)).update(
            actions=[CatalogGenerationItem.generation.set(moved)]
        )
    except PynamoDBException:
        logger.exception("catalog generation not moved", extra={"org_id": org_id})
        return
    _generations[_known(org_id)] = (moved, _clock())


def _to_stored(kind: str, item: CatalogItem) -> Stored:
    return Stored(
        kind=kind,
        id=item.item_id,
        version=int(item.version),
        data=plain(item.data.as_dict() if item.data else {}),
        state=plain(item.state.as_dict() if item.state else {}),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


@store_errors
def get(org_id: str, kind: str, item_id: str) -> Stored:
    try:
        item = CatalogItem.get(kind_pk(org_id, kind), item_sk(item_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No {kind.replace('_', ' ')} {item_id}", {"kind": kind, "id": item_id}) from None
    return _to_stored(kind, item)


@store_errors
def get_by_code(org_id: str, kind: str, code: str) -> Stored:
    """The item with this code, found through its code guard: two reads by key, never a filtered query."""
    pk = kind_pk(org_id, kind)
    try:
        guard = CodeGuardItem.get(pk, code_sk(code), consistent_read=True, attributes_to_get=["item_id"])
    except DoesNotExist:
        details = {"kind": kind, "code": code}
        raise NotFound(f"No {kind.replace('_', ' ')} with code {code}", details) from None
    return get(org_id, kind, guard.item_id)


@store_errors
def existing_ids(org_id: str, kind: str, ids: set[str]) -> set[str]:
    keys = [(kind_pk(org_id, kind), item_sk(i)) for i in ids]
    return {item.item_id for item in CatalogItem.batch_get(keys)} if keys else set()


def _raise_for(exc: TransactWriteError, kind: str, guarded_code: str | None) -> NoReturn:
    """Name the failed condition: the code guard (first item when present) or the version."""
    failed = failed_items(exc)
    if not failed:
        raise transient(exc) from exc
    if guarded_code is not None and failed[0] == 0:
        label = kind.replace("_", " ")
        raise AlreadyExists(f"A {label} with code {guarded_code} already exists", {"field": "code"}) from exc
    raise VersionConflict("The item changed since you read it; read it again", {"kind": kind}) from exc


@store_errors
def create(org_id: str, kind: str, item_id: str, data: dict[str, Any], state: dict[str, Any]) -> Stored:
    now = clock.now()
    code = data.get("code")
    pk = kind_pk(org_id, kind)
    item = CatalogItem(
        pk,
        item_sk(item_id),
        item_id=item_id,
        code=code,
        version=1,
        data=data,
        state=state,
        created_at=now,
        updated_at=now,
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            if code is not None:
                tx.save(
                    CodeGuardItem(pk, code_sk(code), item_id=item_id),
                    condition=CatalogTable.sk.does_not_exist(),
                )
            tx.save(item, condition=CatalogTable.sk.does_not_exist())
    except TransactWriteError as exc:
        _raise_for(exc, kind, code)
    _changed(org_id)
    return _to_stored(kind, item)


@store_errors
def replace(org_id: str, current: Stored, data: dict[str, Any], expected_version: int | None) -> Stored:
    """Write `data` over `current` (moving its code guard); nothing is written if the version moved."""
    pk = kind_pk(org_id, current.kind)
    version = current.version if expected_version is None else expected_version
    old_code, new_code = current.data.get("code"), data.get("code")
    now = clock.now()
    item = CatalogItem(pk, item_sk(current.id))
    try:
        with TransactWrite(connection=connection()) as tx:
            if new_code != old_code and new_code is not None:
                guard = CodeGuardItem(pk, code_sk(new_code), item_id=current.id)
                tx.save(guard, condition=CatalogTable.sk.does_not_exist())
            tx.update(
                item,
                actions=[
                    CatalogItem.data.set(data),
                    CatalogItem.code.set(new_code) if new_code else CatalogItem.code.remove(),
                    CatalogItem.version.set(version + 1),
                    CatalogItem.updated_at.set(now),
                ],
                condition=CatalogItem.version == version,
            )
            if new_code != old_code and old_code is not None:
                tx.delete(CodeGuardItem(pk, code_sk(old_code)))
    except TransactWriteError as exc:
        _raise_for(exc, current.kind, new_code if new_code != old_code else None)
    _changed(org_id)
    return Stored(current.kind, current.id, version + 1, data, current.state, current.created_at, now)


@store_errors
def update_state(
    org_id: str, kind: str, item_id: str, changes: dict[str, Any], condition: Any = None
) -> None:
    """Set system-maintained fields (status, counts); `condition` may guard on the current state."""
    item = CatalogItem(kind_pk(org_id, kind), item_sk(item_id))
    actions = [CatalogItem.state[name].set(value) for name, value in changes.items()]
    actions.append(CatalogItem.updated_at.set(clock.now()))
    exists = CatalogTable.sk.exists()
    item.update(actions=actions, condition=exists if condition is None else exists & condition)
    _changed(org_id)


@store_errors
def delete(org_id: str, current: Stored, expected_version: int | None) -> None:
    pk = kind_pk(org_id, current.kind)
    version = current.version if expected_version is None else expected_version
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.delete(CatalogItem(pk, item_sk(current.id)), condition=CatalogItem.version == version)
            if current.data.get("code") is not None:
                tx.delete(CodeGuardItem(pk, code_sk(current.data["code"])))
    except TransactWriteError as exc:
        _raise_for(exc, current.kind, None)
    _changed(org_id)


@store_errors
def page(
    org_id: str, kind: str, filters: dict[str, str], limit: int, cursor: str | None
) -> tuple[list[Stored], str | None]:
    """One page of items ordered by id; `filters` are equalities on the item's data."""
    pk = kind_pk(org_id, kind)
    condition = None
    for name, value in filters.items():
        clause = CatalogItem.data[name] == str(value)  # a StrEnum is stored as its text
        condition = clause if condition is None else condition & clause
    query = CatalogItem.query(
        pk,
        CatalogItem.sk.startswith("ID#"),
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=cursors.decode_key(cursor, fixed={"pk": pk}, valid=_is_item_key),
        page_size=max(limit, 25),
    )
    items = [_to_stored(kind, item) for item in query]
    return items, cursors.encode_key(query.last_evaluated_key)


def _is_item_key(key: dict[str, Any]) -> bool:
    return set(key) == {"pk", "sk"} and key["sk"].get("S", "").startswith("ID#")
