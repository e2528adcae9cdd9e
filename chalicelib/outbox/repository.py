"""Outbox items in the sales table: written in a change's transaction, claimed, finished or failed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.db.conditions import store_errors, update_if
from chalicelib.db.outbox import (
    DAY_SHARDS,
    OutboxItem,
    due_key,
    outbox_day_pks,
    outbox_pk,
    outbox_sk,
)
from chalicelib.db.sales import INDEX_SHARDS, SalesTable, shard_of
from chalicelib.errors import NotFound
from chalicelib.outbox import model as m

KEEP_FOR = timedelta(days=90)
MAX_STORED_BODY = 100_000
MAX_STORED_ERROR = 1_000


def dead_key(item_id: str) -> str:
    return f"DEAD#{shard_of(item_id)}"


def cut(text: str | None, size: int) -> str | None:
    if text is None or len(text) <= size:
        return text
    return text[:size] + "\n[… cut in the outbox record]"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def key_of(org_id: str, item_id: str) -> tuple[str, str]:
    """The item's key, rebuilt from its id; NotFound for an id that is not one of ours."""
    created = m.time_of(item_id)
    if created is None:
        raise NotFound(f"No outbox item {item_id[:100]}", {"email_id": item_id[:100]})
    return outbox_pk(org_id, created.date().isoformat(), item_id), outbox_sk(_iso(created), item_id)


def item_for(effect: m.Effect) -> OutboxItem:
    """The pending item of an effect, due at once; put it in the change's transaction."""
    pk, sk = key_of(effect.org_id, effect.item_id)
    return OutboxItem(
        pk,
        sk,
        org_id=effect.org_id,
        email_id=effect.item_id,
        effect=effect.effect,
        payload=effect.payload or None,
        to=effect.to,
        subject=effect.subject,
        text=cut(effect.text, MAX_STORED_BODY),
        html=cut(effect.html, MAX_STORED_BODY),
        kind=effect.kind,
        reference=effect.reference,
        status=m.PENDING,
        attempts=0,
        created_at=_iso(effect.created),
        purge_at=effect.created + KEEP_FOR,
        due_key=due_key(effect.item_id),
        due_at=int(effect.created.timestamp()),
    )


@store_errors
def add(effects: list[m.Effect]) -> None:
    """Effects of a change that wrote nothing else (an account email): one conditional put each."""
    for effect in effects:
        item_for(effect).save(condition=OutboxItem.pk.does_not_exist())


