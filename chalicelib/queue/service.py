"""Queue use cases: operators put a performance or an event behind a queue; buyers join and pass."""

from __future__ import annotations

import contextvars
import secrets
import threading
import time
from dataclasses import dataclass

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.errors import InvalidInput, InvalidTransition, NotFound, TransientStoreError
from chalicelib.queue import admission, positions, repository
from chalicelib.queue.model import (
    EARLY_BUCKET,
    GRACE_SECONDS,
    MIN_LEAD_SECONDS,
    SHARDS,
    Entry,
    EntryKey,
    EntryStatus,
    Queue,
    QueueAdmissionExpired,
    QueueAdmissionInvalid,
    QueueAdmissionRequired,
    QueueStatus,
    TargetKind,
    bucket_end,
    bucket_of,
    estimated_wait_seconds,
    parse_entry_id,
    parse_entry_ref,
    queue_id,
)

CACHE_SECONDS = 5.0  # how long a process trusts its read of which queue gates a performance
ARRIVAL_ATTEMPTS = 5
POLL_SECONDS = 10


def now() -> float:
    """Now, in epoch seconds, from chalicelib.clock (tests move that clock)."""
    return clock.timestamp()


# -- operators --


def create_queue(
    org_id: str, kind: TargetKind, target_id: str, opens_at: int, rate: int, minutes: int
) -> Queue:
    _check_lead(opens_at)
    catalog.get(org_id, kind.value, target_id)  # NotFound names the performance or event
    queue = Queue(org_id, kind, target_id, opens_at, rate, minutes)
    created = repository.create_queue(queue)
    clear_cache()
    return created


def get_queue(org_id: str, queue_id_: str) -> Queue:
    queue = repository.get_queue(org_id, queue_id_, consistent=True)
    if queue is None:
        raise NotFound("No such queue", {"queue_id": queue_id_})
    return queue


def list_queues(org_id: str) -> list[Queue]:
    queues = repository.get_queues(repository.org_queue_keys(org_id))
    return sorted(queues, key=lambda q: (q.opens_at, q.queue_id))


def change_queue(org_id: str, queue_id_: str, changes: dict) -> Queue:
    """Rate, admission window and status change live; the opening time only before the opening."""
    current = get_queue(org_id, queue_id_)
    if "opens_at" in changes and (current.drawn or now() >= current.opens_at):
        raise InvalidTransition(
            "The queue has opened: its opening time can no longer change",
            {"field": "opens_at", "opens_at": current.opens_at},
        )
    if "opens_at" in changes:
        _check_lead(changes["opens_at"])
    if changes:
        repository.change_settings(org_id, queue_id_, changes)
    clear_cache()
    return get_queue(org_id, queue_id_)


def _check_lead(opens_at: int) -> None:
    if opens_at < now() + MIN_LEAD_SECONDS:
        raise InvalidInput(
            f"The opening time must be at least {MIN_LEAD_SECONDS} seconds ahead",
            {"field": "opens_at", "min_lead_seconds": MIN_LEAD_SECONDS},
        )


def early_arrivals(queue: Queue) -> int:
    """Arrivals before the opening so far (counted exactly once the draw is made)."""
    if queue.drawn:
        return queue.early_total
    counts = repository.read_counts(queue.org_id, queue.queue_id, [EARLY_BUCKET], SHARDS)
    return sum(counts[EARLY_BUCKET])


# -- which queue gates a performance --

