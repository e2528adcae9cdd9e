"""Interfaces and mappings in DynamoDB: one interface per channel and one mapping per our id and per
distributor id (season and kind), each held by a conditional write in the item's own transaction."""

from __future__ import annotations

from typing import Any, NoReturn

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.db.base import connection, plain
from chalicelib.db.conditions import failed_items, store_errors, transient
from chalicelib.distributors.items import (
    ChannelGuardItem,
    DistributorIdGuardItem,
    InterfaceItem,
    MappingItem,
    channel_sk,
    guard_sk,
    interface_sk,
    interfaces_pk,
    mapping_sk,
    mappings_pk,
    mappings_prefix,
)
from chalicelib.distributors.model import Interface, Mapping, MappingKind, our_digest
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict

TABLE = InterfaceItem  # any model of the table: conditions on its keys
BATCH = 25  # mappings per transaction (each up to 3 items; DynamoDB takes 100)


def _interface(item: InterfaceItem) -> Interface:
    return Interface(
        org_id=item.org_id,
        id=item.interface_id,
        version=int(item.version),
        data=plain(item.data.as_dict() if item.data else {}),
        password_set=bool(item.password_set),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _channel_taken(exc: TransactWriteError, channel_id: str) -> NoReturn:
    raise AlreadyExists(
        f"The sales channel {channel_id} has an interface already",
        {"field": "channel_id", "channel_id": channel_id},
    ) from exc


@store_errors
def get_interface(org_id: str, interface_id: str) -> Interface:
    try:
        item = InterfaceItem.get(interfaces_pk(org_id), interface_sk(interface_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No distributor interface {interface_id}", {"interface_id": interface_id}) from None
    return _interface(item)


@store_errors
def list_interfaces(org_id: str) -> list[Interface]:
    query = InterfaceItem.query(interfaces_pk(org_id), InterfaceItem.sk.startswith("INTERFACE#"))
    return [_interface(item) for item in query]


@store_errors
def create_interface(org_id: str, interface_id: str, data: dict[str, Any], password_set: bool) -> Interface:
    now, pk = clock.now(), interfaces_pk(org_id)
    item = InterfaceItem(
        pk,
        interface_sk(interface_id),
        org_id=org_id,
        interface_id=interface_id,
        version=1,
        data=data,
        password_set=password_set,
        created_at=now,
        updated_at=now,
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            guard = ChannelGuardItem(pk, channel_sk(data["channel_id"]), interface_id=interface_id)
            tx.save(guard, condition=TABLE.sk.does_not_exist())
            tx.save(item, condition=TABLE.sk.does_not_exist())
    except TransactWriteError as exc:
        if failed_items(exc)[:1] == [0]:
            _channel_taken(exc, data["channel_id"])
        if failed_items(exc):
            raise AlreadyExists(f"Interface {interface_id} exists", {"field": "id"}) from exc
        raise transient(exc) from exc
    return _interface(item)


@store_errors
def replace_interface(
    current: Interface, data: dict[str, Any], password_set: bool, version: int
) -> Interface:
    """Write over `current` unless its version moved; moves the channel guard when the channel changes."""
    pk, now = interfaces_pk(current.org_id), clock.now()
    old_channel, new_channel = current.channel_id, data["channel_id"]
    try:
        with TransactWrite(connection=connection()) as tx:
            if new_channel != old_channel:
                guard = ChannelGuardItem(pk, channel_sk(new_channel), interface_id=current.id)
                tx.save(guard, condition=TABLE.sk.does_not_exist())
            tx.update(
                InterfaceItem(pk, interface_sk(current.id)),
                actions=[
                    InterfaceItem.data.set(data),
                    InterfaceItem.password_set.set(password_set),
                    InterfaceItem.version.set(version + 1),
                    InterfaceItem.updated_at.set(now),
                ],
                condition=InterfaceItem.version == version,
            )
            if new_channel != old_channel:
                tx.delete(ChannelGuardItem(pk, channel_sk(old_channel)))
    except TransactWriteError as exc:
        failed = failed_items(exc)
        if not failed:
            raise transient(exc) from exc
        if new_channel != old_channel and failed[0] == 0:
            _channel_taken(exc, new_channel)
        raise VersionConflict("The interface changed since you read it; read it again", {}) from exc
    return Interface(current.org_id, current.id, version + 1, data, password_set, current.created_at, now)


@store_errors
def delete_interface(current: Interface, version: int) -> None:
    """The interface, its channel guard, then its mappings (unreachable once the interface is gone)."""
    pk = interfaces_pk(current.org_id)
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.delete(InterfaceItem(pk, interface_sk(current.id)), condition=InterfaceItem.version == version)
            tx.delete(ChannelGuardItem(pk, channel_sk(current.channel_id)))
    except TransactWriteError as exc:
        if failed_items(exc):
            raise VersionConflict("The interface changed since you read it; read it again", {}) from exc
        raise transient(exc) from exc
    mpk = mappings_pk(current.org_id, current.id)
    with MappingItem.batch_write() as batch:
        for item in MappingItem.query(mpk, attributes_to_get=["pk", "sk"]):
            batch.delete(item)


# Mappings


def _sk(mapping: Mapping) -> str:
    return mapping_sk(mapping.season_id, mapping.kind, our_digest(mapping.our_id))


def _mapping(item: MappingItem) -> Mapping:
    return Mapping(
        item.season_id, MappingKind(item.kind), item.our_id, item.distributor_id, int(item.version)
    )


@store_errors
def list_mappings(
    org_id: str, interface_id: str, season_id: str | None, kind: str | None = None
) -> list[Mapping]:
    query = MappingItem.query(
        mappings_pk(org_id, interface_id),
        MappingItem.sk.startswith(mappings_prefix(season_id, kind)),
        consistent_read=True,
    )
    return [_mapping(item) for item in query]


@store_errors
def get_mapping(org_id: str, interface_id: str, season_id: str, kind: str, digest: str) -> Mapping | None:
    """The mapping of our item whose id has this digest (model.our_digest)."""
    try:
        item = MappingItem.get(
            mappings_pk(org_id, interface_id), mapping_sk(season_id, kind, digest), consistent_read=True
        )
    except DoesNotExist:
        return None
    return _mapping(item)


@store_errors
def holder_of(org_id: str, interface_id: str, season_id: str, kind: str, distributor_id: str) -> str | None:
    """Our id that a distributor id names (season, kind), if any."""
    try:
        guard = DistributorIdGuardItem.get(
            mappings_pk(org_id, interface_id), guard_sk(season_id, kind, distributor_id), consistent_read=True
        )
    except DoesNotExist:
        return None
    return guard.our_id


def _add_writes(tx: TransactWrite, pk: str, new: Mapping, old: Mapping | None) -> int:
    """The writes that make `new` the mapping of its our id (over `old`); how many items they touch."""
    sk = _sk(new)
    now = clock.now()
    if old is None:
        item = MappingItem(
            pk,
            sk,
            season_id=new.season_id,
            kind=new.kind.value,
            our_id=new.our_id,
            distributor_id=new.distributor_id,
            version=1,
            updated_at=now,
        )
        tx.save(item, condition=TABLE.sk.does_not_exist())
    else:
        tx.update(
            MappingItem(pk, sk),
            actions=[
                MappingItem.distributor_id.set(new.distributor_id),
                MappingItem.version.set(old.version + 1),
                MappingItem.updated_at.set(now),
            ],
            condition=MappingItem.version == old.version,
        )
    if old is not None and old.distributor_id == new.distributor_id:
        return 1
    guard = DistributorIdGuardItem(
        pk, guard_sk(new.season_id, new.kind, new.distributor_id), our_id=new.our_id
    )
    tx.save(guard, condition=TABLE.sk.does_not_exist())
    if old is not None:
        tx.delete(DistributorIdGuardItem(pk, guard_sk(old.season_id, old.kind, old.distributor_id)))
        return 3
    return 2


@store_errors
def save_mapping(org_id: str, interface_id: str, new: Mapping, old: Mapping | None) -> Mapping:
    """Create `new` (old None: refused if the our id is mapped) or change `old`'s distributor id
    (refused if it changed meanwhile); refused when another of our items has the distributor id."""
    try:
        with TransactWrite(connection=connection()) as tx:
            _add_writes(tx, mappings_pk(org_id, interface_id), new, old)
    except TransactWriteError as exc:
        _mapping_refused(exc, org_id, interface_id, new, old)
    return Mapping(
        new.season_id, new.kind, new.our_id, new.distributor_id, 1 if old is None else old.version + 1
    )


def _mapping_refused(
    exc: TransactWriteError, org_id: str, interface_id: str, new: Mapping, old: Mapping | None
) -> NoReturn:
    failed = failed_items(exc)
    if not failed:
        raise transient(exc) from exc
    if failed[0] == 0 and old is None:
        raise AlreadyExists(
            f"The {new.kind} {new.our_id} is mapped already this season",
            {"field": "our_id", "our_id": new.our_id},
        ) from exc
    if failed[0] == 0:
        raise VersionConflict("The mapping changed since you read it; read it again", {}) from exc
    holder = holder_of(org_id, interface_id, new.season_id, new.kind, new.distributor_id)
    raise AlreadyExists(
        f"The distributor id {new.distributor_id} names {new.kind} {holder} already this season",
        {"field": "distributor_id", "distributor_id": new.distributor_id, "our_id": holder},
    ) from exc


@store_errors
def save_mappings(org_id: str, interface_id: str, changes: list[tuple[Mapping, Mapping | None]]) -> None:
    """Several mappings in transactions of BATCH; a refusal undoes the transactions already written."""
    pk = mappings_pk(org_id, interface_id)
    done: list[tuple[Mapping, Mapping | None]] = []
    for start in range(0, len(changes), BATCH):
        chunk = changes[start : start + BATCH]
        try:
            with TransactWrite(connection=connection()) as tx:
                for new, old in chunk:
                    _add_writes(tx, pk, new, old)
        except TransactWriteError as exc:
            _undo(pk, done)
            if failed_items(exc):
                raise VersionConflict(
                    "Mappings changed while the file was imported; nothing was imported, import it again",
                    {"field": "content"},
                ) from exc
            raise transient(exc) from exc
        done.extend(chunk)


def _undo(pk: str, done: list[tuple[Mapping, Mapping | None]]) -> None:
    """Put back what the import's earlier transactions changed (plain writes: they are the import's)."""
    with MappingItem.batch_write() as batch:
        for new, old in done:
            if old is not None and old.distributor_id == new.distributor_id:
                continue  # not written by the import (see _add_writes)
            batch.delete(DistributorIdGuardItem(pk, guard_sk(new.season_id, new.kind, new.distributor_id)))
            if old is None:
                batch.delete(MappingItem(pk, _sk(new)))
    with MappingItem.batch_write() as batch:
        for _, old in done:
            if old is None:
                continue
            sk = _sk(old)
            batch.save(
                MappingItem(
                    pk,
                    sk,
                    season_id=old.season_id,
                    kind=old.kind.value,
                    our_id=old.our_id,
                    distributor_id=old.distributor_id,
                    version=old.version,
                    updated_at=clock.now(),
                )
            )
            guard = guard_sk(old.season_id, old.kind, old.distributor_id)
            batch.save(DistributorIdGuardItem(pk, guard, our_id=old.our_id))


@store_errors
def delete_mapping(org_id: str, interface_id: str, current: Mapping, version: int) -> None:
    pk = mappings_pk(org_id, interface_id)
    try:
        with TransactWrite(connection=connection()) as tx:
            sk = _sk(current)
            tx.delete(MappingItem(pk, sk), condition=MappingItem.version == version)
            tx.delete(
                DistributorIdGuardItem(pk, guard_sk(current.season_id, current.kind, current.distributor_id))
            )
    except TransactWriteError as exc:
        if failed_items(exc):
            raise VersionConflict("The mapping changed since you read it; read it again", {}) from exc
        raise transient(exc) from exc
