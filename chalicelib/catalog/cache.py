"""Catalog reads kept between requests in one process, dropped as soon as the organisation's catalog changes.

A shop request reads the same point of sale, channel, event, performance and price grid as the
request before it. Within `service.shared_reads`, the first catalog read of a request for an
organisation reads its catalog generation (one small item, strongly consistent, trusted for
`repository.GENERATION_CHECK_SECONDS`); while the generation is the one the kept reads were made under,
they answer without a request. Any catalog write sets a new generation: this process sees its own
writes at once, and a change made on another instance (an operator, a workflow) within that second.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from chalicelib.catalog import repository

MAX_ENTRIES = 5000  # per organisation: catalogs are small; this bounds a process's memory anyway
MAX_AGE_SECONDS = 60.0  # a backstop should a generation fail to move after a write

# organisation -> (generation, when the reads started being kept (monotonic), {key: value})
_kept: dict[str, tuple[str, float, dict[tuple[Any, ...], Any]]] = {}


def _entries(org_id: str, memo: dict[tuple[Any, ...], Any]) -> dict[tuple[Any, ...], Any] | None:
    """The reads kept for this organisation that are still current, read once per request."""
    key = ("generation", org_id)
    if key not in memo:
        memo[key] = repository.generation(org_id)
    generation = memo[key]
    if generation is None:
        return None  # no write since the generation existed: nothing tells when reads go stale
    held = _kept.get(org_id)
    now = time.monotonic()
    if held is None or held[0] != generation or now - held[1] > MAX_AGE_SECONDS:
        held = (generation, now, {})
        _kept[org_id] = held
    return held[2]


Key = tuple[Any, ...]


def remembered(org_id: str, key: Key, read: Callable[[], Any], memo: dict[Key, Any]) -> Any:
    """`read()`'s answer, from the request's memo, else from the reads kept in this process, else read.
    Kept values are copies: a caller changing what it got changes nothing for the next request."""
    if key in memo:
        return memo[key]
    entries = _entries(org_id, memo)
    if entries is not None and key in entries:
        value = copy.deepcopy(entries[key])
    else:
        value = read()
        if entries is not None:
            if len(entries) >= MAX_ENTRIES:
                entries.clear()
            entries[key] = copy.deepcopy(value)
    memo[key] = value
    return value


def forget(org_id: str | None = None) -> None:
    """Drop the kept reads (of one organisation, or all): this process just wrote its catalog. All of
    them: the generations last read are forgotten too (the next request reads them again)."""
    if org_id is None:
        _kept.clear()
        repository.forget_generations()
    else:
        _kept.pop(org_id, None)
