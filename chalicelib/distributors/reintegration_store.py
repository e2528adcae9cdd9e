"""Records of reintegrated sales, in the sales table (no table of their own): one per sale line of an
interface, one per (performance, line) for the counts, the files taken and the pull cursor.

Keys (pk, sk):
- DISTSALES#<org>#<interface>, LINE#<external_sale_id>#<line>   a sale line: its status, attempt, lease,
                                            hold, order and what it was mapped to
- DISTSALES#<org>#<interface>#PERF#<performance>, <sale>#<line>  the line's places, sold or returned
                                            (written with the line's final status: sold_counts reads it)
- DISTSALES#<org>#<interface>, FILE#<name>  a sales file: its lines, the batches taken, taken or not
- DISTSALES#<org>#<interface>, CURSOR       where the last pull stopped
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.db.base import connection, plain
from chalicelib.db.conditions import CONDITION_FAILED, failed_items, store_errors, transient, update_if
from chalicelib.db.cursors import decode, encode
from chalicelib.db.sales import SalesTable

STARTED, INTEGRATED, FAILED, CANCELLED = "started", "integrated", "failed", "cancelled"
SOLD, RETURNED = "sold", "returned"


class LineItem(SalesTable):
    org_id = UnicodeAttribute()
    interface_id = UnicodeAttribute()
    external_sale_id = UnicodeAttribute()
    line = UnicodeAttribute()
    status = UnicodeAttribute()
    attempt = NumberAttribute(default=1)
    order_id = UnicodeAttribute()
    lease_until = NumberAttribute(default=0)
    hold_id = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    received = MapAttribute(default=dict)  # the distributor's ids, seat and price as sent
    plan = MapAttribute(null=True)  # what it was mapped to: performance, category, audience, seat, prices
    error = MapAttribute(null=True)  # {category, reason, message, ...} of the last failure
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class PerformanceLineItem(SalesTable):
    status = UnicodeAttribute()  # sold | returned
    places = NumberAttribute(default=1)
    order_id = UnicodeAttribute()


class FileItem(SalesTable):
    name = UnicodeAttribute()
    lines = NumberAttribute(default=0)
    taken_lines = NumberAttribute(default=0)
    batches = NumberSetAttribute(null=True)  # starts of the batches taken
    status = UnicodeAttribute(default="inbox")  # inbox | taken
    updated_at = UnicodeAttribute(null=True)


class CursorItem(SalesTable):
    cursor = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def lines_pk(org_id: str, interface_id: str) -> str:
    return f"DISTSALES#{org_id}#{interface_id}"


def line_sk(external_sale_id: str, line: str) -> str:
    return f"LINE#{external_sale_id}#{line}"


def performance_pk(org_id: str, interface_id: str, performance_id: str) -> str:
    return f"DISTSALES#{org_id}#{interface_id}#PERF#{performance_id}"


@dataclass
class LineRecord:
    org_id: str
    interface_id: str
    external_sale_id: str
    line: str
    status: str
    attempt: int
    order_id: str
    lease_until: int = 0
    hold_id: str | None = None
    source: str | None = None
    received: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "external_sale_id": self.external_sale_id,
            "line": self.line,
            "status": self.status,
            "attempt": self.attempt,
            "order_id": self.order_id if self.status in (INTEGRATED, CANCELLED) else None,
            "source": self.source,
            "received": self.received,
            "mapped": self.plan,
            "error": self.error,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _record(item: LineItem) -> LineRecord:
    return LineRecord(
        org_id=item.org_id,
        interface_id=item.interface_id,
        external_sale_id=item.external_sale_id,
        line=item.line,
        status=item.status,
        attempt=int(item.attempt),
        order_id=item.order_id,
        lease_until=int(item.lease_until or 0),
        hold_id=item.hold_id,
        source=item.source,
        received=plain(item.received.as_dict()) if item.received else {},
        plan=plain(item.plan.as_dict()) if item.plan else None,
        error=plain(item.error.as_dict()) if item.error else None,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _key(record: LineRecord) -> LineItem:
    pk = lines_pk(record.org_id, record.interface_id)
    return LineItem(pk, line_sk(record.external_sale_id, record.line))


@store_errors
def get_line(org_id: str, interface_id: str, external_sale_id: str, line: str) -> LineRecord | None:
    try:
        item = LineItem.get(
            lines_pk(org_id, interface_id), line_sk(external_sale_id, line), consistent_read=True
        )
    except DoesNotExist:
        return None
    return _record(item)


@store_errors
def create_line(record: LineRecord) -> bool:
    """Write a new line record; False when the line has one already (another process was first)."""
    now = clock.iso()
    item = LineItem(
        lines_pk(record.org_id, record.interface_id),
        line_sk(record.external_sale_id, record.line),
        org_id=record.org_id,
        interface_id=record.interface_id,
        external_sale_id=record.external_sale_id,
        line=record.line,
        status=record.status,
        attempt=record.attempt,
        order_id=record.order_id,
        lease_until=record.lease_until,
        source=record.source,
        received=record.received,
        created_at=now,
        updated_at=now,
    )
    try:
        item.save(condition=LineItem.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            return False
        raise
    record.created_at = record.updated_at = now
    return True


_SETTABLE = {
    "status": LineItem.status,
    "attempt": LineItem.attempt,
    "order_id": LineItem.order_id,
    "lease_until": LineItem.lease_until,
    "hold_id": LineItem.hold_id,
    "source": LineItem.source,
    "received": LineItem.received,
    "plan": LineItem.plan,
    "error": LineItem.error,
}


@store_errors
def change_line(record: LineRecord, expect: dict[str, Any], **changes: Any) -> bool:
    """Set `changes` (None removes) if the stored line still has the `expect`ed values; the record is
    changed in place when written, False when another process changed the line first."""
    actions = [LineItem.updated_at.set(clock.iso())]
    for name, value in changes.items():
        attr = _SETTABLE[name]
        actions.append(attr.remove() if value is None else attr.set(value))
    condition = LineItem.pk.exists()
    for name, value in expect.items():
        attr = _SETTABLE[name]
        condition = condition & (attr.does_not_exist() if value is None else attr == value)
    if not update_if(_key(record), actions, condition):
        return False
    for name, value in changes.items():
        setattr(record, name, value)
    return True


@store_errors
def finish_line(
    record: LineRecord, status: str, performance_id: str, places: int, expect: dict[str, Any]
) -> bool:
    """The line's final status (integrated or cancelled) with its places sold or returned for the
    performance's counts, in one transaction; False when another process changed the line first."""
    condition = LineItem.pk.exists()
    for name, value in expect.items():
        condition = condition & (_SETTABLE[name] == value)
    perf = PerformanceLineItem(
        performance_pk(record.org_id, record.interface_id, performance_id),
        f"{record.external_sale_id}#{record.line}",
        status=SOLD if status == INTEGRATED else RETURNED,
        places=places,
        order_id=record.order_id,
    )
    now = clock.iso()
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                _key(record),
                actions=[
                    LineItem.status.set(status),
                    LineItem.lease_until.set(0),
                    LineItem.error.remove(),
                    LineItem.updated_at.set(now),
                ],
                condition=condition,
            )
            tx.save(perf)
    except TransactWriteError as exc:
        if failed_items(exc):
            return False
        raise transient(exc) from exc
    record.status, record.lease_until, record.error, record.updated_at = status, 0, None, now
    return True


