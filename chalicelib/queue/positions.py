"""Where an entry stands in its queue, and which entries come next, from the draw and the index."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from chalicelib.db.queues import PAGE_BUCKETS, page_of
from chalicelib.queue import repository
from chalicelib.queue.model import (
    EARLY_BUCKET,
    SHARDS,
    Draw,
    Entry,
    EntryKey,
    Queue,
    early_flat,
    early_key,
    keys_in_bucket,
    rank_in_bucket,
)

_pages: dict[tuple[str, str, int], dict[int, list[int]]] = {}
_lock = threading.Lock()
MAX_CACHED_PAGES = 2000


def _page(queue: Queue, page: int) -> dict[int, list[int]]:
    """A page of the index; cached once all its buckets are indexed (it never changes after)."""
    key = (queue.org_id, queue.queue_id, page)
    with _lock:
        if key in _pages:
            return _pages[key]
    rows = repository.get_index_page(queue.org_id, queue.queue_id, page)
    if (page + 1) * PAGE_BUCKETS - 1 <= queue.indexed_through:
        with _lock:
            if len(_pages) >= MAX_CACHED_PAGES:
                _pages.clear()
            _pages[key] = rows
    return rows


def clear_cache() -> None:
    with _lock:
        _pages.clear()


def draw(queue: Queue) -> Draw:
    return Draw(bytes.fromhex(queue.seed or ""), queue.early_total)


@dataclass(frozen=True)
class Place:
    index: int | None  # 0-based place in the whole queue; None before the opening draw
    exact: bool


def place_of(queue: Queue, entry: Entry) -> Place:
    key = entry.key
    if key.bucket == EARLY_BUCKET:
        if not queue.drawn:
            return Place(None, False)
        flat = early_flat(queue.early_counts, key.shard, key.seq)
        if flat >= queue.early_total:  # counted too late for the draw: behind the drawn ones
            return Place(queue.early_total, False)
        return Place(draw(queue).rank(flat), True)
    if key.bucket <= queue.indexed_through:
        row = _page(queue, page_of(key.bucket)).get(key.bucket)
        if row is not None:
            counts = row[1:]
            return Place(queue.early_total + row[0] + rank_in_bucket(counts, key.shard, key.seq), True)
    # Not indexed yet (at most a minute old): estimated from the last indexed stretch's arrival rate.
    seconds = max(0, key.bucket - queue.indexed_through - 1)
    ahead = int(seconds * queue.arrivals_per_second) + (key.seq - 1) * SHARDS + key.shard
    return Place(queue.known_total + ahead, False)


def next_keys(queue: Queue, count: int) -> tuple[list[EntryKey], int]:
    """The keys of the `count` entries after the head, and the bucket holding the next one after them."""
    keys: list[EntryKey] = []
    start = queue.admitted
    if start < queue.early_total:
        shuffled = draw(queue)
        for rank in range(start, min(queue.early_total, start + count)):
            keys.append(early_key(queue.early_counts, shuffled.flat(rank)))
    wanted = start + count - queue.early_total  # post-opening indexes [position, wanted)
    position = max(0, start - queue.early_total)
    bucket = max(1, queue.head_bucket)
    while position < wanted and bucket <= queue.indexed_through:
        row = _page(queue, page_of(bucket)).get(bucket)
        if row is None or position >= row[0] + sum(row[1:]):
            bucket += 1
            continue
        for shard, seq in keys_in_bucket(row[1:], position - row[0]):
            keys.append(EntryKey(bucket, shard, seq))
            position += 1
            if position >= wanted:
                break
        if position >= row[0] + sum(row[1:]):
            bucket += 1
    return keys, bucket
