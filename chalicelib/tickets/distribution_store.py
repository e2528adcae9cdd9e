"""Ticket distribution in the sales table: a ticket's beneficiary and barcode change by conditional writes.

A ticket's item (TICKET#<ticket_id>, see chalicelib/db/sales.py) carries, beside its document, a
`revision`: the revision of its current barcode (absent on a ticket never changed, i.e. 0). Every
change of beneficiary rewrites the document with a new barcode and moves the revision on, on the
condition that the ticket is still valid (neither used nor cancelled) and its revision is still the one
read: of two relays changing the same ticket at once, one wins and the other is told it changed. The
same revision guards ticket control's admission, so a barcode voided a moment ago is never admitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.db.base import connection
from chalicelib.db.conditions import failed_items, store_errors, transient
from chalicelib.db.outbox import OutboxItem
from chalicelib.db.sales import TicketItem, ticket_key
from chalicelib.errors import Conflict
from chalicelib.outbox import repository as outbox
from chalicelib.outbox.model import Effect
from chalicelib.sales import ticket_repository
from chalicelib.sales.documents import Ticket

VALID = "valid"
USED = "used"
# DynamoDB takes at most 100 writes a transaction: a ticket and its beneficiary's email are two.
MAX_WRITES = 100


class DistributedTicketItem(TicketItem):
    """A ticket item seen with its barcode revision (the other readers ignore the attribute)."""

    revision = NumberAttribute(null=True)


@dataclass(frozen=True)
class Stored:
    ticket: Ticket
    revision: int


@dataclass(frozen=True)
class Change:
    """Rewrite a ticket's document (its new barcode and beneficiary) if it is still at `expected`."""

    ticket_id: str
    expected: int  # the revision read
    document: dict[str, Any]

    @property
    def revision(self) -> int:
        return self.expected + 1


def _stored(item: DistributedTicketItem) -> Stored:
    return Stored(ticket_repository.ticket_from_item(item), int(item.revision or 0))


@store_errors
def read(ticket_id: str) -> Stored | None:
    try:
        return _stored(DistributedTicketItem.get(*ticket_key(ticket_id), consistent_read=True))
    except DistributedTicketItem.DoesNotExist:
        return None


@store_errors
def read_many(ticket_ids: list[str]) -> dict[str, Stored]:
    """The tickets found among `ticket_ids` (consistent reads: what a change is checked against)."""
    found: dict[str, Stored] = {}
    wanted = list(dict.fromkeys(ticket_ids))
    for start in range(0, len(wanted), 100):
        keys = [ticket_key(t) for t in wanted[start : start + 100]]
        for item in DistributedTicketItem.batch_get(keys, consistent_read=True):
            found[item.ticket_id] = _stored(item)
    return found


def _at_revision(expected: int) -> Any:
    if expected == 0:
        return DistributedTicketItem.revision.does_not_exist() | (DistributedTicketItem.revision == 0)
    return DistributedTicketItem.revision == expected


def _changeable(expected: int) -> Any:
    return (DistributedTicketItem.status == VALID) & _at_revision(expected)


def _conflicted(exc: TransactWriteError, first: int, count: int) -> list[int]:
    """The updates (numbered from 0) that failed their condition or met another write. PynamoDB sends
    a transaction's puts before its updates: the `count` updates start at position `first`."""
    reasons = exc.cancellation_reasons or []
    collided = {
        n for n, reason in enumerate(reasons) if reason is not None and reason.code == "TransactionConflict"
    }
    return sorted(n - first for n in set(failed_items(exc)) | collided if first <= n < first + count)


@store_errors
def apply(changes: list[Change], effects: list[Effect]) -> None:
    """Every change and its emails in one transaction, or none of them.

    Raises Conflict (reason `ticket_changed`, naming the tickets) when a ticket was used, cancelled
    or changed by someone else since it was read."""
    if not changes:
        return
    if len(changes) + len(effects) > MAX_WRITES:
        raise ValueError(f"At most {MAX_WRITES} writes a transaction")
    try:
        with TransactWrite(connection=connection()) as tx:
            for change in changes:
                tx.update(
                    DistributedTicketItem(*ticket_key(change.ticket_id)),
                    actions=[
                        DistributedTicketItem.document.set(change.document),
                        DistributedTicketItem.revision.set(change.revision),
                    ],
                    condition=_changeable(change.expected),
                )
            for effect in effects:
                tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
    except TransactWriteError as exc:
        failed = _conflicted(exc, len(effects), len(changes))
        if not failed:
            raise transient(exc) from exc
        raise Conflict(
            "A ticket was scanned, cancelled or changed meanwhile; read the tickets again",
            {"reason": "ticket_changed", "ticket_ids": [changes[n].ticket_id for n in failed]},
        ) from exc


@store_errors
def admit(ticket_id: str, revision: int, scan: dict[str, Any], effects: list[Effect] = ()) -> bool:
    """Ticket control: mark the ticket used if it is valid and its barcode is still at `revision`,
    with its `effects` in the same transaction. False (nothing written) otherwise."""
    actions = [
        DistributedTicketItem.status.set(USED),
        DistributedTicketItem.used_at.set(scan["at"]),
        DistributedTicketItem.scans.set((DistributedTicketItem.scans | []).append([scan])),
    ]
    try:
        with TransactWrite(connection=connection()) as tx:
            item = DistributedTicketItem(*ticket_key(ticket_id))
            tx.update(item, actions=actions, condition=_changeable(revision))
            for effect in effects:
                tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
    except TransactWriteError as exc:
        if len(effects) in failed_items(exc):  # the ticket's update, sent after the effects' puts
            return False
        raise transient(exc) from exc
    return True
