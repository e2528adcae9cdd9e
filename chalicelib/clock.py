"""The one clock the code asks for "now"; tests move it with `clock.at` or `clock.moved`, nothing else."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

# What tests set: a time the clock stands at, or seconds added to the real one. Process-wide, as
# the wall clock is; a Lambda process serves one request at a time.
_fixed: float | None = None
_shift: float = 0.0


def timestamp() -> float:
    """Seconds since the epoch, now."""
    return (time.time() if _fixed is None else _fixed) + _shift


def seconds() -> int:
    """Whole seconds since the epoch, now (what expiries and TTLs are written in)."""
    return int(timestamp())


def now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.fromtimestamp(timestamp(), UTC)


def iso(moment: datetime | None = None) -> str:
    """A moment (now by default) as ISO 8601 text in UTC, to the second."""
    return (moment or now()).astimezone(UTC).isoformat(timespec="seconds")


def _epoch(moment: float | datetime) -> float:
    return moment.timestamp() if isinstance(moment, datetime) else float(moment)


@contextmanager
def at(moment: float | datetime) -> Iterator[None]:
    """Tests: the clock stands still at `moment` (epoch seconds or an aware datetime) within the block."""
    global _fixed, _shift
    before = _fixed, _shift
    _fixed, _shift = _epoch(moment), 0.0
    try:
        yield
    finally:
        _fixed, _shift = before


@contextmanager
def moved(by_seconds: float) -> Iterator[None]:
    """Tests: the clock runs `by_seconds` ahead (or behind, when negative) within the block."""
    global _shift
    before = _shift
    _shift += by_seconds
    try:
        yield
    finally:
        _shift = before
