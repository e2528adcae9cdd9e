"""PynamoDB reads and writes of queues, arrival counters, entries and the position index."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.db.conditions import CONDITION_FAILED, store_errors, update_if
from chalicelib.db.queues import (
    ACTIVE,
    CounterItem,
    EntryItem,
    IndexPageItem,
    QueueItem,
    counter_pk,
    entry_pk,
    index_pk,
    page_of,
    queue_pk,
)
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict
from chalicelib.queue.model import Entry, EntryKey, EntryStatus, Queue, QueueStatus, TargetKind

PURGE_SECONDS = 14 * 86400  # counters, entries and index pages outlive any on-sale by far
BATCH = 100


def _purge_at(now: int) -> datetime:
    return datetime.fromtimestamp(now + PURGE_SECONDS, UTC)


def _queue(item: QueueItem) -> Queue:
    return Queue(
        org_id=item.org_id,
        kind=TargetKind(item.kind),
        target_id=item.target_id,
        opens_at=int(item.opens_at),
        rate_per_minute=int(item.rate_per_minute),
        admission_minutes=int(item.admission_minutes),
        status=QueueStatus(item.status),
        seed=item.seed,
        early_counts=[int(c) for c in item.early_counts or []],
        indexed_through=int(item.indexed_through or 0),
        indexed_total=int(item.indexed_total or 0),
        arrivals_per_second=float(item.arrivals_per_second or 0),
        admitted=int(item.admitted or 0),
        head_bucket=int(item.head_bucket or 1),
        last_admit_minute=None if item.last_admit_minute is None else int(item.last_admit_minute),
        history=list(item.history or []),
    )


@store_errors
def create_queue(queue: Queue) -> Queue:
    item = QueueItem(
        queue_pk(queue.org_id, queue.queue_id),
        queue_org=queue.org_id,
        active_flag=ACTIVE if queue.status == QueueStatus.ACTIVE else None,
        org_id=queue.org_id,
        kind=queue.kind.value,
        target_id=queue.target_id,
        opens_at=queue.opens_at,
        rate_per_minute=queue.rate_per_minute,
        admission_minutes=queue.admission_minutes,
        status=queue.status.value,
    )
    try:
        item.save(condition=QueueItem.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            raise AlreadyExists("This queue exists already", {"queue_id": queue.queue_id}) from None
        raise
    return queue


@store_errors
def get_queue(org_id: str, queue_id: str, consistent: bool = False) -> Queue | None:
    try:
        return _queue(QueueItem.get(queue_pk(org_id, queue_id), consistent_read=consistent))
    except DoesNotExist:
        return None


@store_errors
def get_queues(keys: list[str]) -> list[Queue]:
    """Queues by their item keys (pk), in no particular order."""
    found: list[Queue] = []
    for start in range(0, len(keys), BATCH):
        found.extend(_queue(item) for item in QueueItem.batch_get(keys[start : start + BATCH]))
    return found


def get_org_queues(org_id: str, queue_ids: list[str]) -> list[Queue]:
    return get_queues([queue_pk(org_id, q) for q in queue_ids])


@store_errors
def org_queue_keys(org_id: str) -> list[str]:
    return [item.pk for item in QueueItem.by_org.query(org_id)]


@store_errors
def active_queue_keys() -> list[str]:
    return [item.pk for item in QueueItem.active.query(ACTIVE)]


@store_errors
def change_settings(org_id: str, queue_id: str, changes: dict) -> Queue:
    """Operator's changes (opens_at, rate_per_minute, admission_minutes, status), attribute by
    attribute, so an admitter run writing the queue's head at the same moment loses nothing."""
    item = QueueItem(queue_pk(org_id, queue_id))
    actions = [getattr(QueueItem, name).set(value) for name, value in changes.items() if name != "status"]
    if "status" in changes:
        actions.append(QueueItem.status.set(changes["status"]))
        active = changes["status"] == QueueStatus.ACTIVE
        actions.append(QueueItem.active_flag.set(ACTIVE) if active else QueueItem.active_flag.remove())
    if not update_if(item, actions, QueueItem.pk.exists()):
        raise NotFound("No such queue", {"queue_id": queue_id})
    return _queue(item)


@store_errors
def save_draw(queue: Queue, seed: str, early_counts: list[int]) -> bool:
    """Write the opening draw once; False when another run drew first (then use its draw)."""
    item = QueueItem(queue_pk(queue.org_id, queue.queue_id))
    return update_if(
        item,
        [QueueItem.seed.set(seed), QueueItem.early_counts.set(early_counts)],
        QueueItem.seed.does_not_exist(),
    )


@store_errors
def save_head(queue: Queue, before: Queue) -> None:
    """The admitter's fields, only if no other run moved the head since `before` was read."""
    item = QueueItem(queue_pk(queue.org_id, queue.queue_id))
    last = QueueItem.last_admit_minute
    unchanged = (QueueItem.admitted == before.admitted) & (
        QueueItem.indexed_through == before.indexed_through
    )
    was = before.last_admit_minute
    unchanged &= last.does_not_exist() if was is None else last == was
    actions = [
        QueueItem.indexed_through.set(queue.indexed_through),
        QueueItem.indexed_total.set(queue.indexed_total),
        QueueItem.arrivals_per_second.set(queue.arrivals_per_second),
        QueueItem.admitted.set(queue.admitted),
        QueueItem.head_bucket.set(queue.head_bucket),
        QueueItem.history.set(queue.history),
    ]
    if queue.last_admit_minute is not None:
        actions.append(last.set(queue.last_admit_minute))
    if not update_if(item, actions, unchanged):
        raise VersionConflict("Another admitter run moved this queue first")


