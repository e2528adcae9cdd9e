"""Figures kept for reports, in the sales table next to the orders they summarise.

Keys (pk, sk):
- FIG#<org>#<generation>#<family>#<bucket>#<shard>, <sort key>   one cell of measures, changed only by ADD
  (family P: bucket = performance id; family D: bucket = YYYY-MM; sort keys in chalicelib/reports/model.py)
- FIGC#<order_id>, GEN#<generation>   what the order contributed when last counted, with the order
  version and scans seen then: the condition that makes a replayed or late count change nothing
- FIGM#<org>, META                    the organisation's current generation of figures (a rebuild
  writes the next one, then switches to it)

The shard (a hash of the order id) spreads an on-sale rush over several partitions and items.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.sales import SalesTable


class FigureItem(SalesTable):
    tickets = NumberAttribute(null=True)
    amount = NumberAttribute(null=True)
    fees = NumberAttribute(null=True)
    orders = NumberAttribute(null=True)
    reserved = NumberAttribute(null=True)
    received = NumberAttribute(null=True)
    refunded = NumberAttribute(null=True)
    entries = NumberAttribute(null=True)


class ContributionItem(SalesTable):
    org_id = UnicodeAttribute()
    order_version = NumberAttribute()
    scans_seen = NumberAttribute(default=0)
    cells = JSONAttribute()  # {"<family>|<bucket>|<sort>": {measure: value}}
    counted_at = UnicodeAttribute(null=True)


class FiguresMetaItem(SalesTable):
    org_id = UnicodeAttribute()
    generation = NumberAttribute(default=0)
    rebuilding = NumberAttribute(null=True)  # the generation a rebuild is writing
    rebuilt_at = UnicodeAttribute(null=True)
    pruned_below = NumberAttribute(null=True)  # generations below this one are deleted


def figure_pk(org_id: str, generation: int, family: str, bucket: str, shard: int) -> str:
    return f"FIG#{org_id}#{generation}#{family}#{bucket}#{shard}"


def contribution_key(order_id: str, generation: int) -> tuple[str, str]:
    return f"FIGC#{order_id}", f"GEN#{generation}"


def meta_key(org_id: str) -> tuple[str, str]:
    return f"FIGM#{org_id}", "META"
