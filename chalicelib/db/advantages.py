"""Advantages, promo codes, single-use codes and their counters, in the sales table under their own keys.

Why the sales table: single-use codes and use counters change in the checkout's transaction next to carts
and orders, as gift vouchers and buyer limits do; one table keeps that transaction in one place.

Keys (pk, sk):
- ADVANTAGES#<org>, ADVANTAGE#<id>      an advantage's settings, state and version (one query lists them)
- ADVANTAGES#<org>, PROMO#<id>          a promo code's settings, state and version
- ADVANTAGE#<org>#<id>, CODE#<code>     one single-use code and its state (a query lists an advantage's)
- ADVANTAGE#<org>#<id>, QUOTA           tickets taken with the advantage (conditional counter)
- ADVANTAGE#<org>#<id>, BUYER#<buyer>   tickets one customer took with it (per-customer cap)
- PROMO#<org>#<id>, USES                orders that used the promo code; PROMO#.., BUYER#<buyer> per customer
- ADVCODE#<org>#<CODE>, GUARD           makes every code typed on a cart unique in the organisation
                                        (single-use, partner and promo codes) and says what it unlocks
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.sales import SalesTable


class SettingsItem(SalesTable):
    """An advantage's or a promo code's settings (the model's JSON document)."""

    org_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    state = UnicodeAttribute()
    document = JSONAttribute()
    version = NumberAttribute(default=1)


class CodeItem(SalesTable):
    org_id = UnicodeAttribute()
    advantage_id = UnicodeAttribute()
    code = UnicodeAttribute()
    state = UnicodeAttribute()
    batch_id = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)
    cart_id = UnicodeAttribute(null=True)
    cart_expires_at = NumberAttribute(null=True)
    order_id = UnicodeAttribute(null=True)
    used_at = UnicodeAttribute(null=True)
    used_by = UnicodeAttribute(null=True)
    revoked_reason = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)


class CounterItem(SalesTable):
    taken = NumberAttribute(default=0)


class CodeGuardItem(SalesTable):
    kind = UnicodeAttribute()  # "single_use", "partner" or "promo"
    owner_id = UnicodeAttribute()  # the advantage or promo code it unlocks


def org_pk(org_id: str) -> str:
    return f"ADVANTAGES#{org_id}"


def advantage_key(org_id: str, advantage_id: str) -> tuple[str, str]:
    return org_pk(org_id), f"ADVANTAGE#{advantage_id}"


def promo_key(org_id: str, promo_id: str) -> tuple[str, str]:
    return org_pk(org_id), f"PROMO#{promo_id}"


def codes_pk(org_id: str, advantage_id: str) -> str:
    return f"ADVANTAGE#{org_id}#{advantage_id}"


def code_key(org_id: str, advantage_id: str, code: str) -> tuple[str, str]:
    return codes_pk(org_id, advantage_id), f"CODE#{code}"


def quota_key(org_id: str, advantage_id: str) -> tuple[str, str]:
    return codes_pk(org_id, advantage_id), "QUOTA"


def advantage_buyer_key(org_id: str, advantage_id: str, buyer: str) -> tuple[str, str]:
    return codes_pk(org_id, advantage_id), f"BUYER#{buyer}"


def promo_uses_key(org_id: str, promo_id: str) -> tuple[str, str]:
    return f"PROMO#{org_id}#{promo_id}", "USES"


def promo_buyer_key(org_id: str, promo_id: str, buyer: str) -> tuple[str, str]:
    return f"PROMO#{org_id}#{promo_id}", f"BUYER#{buyer}"


def guard_key(org_id: str, code: str) -> tuple[str, str]:
    return f"ADVCODE#{org_id}#{code}", "GUARD"
