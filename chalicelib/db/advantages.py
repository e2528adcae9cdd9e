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
- CODEBATCHES#<org>, BATCH#<adv>#<batch>#         a batch of single-use codes: who, how many, its status
- CODEBATCHES#<org>, BATCH#<adv>#<batch>#N#<n>    one shard of the batch's counters (generated, in carts,
                                        used, scanned, revoked), written with each code's conditional
                                        transition; one query on the partition reads the whole dashboard
- CODEBATCH#<org>#<batch>, CHUNK#<k>    codes one workflow chunk wrote so far (a re-run resumes, never
                                        doubles)
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
    revoked_at = UnicodeAttribute(null=True)
    scanned_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)


class CodeCountItem(SalesTable):
    """One shard of a batch's counters; each moves in the transaction of a code's transition."""

    generated = NumberAttribute(null=True)
    in_carts = NumberAttribute(null=True)
    used = NumberAttribute(null=True)
    scanned = NumberAttribute(null=True)
    revoked = NumberAttribute(null=True)


class CodeBatchItem(CodeCountItem):
    """A batch of single-use codes (generated or imported) and where it was sent. A query of the
    partition reads its counter shards with this model too (their attributes are inherited)."""

    org_id = UnicodeAttribute()
    advantage_id = UnicodeAttribute()
    batch_id = UnicodeAttribute()
    source = UnicodeAttribute()  # "generated" or "imported"
    contact_id = UnicodeAttribute(null=True)
    requested = NumberAttribute()
    status = UnicodeAttribute()  # generating, ready, failed
    created_at = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    sent_to = UnicodeAttribute(null=True)  # the contact emailed
    sent_email = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)


class CodeChunkItem(SalesTable):
    written = NumberAttribute(default=0)


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


# An uncapped counter (an advantage without a quota, a promo code without a cap on uses) is spread over
# this many items, each on a partition of its own, so a popular one never makes one item hot; a capped
# counter stays one item, since its cap is the condition of its one write.
COUNTER_SHARDS = 8


def counter_shard(key: tuple[str, str], shard: int) -> tuple[str, str]:
    """Shard `shard` of a counter; shard 0 is the counter's own key."""
    pk, sk = key
    return (pk, sk) if shard == 0 else (f"{pk}#S{shard}", sk)


def guard_key(org_id: str, code: str) -> tuple[str, str]:
    return f"ADVCODE#{org_id}#{code}", "GUARD"


def batches_pk(org_id: str) -> str:
    return f"CODEBATCHES#{org_id}"


def batch_prefix(advantage_id: str | None = None, batch_id: str | None = None) -> str:
    """The sort-key prefix of every batch, an advantage's batches, or one batch and its counters."""
    if advantage_id is None:
        return "BATCH#"
    return f"BATCH#{advantage_id}#" + (f"{batch_id}#" if batch_id else "")


def batch_key(org_id: str, advantage_id: str, batch_id: str) -> tuple[str, str]:
    return batches_pk(org_id), batch_prefix(advantage_id, batch_id)


def count_key(org_id: str, advantage_id: str, batch_id: str, shard: int) -> tuple[str, str]:
    return batches_pk(org_id), f"{batch_prefix(advantage_id, batch_id)}N#{shard}"


def chunk_key(org_id: str, batch_id: str, index: int) -> tuple[str, str]:
    return f"CODEBATCH#{org_id}#{batch_id}", f"CHUNK#{index}"
