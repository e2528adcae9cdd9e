"""Queue rules as plain Python: arrival buckets, the order of entries, the opening draw, the rate."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from chalicelib.errors import PermissionDenied

# Arrivals of one second share a bucket; each bucket's arrivals spread over SHARDS counters, so
# no counter item takes every arrival (a counter takes about 1/SHARDS of one second's arrivals).
SHARDS = 4
EARLY_BUCKET = 0  # arrivals before the opening time: ordered by the draw at opening
# An arrival must finish counting itself within GRACE_SECONDS of its bucket's end; the admitter
# reads a bucket only once it ended GRACE_SECONDS ago, so a bucket it read never grows.
GRACE_SECONDS = 5
ADMISSION_MINUTES = 15
# After a missed schedule the admitter catches up this many minutes of rate, no more (no burst).
MAX_CATCH_UP_MINUTES = 2
HISTORY_RUNS = 120
# An opening time is set at least this far ahead: every process must learn it before it comes
# (each trusts its read of a queue for a few seconds).
MIN_LEAD_SECONDS = 60


class QueueStatus(StrEnum):
    ACTIVE = "active"  # holds need an admission
    STOPPED = "stopped"  # the gate is off: anyone may hold


class EntryStatus(StrEnum):
    WAITING = "waiting"
    ADMITTED = "admitted"
    EXPIRED = "expired"  # admitted, but the admission window has passed


class TargetKind(StrEnum):
    PERFORMANCE = "performance"
    EVENT = "event"


class QueueAdmissionRequired(PermissionDenied):
    code = "queue_admission_required"


class QueueAdmissionExpired(PermissionDenied):
    code = "queue_admission_expired"


class QueueAdmissionInvalid(PermissionDenied):
    code = "queue_admission_invalid"


@dataclass
class Queue:
    org_id: str
    kind: TargetKind
    target_id: str
    opens_at: int
    rate_per_minute: int
    admission_minutes: int = ADMISSION_MINUTES
    status: QueueStatus = QueueStatus.ACTIVE
    seed: str | None = None  # drawn at opening; orders the early arrivals
    early_counts: list[int] = field(default_factory=list)
    indexed_through: int = 0  # the last bucket whose arrivals are counted into positions
    indexed_total: int = 0  # arrivals after the opening in buckets 1..indexed_through
    arrivals_per_second: float = 0.0  # of the last indexed stretch, for estimates beyond it
    admitted: int = 0  # entries admitted so far: the queue's head
    head_bucket: int = 1  # the bucket holding the next post-opening entry to admit
    last_admit_minute: int | None = None
    history: list[dict] = field(default_factory=list)

    @property
    def queue_id(self) -> str:
        return queue_id(self.kind, self.target_id)

    @property
    def drawn(self) -> bool:
        return self.seed is not None

    @property
    def early_total(self) -> int:
        return sum(self.early_counts)

    @property
    def known_total(self) -> int:
        """Arrivals whose place in the order is fixed (drawn early ones and indexed buckets)."""
        return self.early_total + self.indexed_total

    @property
    def waiting(self) -> int:
        return max(0, self.known_total - self.admitted)


def queue_id(kind: str, target_id: str) -> str:
    return f"{kind}.{target_id}"


def parse_queue_id(value: str) -> tuple[TargetKind, str] | None:
    kind, _, target = value.partition(".")
    if kind not in {k.value for k in TargetKind} or not target:
        return None
    return TargetKind(kind), target


def bucket_of(opens_at: int, now: float) -> int:
    """Early arrivals share bucket 0; afterwards one bucket per second, from 1."""
    if now < opens_at:
        return EARLY_BUCKET
    return int(now - opens_at) // 1 + 1


def bucket_end(opens_at: int, bucket: int) -> int:
    return opens_at + bucket  # bucket b covers [opens_at + b - 1, opens_at + b)


def closed_buckets(queue: Queue, now: float) -> range:
    """Buckets past their grace that are not counted yet."""
    last = bucket_of(queue.opens_at, now - GRACE_SECONDS) - 1
    return range(queue.indexed_through + 1, max(queue.indexed_through, last) + 1)


@dataclass(frozen=True)
class EntryKey:
    bucket: int
    shard: int
    seq: int  # 1-based, from the shard's counter


@dataclass
class Entry:
    org_id: str
    queue_id: str
    key: EntryKey
    secret: str
    client: str  # the source IP the buyer queued from
    status: EntryStatus
    arrived_at: int
    buyer_id: str | None = None
    admitted_at: int | None = None
    admission_expires_at: int | None = None

    @property
    def entry_id(self) -> str:
        return entry_id(self.key, self.secret)

    @property
    def ref(self) -> str:
        """The entry's key without its secret, as an admission token names it."""
        return f"{self.key.bucket}-{self.key.shard}-{self.key.seq}"

    def status_at(self, now: float) -> EntryStatus:
        expires = self.admission_expires_at
        if self.status == EntryStatus.ADMITTED and expires is not None and now >= expires:
            return EntryStatus.EXPIRED
        return self.status


