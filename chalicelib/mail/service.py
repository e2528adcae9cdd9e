"""Customer emails: sent through SES, each recorded in the outbox whatever happened, listed for operators."""

from __future__ import annotations

import base64
import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.config import settings
from chalicelib.db.outbox import AttachmentAttribute, OutboxItem, outbox_pk, outbox_sk
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.observability import logger

SENT = "sent"
FAILED = "failed"
KEEP_FOR = timedelta(days=90)
DAYS_BACK = 30  # without a day, a listing reads today's partition and up to 30 earlier ones
# An item holds 400 KB: a huge body is cut in the record (the customer got it whole).
MAX_STORED_BODY = 100_000
MAX_STORED_ERROR = 1_000
# The id carries its creation time to the microsecond, so the item's key is rebuilt from it: one GetItem.
_ID_TIME = "%Y%m%dT%H%M%S%f"


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
    to: str
    subject: str
    text: str
    html: str | None
    kind: str
    reference: str | None
    status: str
    provider_message_id: str | None
    error: str | None
    attachments: tuple[AttachmentInfo, ...]
    created_at: datetime


def send_email(
    org_id: str,
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    kind: str,
    reference: str | None = None,
) -> OutboxEntry:
    """Send one email and record it; a failed delivery is recorded as failed and logged, never raised."""
    created = _now()
    email_id = f"{created:{_ID_TIME}}-{uuid.uuid4().hex}"
    context = {"org_id": org_id, "email_id": email_id, "kind": kind, "reference": reference}
    message_id = error = None
    try:
        message_id = _deliver(to, subject, text, html, attachments)
    except Exception as exc:  # noqa: BLE001 - a checkout must not fail because an email did not go
        error = _describe(exc)
        logger.warning("email not sent", extra={**context, "error": error})
    item = OutboxItem(
        *_key(org_id, created, email_id),
        org_id=org_id,
        email_id=email_id,
        to=to,
        subject=subject,
        text=_cut(text, MAX_STORED_BODY),
        html=_cut(html, MAX_STORED_BODY),
        kind=kind,
        reference=reference,
        status=FAILED if error else SENT,
        provider_message_id=message_id,
        error=error,
        attachments=[
            AttachmentAttribute(filename=a.filename, content_type=a.content_type, size=len(a.data))
            for a in attachments
        ],
        created_at=_iso(created),
        purge_at=created + KEEP_FOR,
    )
    try:
        item.save()
    except Exception:  # noqa: BLE001 - the email went (or not) already; the caller's work must go on
        logger.exception("email not recorded in the outbox", extra={**context, "status": item.status})
    return _to_entry(item)


def get_email(org_id: str, email_id: str) -> OutboxEntry:
    """One email of the organisation's outbox; NotFound for an unknown id or another organisation's."""
    created = _time_of(email_id)
    try:
        item = OutboxItem.get(*_key(org_id, created, email_id))
    except DoesNotExist:
        raise NotFound(f"No email {email_id}", {"email_id": email_id}) from None
    return _to_entry(item)


def list_outbox(
    org_id: str,
    *,
    day: str | None = None,
    kind: str | None = None,
    reference: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[OutboxEntry], str | None]:
    """The organisation's emails, newest first: of one UTC day, else of the last 30 days.

    Returns (entries, next_cursor); next_cursor is None on the last page.
    """
    if limit < 1:
        raise InvalidInput("limit must be at least 1", {"field": "limit"})
    if cursor:
        first, start_sk, oldest = _cursor_in(cursor, day)
    else:
        first, start_sk = _day(day) if day else _now().date(), None
        oldest = first if day else first - timedelta(days=DAYS_BACK)
    condition = None
    for attribute, value in ((OutboxItem.kind, kind), (OutboxItem.reference, reference)):
        if value is not None:
            condition = attribute == value if condition is None else condition & (attribute == value)
    found: list[OutboxItem] = []
    current = first
    while current >= oldest and len(found) <= limit:
        pk = outbox_pk(org_id, current.isoformat())
        start = {"pk": {"S": pk}, "sk": {"S": start_sk}} if start_sk and current == first else None
        wanted = limit + 1 - len(found)  # one more than asked: is there a next page?
        found.extend(
            OutboxItem.query(
                pk,
                filter_condition=condition,
                scan_index_forward=False,
                last_evaluated_key=start,
                limit=wanted,
                page_size=max(wanted, 25),
            )
        )
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


def _describe(exc: Exception) -> str:
    """'MessageRejected: Email address not verified ...' for an AWS error, else the exception's name."""
    error = (getattr(exc, "response", None) or {}).get("Error") or {}
    name, message = type(exc).__name__, str(exc)
    if error.get("Code"):
        name, message = error["Code"], error.get("Message")
    return _cut(f"{name}: {message}" if message else name, MAX_STORED_ERROR) or name


def _cut(text: str | None, size: int) -> str | None:
    if text is None or len(text) <= size:
        return text
    return text[:size] + "\n[… cut in the outbox record]"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _key(org_id: str, created: datetime, email_id: str) -> tuple[str, str]:
    return outbox_pk(org_id, created.date().isoformat()), outbox_sk(_iso(created), email_id)


def _time_of(email_id: str) -> datetime:
    stamp, _, rest = email_id.partition("-")
    try:
        created = datetime.strptime(stamp, _ID_TIME).replace(tzinfo=UTC)
    except ValueError:
        created = None
    if created is None or len(rest) != 32:
        raise NotFound(f"No email {email_id}", {"email_id": email_id})
    return created


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
    )


def _cursor_out(last: OutboxItem, oldest: date) -> str:
    day = last.pk.rsplit("#", 1)[1]
    position = {"day": day, "sk": last.sk, "oldest": oldest.isoformat()}
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def _cursor_in(cursor: str, day: str | None) -> tuple[date, str, date]:
    """(day to resume in, last sk returned, oldest day to read); InvalidInput for a cursor not ours."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        first, oldest = date.fromisoformat(position["day"]), date.fromisoformat(position["oldest"])
        sk = position["sk"]
    except (ValueError, TypeError, KeyError):  # bad base64 and bad UTF-8 are ValueErrors
        raise InvalidInput("The cursor is not one this API gave", {"field": "cursor"}) from None
    if not isinstance(sk, str) or oldest > first or (day is not None and _day(day) != first):
        raise InvalidInput("The cursor is not one this API gave", {"field": "cursor"})
    return first, sk, oldest
