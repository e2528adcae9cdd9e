"""Season-ticket renewals in the sales table, one item per subscription offered again:

- RENEWALS#<org>#<season_ticket_id>, <package_id>   last season's subscription (its package id) as the
  renewal of next season's product left it: `renewing` (claimed by a run, its reservation order's id
  chosen beforehand), `renewed` (the reservation made: order, seats and how each was kept) or
  `not_renewed` (with the reason; a later run tries again). Written conditionally, so two runs never
  renew one subscription twice and a repeat changes nothing.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.sales import SalesTable


class RenewalItem(SalesTable):
    org_id = UnicodeAttribute()
    season_ticket_id = UnicodeAttribute()  # next season's product
    renewed_id = UnicodeAttribute()  # last season's product
    package_id = UnicodeAttribute()  # last season's subscription
    status = UnicodeAttribute()  # renewing | renewed | not_renewed
    order_id = UnicodeAttribute(null=True)  # the reservation (chosen when claimed)
    reason = UnicodeAttribute(null=True)
    buyer_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    claimed_at = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)
    performances = JSONAttribute(default=list)
    details = JSONAttribute(default=dict)


def renewals_pk(org_id: str, season_ticket_id: str) -> str:
    return f"RENEWALS#{org_id}#{season_ticket_id}"