@store_errors
def get(org_id: str, item_id: str) -> OutboxItem:
    try:
        return OutboxItem.get(*key_of(org_id, item_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No outbox item {item_id[:100]}", {"email_id": item_id[:100]}) from None


@store_errors
def claim(pk: str, sk: str, now: datetime) -> OutboxItem | None:
    """Take the item for one attempt (a lease): None if it is finished, or another worker holds it."""
    at = int(now.timestamp())
    item = OutboxItem(pk, sk)
    taken = update_if(
        item,
        [
            OutboxItem.status.set(m.SENDING),
            OutboxItem.attempts.add(1),
            OutboxItem.due_at.set(at + m.LEASE_SECONDS),
        ],
        OutboxItem.pk.exists()
        & (
            OutboxItem.status.is_in(m.PENDING, m.FAILED)
            | ((OutboxItem.status == m.SENDING) & (OutboxItem.due_at <= at))
        ),
    )
    if not taken:
        return None
    return item


@store_errors
def finish(item: OutboxItem, now: datetime, result: dict[str, Any], status: str = m.SENT) -> bool:
    """Mark our attempt done (or the item obsolete, `result["note"]` saying why); False if our lease
    ended and another worker took the item meanwhile."""
    note = result.get("note")
    actions = [
        OutboxItem.status.set(status),
        OutboxItem.finished_at.set(_iso(now)),
        OutboxItem.error.set(cut(note, MAX_STORED_ERROR)) if note else OutboxItem.error.remove(),
        OutboxItem.due_key.remove(),
        OutboxItem.due_at.remove(),
    ]
    if result.get("provider_message_id"):
        actions.append(OutboxItem.provider_message_id.set(result["provider_message_id"]))
    if result.get("attachments"):
        actions.append(OutboxItem.attachments.set(result["attachments"]))
    return _own_update(item, actions)


@store_errors
def fail(item: OutboxItem, now: datetime, error: str, permanent: bool) -> str:
    """Record the failed attempt: due again after a backoff, or dead. Returns the new status."""
    attempts = int(item.attempts or 0)
    status = m.after_failure(attempts, permanent)
    actions = [OutboxItem.status.set(status), OutboxItem.error.set(cut(error, MAX_STORED_ERROR))]
    if status == m.DEAD:
        actions += [
            OutboxItem.due_key.set(dead_key(item.email_id)),
            OutboxItem.due_at.set(int(now.timestamp())),
            OutboxItem.finished_at.set(_iso(now)),
        ]
    else:
        actions.append(OutboxItem.due_at.set(int(now.timestamp()) + m.backoff_seconds(attempts)))
    _own_update(item, actions)
    return status


def _own_update(item: OutboxItem, actions: list) -> bool:
    own = (OutboxItem.status == m.SENDING) & (OutboxItem.attempts == int(item.attempts))
    return update_if(item, actions, own)


@store_errors
def retry(org_id: str, item_id: str, now: datetime) -> OutboxItem:
    """An operator tries a failed or dead item again now, with its attempts counted from zero."""
    item = get(org_id, item_id)
    if item.status not in (m.FAILED, m.DEAD):
        return item
    again = [
        OutboxItem.status.set(m.PENDING),
        OutboxItem.attempts.set(0),
        OutboxItem.due_key.set(due_key(item_id)),
        OutboxItem.due_at.set(int(now.timestamp())),
        OutboxItem.finished_at.remove(),
    ]
    if not update_if(item, again, OutboxItem.status.is_in(m.FAILED, m.DEAD)):
        item.refresh(consistent_read=True)
    return item


def _index_keys(partition: str, until: int | None, limit: int) -> list[tuple[str, str]]:
    condition = None if until is None else SalesTable.due_at <= until
    page = SalesTable.outbox_due.query(partition, range_key_condition=condition, limit=limit)
    return [(item.pk, item.sk) for item in page]


@store_errors
def due(now: datetime, limit: int = 100) -> list[tuple[str, str]]:
    """Keys of items due now (pending, failed past their backoff, or claimed by a worker that died)."""
    found: list[tuple[str, str]] = []
    at = int(now.timestamp())
    for shard in range(INDEX_SHARDS):
        found.extend(_index_keys(f"DUE#{shard}", at, limit - len(found)))
        if len(found) >= limit:
            break
    return found


@store_errors
def dead(limit: int = 100) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for shard in range(INDEX_SHARDS):
        found.extend(_index_keys(f"DEAD#{shard}", None, limit - len(found)))
        if len(found) >= limit:
            break
    return found


@store_errors
def read(keys: list[tuple[str, str]]) -> list[OutboxItem]:
    return list(OutboxItem.batch_get(keys)) if keys else []


@store_errors
def items_of_day(
    org_id: str, day: date, before_sk: str | None, limit: int, condition: Any
) -> list[OutboxItem]:
    """Up to `limit` items of one day, newest first, merged from the day's partitions."""
    found: list[OutboxItem] = []
    for pk in outbox_day_pks(org_id, day.isoformat()):
        found.extend(
            OutboxItem.query(
                pk,
                range_key_condition=None if before_sk is None else OutboxItem.sk < before_sk,
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
                page_size=max(limit, 25),
            )
        )
    found.sort(key=lambda item: item.sk, reverse=True)
    return found[:limit]


def now() -> datetime:
    from chalicelib import clock

    return clock.now()


__all__ = ["DAY_SHARDS"]
