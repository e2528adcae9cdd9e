"""Catalog items in DynamoDB: unique codes, optimistic versions, pages with opaque cursors."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.db.base import connection, plain
from chalicelib.db.catalog import CatalogItem, CatalogTable, CodeGuardItem, code_sk, item_sk, kind_pk
from chalicelib.db.conditions import failed_items, transient
from chalicelib.errors import AlreadyExists, InvalidInput, NotFound, VersionConflict


@dataclass
class Stored:
    kind: str
    id: str
    version: int
    data: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


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


def get(org_id: str, kind: str, item_id: str) -> Stored:
    try:
        item = CatalogItem.get(kind_pk(org_id, kind), item_sk(item_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No {kind.replace('_', ' ')} {item_id}", {"kind": kind, "id": item_id}) from None
    return _to_stored(kind, item)


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


def create(org_id: str, kind: str, item_id: str, data: dict[str, Any], state: dict[str, Any]) -> Stored:
    now = datetime.now(UTC)
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
    return _to_stored(kind, item)


def replace(org_id: str, current: Stored, data: dict[str, Any], expected_version: int | None) -> Stored:
    """Write `data` over `current` (moving its code guard); nothing is written if the version moved."""
    pk = kind_pk(org_id, current.kind)
    version = current.version if expected_version is None else expected_version
    old_code, new_code = current.data.get("code"), data.get("code")
    now = datetime.now(UTC)
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
    return Stored(current.kind, current.id, version + 1, data, current.state, current.created_at, now)


def update_state(
    org_id: str, kind: str, item_id: str, changes: dict[str, Any], condition: Any = None
) -> None:
    """Set system-maintained fields (status, counts); `condition` may guard on the current state."""
    item = CatalogItem(kind_pk(org_id, kind), item_sk(item_id))
    actions = [CatalogItem.state[name].set(value) for name, value in changes.items()]
    actions.append(CatalogItem.updated_at.set(datetime.now(UTC)))
    exists = CatalogTable.sk.exists()
    item.update(actions=actions, condition=exists if condition is None else exists & condition)


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


def _cursor_out(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key["sk"]["S"]).encode()).decode()


def _cursor_in(pk: str, cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        sk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        raise InvalidInput("The cursor is not one this API gave", {"field": "cursor"}) from None
    if not isinstance(sk, str) or not sk.startswith("ID#"):
        raise InvalidInput("The cursor is not one this API gave", {"field": "cursor"})
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def page(
    org_id: str, kind: str, filters: dict[str, str], limit: int, cursor: str | None
) -> tuple[list[Stored], str | None]:
    """One page of items ordered by id; `filters` are equalities on the item's data."""
    pk = kind_pk(org_id, kind)
    condition = None
    for name, value in filters.items():
        clause = CatalogItem.data[name] == value
        condition = clause if condition is None else condition & clause
    query = CatalogItem.query(
        pk,
        CatalogItem.sk.startswith("ID#"),
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=_cursor_in(pk, cursor),
        page_size=max(limit, 25),
    )
    items = [_to_stored(kind, item) for item in query]
    return items, _cursor_out(query.last_evaluated_key)
