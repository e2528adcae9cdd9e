"""Reads shared by the steps of one piece of work: the outbox worker's batch reads an order once.

A purchase writes two outbox items (the confirmation email, the figures) that reach the worker in the
same batch, and both read the order and its tickets. Within `shared()`, the second read of the same key
answers with a copy of the first. Only for readers that a read made moments before serves as well:
the figures are counted from the order's version and skip a version already passed, and an email is
drawn from the order that was paid.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

T = TypeVar("T")

_memo: contextvars.ContextVar[dict[Hashable, object] | None] = contextvars.ContextVar(
    "shared_reads", default=None
)


@contextlib.contextmanager
def shared() -> Iterator[None]:
    """Within this block, `remembered` reads each key once."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`'s answer: read once per `shared()` block (a copy each time), every time outside one."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return copy.deepcopy(memo[key])  # type: ignore[return-value]
