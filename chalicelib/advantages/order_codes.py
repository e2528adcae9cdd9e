"""What an order takes of advantages and promo codes, written in its checkout transaction, and what
its cancellation or expiry gives back.

At checkout (the sales context's one transaction): each advantage's quota and, where set, the
customer's cap count the order's tickets; each single-use code moves to "used" by the order; a promo
code's use count (and the customer's) count one. Every write carries its own condition, so concurrent
orders never pass a quota or use a code twice; `checkout.explain` names what failed.

On cancellation or expiry: the counters are given back in the order's own transaction (unconditional
additions, exactly once with the order's state change), and the single-use codes by an outbox effect
whose handler frees each code only if this order still holds it (a re-run changes nothing).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from chalicelib.advantages import checkout, codes, dashboard
from chalicelib.advantages.model import Advantage, PromoCode
from chalicelib.db import advantages as keys
from chalicelib.db.advantages import CounterItem
from chalicelib.db.conditions import Write
from chalicelib.outbox.model import CODES_GIVEN_BACK, Effect


@dataclass
class Use:
    """An order's use of advantages, kept on the order (as `as_dict`) for its give-back."""

    customer: str | None = None  # whose per-customer caps count it
    tickets: dict[str, int] = field(default_factory=dict)  # advantage_id -> tickets with it
    codes: dict[str, dict[str, str | None]] = field(default_factory=dict)  # code -> advantage_id, batch_id
    promo_id: str | None = None
    counters: list[list[Any]] = field(default_factory=list)  # [pk, sk, n] added at checkout

    def __bool__(self) -> bool:
        return bool(self.tickets or self.codes or self.promo_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "tickets": dict(self.tickets),
            "codes": {code: dict(about) for code, about in self.codes.items()},
            "promo_id": self.promo_id,
            "counters": [list(c) for c in self.counters],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Use:
        data = data or {}
        return cls(
            data.get("customer"),
            {k: int(v) for k, v in (data.get("tickets") or {}).items()},
            {k: dict(v) for k, v in (data.get("codes") or {}).items()},
            data.get("promo_id"),
            [[c[0], c[1], int(c[2])] for c in data.get("counters") or []],
        )


def _count(use: Use, key: tuple[str, str], n: int, cap: int | None, refusal: dict[str, str]) -> Write:
    """A capped counter's one item, with its cap in the condition; an uncapped one's random shard."""
    if cap is None:
        key = keys.counter_shard(key, secrets.randbelow(keys.COUNTER_SHARDS))
    use.counters.append([key[0], key[1], n])
    return checkout.take(key, n, cap, refusal)


def checkout_writes(
    org_id: str,
    use: Use,
    settings: dict[str, Advantage],
    promo: PromoCode | None,
    cart_id: str,
    order_id: str,
    buyer: str,
    now: int,
    at: str,
) -> list[Write]:
    """The conditional writes that take the order's quotas, caps, codes and promo use; `use.counters`
    records the counters they add to, for the give-back."""
    use.counters = []
    writes: list[Write] = []
    for advantage_id, n in sorted(use.tickets.items()):
        item = settings[advantage_id]
        quota = keys.quota_key(org_id, advantage_id)
        writes.append(
            _count(use, quota, n, item.quota, {"reason": "quota_reached", "advantage_id": advantage_id})
        )
        if item.max_per_customer is not None and use.customer:
            mine = keys.advantage_buyer_key(org_id, advantage_id, use.customer)
            refusal = {"reason": "customer_cap_reached", "advantage_id": advantage_id}
            writes.append(_count(use, mine, n, item.max_per_customer, refusal))
    for code, about in sorted(use.codes.items()):
        advantage_id = about["advantage_id"] or ""
        writes.append(checkout.use_code(org_id, advantage_id, code, cart_id, order_id, buyer, now, at))
        counted = dashboard.used_write(org_id, advantage_id, about.get("batch_id"))
        if counted is not None:
            writes.append(counted)
    if promo is not None:
        uses = keys.promo_uses_key(org_id, promo.promo_id)
        refusal = {"reason": "promo_uses_reached", "promo_id": promo.promo_id}
        writes.append(_count(use, uses, 1, promo.max_uses, refusal))
        if promo.max_uses_per_customer is not None and use.customer:
            mine = keys.promo_buyer_key(org_id, promo.promo_id, use.customer)
            refusal = {"reason": "customer_cap_reached", "promo_id": promo.promo_id}
            writes.append(_count(use, mine, 1, promo.max_uses_per_customer, refusal))
    return writes


def give_back_writes(use: Use) -> list[Write]:
    """The counters the order added to, given back: unconditional, in the cancellation's transaction."""
    return [
        Write(CounterItem(pk, sk), [CounterItem.taken.add(-n)], None, {"reason": "give_back"})
        for pk, sk, n in use.counters
    ]


def give_back_effects(org_id: str, order_id: str, use: Use) -> list[Effect]:
    """The outbox effect that frees the order's single-use codes (none without codes)."""
    if not use.codes:
        return []
    return [
        Effect(
            org_id=org_id,
            effect=CODES_GIVEN_BACK,
            kind="codes_given_back",
            reference=order_id,
            payload={"order_id": order_id, "codes": sorted(use.codes)},
        )
    ]


def codes_given_back_effect(org_id: str, payload: dict[str, Any], item: Any = None) -> dict[str, Any]:
    """The outbox handler: each code used by this order becomes free again; a code used since by
    another order, revoked, or already given back stays as it is."""
    freed = [code for code in payload["codes"] if codes.give_back_code(org_id, code, payload["order_id"])]
    return {"note": f"{len(freed)} of {len(payload['codes'])} codes given back"}
