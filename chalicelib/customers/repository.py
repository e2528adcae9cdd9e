"""Customers in DynamoDB: contacts' levels and lists, lists' contacts, and a shopper account's contact
and levels (attributes of the account's item, written here with their own conditions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import size
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.customers import records as r
from chalicelib.customers.model import LIST_BUCKETS
from chalicelib.db.accounts import (
    AccountsTable,
    ContactLinkItem,
    ShopperItem,
    contact_link_sk,
    org_pk,
    shopper_sk,
)
from chalicelib.db.base import connection
from chalicelib.db.conditions import CONDITION_FAILED, Transaction, failed_items, store_errors, transient
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict


@store_errors
def contact_records(
    org_id: str, contact_id: str, consistent: bool = False
) -> tuple[dict[str, str], set[str]]:
    """The contact's levels (indicator id -> level) and target list ids: one query of its partition."""
    levels: dict[str, str] = {}
    lists: set[str] = set()
    query = r.ContactRecordItem.query(r.contact_pk(org_id, contact_id), consistent_read=consistent)
    for item in query:
        if item.sk.startswith(r.LEVEL) and item.indicator_id and item.level:
            levels[item.indicator_id] = item.level
        elif item.sk.startswith(r.LIST) and item.target_list_id:
            lists.add(item.target_list_id)
    return levels, lists


def _level_item(org_id: str, contact_id: str, indicator_id: str, level: str) -> r.ContactRecordItem:
    return r.ContactRecordItem(
        r.contact_pk(org_id, contact_id),
        r.level_sk(indicator_id),
        org_id=org_id,
        contact_id=contact_id,
        indicator_id=indicator_id,
        level=level,
        updated_at=clock.iso(),
    )


@store_errors
def grant_contact_level(
    org_id: str, contact_id: str, indicator_id: str, level: str, unless: tuple[str, ...]
) -> bool:
    """Set the level unless the contact holds one of `unless` (higher ones), in one conditional write;
    whether it was written."""
    item = _level_item(org_id, contact_id, indicator_id, level)
    condition = None
    if unless:
        condition = r.ContactRecordItem.sk.does_not_exist() | ~r.ContactRecordItem.level.is_in(*unless)
    try:
        item.save(condition=condition)
    except PutError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            return False
        raise
    return True


@store_errors
def write_levels(org_id: str, indicator_id: str, levels: Mapping[str, str]) -> None:
    """One indicator's level for many contacts (an import): batched puts, each contact its partition."""
    with r.ContactRecordItem.batch_write() as batch:
        for contact_id, level in levels.items():
            batch.save(_level_item(org_id, contact_id, indicator_id, level))


@store_errors
def replace_contact_levels(
    org_id: str, contact_id: str, levels: Mapping[str, str], dropped: Iterable[str]
) -> None:
    with r.ContactRecordItem.batch_write() as batch:
        for indicator_id, level in levels.items():
            batch.save(_level_item(org_id, contact_id, indicator_id, level))
        for indicator_id in dropped:
            batch.delete(r.ContactRecordItem(r.contact_pk(org_id, contact_id), r.level_sk(indicator_id)))


@store_errors
def list_buckets(org_id: str, target_list_id: str) -> dict[int, set[str]]:
    """The list's contact ids, bucket by bucket (every bucket present, empty ones too)."""
    pk = r.list_pk(org_id, target_list_id)
    keys = [(pk, r.bucket_sk(n)) for n in range(LIST_BUCKETS)]
    found = {
        int(item.sk.rsplit("#", 1)[1]): set(item.contact_ids or ())
        for item in r.ListBucketItem.batch_get(keys, consistent_read=True)
    }
    return {n: found.get(n, set()) for n in range(LIST_BUCKETS)}


