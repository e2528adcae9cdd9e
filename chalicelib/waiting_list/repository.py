"""Waiting lists in DynamoDB (see db/waiting_lists.py): conditional writes, plain model objects back."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.db.base import connection
from chalicelib.db.conditions import failed_items, store_errors, transient
from chalicelib.db.outbox import OutboxItem
from chalicelib.db.waiting_lists import (
    ENTRY_PREFIX,
    LIST_SK,
    ListRefItem,
    ShopperEntryItem,
    WaitingEntryItem,
    WaitingListItem,
    list_pk,
    live_key,
    live_pks,
    org_lists_key,
    shopper_key,
    shopper_pk,
)
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict
from chalicelib.outbox import repository as outbox
from chalicelib.waiting_list.model import ERASED, Entry, Offer, Request, WaitingListClosed

OPEN, CLOSED = "open", "closed"
BATCH = 100


def _entry(item: WaitingEntryItem) -> Entry:
    doc = item.document or {}
    offer = doc.get("offer")
    return Entry(
        org_id=item.org_id,
        performance_id=item.performance_id,
        entry_id=item.entry_id,
        sk=item.sk,
        buyer_id=item.buyer_id,
        pos_code=item.pos_code,
        email=doc.get("email"),
        name=doc.get("name"),
        request=Request(**doc["request"]),
        status=item.status,
        joined_at=item.joined_at,
        offer=Offer.from_dict(offer) if offer else None,
        history=list(doc.get("history") or []),
        version=int(item.version),
    )


def _item(entry: Entry) -> WaitingEntryItem:
    return WaitingEntryItem(
        list_pk(entry.org_id, entry.performance_id),
        entry.sk,
        org_id=entry.org_id,
        performance_id=entry.performance_id,
        entry_id=entry.entry_id,
        buyer_id=entry.buyer_id,
        pos_code=entry.pos_code,
        status=entry.status,
        joined_at=entry.joined_at,
        document=entry.document(),
        version=entry.version,
    )


@store_errors
def get_list(org_id: str, performance_id: str) -> WaitingListItem | None:
    try:
        return WaitingListItem.get(list_pk(org_id, performance_id), LIST_SK, consistent_read=True)
    except DoesNotExist:
        return None


@store_errors
def add_entry(entry: Entry, new_list: bool) -> None:
    """The entry, the shopper's one-entry-per-performance guard and, for a first entry, the list: one
    transaction. AlreadyExists when the shopper is on this list; WaitingListClosed when it closed."""
    org_id, performance_id = entry.org_id, entry.performance_id
    guard = ShopperEntryItem(
        *shopper_key(org_id, entry.buyer_id, performance_id),
        org_id=org_id,
        performance_id=performance_id,
        entry_sk=entry.sk,
    )
    listed = WaitingListItem(
        list_pk(org_id, performance_id),
        LIST_SK,
        org_id=org_id,
        performance_id=performance_id,
        status=OPEN,
        created_at=clock.now().isoformat(),
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(guard, condition=ShopperEntryItem.pk.does_not_exist() | (ShopperEntryItem.live == False))  # noqa: E712
            tx.save(_item(entry), condition=WaitingEntryItem.pk.does_not_exist())
            if new_list:
                tx.save(listed, condition=WaitingListItem.pk.does_not_exist())
                tx.save(
                    ListRefItem(
                        *org_lists_key(org_id, performance_id), org_id=org_id, performance_id=performance_id
                    )
                )
                tx.save(
                    ListRefItem(
                        *live_key(org_id, performance_id), org_id=org_id, performance_id=performance_id
                    )
                )
            else:
                tx.condition_check(
                    WaitingListItem, listed.pk, LIST_SK, condition=WaitingListItem.status == OPEN
                )
    except TransactWriteError as exc:
        # PynamoDB sends condition checks first, then puts: the guard is the first put
        failed = [n - (0 if new_list else 1) for n in failed_items(exc)]
        if not failed:
            raise transient(exc) from exc
        if 0 in failed:
            raise AlreadyExists(
                "You are already on this performance's waiting list", {"performance_id": performance_id}
            ) from exc
        if 2 in failed and new_list:
            raise VersionConflict("The waiting list was opened meanwhile; try again", {}) from exc
        raise WaitingListClosed(
            "This performance's waiting list is closed", {"performance_id": performance_id}
        ) from exc


@store_errors
def save_entry(entry: Entry, effects: list | None = None, *, release_guard: bool = False) -> Entry:
    """Write the entry if its version is still the one read, with its emails (outbox) in the same
    transaction; `release_guard` (the entry ended) lets the shopper join again. VersionConflict otherwise."""
    expected = entry.version
    entry.version = expected + 1
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(_item(entry), condition=WaitingEntryItem.version == expected)
            for effect in effects or []:
                tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
            if release_guard and entry.buyer_id != ERASED:
                tx.update(
                    ShopperEntryItem(*shopper_key(entry.org_id, entry.buyer_id, entry.performance_id)),
                    actions=[ShopperEntryItem.live.set(False)],
                    condition=ShopperEntryItem.entry_sk == entry.sk,
                )
    except TransactWriteError as exc:
        entry.version = expected
        # PynamoDB sends puts before updates: the entry is the first
        if 0 in failed_items(exc):
            raise VersionConflict(
                "The waiting-list entry changed meanwhile; read it again", {"entry_id": entry.entry_id}
            ) from exc
        raise transient(exc) from exc
    return entry


@store_errors
def erase_entry(entry: Entry, buyer_id: str) -> None:
    """Save the erased entry and drop the shopper's guard (the list is over: nobody joins it again)."""
    save_entry(entry)
    if buyer_id != ERASED:
        ShopperEntryItem(*shopper_key(entry.org_id, buyer_id, entry.performance_id)).delete()


