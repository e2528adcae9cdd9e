"""Customer emails: queued in the outbox with the change that causes them, sent by its worker through SES."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.config import settings
from chalicelib.db.outbox import AttachmentAttribute, OutboxItem
from chalicelib.errors import InvalidInput
from chalicelib.outbox import repository as outbox
from chalicelib.outbox.model import EMAIL, Effect

DAYS_BACK = 30  # without a day, a listing reads today's partition and up to 30 earlier ones


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class OutboxEntry:
    org_id: str
    email_id: str
    to: str | None
    subject: str | None
    text: str | None
    html: str | None
    kind: str
    reference: str | None
    status: str
    provider_message_id: str | None
    error: str | None
    attachments: tuple[AttachmentInfo, ...]
    created_at: datetime
    effect: str = EMAIL
    attempts: int = 0
    payload: dict[str, Any] | None = None
    finished_at: str | None = None


def email_effect(
    org_id: str,
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    kind: str,
    reference: str | None = None,
    document: dict[str, Any] | None = None,
) -> Effect:
    """An email to write in the outbox with the change that causes it; `document` names an attachment
    the worker draws when it sends (e.g. {"document": "tickets", "order_id": ...})."""
    return Effect(
        org_id=org_id,
        effect=EMAIL,
        kind=kind,
        reference=reference,
        payload={"document": document} if document else {},
        to=to,
        subject=subject,
        text=text,
        html=html,
        created=_now(),
    )


def send_email(
    org_id: str,
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    kind: str,
    reference: str | None = None,
    document: dict[str, Any] | None = None,
) -> OutboxEntry:
    """Queue one email on its own (no other change to write with it); the outbox worker sends it."""
    effect = email_effect(
        org_id, to, subject, text, html=html, kind=kind, reference=reference, document=document
    )
    outbox.add([effect])
    return entry_of(effect)


def entry_of(effect: Effect) -> OutboxEntry:
    """What a queued effect looks like in the outbox (pending)."""
    return _to_entry(outbox.item_for(effect))


def deliver_item(org_id: str, payload: dict[str, Any], item: Any) -> dict[str, Any]:
    """The worker's email handler: draw the attachment, if any, and hand the email to SES."""
    attachments = []
    document = payload.get("document")
    if document:
        attachments.append(_draw(document))
    message_id = _deliver(item.to, item.subject, item.text, item.html, attachments)
    return {
        "provider_message_id": message_id,
        "attachments": [
            AttachmentAttribute(filename=a.filename, content_type=a.content_type, size=len(a.data))
            for a in attachments
        ],
    }


# document name -> "module:function" drawing it from the payload's ids
DOCUMENTS = {
    "tickets": "chalicelib.sales.emails:tickets_attachment",
    "ticket": "chalicelib.tickets.distribution_mail:ticket_attachment",
    "option_summary": "chalicelib.options.documents:summary_attachment",
    "code_list": "chalicelib.advantages.batches:codes_attachment",
}


def _draw(document: dict[str, Any]) -> Attachment:
    import importlib

    where = DOCUMENTS.get(document.get("document", ""))
    if where is None:
        raise ValueError(f"unknown document {document!r}")
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)(document)


def get_email(org_id: str, email_id: str) -> OutboxEntry:
    """One item of the organisation's outbox; NotFound for an unknown id or another organisation's."""
    return _to_entry(outbox.get(org_id, email_id))


def list_outbox(
    org_id: str,
    *,
    day: str | None = None,
    kind: str | None = None,
    reference: str | None = None,
    status: str | None = None,
    effect: str | None = EMAIL,
    limit: int = 50,
    cursor: str | None = None,
    zone: str = "UTC",
) -> tuple[list[OutboxEntry], str | None]:
    """The organisation's outbox items (emails by default), newest first: of one day on the `zone`'s
    clock (its midnight to midnight), else of the last 30 days. Returns (entries, next_cursor);
    next_cursor is None on the last page. Items are kept by UTC day: a local day reads the one or two
    UTC days it overlaps, from its end, and leaves out what falls outside it.
    """
    if limit < 1:
        raise InvalidInput("limit must be at least 1", {"field": "limit"})
    span = _span(day, zone) if day else None
    if cursor:
        first, start_sk, oldest = _cursor_in(cursor, span)
    elif span is not None:
        first, start_sk, oldest = span.last_day, span.high, span.first_day
    else:
        first, start_sk = _now().date(), None
        oldest = first - timedelta(days=DAYS_BACK)
    condition = None
    wanted = ((OutboxItem.kind, kind), (OutboxItem.reference, reference), (OutboxItem.status, status))
    for attribute, value in (*wanted, (OutboxItem.effect, effect)):
        if value is not None:
            condition = attribute == value if condition is None else condition & (attribute == value)
    found: list[OutboxItem] = []
    current = first
    while current >= oldest and len(found) <= limit:
        before = start_sk if current == first else None
        items = outbox.items_of_day(org_id, current, before, limit + 1 - len(found), condition)
        found.extend(item for item in items if span is None or item.sk >= span.low)
        current -= timedelta(days=1)
    page = found[:limit]
    return [_to_entry(item) for item in page], _cursor_out(page[-1], oldest) if len(found) > limit else None