@store_errors
def change_buckets(
    org_id: str,
    target_list_id: str,
    read: Mapping[int, set[str]],
    add: Mapping[int, set[str]],
    remove: Mapping[int, set[str]],
) -> None:
    """Add and remove contact ids in one transaction, each bucket as large as when `read` (so a cap
    checked on what was read still holds); VersionConflict if any moved meanwhile."""
    pk = r.list_pk(org_id, target_list_id)
    item_cls = r.ListBucketItem
    try:
        with TransactWrite(connection=connection()) as tx:
            for n in range(LIST_BUCKETS):
                count = len(read.get(n, ()))
                same = (
                    item_cls.contact_ids.does_not_exist()
                    if not count
                    else size(item_cls.contact_ids) == count
                )
                actions = []
                if add.get(n):
                    actions.append(item_cls.contact_ids.add(set(add[n])))
                if remove.get(n):
                    actions.append(item_cls.contact_ids.delete(set(remove[n])))
                if actions:
                    tx.update(item_cls(pk, r.bucket_sk(n)), actions=actions, condition=same)
                else:
                    tx.condition_check(item_cls, pk, r.bucket_sk(n), condition=same)
    except TransactWriteError as exc:
        if failed_items(exc):
            raise VersionConflict("The list changed meanwhile; try again", {"id": target_list_id}) from exc
        raise transient(exc) from exc


@store_errors
def write_memberships(org_id: str, target_list_id: str, added: Iterable[str], removed: Iterable[str]) -> None:
    """Each contact's side of its lists (what a profile reads): batched, idempotent, so a re-run repairs."""
    with r.ContactRecordItem.batch_write() as batch:
        for contact_id in added:
            batch.save(
                r.ContactRecordItem(
                    r.contact_pk(org_id, contact_id),
                    r.list_sk(target_list_id),
                    org_id=org_id,
                    contact_id=contact_id,
                    target_list_id=target_list_id,
                    updated_at=clock.iso(),
                )
            )
        for contact_id in removed:
            batch.delete(r.ContactRecordItem(r.contact_pk(org_id, contact_id), r.list_sk(target_list_id)))


@store_errors
def write_shopper_levels(
    org_id: str, shopper_id: str, levels: Mapping[str, str], expected_version: int
) -> None:
    """The account's levels, if they are still at `expected_version`; VersionConflict otherwise."""
    item = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
    current = (
        ShopperItem.levels_version.does_not_exist()
        if expected_version == 0
        else ShopperItem.levels_version == expected_version
    )
    try:
        item.update(
            actions=[
                ShopperItem.levels.set(dict(levels)),
                ShopperItem.levels_version.set(expected_version + 1),
            ],
            condition=AccountsTable.sk.exists() & current,
        )
    except UpdateError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            raise VersionConflict(
                "The account's levels changed meanwhile", {"shopper_id": shopper_id}
            ) from exc
        raise


@store_errors
def link_contact(org_id: str, shopper_id: str, contact_id: str, previous: str | None) -> None:
    """The account is this contact: one account per contact, even in a race; the previous link goes."""
    pk = org_pk(org_id)
    guard = ContactLinkItem(pk, contact_link_sk(contact_id), shopper_id=shopper_id)
    shopper = ShopperItem(pk, shopper_sk(shopper_id))
    unchanged = (
        ShopperItem.contact_id.does_not_exist() if previous is None else ShopperItem.contact_id == previous
    )
    tx = Transaction(connection=connection())
    try:
        with tx:
            tx.save(
                guard,
                condition=AccountsTable.sk.does_not_exist() | (ContactLinkItem.shopper_id == shopper_id),
            )
            tx.update(
                shopper,
                actions=[ShopperItem.contact_id.set(contact_id)],
                condition=AccountsTable.sk.exists() & unchanged,
            )
            if previous is not None and previous != contact_id:
                tx.delete(ContactLinkItem(pk, contact_link_sk(previous)))
    except TransactWriteError as exc:
        failed = failed_items(exc, tx)  # in the order written above
        if 0 in failed:
            raise AlreadyExists(
                "Another shop account is linked to this contact",
                {"field": "contact_id", "contact_id": contact_id},
            ) from exc
        if 1 in failed:
            raise VersionConflict(
                "The account changed meanwhile; try again", {"shopper_id": shopper_id}
            ) from exc
        raise transient(exc) from exc


@store_errors
def unlink_contact(org_id: str, shopper_id: str, previous: str) -> None:
    pk = org_pk(org_id)
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                ShopperItem(pk, shopper_sk(shopper_id)),
                actions=[ShopperItem.contact_id.remove()],
                condition=ShopperItem.contact_id == previous,
            )
            tx.delete(
                ContactLinkItem(pk, contact_link_sk(previous)),
                condition=ContactLinkItem.shopper_id == shopper_id,
            )
    except TransactWriteError as exc:
        if failed_items(exc):
            raise NotFound("The account is not linked to this contact", {"shopper_id": shopper_id}) from exc
        raise transient(exc) from exc
