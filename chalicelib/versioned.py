"""One versioned update: read, change, write if the version is still the one read, else read again."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.errors import Conflict, VersionConflict

T = TypeVar("T")

ATTEMPTS = 3
# What `change` returns for "nothing to write": the item goes back as read.
UNCHANGED = False


def update(
    read: Callable[[], T],
    change: Callable[[T], Any],
    write: Callable[[T, Any], T],
    conflict: Callable[[], Conflict],
    attempts: int = ATTEMPTS,
    pause: Callable[[int], None] | None = None,
) -> T:
    """Read the item, let `change` change it in place, and `write(item, outcome)` it, where `write`
    raises VersionConflict when someone else wrote first: then all again, `attempts` times at most,
    then the `conflict()` error. `outcome` is what `change` returned (what to write with the item).
    `pause(attempt)` waits before reading again (a random pause keeps racing writers apart)."""
    for attempt in range(attempts):
        item = read()
        outcome = change(item)
        if outcome is UNCHANGED:
            return item
        try:
            return write(item, outcome)
        except VersionConflict:
            if pause is not None:
                pause(attempt)
    raise conflict()


def jitter(attempt: int) -> None:
    """A short random pause, longer after each lost race (up to 20 ms times the attempts so far)."""
    time.sleep(random.uniform(0, 0.02 * (attempt + 1)))  # noqa: S311 - jitter, not a secret
