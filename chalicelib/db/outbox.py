"""Email outbox items of the sales table: one per customer email, in its organisation's UTC day."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.sales import SalesTable


class AttachmentAttribute(MapAttribute):
    """What was attached, never its bytes (an item holds 400 KB; the customer has the file)."""

    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()


class OutboxItem(SalesTable):
    """pk OUTBOX#<org>#<yyyy-mm-dd>, sk <ISO time>#<email_id>; created_at and purge_at are the root's."""

    org_id = UnicodeAttribute()
    email_id = UnicodeAttribute()
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()  # e.g. order_confirmation
    reference = UnicodeAttribute(null=True)  # e.g. the order id
    status = UnicodeAttribute()  # sent | failed
    provider_message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    attachments = ListAttribute(of=AttachmentAttribute, default=list)


def outbox_pk(org_id: str, day: str) -> str:
    return f"OUTBOX#{org_id}#{day}"


def outbox_sk(created_at: str, email_id: str) -> str:
    return f"{created_at}#{email_id}"