_ENTRY_ID = re.compile(r"^(\d{1,9})-(\d{1,2})-(\d{1,9})-([0-9a-f]{16})$")


def entry_id(key: EntryKey, secret: str) -> str:
    """What a buyer polls with; the secret part makes entry ids unguessable."""
    return f"{key.bucket}-{key.shard}-{key.seq}-{secret}"


def parse_entry_id(value: str) -> tuple[EntryKey, str] | None:
    match = _ENTRY_ID.match(value or "")
    if not match or int(match[2]) >= SHARDS or int(match[3]) < 1:
        return None
    return EntryKey(int(match[1]), int(match[2]), int(match[3])), match[4]


def parse_entry_ref(value: str) -> EntryKey | None:
    """An entry's key as an admission token names it ("<bucket>-<shard>-<seq>")."""
    parsed = parse_entry_id(f"{value}-{'0' * 16}")
    return parsed[0] if parsed else None


# -- the order inside a bucket: round-robin over shards by sequence (seq 1 of each shard first) --


def rank_in_bucket(counts: list[int], shard: int, seq: int) -> int:
    before = sum(min(c, seq - 1) for c in counts)
    return before + sum(1 for s in range(shard) if counts[s] >= seq)


def keys_in_bucket(counts: list[int], start: int = 0) -> Iterator[tuple[int, int]]:
    """(shard, seq) of the bucket's entries in order, from rank `start`."""
    seq = 1
    while True:
        level = [s for s, c in enumerate(counts) if c >= seq]
        if not level:
            return
        if start >= len(level):
            start -= len(level)
        else:
            for shard in level[start:]:
                yield shard, seq
            start = 0
        seq += 1


# -- the opening draw: a keyed permutation of the early arrivals, drawn when the queue opens --


class Draw:
    """A pseudo-random permutation of range(n) keyed by a seed (a Feistel network, cycle-walked).

    Ranks come from a seed drawn at opening, after the last early arrival: nobody can know or
    improve their rank by arriving early, and the admitter maps a rank to its entry with no read."""

    ROUNDS = 6

    def __init__(self, seed: bytes, n: int) -> None:
        self.seed = seed
        self.n = n
        half = 1
        while (1 << (2 * half)) < max(n, 2):
            half += 1
        self.half = half
        self.mask = (1 << half) - 1

    def _f(self, rnd: int, value: int) -> int:
        mac = hmac.new(self.seed, bytes([rnd]) + value.to_bytes(8, "big"), hashlib.sha256).digest()
        return int.from_bytes(mac[:8], "big") & self.mask

    def _encrypt(self, x: int) -> int:
        left, right = x >> self.half, x & self.mask
        for rnd in range(self.ROUNDS):
            left, right = right, left ^ self._f(rnd, right)
        return (left << self.half) | right

    def _decrypt(self, y: int) -> int:
        left, right = y >> self.half, y & self.mask
        for rnd in reversed(range(self.ROUNDS)):
            left, right = right ^ self._f(rnd, left), left
        return (left << self.half) | right

    def rank(self, flat: int) -> int:
        y = self._encrypt(flat)
        while y >= self.n:  # cycle-walking keeps the permutation inside range(n)
            y = self._encrypt(y)
        return y

    def flat(self, rank: int) -> int:
        x = self._decrypt(rank)
        while x >= self.n:
            x = self._decrypt(x)
        return x


def early_flat(counts: list[int], shard: int, seq: int) -> int:
    return sum(counts[:shard]) + seq - 1


def early_key(counts: list[int], flat: int) -> EntryKey:
    for shard, count in enumerate(counts):
        if flat < count:
            return EntryKey(EARLY_BUCKET, shard, flat + 1)
        flat -= count
    raise IndexError("no early arrival has that place")


# -- the rate --


def admissions_due(rate_per_minute: int, last_minute: int | None, minute: int) -> int:
    """How many to admit in `minute`: the rate for each minute since the last run (none twice a minute)."""
    minutes = 1 if last_minute is None else min(minute - last_minute, MAX_CATCH_UP_MINUTES)
    return max(0, minutes) * max(0, rate_per_minute)


def estimated_wait_seconds(position: int, rate_per_minute: int, now: float, opens_at: int) -> int | None:
    """Runs admit at each minute: `position` waits ceil(position / rate) runs after the opening."""
    if rate_per_minute <= 0:
        return None
    start = max(now, opens_at)
    runs = math.ceil(position / rate_per_minute)
    next_run = (int(start) // 60 + 1) * 60
    return int(next_run - now) + (runs - 1) * 60


def record_history(queue: Queue, minute: int, admitted: int, arrivals: int) -> None:
    queue.history.append(
        {"minute": minute, "admitted": admitted, "arrivals": arrivals, "waiting": queue.waiting}
    )
    del queue.history[:-HISTORY_RUNS]