@store_errors
def count_arrival(org_id: str, queue_id: str, bucket: int, shard: int, now: int) -> int:
    """One more arrival in the bucket's shard; its sequence number there (1, 2, ...)."""
    item = CounterItem(counter_pk(org_id, queue_id, bucket, shard))
    item.update(actions=[CounterItem.arrivals.add(1), CounterItem.purge_at.set(_purge_at(now))])
    return int(item.arrivals)


@store_errors
def read_counts(org_id: str, queue_id: str, buckets: list[int], shards: int) -> dict[int, list[int]]:
    """Each bucket's arrivals per shard (zeros where nobody arrived), read consistently."""
    keys = {counter_pk(org_id, queue_id, b, s): (b, s) for b in buckets for s in range(shards)}
    counts = {b: [0] * shards for b in buckets}
    pks = list(keys)
    for start in range(0, len(pks), BATCH):
        for item in CounterItem.batch_get(pks[start : start + BATCH], consistent_read=True):
            bucket, shard = keys[item.pk]
            counts[bucket][shard] = int(item.arrivals or 0)
    return counts


@store_errors
def save_entry(entry: Entry, now: int) -> None:
    key = entry.key
    EntryItem(
        entry_pk(entry.org_id, entry.queue_id, key.bucket, key.shard, key.seq),
        org_id=entry.org_id,
        queue_id=entry.queue_id,
        bucket=key.bucket,
        shard=key.shard,
        seq=key.seq,
        secret=entry.secret,
        client=entry.client,
        buyer_id=entry.buyer_id,
        status=entry.status.value,
        arrived_at=entry.arrived_at,
        purge_at=_purge_at(now),
    ).save()


def _entry(item: EntryItem) -> Entry:
    return Entry(
        org_id=item.org_id,
        queue_id=item.queue_id,
        key=EntryKey(int(item.bucket), int(item.shard), int(item.seq)),
        secret=item.secret,
        client=item.client,
        status=EntryStatus(item.status),
        arrived_at=int(item.arrived_at),
        buyer_id=item.buyer_id,
        admitted_at=None if item.admitted_at is None else int(item.admitted_at),
        admission_expires_at=None if item.admission_expires_at is None else int(item.admission_expires_at),
    )


@store_errors
def get_entry(org_id: str, queue_id: str, key: EntryKey) -> Entry | None:
    try:
        item = EntryItem.get(entry_pk(org_id, queue_id, key.bucket, key.shard, key.seq))
    except DoesNotExist:
        return None
    return _entry(item)


@store_errors
def admit_entry(org_id: str, queue_id: str, key: EntryKey, now: int, expires_at: int) -> bool:
    """Admit a waiting entry; False when it was admitted before (a re-run) or never written."""
    item = EntryItem(entry_pk(org_id, queue_id, key.bucket, key.shard, key.seq))
    return update_if(
        item,
        [
            EntryItem.status.set(EntryStatus.ADMITTED.value),
            EntryItem.admitted_at.set(now),
            EntryItem.admission_expires_at.set(expires_at),
        ],
        EntryItem.status == EntryStatus.WAITING.value,
    )


@store_errors
def bind_buyer(entry: Entry, buyer_id: str) -> bool:
    """The first buyer to use an admission keeps it; False when another buyer has it."""
    key = entry.key
    item = EntryItem(entry_pk(entry.org_id, entry.queue_id, key.bucket, key.shard, key.seq))
    return update_if(
        item,
        [EntryItem.buyer_id.set(buyer_id)],
        EntryItem.buyer_id.does_not_exist() | (EntryItem.buyer_id == buyer_id),
    )


@store_errors
def get_index_page(org_id: str, queue_id: str, page: int) -> dict[int, list[int]]:
    try:
        item = IndexPageItem.get(index_pk(org_id, queue_id, page), consistent_read=True)
    except DoesNotExist:
        return {}
    return {int(bucket): [int(n) for n in row] for bucket, row in (item.buckets or {}).items()}


@store_errors
def save_index(org_id: str, queue_id: str, rows: dict[int, list[int]], now: int) -> None:
    """Add buckets' [offset, counts...] to their pages; the rows are final, so a re-run rewrites
    the same values."""
    pages: dict[int, dict[int, list[int]]] = {}
    for bucket, row in rows.items():
        pages.setdefault(page_of(bucket), {})[bucket] = row
    for page, new_rows in pages.items():
        merged = get_index_page(org_id, queue_id, page)
        merged.update(new_rows)
        IndexPageItem(
            index_pk(org_id, queue_id, page),
            buckets={str(b): r for b, r in merged.items()},
            purge_at=_purge_at(now),
        ).save()
