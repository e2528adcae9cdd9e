"""What allotment exports keep, in the catalog table beside the interface's mappings (its partition
`DISTRIBUTORS#<org>#<interface>`, so that deleting the interface deletes them too):

- `ALLOTMENT#VERSION`                   the interface's last version number (a conditional write each)
- `ALLOTMENT#LAST#<performance_id>`     the last export of a performance: version, at, status, places,
                                        errors; and the last version the distributor took
- `ALLOTMENT#PENDING#<performance_id>`  an export is due: seats of the distributor changed since
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.db.catalog import CatalogTable
from chalicelib.db.conditions import store_errors, update_if
from chalicelib.distributors.items import mappings_pk
from chalicelib.errors import TransientStoreError

VERSION_SK = "ALLOTMENT#VERSION"
LAST_PREFIX = "ALLOTMENT#LAST#"
PENDING_PREFIX = "ALLOTMENT#PENDING#"
VERSION_ATTEMPTS = 20  # exports of one interface racing for a version: each loses at most once per rival
# Seat ids a pending mark lists (the seats a distributor lost or gained); more: `many`, any seat counts.
MAX_MARKED_SEATS = 5000


class AllotmentVersionItem(CatalogTable):
    version = NumberAttribute()


class ExportResultItem(CatalogTable):
    performance_id = UnicodeAttribute()
    version = NumberAttribute(null=True)  # None: the export failed before it had one (mapping, pull)
    at = UnicodeAttribute()
    status = UnicodeAttribute()
    places = NumberAttribute(default=0)
    errors = JSONAttribute(default=list)
    reference = UnicodeAttribute(null=True)
    by = UnicodeAttribute(null=True)
    sent_version = NumberAttribute(null=True)  # the last version the distributor took
    sent_at = UnicodeAttribute(null=True)


class PendingExportItem(CatalogTable):
    performance_id = UnicodeAttribute()
    since = UnicodeAttribute()
    changed_at = UnicodeAttribute()
    changes = NumberAttribute(default=0)  # a counter: an export clears the mark only if it did not move
    seats = UnicodeSetAttribute(null=True)
    many = BooleanAttribute(default=False)


@dataclass(frozen=True)
class ExportRecord:
    performance_id: str
    version: int | None
    at: str
    status: str
    places: int
    errors: list[dict[str, Any]] = field(default_factory=list)
    reference: str | None = None
    by: str | None = None
    sent_version: int | None = None
    sent_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "performance_id": self.performance_id,
            "version": self.version,
            "at": self.at,
            "status": self.status,
            "places": self.places,
            "errors": self.errors,
            "reference": self.reference,
            "by": self.by,
            "sent_version": self.sent_version,
            "sent_at": self.sent_at,
        }


@dataclass(frozen=True)
class PendingMark:
    performance_id: str
    since: str
    changed_at: str
    changes: int
    seats: frozenset[str]
    many: bool

    def touches(self, seat_ids: set[str]) -> bool:
        return self.many or bool(self.seats & seat_ids)


# Versions


@store_errors
def next_version(org_id: str, interface_id: str) -> int:
    """The interface's next version: read, then written only if no other export took it meanwhile."""
    pk = mappings_pk(org_id, interface_id)
    for _ in range(VERSION_ATTEMPTS):
        try:
            current = int(AllotmentVersionItem.get(pk, VERSION_SK, consistent_read=True).version)
        except DoesNotExist:
            current = 0
        taken = (
            AllotmentVersionItem.version.does_not_exist()
            if current == 0
            else AllotmentVersionItem.version == current
        )
        item = AllotmentVersionItem(pk, VERSION_SK)
        if update_if(item, [AllotmentVersionItem.version.set(current + 1)], taken):
            return current + 1
    raise TransientStoreError("Allotment exports kept racing for a version number; try again")


# Last export per performance


def _record(item: ExportResultItem) -> ExportRecord:
    def number(value: Any) -> int | None:
        return None if value is None else int(value)

    return ExportRecord(
        performance_id=item.performance_id,
        version=number(item.version),
        at=item.at,
        status=item.status,
        places=int(item.places or 0),
        errors=list(item.errors or []),
        reference=item.reference,
        by=item.by,
        sent_version=number(item.sent_version),
        sent_at=item.sent_at,
    )


