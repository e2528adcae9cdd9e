"""Waiting lists of sold-out performances, in the sales table.

Keys (pk, sk):
- WAITLIST#<org>#<performance>, ENTRY#<joined micros>#<entry_id>   one shopper's entry: what they
  asked for, its status and its offer (the hold of seats offered, until when); the sort key is the
  order of arrival, so a query reads the list first come first served
- WAITLIST#<org>#<performance>, LIST                                 the list itself: open or closed,
  whether its personal data is erased
- WAITLISTER#<org>#<buyer>, PERF#<performance>                       the shopper's latest entry on that
  performance: one live entry per shopper and performance (a conditional put), and "my entries"
- WAITLISTS#<org>, PERF#<performance>                                the organisation's lists (back office)
- WAITLISTS-LIVE#<shard>, <org>#<performance>                        lists the offer workflow still visits
  (open, or closed with personal data left to erase); removed once erased

Every change of an entry is conditional on its version, so a shopper leaving, an operator removing
and two runs of the offer workflow never offer one entry twice.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.sales import SalesTable, shard_of

LIVE_SHARDS = 4


class WaitingEntryItem(SalesTable):
    org_id = UnicodeAttribute()
    performance_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    buyer_id = UnicodeAttribute()
    pos_code = UnicodeAttribute()
    status = UnicodeAttribute()
    joined_at = UnicodeAttribute()
    document = JSONAttribute()  # request, contact (email, name), offer, history
    version = NumberAttribute(default=1)


class WaitingListItem(SalesTable):
    org_id = UnicodeAttribute()
    performance_id = UnicodeAttribute()
    status = UnicodeAttribute()  # open | closed
    erased = BooleanAttribute(default=False)
    closed_reason = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class ShopperEntryItem(SalesTable):
    org_id = UnicodeAttribute()
    performance_id = UnicodeAttribute()
    entry_sk = UnicodeAttribute()
    live = BooleanAttribute(default=True)  # False once the entry ended: the shopper may join again


class ListRefItem(SalesTable):
    org_id = UnicodeAttribute()
    performance_id = UnicodeAttribute()


def list_pk(org_id: str, performance_id: str) -> str:
    return f"WAITLIST#{org_id}#{performance_id}"


LIST_SK = "LIST"
ENTRY_PREFIX = "ENTRY#"


def entry_sk(joined_micros: int, entry_id: str) -> str:
    return f"{ENTRY_PREFIX}{joined_micros:020d}#{entry_id}"


def shopper_key(org_id: str, buyer_id: str, performance_id: str) -> tuple[str, str]:
    return f"WAITLISTER#{org_id}#{buyer_id}", f"PERF#{performance_id}"


def shopper_pk(org_id: str, buyer_id: str) -> str:
    return f"WAITLISTER#{org_id}#{buyer_id}"


def org_lists_key(org_id: str, performance_id: str) -> tuple[str, str]:
    return f"WAITLISTS#{org_id}", f"PERF#{performance_id}"


def live_key(org_id: str, performance_id: str) -> tuple[str, str]:
    return f"WAITLISTS-LIVE#{shard_of(performance_id, LIVE_SHARDS)}", f"{org_id}#{performance_id}"


def live_pks() -> list[str]:
    return [f"WAITLISTS-LIVE#{n}" for n in range(LIVE_SHARDS)]
