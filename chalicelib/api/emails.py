"""Back-office routes for the email outbox: what was sent to customers, and what did not go."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.mail import service as mail

api = Api(__name__, tag="back-office: emails")
blueprint = api.blueprint


class EmailsQuery(Body):
    day: date | None = Field(default=None, description="One UTC day (YYYY-MM-DD); else the last 30 days")
    kind: str | None = Field(default=None, max_length=50, description="e.g. order_confirmation")
    reference: str | None = Field(default=None, max_length=100, description="e.g. an order id")
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=500, description="next_cursor of the previous page")


class Shaped(Out):
    model_config = ConfigDict(defer_build=True, from_attributes=True)


class AttachmentOut(Shaped):
    filename: str
    content_type: str
    size: int = Field(description="bytes")


class EmailSummaryOut(Shaped):
    email_id: str
    created_at: datetime
    to: str
    subject: str
    kind: str
    reference: str | None
    status: str = Field(description="sent or failed")
    error: str | None


class EmailOut(EmailSummaryOut):
    text: str
    html: str | None
    provider_message_id: str | None = Field(description="SES's message id")
    attachments: list[AttachmentOut]


class EmailPage(Shaped):
    items: list[EmailSummaryOut]
    next_cursor: str | None


@api.route(
    "/backoffice/emails",
    summary="Emails sent (or not) to customers, newest first",
    auth=Right("orders", "read"),
    query=EmailsQuery,
    response=EmailPage,
)
def list_emails(caller: OperatorCaller, query: EmailsQuery) -> EmailPage:
    entries, cursor = mail.list_outbox(
        caller.org_id,
        day=query.day.isoformat() if query.day else None,
        kind=query.kind,
        reference=query.reference,
        limit=query.limit,
        cursor=query.cursor,
    )
    return EmailPage(items=[EmailSummaryOut.model_validate(e) for e in entries], next_cursor=cursor)


@api.route(
    "/backoffice/emails/{email_id}",
    summary="One email with its text and the names of its attachments",
    auth=Right("orders", "read"),
    response=EmailOut,
)
def get_email(caller: OperatorCaller, email_id: str) -> EmailOut:
    return EmailOut.model_validate(mail.get_email(caller.org_id, email_id))
