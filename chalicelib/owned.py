""""Yours or 404": an item another organisation or buyer owns does not exist for the caller (never a 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from chalicelib.errors import NotFound

T = TypeVar("T")


def yours(read: Callable[[], T], mine: Callable[[T], bool], kind: str, item_id: str) -> T:
    """What `read` returns when `mine` says it is the caller's; NotFound, naming the item, when it is
    missing (`read` raised NotFound) or someone else's: the answer must not tell the two apart."""
    try:
        item = read()
    except NotFound:
        item = None
    if item is None or not mine(item):
        field = f"{kind.lower().replace(' ', '_')}_id"
        raise NotFound(f"{kind} {item_id} does not exist", {field: item_id})
    return item
