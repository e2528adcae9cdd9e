"""Who a customer is, as plain Python: indicator levels in their order, target lists, the profile."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from chalicelib.errors import Conflict, InvalidInput

# indicator id -> its level ids, lowest first
Orders = Mapping[str, tuple[str, ...]]

MAX_CONTACTS_PER_LIST = 10_000
# A list's contacts are spread over this many records, so that none grows large and an import of
# thousands of contacts writes a few records, not thousands (see customers/records.py).
LIST_BUCKETS = 16


@dataclass(frozen=True)
class Profile:
    """What the shop knows of a customer when it prices: their contact, indicator levels and lists.

    `level_orders` carries each indicator's order, so `reaches` answers without another read."""

    contact_id: str | None
    levels: Mapping[str, str]  # indicator_id -> level id the customer has
    target_list_ids: frozenset[str]  # the target lists holding the contact
    level_orders: Orders = field(default_factory=lambda: MappingProxyType({}))

    def reaches(self, indicator_id: str, level: str) -> bool:
        """True if the customer's level of that indicator is `level` or a higher one in its order."""
        held = self.levels.get(indicator_id)
        if held is None:
            return False
        if held == level:
            return True
        order = self.level_orders.get(indicator_id, ())
        return held in order and level in order and order.index(held) >= order.index(level)

    def in_list(self, target_list_id: str) -> bool:
        return target_list_id in self.target_list_ids

    def __hash__(self) -> int:  # its mappings are read-only views: hash what they hold
        return hash((self.contact_id, frozenset(self.levels.items()), self.target_list_ids))


EMPTY = Profile(None, MappingProxyType({}), frozenset())


def order_of(indicator_data: Mapping[str, Any]) -> tuple[str, ...]:
    """An indicator's level ids, lowest first, from its stored data."""
    return tuple(level["id"] for level in indicator_data.get("levels") or ())


def above(order: tuple[str, ...], level: str) -> tuple[str, ...]:
    """The levels strictly higher than `level` (a grant of `level` leaves them as they are)."""
    return order[order.index(level) + 1 :] if level in order else ()


def merged(orders: Orders, *sources: Mapping[str, str]) -> dict[str, str]:
    """The levels of several sources (a shopper account, its contact), the higher one winning per
    indicator; a level of an indicator or level that no longer exists is left out."""
    result: dict[str, str] = {}
    for levels in sources:
        for indicator_id, level in levels.items():
            order = orders.get(indicator_id)
            if order is None or level not in order:
                continue
            held = result.get(indicator_id)
            if held is None or order.index(level) > order.index(held):
                result[indicator_id] = level
    return result


def profile(
    contact_id: str | None, orders: Orders, sources: Iterable[Mapping[str, str]], list_ids: Iterable[str]
) -> Profile:
    """The profile of a customer whose levels come from `sources` (the higher level winning)."""
    held = merged(orders, *sources)
    return Profile(
        contact_id,
        MappingProxyType(held),
        frozenset(list_ids),
        MappingProxyType({indicator_id: orders[indicator_id] for indicator_id in held}),
    )


def canonical_level(indicator_id: str, order: tuple[str, ...], given: str, field_name: str) -> str:
    """The level id as the indicator spells it (ids compare without case); InvalidInput if unknown."""
    for level in order:
        if level.lower() == given.strip().lower():
            return level
    raise InvalidInput(
        f"{indicator_id} has no level {given!r}; its levels are {', '.join(order)}",
        {"field": field_name, "levels": list(order)},
    )


def checked_levels(orders: Orders, wanted: Mapping[str, str], field_name: str = "levels") -> dict[str, str]:
    """Each indicator known and each level one of its own; the error names the indicator field."""
    result: dict[str, str] = {}
    for indicator_id, level in wanted.items():
        if indicator_id not in orders:
            raise InvalidInput(
                f"No indicator {indicator_id}", {"field": f"{field_name}.{indicator_id}", "id": indicator_id}
            )
        result[indicator_id] = canonical_level(
            indicator_id, orders[indicator_id], level, f"{field_name}.{indicator_id}"
        )
    return result


def bucket_of(contact_id: str) -> int:
    """Which of a list's records holds this contact: stable, and spread evenly by a digest."""
    return int(hashlib.sha256(contact_id.encode()).hexdigest()[:8], 16) % LIST_BUCKETS


def by_bucket(contact_ids: Iterable[str]) -> dict[int, set[str]]:
    buckets: dict[int, set[str]] = {}
    for contact_id in contact_ids:
        buckets.setdefault(bucket_of(contact_id), set()).add(contact_id)
    return buckets


def check_room(size: int, adding: int, cap: int | None = None) -> None:
    """A list past its cap is refused whole (a 409 naming the cap), before anything is written."""
    cap = MAX_CONTACTS_PER_LIST if cap is None else cap
    if size + adding > cap:
        raise Conflict(
            f"A target list holds at most {cap:,} contacts: it has {size:,}, and {adding:,} more would "
            f"make {size + adding:,}",
            {
                "field": "contact_ids",
                "reason": "target_list_full",
                "max_contacts": cap,
                "size": size,
                "adding": adding,
            },
        )
