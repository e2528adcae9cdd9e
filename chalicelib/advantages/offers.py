"""Which advantages and promo codes a customer may use, and at what price: what the shop and the box
office read. Settings are read per process for a few seconds (they change rarely); a checkout reads
them fresh, so a condition that stopped holding is caught there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib import clock
from chalicelib.advantages import repository
from chalicelib.advantages.conditions import PerformanceFacts, refusal
from chalicelib.advantages.model import Advantage, PriceRule, PromoCode, State
from chalicelib.db import advantages as keys

ADVANTAGE, PROMO = "advantage", "promo"
# How long a process reuses an organisation's advantages before reading them again.
SETTINGS_SECONDS = 5

_settings: dict[tuple[str, str], tuple[float, list]] = {}


class Customer(Protocol):
    """Who is buying, as targets see them (customers.model.Profile satisfies it)."""

    contact_id: str | None
    target_list_ids: frozenset[str]

    def reaches(self, indicator_id: str, level: str) -> bool: ...


@dataclass(frozen=True)
class Anyone:
    """A guest or a shopper not linked to a contact: general-public advantages and codes only."""

    contact_id: str | None = None
    target_list_ids: frozenset[str] = frozenset()

    def reaches(self, indicator_id: str, level: str) -> bool:
        return False


@dataclass(frozen=True)
class Unlocked:
    """What the codes entered on a cart unlock: partner access codes and claimed single-use codes."""

    partner_codes: frozenset[str] = frozenset()
    single_use: dict[str, str] = field(default_factory=dict)  # advantage_id -> the code claimed


def _in_operation(org_id: str, kind: str, fresh: bool) -> list:
    key = (org_id, kind)
    now = clock.seconds()
    cached = _settings.get(key)
    if not fresh and cached and now - cached[0] < SETTINGS_SECONDS:
        return cached[1]
    items = [item for item in repository.list_all(org_id, kind) if item.state == State.IN_OPERATION]
    _settings[key] = (now, items)
    return items


def advantages(org_id: str, fresh: bool = False) -> list[Advantage]:
    """The organisation's advantages in operation."""
    return _in_operation(org_id, ADVANTAGE, fresh)


def advantage(org_id: str, advantage_id: str, fresh: bool = False) -> Advantage | None:
    return next((a for a in advantages(org_id, fresh) if a.advantage_id == advantage_id), None)


def promo_code(org_id: str, code: str, fresh: bool = False) -> PromoCode | None:
    """The promo code in operation with this text (compared without case)."""
    code = code.strip().upper()
    return next((p for p in _in_operation(org_id, PROMO, fresh) if p.code == code), None)


def forget() -> None:
    """Drop what this process keeps (tests, and after an operator's change in the same process)."""
    _settings.clear()


def target_refusal(item: Advantage, customer: Customer, unlocked: Unlocked) -> str | None:
    """Why this customer may not use the advantage's target, or None."""
    target = item.target
    if target.type == "general_public":
        return None
    if target.type == "contacts":
        return None if target.target_list_id in customer.target_list_ids else "not_for_this_customer"
    if target.type == "indicator":
        reached = customer.reaches(target.indicator or "", target.level or "")
        return None if reached else "indicator_level_not_reached"
    if target.type == "partner":
        return None if target.access_code in unlocked.partner_codes else "code_needed"
    return None if item.advantage_id in unlocked.single_use else "code_needed"


def why_not(
    item: Advantage,
    customer: Customer,
    unlocked: Unlocked,
    channel_id: str,
    performance: PerformanceFacts,
    now: datetime | None = None,
) -> str | None:
    """Why the advantage cannot be used on this performance and channel by this customer, or None."""
    return refusal(item, now or clock.now(), channel_id, performance) or target_refusal(
        item, customer, unlocked
    )


def rule_for(item: Advantage, event_id: str, subcategory_id: str) -> PriceRule | None:
    """The advantage's price rule for an audience subcategory: the event's own first, else the general one."""
    general = None
    for price in item.prices:
        if price.audience_subcategory_id != subcategory_id:
            continue
        if price.event_id == event_id:
            return price.rule
        if price.event_id is None:
            general = price.rule
    return general


def subcategories(item: Advantage, event_id: str) -> list[str]:
    """The audience subcategories the advantage prices on this event, in its order."""
    seen = [p.audience_subcategory_id for p in item.prices if p.event_id in (None, event_id)]
    return list(dict.fromkeys(seen))


def usable(
    org_id: str,
    customer: Customer,
    unlocked: Unlocked,
    channel_id: str,
    performance: PerformanceFacts,
    fresh: bool = False,
) -> list[Advantage]:
    """The advantages this customer may use on this performance and channel now."""
    now = clock.now()
    return [
        item
        for item in advantages(org_id, fresh)
        if why_not(item, customer, unlocked, channel_id, performance, now) is None
    ]


def for_customer(org_id: str, customer: Customer, channel_ids: Collection[str] = ()) -> list[Advantage]:
    """The advantages targeted at this customer (contacts and indicators) or open to everyone, valid
    now or later: "my advantages" in the shopper's space and the box office's gift icon."""
    now = clock.now()
    found = []
    for item in advantages(org_id):
        if item.target.type in ("partner", "single_use_codes"):
            continue
        if item.valid_until and now >= item.valid_until:
            continue
        if channel_ids and item.channel_ids and not set(item.channel_ids) & set(channel_ids):
            continue
        if target_refusal(item, customer, Unlocked()) is None:
            found.append(item)
    return found


def taken(org_id: str, advantage_ids: Iterable[str], buyer: str | None) -> dict[str, tuple[int, int]]:
    """Tickets already counted per advantage: (against its quota, against this buyer's cap)."""
    counts = {}
    for advantage_id in advantage_ids:
        overall = repository.taken(keys.quota_key(org_id, advantage_id))
        mine = repository.taken(keys.advantage_buyer_key(org_id, advantage_id, buyer)) if buyer else 0
        counts[advantage_id] = (overall, mine)
    return counts


def promo_taken(org_id: str, promo_id: str, buyer: str | None) -> tuple[int, int]:
    overall = repository.taken(keys.promo_uses_key(org_id, promo_id))
    mine = repository.taken(keys.promo_buyer_key(org_id, promo_id, buyer)) if buyer else 0
    return overall, mine
