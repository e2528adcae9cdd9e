"""Who else names catalog items: a registry that other contexts fill, so that the catalog refuses to delete
an item they still use without importing them (the catalog stays below them).

A referrer is `fn(org_id, kind, item_id) -> [{"kind", "id", "field", ...}]`: the things of its context that
name this item (empty if none). A context registers its referrers when it is imported:

    references.register(my_referrer, kinds=("contact", "point_of_sale"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Referrer = Callable[[str, str, str], list[dict[str, str]]]

# key (module.name of the function) -> (the kinds it may answer for, None for all; the function).
# Keyed by name so that registering again (a module reloaded) replaces instead of asking twice.
_REFERRERS: dict[str, tuple[frozenset[str] | None, Referrer]] = {}


def register(fn: Referrer, kinds: Iterable[str] | None = None) -> Referrer:
    """Ask `fn` who uses an item before one is deleted; with `kinds`, only for items of those kinds."""
    key = f"{fn.__module__}.{fn.__qualname__}"
    _REFERRERS[key] = (frozenset(kinds) if kinds is not None else None, fn)
    return fn


def unregister(fn: Referrer) -> None:
    _REFERRERS.pop(f"{fn.__module__}.{fn.__qualname__}", None)


def users(org_id: str, kind: str, item_id: str) -> list[dict[str, str]]:
    """What the registered referrers say names this item, in the order they were registered."""
    found: list[dict[str, str]] = []
    for kinds, fn in list(_REFERRERS.values()):
        if kinds is None or kind in kinds:
            found.extend(fn(org_id, kind, item_id))
    return found
