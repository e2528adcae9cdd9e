"""E-tickets in the sales table: written once when their order is paid, read for the PDF and at the
entrance, where a scan admits a valid ticket once."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from chalicelib.db.base import connection, plain
from chalicelib.db.conditions import Transaction, Write, failed_items, store_errors, transient, update_if
from chalicelib.db.outbox import OutboxItem
from chalicelib.db.sales import TicketItem, ticket_key
from chalicelib.outbox import repository as outbox
from chalicelib.outbox.model import Effect
from chalicelib.sales.documents import Ticket


@store_errors
def put_tickets(tickets: list[Ticket]) -> None:
    """Write tickets that do not exist yet; one already written (perhaps scanned since) is left as is."""
    for ticket in tickets:
        try:
            _ticket_item(ticket).save(condition=TicketItem.pk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise


def ticket_writes(tickets: list[Ticket]) -> list[Write]:
    """Tickets written in an order's transaction (the order paid with its seats sold): each must not
    exist yet, else the transaction fails and the step-by-step settlement takes over."""
    return [Write(_ticket_item(ticket), None, TicketItem.pk.does_not_exist()) for ticket in tickets]


def _ticket_item(ticket: Ticket) -> TicketItem:
    pk, sk = ticket_key(ticket.ticket_id)
    return TicketItem(
        pk,
        sk,
        org_id=ticket.org_id,
        ticket_id=ticket.ticket_id,
        order_id=ticket.order_id,
        performance_id=ticket.performance_id,
        status=ticket.status,
        document=ticket.document,
        scans=[],
    )


def ticket_from_item(item: TicketItem) -> Ticket:
    """The ticket an item holds (an item of a subclass too: the distributed ticket's)."""
    return Ticket(
        ticket_id=item.ticket_id,
        org_id=item.org_id,
        order_id=item.order_id,
        performance_id=item.performance_id,
        status=item.status,
        document=item.document,
        scans=[plain(s.as_dict() if hasattr(s, "as_dict") else dict(s)) for s in item.scans or []],
        used_at=item.used_at,
    )


@store_errors
def get_ticket(ticket_id: str) -> Ticket | None:
    try:
        return ticket_from_item(TicketItem.get(*ticket_key(ticket_id), consistent_read=True))
    except DoesNotExist:
        return None


@store_errors
def get_tickets(ticket_ids: list[str]) -> list[Ticket]:
    if not ticket_ids:
        return []
    found = {
        t.ticket_id: ticket_from_item(t) for t in TicketItem.batch_get([ticket_key(t) for t in ticket_ids])
    }
    return [found[t] for t in ticket_ids if t in found]


@store_errors
def set_ticket_status(ticket_id: str, status: str, expected: str) -> bool:
    """The ticket's status becomes `status` if it is `expected`; False if it was not."""
    return update_if(
        TicketItem(*ticket_key(ticket_id)), [TicketItem.status.set(status)], TicketItem.status == expected
    )


@store_errors
def record_scan(ticket_id: str, scan: dict[str, Any], admit: bool, effects: list[Effect] = ()) -> bool:
    """Append the scan; when `admit`, mark the ticket used only if it was valid, with its `effects`
    (the sales figures count the entry) in the same transaction. True if admitted."""
    item = TicketItem(*ticket_key(ticket_id))
    if admit:
        actions = [
            TicketItem.status.set("used"),
            TicketItem.used_at.set(scan["at"]),
            TicketItem.scans.set((TicketItem.scans | []).append([scan])),
        ]
        tx = Transaction(connection=connection())
        try:
            with tx:
                tx.update(item, actions=actions, condition=TicketItem.status == "valid")
                for effect in effects:
                    tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
            return True
        except TransactWriteError as exc:
            if 0 not in failed_items(exc, tx):
                raise transient(exc) from exc
    item.update(actions=[TicketItem.scans.set((TicketItem.scans | []).append([{**scan, "admitted": False}]))])
    return False