@store_errors
def entries(org_id: str, performance_id: str) -> list[Entry]:
    """Every entry of the list, in the order of arrival."""
    query = WaitingEntryItem.query(
        list_pk(org_id, performance_id), WaitingEntryItem.sk.startswith(ENTRY_PREFIX), consistent_read=True
    )
    return [_entry(item) for item in query]


@store_errors
def get_entry(org_id: str, performance_id: str, sk: str) -> Entry:
    try:
        return _entry(WaitingEntryItem.get(list_pk(org_id, performance_id), sk, consistent_read=True))
    except DoesNotExist:
        raise NotFound("This waiting-list entry does not exist", {"performance_id": performance_id}) from None


@store_errors
def shopper_entry_sk(org_id: str, buyer_id: str, performance_id: str) -> str | None:
    try:
        return ShopperEntryItem.get(
            *shopper_key(org_id, buyer_id, performance_id), consistent_read=True
        ).entry_sk
    except DoesNotExist:
        return None


@store_errors
def shopper_entries(org_id: str, buyer_id: str) -> list[Entry]:
    """The shopper's current entries (one per performance), from their guards."""
    keys = [
        (list_pk(org_id, g.performance_id), g.entry_sk)
        for g in ShopperEntryItem.query(shopper_pk(org_id, buyer_id))
    ]
    found: list[Entry] = []
    for start in range(0, len(keys), BATCH):
        found.extend(_entry(item) for item in WaitingEntryItem.batch_get(keys[start : start + BATCH]))
    return sorted(found, key=lambda e: e.joined_at)


@store_errors
def org_lists(org_id: str) -> list[WaitingListItem]:
    refs = list(ListRefItem.query(f"WAITLISTS#{org_id}"))
    keys = [(list_pk(org_id, r.performance_id), LIST_SK) for r in refs]
    found: list[WaitingListItem] = []
    for start in range(0, len(keys), BATCH):
        found.extend(WaitingListItem.batch_get(keys[start : start + BATCH]))
    return sorted(found, key=lambda item: item.created_at)


@store_errors
def live_lists() -> list[tuple[str, str]]:
    """(org, performance) of every list the offer workflow still visits."""
    return [
        (r.org_id, r.performance_id) for pk in live_pks() for r in ListRefItem.query(pk, consistent_read=True)
    ]


@store_errors
def close_list(org_id: str, performance_id: str, reason: str) -> bool:
    """Mark the list closed (once); False if it was closed already."""
    from pynamodb.exceptions import UpdateError

    item = WaitingListItem(list_pk(org_id, performance_id), LIST_SK)
    try:
        item.update(
            actions=[WaitingListItem.status.set(CLOSED), WaitingListItem.closed_reason.set(reason)],
            condition=WaitingListItem.status == OPEN,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


@store_errors
def mark_erased(org_id: str, performance_id: str) -> None:
    """The list's personal data is gone: the workflow stops visiting it."""
    WaitingListItem(list_pk(org_id, performance_id), LIST_SK).update(
        actions=[WaitingListItem.erased.set(True)]
    )
    ListRefItem(*live_key(org_id, performance_id)).delete()


def summary(item: WaitingListItem) -> dict[str, Any]:
    return {
        "performance_id": item.performance_id,
        "status": item.status,
        "closed_reason": item.closed_reason,
        "erased": bool(item.erased),
        "created_at": item.created_at,
    }
