"""This instance's view of a performance's seats for picking: kept per shard, learnt from its writes.

An instance (a Lambda process) reads the whole stock once (the seats as opened from the blocks' layout
parts, then from each shard only the seats no longer as opened), then keeps it fresh one shard at a time:
each pick re-reads the shard read longest ago once it is older than SHARD_SECONDS, a lost race re-reads
the shards of the seats lost, and its own holds and lost seats are written into the view at once. The
whole stock is read again only when the view is older than FULL_SECONDS everywhere or when asked to
(a pick found too few seats). What the view shows may be stale: every hold's condition decides.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.db.stock import seat_shard
from chalicelib.inventory import stock_reads
from chalicelib.inventory.seat_picking import Spread
from chalicelib.inventory.stock_model import SEAT_FREE, SEAT_HELD, MapSeat

SHARD_SECONDS = 2.0
FULL_SECONDS = 30.0
# A row where this instance lost a race is left to the other instance for this long.
AVOID_SECONDS = 20.0
VIEWS = 16
# This instance's own draw among rows of equal quality (see seat_picking.Spread).
SALT = random.SystemRandom().getrandbits(32)
# Stock reads of this process, for benches: "full" (every shard) and "shard" (one shard).
READS: Counter[str] = Counter()

RowKey = tuple[str | None, str | None]


@dataclass
class _View:
    shards: list[list[MapSeat]]
    read_at: list[float]
    same: dict[Any, Any] = field(default_factory=dict)
    # the seats as opened, per shard (None: opened without layout parts, every seat read from the shards)
    opened: stock_reads.Opened | None = None
    avoid: dict[RowKey, float] = field(default_factory=dict)


_views: dict[tuple[str, str], _View] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _views.clear()


def _read_all(performance_id: str, shards: int) -> _View:
    READS["full"] += 1
    same: dict[Any, Any] = {}
    opened = stock_reads.opened_seats(performance_id, shards)
    seats = [_read_shard(performance_id, n, same, opened) for n in range(shards)]
    return _View(seats, [time.monotonic()] * shards, same, opened)


def _read_shard(
    performance_id: str, shard: int, same: dict[Any, Any], opened: stock_reads.Opened | None
) -> list[MapSeat]:
    if opened is None:
        return stock_reads.seats_of_shard(performance_id, shard, same)
    return stock_reads.seats_as_changed(performance_id, shard, opened[shard], same)


def _refresh(view: _View, performance_id: str, shard: int) -> None:
    """Read one shard again; rows where seats were taken since the last read are where another
    instance sells now: this one's picks go elsewhere for a while."""
    READS["shard"] += 1
    before = {s.seat_id: s.status for s in view.shards[shard]}
    seats = _read_shard(performance_id, shard, view.same, view.opened)
    view.shards[shard], view.read_at[shard] = seats, time.monotonic()
    until = time.monotonic() + AVOID_SECONDS
    taken = [s for s in seats if before.get(s.seat_id) == SEAT_FREE and s.status != SEAT_FREE]
    view.avoid.update({(s.block, s.row): until for s in taken})


def seats(org_id: str, performance_id: str, shards: int, *, fresh: bool = False) -> list[MapSeat]:
    """The performance's seats as this instance knows them; `fresh` reads every shard now."""
    key = (org_id, performance_id)
    with _lock:
        view = _views.get(key)
    now = time.monotonic()
    if fresh or view is None or len(view.shards) != shards or now - max(view.read_at) > FULL_SECONDS:
        old = view
        view = _read_all(performance_id, shards)
        if old is not None:
            view.avoid = old.avoid
        with _lock:
            if len(_views) >= VIEWS and key not in _views:
                _views.pop(next(iter(_views)))
            _views[key] = view
    else:
        stalest = min(range(shards), key=view.read_at.__getitem__)
        if now - view.read_at[stalest] > SHARD_SECONDS:
            _refresh(view, performance_id, stalest)
    return [seat for shard in view.shards for seat in shard]


def _mark(view: _View, seat_ids: Iterable[str], expires_at: int) -> None:
    shards = len(view.shards)
    for seat_id in seat_ids:
        shard = view.shards[seat_shard(seat_id, shards)]
        for n, seat in enumerate(shard):
            if seat.seat_id == seat_id:
                shard[n] = seat._replace(status=SEAT_HELD, hold_expires_at=expires_at)
                break


def note_held(org_id: str, performance_id: str, seat_ids: Iterable[str], expires_at: int) -> None:
    """This instance's own hold: its next picks see these seats taken at once."""
    view = _views.get((org_id, performance_id))
    if view is not None:
        _mark(view, seat_ids, expires_at)


def note_lost(
    org_id: str, performance_id: str, seats_lost: Iterable[MapSeat], now: int, *, reread: bool = True
) -> None:
    """Seats another buyer took first: re-read their shards only (unless `reread` is False: they were
    just read by key), and keep them taken meanwhile.

    Their rows are where another instance sells now: this one's next picks go elsewhere for a while.
    """
    view = _views.get((org_id, performance_id))
    if view is None:
        return
    lost = list(seats_lost)
    for shard in sorted({seat_shard(s.seat_id, len(view.shards)) for s in lost} if reread else ()):
        _refresh(view, performance_id, shard)
    # an eventually consistent read may not show the winner's write yet
    _mark(view, [s.seat_id for s in lost], now + int(FULL_SECONDS))
    until = time.monotonic() + AVOID_SECONDS
    view.avoid.update({(s.block, s.row): until for s in lost})


def spread(org_id: str, performance_id: str) -> Spread:
    """How this instance draws among the best runs: its own salt, away from rows where it lost."""
    view = _views.get((org_id, performance_id))
    now = time.monotonic()
    avoid = frozenset(row for row, until in (view.avoid.items() if view else ()) if until > now)
    return Spread(SALT, avoid=avoid)
