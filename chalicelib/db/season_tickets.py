"""Season-ticket subscriptions in the sales table, one item per season ticket sold:

- SUBSCRIPTIONS#<org>#<season_ticket_id>, <package_id>   a buyer's season ticket: its order, buyer,
  category and, per performance, the seat; written by the outbox when its order is paid (idempotent:
  the package id is the key), its status following the order's.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.sales import SalesTable


class SubscriptionItem(SalesTable):
    org_id = UnicodeAttribute()
    season_ticket_id = UnicodeAttribute()
    package_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    status = UnicodeAttribute()  # active | cancelled
    buyer_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)
    shopper_id = UnicodeAttribute(null=True)
    audience_subcategory_id = UnicodeAttribute(null=True)
    seat_category_id = UnicodeAttribute(null=True)
    total = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    performances = JSONAttribute(default=list)


def subscriptions_pk(org_id: str, season_ticket_id: str) -> str:
    return f"SUBSCRIPTIONS#{org_id}#{season_ticket_id}"
