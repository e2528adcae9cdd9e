"""Seating plans' and layouts' per-block records, in the catalog table beside their catalog item.

A 20,000-seat plan is a few dozen block records (each well under DynamoDB's 400 KB item limit), so
a plan is read with one paged query and written with batched puts, never one item per seat.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.catalog import CatalogTable

# Seats of one block record: [seat_id, row, number, x, y, rank, accessible], in plan order.
SEAT_FIELDS = ("seat_id", "row", "number", "x", "y", "rank", "accessible")


class PlanBlockItem(CatalogTable):
    """pk = ORG#<org>#seating_plan#<plan_id>, sk = BLOCK#<zone>#<block>."""

    plan_id = UnicodeAttribute()
    zone = UnicodeAttribute()
    block = UnicodeAttribute()
    seat_count = NumberAttribute()
    seats = JSONAttribute()


class LayoutBlockItem(CatalogTable):
    """pk = ORG#<org>#layout#<layout_id>, sk = BLOCK#<zone>#<block>: each seat's category and quota."""

    layout_id = UnicodeAttribute()
    zone = UnicodeAttribute()
    block = UnicodeAttribute()
    # seat_id -> seat category id / quota id (a seat without a category is not for sale)
    categories = JSONAttribute()
    quotas = JSONAttribute()


def plan_blocks_pk(org_id: str, plan_id: str) -> str:
    return f"ORG#{org_id}#seating_plan#{plan_id}"


def layout_blocks_pk(org_id: str, layout_id: str) -> str:
    return f"ORG#{org_id}#layout#{layout_id}"


def block_sk(zone: str, block: str) -> str:
    return f"BLOCK#{zone}#{block}"
