"""The simulated distributor's state, in the catalog table under its own keys (test stacks only).

Keys (pk = DISTRIBUTOR-SIMULATOR#<org>#<interface>, sk):
- STATE                          revision, the allotment's versions per performance, failure mode,
                                 the next sale and record numbers (every change is conditional on the
                                 revision: two sales never take the same place)
- ALLOTMENT#<blob>#<chunk>       the allotment kept, per performance, as gzip'd JSON in chunks
- SALE#<external_sale_id>        a sale and its lines
- RECORD#<sequence>              the sales feed: one protocol record (a sold or a cancelled line)
"""

from __future__ import annotations

import gzip
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from pynamodb.attributes import BinaryAttribute, JSONAttribute, NumberAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.db.base import connection
from chalicelib.db.catalog import CatalogTable
from chalicelib.errors import VersionConflict

CHUNK = 350_000  # bytes of compressed allotment per item (an item holds 400 KB)
SEQUENCE_DIGITS = 12


class StateItem(CatalogTable):
    revision = NumberAttribute()
    data = JSONAttribute(default=dict)


class AllotmentChunkItem(CatalogTable):
    chunk = BinaryAttribute(legacy_encoding=False)


class SaleItem(CatalogTable):
    data = JSONAttribute(default=dict)


class RecordItem(CatalogTable):
    record = JSONAttribute(default=dict)


def pk(org_id: str, interface_id: str) -> str:
    return f"DISTRIBUTOR-SIMULATOR#{org_id}#{interface_id}"


def record_sk(sequence: int) -> str:
    return f"RECORD#{sequence:0{SEQUENCE_DIGITS}d}"


@dataclass
class State:
    """What the simulated distributor knows, as read at one revision (0: nothing yet)."""

    org_id: str
    interface_id: str
    revision: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def versions(self) -> dict[str, int]:
        """distributor_performance_id -> the allotment version it was last given."""
        return self.data.setdefault("versions", {})

    @property
    def failure(self) -> dict[str, Any]:
        return self.data.setdefault("failure", {"mode": "none", "times_left": None, "delay": None})

    def next_number(self, name: str) -> int:
        """The next sale or record number (1, 2, ...), counted in the state."""
        value = int(self.data.get(name, 0)) + 1
        self.data[name] = value
        return value


def read_state(org_id: str, interface_id: str) -> State:
    try:
        item = StateItem.get(pk(org_id, interface_id), "STATE", consistent_read=True)
    except DoesNotExist:
        return State(org_id, interface_id)
    return State(org_id, interface_id, int(item.revision), dict(item.data or {}))


def _state_write(tx: TransactWrite, state: State) -> None:
    """The new state, on condition nobody changed it since it was read."""
    item = StateItem(
        pk(state.org_id, state.interface_id), "STATE", revision=state.revision + 1, data=state.data
    )
    if state.revision == 0:
        tx.save(item, condition=StateItem.pk.does_not_exist())
    else:
        tx.save(item, condition=StateItem.revision == state.revision)


def commit(state: State, sale: dict[str, Any] | None = None, records: list[dict[str, Any]] = ()) -> None:
    """The state, a new or changed sale and the records it adds, at once; VersionConflict when the state
    changed since it was read (the caller reads again and retries)."""
    key = pk(state.org_id, state.interface_id)
    try:
        with TransactWrite(connection=connection()) as tx:
            _state_write(tx, state)
            if sale is not None:
                tx.save(SaleItem(key, f"SALE#{sale['external_sale_id']}", data=sale))
            for record in records:
                tx.save(
                    RecordItem(key, record_sk(record.pop("_sequence")), record=record),
                    condition=RecordItem.pk.does_not_exist(),
                )
    except TransactWriteError as exc:
        raise VersionConflict("The simulated distributor changed meanwhile", {}) from exc


def sales(org_id: str, interface_id: str) -> list[dict[str, Any]]:
    query = SaleItem.query(pk(org_id, interface_id), SaleItem.sk.startswith("SALE#"), consistent_read=True)
    return [dict(item.data) for item in query]


def records_after(org_id: str, interface_id: str, sequence: int, limit: int) -> list[tuple[int, dict]]:
    """(sequence, record) of the feed after `sequence`, oldest first, at most `limit`."""
    query = RecordItem.query(
        pk(org_id, interface_id),
        RecordItem.sk.between(record_sk(sequence + 1), record_sk(10**SEQUENCE_DIGITS - 1)),
        consistent_read=True,
        limit=limit,
    )
    return [(int(item.sk.removeprefix("RECORD#")), dict(item.record)) for item in query]


def read_allotment(state: State) -> dict[str, dict[str, Any]]:
    """distributor_performance_id -> {"version", "places": [...]} as kept."""
    blob, chunks = state.data.get("blob"), int(state.data.get("chunks", 0))
    if not blob:
        return {}
    key = pk(state.org_id, state.interface_id)
    keys = [(key, f"ALLOTMENT#{blob}#{n:04d}") for n in range(chunks)]
    found = {item.sk: item.chunk for item in AllotmentChunkItem.batch_get(keys, consistent_read=True)}
    data = b"".join(found[sk] for _, sk in keys)
    return json.loads(gzip.decompress(data))


def write_allotment(state: State, allotment: dict[str, dict[str, Any]]) -> None:
    """Keep `allotment` (written aside first, then named by the state on its revision's condition;
    the chunks it replaces are deleted after)."""
    key = pk(state.org_id, state.interface_id)
    old_blob, old_chunks = state.data.get("blob"), int(state.data.get("chunks", 0))
    data = gzip.compress(json.dumps(allotment, separators=(",", ":")).encode())
    pieces = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    blob = secrets.token_hex(6)
    with AllotmentChunkItem.batch_write() as batch:
        for n, piece in enumerate(pieces):
            batch.save(AllotmentChunkItem(key, f"ALLOTMENT#{blob}#{n:04d}", chunk=piece))
    state.data.update(blob=blob, chunks=len(pieces))
    try:
        commit(state)
    except VersionConflict:
        _delete_chunks(key, blob, len(pieces))
        raise
    if old_blob:
        _delete_chunks(key, old_blob, old_chunks)


def _delete_chunks(key: str, blob: str, chunks: int) -> None:
    with AllotmentChunkItem.batch_write() as batch:
        for n in range(chunks):
            batch.delete(AllotmentChunkItem(key, f"ALLOTMENT#{blob}#{n:04d}"))