def _deliver(to: str, subject: str, text: str, html: str | None, attachments: Sequence[Attachment]) -> str:
    """Hand the email to SES; returns SES's message id."""
    config = settings()
    content: dict[str, Any]
    if attachments:
        content = {"Raw": {"Data": _mime(config.mail_from, to, subject, text, html, attachments)}}
    else:
        body = {"Text": _utf8(text)}
        if html is not None:
            body["Html"] = _utf8(html)
        content = {"Simple": {"Subject": _utf8(subject), "Body": body}}
    response = _sesv2(config.region, config.aws_endpoint).send_email(
        FromEmailAddress=config.mail_from, Destination={"ToAddresses": [to]}, Content=content
    )
    return response["MessageId"]


def _mime(
    sender: str, to: str, subject: str, text: str, html: str | None, attachments: Sequence[Attachment]
) -> bytes:
    """multipart/mixed: the text (and HTML alternative), then each attachment in base64."""
    from email.message import EmailMessage
    from email.policy import SMTP

    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if not (maintype and subtype):
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message.as_bytes()


@functools.cache
def _sesv2(region: str, endpoint: str | None) -> Any:
    # boto3 is imported on first use (importing the app must not cost it) and the client built once.
    import boto3

    return boto3.client("sesv2", region_name=region, endpoint_url=endpoint)


def _utf8(data: str) -> dict[str, str]:
    return {"Data": data, "Charset": "UTF-8"}


def _now() -> datetime:
    from chalicelib import clock

    return clock.now()


@dataclass(frozen=True)
class _Span:
    """A day on a zone's clock as the outbox keeps items: UTC days and sort keys."""

    first_day: date  # the UTC day it starts in
    last_day: date  # the UTC day it ends in
    low: str  # sort keys from this one...
    high: str  # ...to before this one


def _span(day: str, zone: str) -> _Span:
    from chalicelib.catalog import zones

    start, end = zones.local_days_span(_day(day), _day(day), zone)
    last = end - timedelta(microseconds=1)
    return _Span(start.date(), last.date(), _stamp(start), _stamp(end))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("day must be a date such as 2026-05-28", {"field": "day"}) from None


def _to_entry(item: OutboxItem) -> OutboxEntry:
    return OutboxEntry(
        org_id=item.org_id,
        email_id=item.email_id,
        to=item.to,
        subject=item.subject,
        text=item.text,
        html=item.html,
        kind=item.kind,
        reference=item.reference,
        status=item.status,
        provider_message_id=item.provider_message_id,
        error=item.error,
        attachments=tuple(
            AttachmentInfo(a.filename, a.content_type, int(a.size)) for a in item.attachments or []
        ),
        created_at=datetime.fromisoformat(item.created_at),
        effect=item.effect or EMAIL,
        attempts=int(item.attempts or 0),
        payload=item.payload,
        finished_at=item.finished_at,
    )


def _cursor_out(last: OutboxItem, oldest: date) -> str:
    day = last.pk.split("#")[2]
    position = {"day": day, "sk": last.sk, "oldest": oldest.isoformat()}
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def _cursor_in(cursor: str, span: _Span | None) -> tuple[date, str, date]:
    """(day to resume in, last sk returned, oldest day to read); InvalidInput for a cursor not ours."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        first, oldest = date.fromisoformat(position["day"]), date.fromisoformat(position["oldest"])
        sk = position["sk"]
    except (ValueError, TypeError, KeyError):  # bad base64 and bad UTF-8 are ValueErrors
        raise InvalidInput("The cursor is not one this API gave", {"field": "cursor"}) from None
    outside = span is not None and not (span.first_day <= oldest <= first <= span.last_day)
    if not isinstance(sk, str) or oldest > first or outside:
        raise InvalidInput("The cursor is not one this API gave", {"field": "cursor"})
    return first, sk, oldest