@store_errors
def save_result(org_id: str, interface_id: str, record: ExportRecord) -> bool:
    """Record a performance's export unless a later version is recorded already (two exports ending in
    the other order); False then. A sent export also becomes the last version the distributor took."""
    item = ExportResultItem(mappings_pk(org_id, interface_id), LAST_PREFIX + record.performance_id)
    actions = [
        ExportResultItem.performance_id.set(record.performance_id),
        ExportResultItem.at.set(record.at),
        ExportResultItem.status.set(record.status),
        ExportResultItem.places.set(record.places),
        ExportResultItem.errors.set(record.errors),
        ExportResultItem.by.set(record.by or "system"),
    ]
    actions.append(
        ExportResultItem.version.set(record.version)
        if record.version is not None
        else ExportResultItem.version.remove()
    )
    actions.append(
        ExportResultItem.reference.set(record.reference)
        if record.reference
        else ExportResultItem.reference.remove()
    )
    if record.status == "sent" and record.version is not None:
        actions += [
            ExportResultItem.sent_version.set(record.version),
            ExportResultItem.sent_at.set(record.at),
        ]
    if record.version is None:
        return update_if(item, actions, None)
    later = ExportResultItem.sent_version.exists() & (ExportResultItem.sent_version > record.version)
    condition = ExportResultItem.version.does_not_exist() | (ExportResultItem.version < record.version)
    return update_if(item, actions, condition & ~later)


@store_errors
def results(org_id: str, interface_id: str, performance_id: str | None = None) -> list[ExportRecord]:
    pk = mappings_pk(org_id, interface_id)
    if performance_id is not None:
        try:
            return [_record(ExportResultItem.get(pk, LAST_PREFIX + performance_id, consistent_read=True))]
        except DoesNotExist:
            return []
    query = ExportResultItem.query(pk, ExportResultItem.sk.startswith(LAST_PREFIX), consistent_read=True)
    return [_record(item) for item in query]


# Pending marks


def _mark(item: PendingExportItem) -> PendingMark:
    return PendingMark(
        performance_id=item.performance_id,
        since=item.since,
        changed_at=item.changed_at,
        changes=int(item.changes or 0),
        seats=frozenset(item.seats or ()),
        many=bool(item.many),
    )


@store_errors
def mark_pending(org_id: str, interface_id: str, performance_id: str, seat_ids: set[str]) -> None:
    """An export of the performance is due (again); the seats that changed are added to the mark."""
    now = clock.iso()
    item = PendingExportItem(mappings_pk(org_id, interface_id), PENDING_PREFIX + performance_id)
    actions = [
        PendingExportItem.performance_id.set(performance_id),
        PendingExportItem.since.set(PendingExportItem.since | now),
        PendingExportItem.changed_at.set(now),
        PendingExportItem.changes.add(1),
    ]
    if len(seat_ids) > MAX_MARKED_SEATS:
        actions.append(PendingExportItem.many.set(True))
    elif seat_ids:
        actions.append(PendingExportItem.seats.add(set(seat_ids)))
    update_if(item, actions, None)


@store_errors
def pending_marks(org_id: str, interface_id: str, performance_id: str | None = None) -> list[PendingMark]:
    pk = mappings_pk(org_id, interface_id)
    if performance_id is not None:
        try:
            item = PendingExportItem.get(pk, PENDING_PREFIX + performance_id, consistent_read=True)
        except DoesNotExist:
            return []
        return [_mark(item)]
    query = PendingExportItem.query(pk, PendingExportItem.sk.startswith(PENDING_PREFIX), consistent_read=True)
    return [_mark(item) for item in query]


@store_errors
def clear_pending(org_id: str, interface_id: str, mark: PendingMark) -> bool:
    """Drop the mark an export covered, unless a change came since it was read (then it stays due)."""
    from pynamodb.exceptions import DeleteError

    item = PendingExportItem(mappings_pk(org_id, interface_id), PENDING_PREFIX + mark.performance_id)
    try:
        item.delete(condition=PendingExportItem.changes == mark.changes)
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
