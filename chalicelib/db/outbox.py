"""Outbox items of the sales table: each side effect of a state change, written in its transaction."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from chalicelib.db.sales import SalesTable, shard_of

# An organisation's items of one day spread over this many partitions (an on-sale rush writes a
# confirmation a second); a day's listing reads them all and merges.
DAY_SHARDS = 4


class AttachmentAttribute(MapAttribute):
    """What was attached, never its bytes (an item holds 400 KB; the customer has the file)."""

    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()


class OutboxItem(SalesTable):
    """pk OUTBOX#<org>#<yyyy-mm-dd>#<shard>, sk <ISO time>#<item_id>; created_at and purge_at are the root's.

    `effect` says what to do (email, card_refund, settle, give_back_stock, figures, ...) and `payload`
    what with; an email's text is written with the item (cheap), its attachment drawn by the worker.
    """

    org_id = UnicodeAttribute()
    email_id = UnicodeAttribute()  # the item's id (named so since the outbox held only emails)
    effect = UnicodeAttribute(default="email")
    payload = JSONAttribute(null=True)
    to = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    html = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()  # e.g. order_confirmation, card_refund
    reference = UnicodeAttribute(null=True)  # e.g. the order id
    status = UnicodeAttribute()  # pending | sending | sent | failed | dead
    attempts = NumberAttribute(default=0)
    provider_message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    attachments = ListAttribute(of=AttachmentAttribute, default=list)


def outbox_pk(org_id: str, day: str, item_id: str) -> str:
    return f"OUTBOX#{org_id}#{day}#{shard_of(item_id, DAY_SHARDS)}"


def outbox_day_pks(org_id: str, day: str) -> list[str]:
    return [f"OUTBOX#{org_id}#{day}#{shard}" for shard in range(DAY_SHARDS)]


def outbox_sk(created_at: str, item_id: str) -> str:
    return f"{created_at}#{item_id}"


def due_key(item_id: str) -> str:
    return f"DUE#{shard_of(item_id)}"
