"""The admitter's use case: draw at opening, count closed buckets, admit the next ones at the rate."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass

from chalicelib.errors import VersionConflict
from chalicelib.queue import positions, repository, service
from chalicelib.queue.model import (
    EARLY_BUCKET,
    GRACE_SECONDS,
    SHARDS,
    Queue,
    QueueStatus,
    admissions_due,
    closed_buckets,
    record_history,
)

# A run that follows a long outage counts at most this many seconds of arrivals (the next run
# counts on), so one run stays well inside its Lambda timeout.
MAX_BUCKETS_PER_RUN = 900


@dataclass(frozen=True)
class Admitted:
    org_id: str
    queue_id: str
    admitted: int  # entries admitted by this run
    counted: int  # arrivals this run fixed a place for
    waiting: int
    reason: str = ""

    def to_dict(self) -> dict:
        return vars(self).copy()


def active_queues() -> list[dict[str, str]]:
    keys = repository.active_queue_keys()
    return [{"org_id": q.org_id, "queue_id": q.queue_id} for q in repository.get_queues(keys)]


def admit(org_id: str, queue_id: str) -> Admitted:
    """One run for one queue. Safe to re-run: a second run in the same minute admits no one, and an
    entry is admitted by a conditional write, so no entry is ever admitted twice."""
    moment = service.now()
    queue = repository.get_queue(org_id, queue_id, consistent=True)
    if queue is None or queue.status != QueueStatus.ACTIVE:
        return Admitted(org_id, queue_id, 0, 0, 0, "not active")
    if moment < queue.opens_at + GRACE_SECONDS:
        return Admitted(org_id, queue_id, 0, 0, queue.waiting, "not open yet")
    if not queue.drawn:
        queue = _draw(queue)
    before = copy.deepcopy(queue)
    counted = _count(queue, moment)
    minute = int(moment) // 60
    due = admissions_due(queue.rate_per_minute, queue.last_admit_minute, minute)
    keys, head_bucket = positions.next_keys(queue, min(due, queue.waiting))
    admitted = 0
    for key in keys:
        # Expiry from the admission moment; an entry admitted by an interrupted run keeps its own.
        admitted += repository.admit_entry(
            org_id, queue_id, key, int(moment), int(moment) + queue.admission_minutes * 60
        )
    queue.admitted += len(keys)
    queue.head_bucket = head_bucket
    if queue.last_admit_minute != minute:
        queue.last_admit_minute = minute
        record_history(queue, minute, admitted, counted)
    try:
        repository.save_head(queue, before)
    except VersionConflict:
        return Admitted(org_id, queue_id, admitted, counted, queue.waiting, "another run moved the queue")
    service.clear_cache()
    return Admitted(org_id, queue_id, admitted, counted, queue.waiting)


def _draw(queue: Queue) -> Queue:
    """Fix the early arrivals' count and draw their order, once (a racing run keeps the first draw)."""
    counts = repository.read_counts(queue.org_id, queue.queue_id, [EARLY_BUCKET], SHARDS)[EARLY_BUCKET]
    repository.save_draw(queue, secrets.token_hex(16), counts)
    drawn = repository.get_queue(queue.org_id, queue.queue_id, consistent=True)
    return drawn or queue


def _count(queue: Queue, moment: float) -> int:
    """Fix the places of arrivals in buckets past their grace; returns how many were counted."""
    buckets = list(closed_buckets(queue, moment))[:MAX_BUCKETS_PER_RUN]
    if not buckets:
        return 0
    counts = repository.read_counts(queue.org_id, queue.queue_id, buckets, SHARDS)
    rows: dict[int, list[int]] = {}
    offset = queue.indexed_total
    for bucket in buckets:
        arrivals = sum(counts[bucket])
        if arrivals:
            rows[bucket] = [offset, *counts[bucket]]
            offset += arrivals
    if rows:
        repository.save_index(queue.org_id, queue.queue_id, rows, int(moment))
    counted = offset - queue.indexed_total
    queue.arrivals_per_second = counted / len(buckets)
    queue.indexed_total = offset
    queue.indexed_through = buckets[-1]
    return counted