@store_errors
def list_lines(
    org_id: str,
    interface_id: str,
    external_sale_id: str | None = None,
    status: str | None = None,
    limit: int = 100,
    cursor: str | None = None,
) -> tuple[list[LineRecord], str | None]:
    """The interface's sale lines in sale order (of one sale), of a status; a page and the next cursor."""
    prefix = f"LINE#{external_sale_id}#" if external_sale_id else "LINE#"
    start = decode(cursor, lambda p: isinstance(p, dict) and set(p) == {"pk", "sk"})
    found: list[LineRecord] = []
    query = LineItem.query(
        lines_pk(org_id, interface_id),
        LineItem.sk.startswith(prefix),
        filter_condition=(LineItem.status == status) if status else None,
        last_evaluated_key=({"pk": {"S": start["pk"]}, "sk": {"S": start["sk"]}} if start else None),
        page_size=limit,
    )
    for item in query:
        found.append(_record(item))
        if len(found) >= limit:
            return found, encode({"pk": item.pk, "sk": item.sk})
    return found, None


@store_errors
def sold_counts(org_id: str, interface_id: str, performance_id: str) -> dict[str, int]:
    """Places the distributor sold that are still sold, and places returned by its cancellations."""
    counts = {"sold": 0, "returned": 0}
    pk = performance_pk(org_id, interface_id, performance_id)
    for item in PerformanceLineItem.query(pk, attributes_to_get=["status", "places"]):
        counts["sold" if item.status == SOLD else "returned"] += int(item.places or 1)
    return counts


# Files taken and the pull cursor.


def _file_key(org_id: str, interface_id: str, name: str) -> FileItem:
    return FileItem(lines_pk(org_id, interface_id), f"FILE#{name}")


@store_errors
def file_record(org_id: str, interface_id: str, name: str) -> dict[str, Any] | None:
    try:
        item = FileItem.get(lines_pk(org_id, interface_id), f"FILE#{name}", consistent_read=True)
    except DoesNotExist:
        return None
    return {
        "name": item.name,
        "lines": int(item.lines or 0),
        "taken_lines": int(item.taken_lines or 0),
        "batches": sorted(int(b) for b in item.batches or ()),
        "status": item.status,
    }


@store_errors
def batch_taken(org_id: str, interface_id: str, name: str, start: int, count: int, lines: int) -> int:
    """Record a batch of a file as taken (once: a batch again adds nothing); the file's lines taken."""
    item = _file_key(org_id, interface_id, name)
    update_if(
        item,
        [
            FileItem.name.set(name),
            FileItem.lines.set(lines),
            FileItem.taken_lines.add(count),
            FileItem.batches.add({start}),
            FileItem.updated_at.set(clock.iso()),
        ],
        FileItem.batches.does_not_exist() | ~FileItem.batches.contains(start),
    )
    return int(file_record(org_id, interface_id, name)["taken_lines"])


@store_errors
def file_taken(org_id: str, interface_id: str, name: str) -> None:
    _file_key(org_id, interface_id, name).update(
        actions=[FileItem.status.set("taken"), FileItem.name.set(name), FileItem.updated_at.set(clock.iso())]
    )


@store_errors
def pull_cursor(org_id: str, interface_id: str) -> str | None:
    try:
        return CursorItem.get(lines_pk(org_id, interface_id), "CURSOR", consistent_read=True).cursor
    except DoesNotExist:
        return None


@store_errors
def save_pull_cursor(org_id: str, interface_id: str, cursor: str | None) -> None:
    CursorItem(lines_pk(org_id, interface_id), "CURSOR", cursor=cursor, updated_at=clock.iso()).save()