_cache: dict[tuple[str, str], tuple[float, Queue | None]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
    positions.clear_cache()


def queue_for_performance(org_id: str, performance_id: str) -> Queue | None:
    """The performance's own queue, else its event's (either may be stopped); None when neither."""
    key = (org_id, performance_id)
    with _cache_lock:
        cached = _cache.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    event_id = catalog.get(org_id, "performance", performance_id).data.get("event_id")
    wanted = [queue_id(TargetKind.PERFORMANCE, performance_id)]
    if event_id:
        wanted.append(queue_id(TargetKind.EVENT, event_id))
    found = sorted(repository.get_org_queues(org_id, wanted), key=lambda q: q.kind != TargetKind.PERFORMANCE)
    queue = found[0] if found else None
    with _cache_lock:
        _cache[key] = (time.monotonic() + CACHE_SECONDS, queue)
    return queue


def _gating_queue(org_id: str, performance_id: str) -> Queue:
    queue = queue_for_performance(org_id, performance_id)
    if queue is None or queue.status != QueueStatus.ACTIVE:
        raise NotFound(
            "This performance has no queue open: hold seats directly",
            {"performance_id": performance_id},
        )
    return queue


# -- buyers --


@dataclass(frozen=True)
class EntryView:
    entry: Entry
    queue: Queue
    status: EntryStatus
    position: int | None
    position_exact: bool
    estimated_wait_seconds: int | None
    admission_token: str | None
    poll_after_seconds: int | None


def join_queue(org_id: str, performance_id: str, client: str, buyer_id: str | None) -> EntryView:
    """A new entry in the performance's queue, counted in its arrival second's bucket."""
    queue = _gating_queue(org_id, performance_id)
    arrived = now()
    bucket = bucket_of(queue.opens_at, arrived)
    for _ in range(ARRIVAL_ATTEMPTS):
        shard = secrets.randbelow(SHARDS)
        seq = repository.count_arrival(org_id, queue.queue_id, bucket, shard, int(arrived))
        # Counted within the grace: the admitter has not read this bucket yet, so the count holds.
        if now() < bucket_end(queue.opens_at, bucket) + GRACE_SECONDS:
            break
        # Counted too late (a stalled request): that number stays a gap; count again, later.
        bucket = max(bucket + 1, bucket_of(queue.opens_at, now()))
    else:
        raise TransientStoreError("The queue could not count this arrival; try again")
    entry = Entry(
        org_id,
        queue.queue_id,
        EntryKey(bucket, shard, seq),
        secrets.token_hex(8),
        client,
        EntryStatus.WAITING,
        int(arrived),
        buyer_id,
    )
    repository.save_entry(entry, int(arrived))
    return _view(queue, entry)


def entry_status(org_id: str, performance_id: str, entry_id: str, client: str) -> EntryView:
    queue = queue_for_performance(org_id, performance_id)
    parsed = parse_entry_id(entry_id)
    entry = None
    if queue is not None and parsed is not None:
        entry = repository.get_entry(org_id, queue.queue_id, parsed[0])
    if entry is None or not secrets.compare_digest(entry.secret, parsed[1]):
        raise NotFound("No such queue entry", {"entry_id": entry_id[:60]})
    if entry.client != client:
        raise QueueAdmissionInvalid(
            "This queue entry was made from another client", {"entry_id": entry_id[:60]}
        )
    # The process's 5 s read of the queue: polls of a crowd must not all read its one item.
    return _view(queue, entry)


def _view(queue: Queue, entry: Entry) -> EntryView:
    moment = now()
    status = entry.status_at(moment)
    if status != EntryStatus.WAITING:
        token = None
        if status == EntryStatus.ADMITTED:
            token = admission.sign(_key(), _admission_of(entry))
        return EntryView(entry, queue, status, None, True, 0, token, None)
    place = positions.place_of(queue, entry)
    position = None if place.index is None else max(1, place.index - queue.admitted + 1)
    wait = None
    if position is not None:
        wait = estimated_wait_seconds(position, queue.rate_per_minute, moment, queue.opens_at)
    elif moment < queue.opens_at:
        wait = int(queue.opens_at - moment)
    return EntryView(entry, queue, status, position, place.exact, wait, None, POLL_SECONDS)


def _key() -> bytes:
    from chalicelib.auth.tokens import signing_secret

    return admission.admission_key(signing_secret())


def _admission_of(entry: Entry) -> admission.Admission:
    return admission.Admission(
        entry.org_id, entry.queue_id, entry.ref, entry.client, int(entry.admission_expires_at or 0)
    )


# -- the gate on holds --


@dataclass(frozen=True)
class Presented:
    """What the current request shows: its X-Queue-Admission header and its source IP."""

    token: str | None
    client: str


_presented: contextvars.ContextVar[Presented | None] = contextvars.ContextVar("queue_presented", default=None)


def present(token: str | None, client: str) -> contextvars.Token:
    """Called for each HTTP request (by the api layer) before its route runs."""
    return _presented.set(Presented(token or None, client))


def forget(token: contextvars.Token) -> None:
    _presented.reset(token)


def require_admission(
    org_id: str, performance_id: str, buyer_id: str, presented: Presented | None = None
) -> None:
    """Refuse to hold seats of a queued performance unless the buyer shows a valid admission
    (default: what the current request presented), made for this queue, this client and this buyer."""
    queue = queue_for_performance(org_id, performance_id)
    if queue is None or queue.status != QueueStatus.ACTIVE:
        return
    shown = presented or _presented.get() or Presented(None, "")
    details = {"queue_id": queue.queue_id, "performance_id": performance_id}
    if not shown.token:
        raise QueueAdmissionRequired(
            "This performance is behind a queue: join it and send the X-Queue-Admission it gives",
            details,
        )
    granted = admission.read(_key(), shown.token)
    if granted is None or (granted.org_id, granted.queue_id) != (org_id, queue.queue_id):
        raise QueueAdmissionInvalid("This admission is not valid for this queue", details)
    if now() >= granted.expires_at:
        raise QueueAdmissionExpired(
            "This admission has expired: join the queue again", {**details, "expired_at": granted.expires_at}
        )
    if not secrets.compare_digest(granted.client, shown.client):
        raise QueueAdmissionInvalid("This admission was given to another client", details)
    _claim(org_id, queue, granted, buyer_id, details)


def _claim(org_id: str, queue: Queue, granted: admission.Admission, buyer_id: str, details: dict) -> None:
    key = parse_entry_ref(granted.entry)
    entry = repository.get_entry(org_id, queue.queue_id, key) if key else None
    if entry is None or entry.status != EntryStatus.ADMITTED:
        raise QueueAdmissionInvalid("This admission's queue entry is not admitted", details)
    if entry.buyer_id == buyer_id:
        return
    if entry.buyer_id is not None or not repository.bind_buyer(entry, buyer_id):
        raise QueueAdmissionInvalid("This admission belongs to another buyer", details)
