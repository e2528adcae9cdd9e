"""Back-office routes for the outbox: emails sent to customers, card refunds, stock given back; retrying."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.catalog import organisation
from chalicelib.mail import service as mail
from chalicelib.outbox import service as outbox

api = Api(__name__, tag="back-office: emails")
blueprint = api.blueprint


class EmailsQuery(Body):
    day: date | None = Field(
        default=None,
        description="One day (YYYY-MM-DD) on the organisation's clock (its time zone); else the last 30 days",
    )
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
    to: str | None
    subject: str | None
    kind: str
    reference: str | None
    status: str = Field(
        description="pending, sending, sent, failed (tried again later), dead, or obsolete (no longer to do)"
    )
    error: str | None
    attempts: int = Field(default=0, description="tries so far")


class EmailOut(EmailSummaryOut):
    text: str | None
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
        zone=organisation.time_zone(caller.org_id),
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


class OutboxQuery(EmailsQuery):
    status: Literal["pending", "sending", "sent", "failed", "dead", "obsolete"] | None = Field(
        default=None, description="only items in this state"
    )
    effect: (
        Literal[
            "email",
            "card_refund",
            "give_back_stock",
            "figures",
            "code_scanned",
            "codes_given_back",
            "season_tickets",
        ]
        | None
    ) = Field(default=None, description="only this kind of side effect")


class OutboxItemOut(EmailSummaryOut):
    effect: str = Field(description="email, card_refund, give_back_stock or figures")
    finished_at: str | None


class OutboxPage(Shaped):
    items: list[OutboxItemOut]
    next_cursor: str | None


class RetriedOut(Out):
    retried: int = Field(description="dead items put back to pending")


@api.route(
    "/backoffice/outbox",
    summary="Every side effect of the organisation's orders and options (emails, refunds, stock given back)",
    auth=Right("orders", "read"),
    query=OutboxQuery,
    response=OutboxPage,
)
def list_outbox(caller: OperatorCaller, query: OutboxQuery) -> OutboxPage:
    entries, cursor = mail.list_outbox(
        caller.org_id,
        day=query.day.isoformat() if query.day else None,
        zone=organisation.time_zone(caller.org_id),
        kind=query.kind,
        reference=query.reference,
        status=query.status,
        effect=query.effect,
        limit=query.limit,
        cursor=query.cursor,
    )
    return OutboxPage(items=[OutboxItemOut.model_validate(e) for e in entries], next_cursor=cursor)


@api.route(
    "/backoffice/outbox/{email_id}/retry",
    "POST",
    summary="Try a failed or dead outbox item again now",
    auth=Right("orders", "modify"),
    response=OutboxItemOut,
)
def retry_item(caller: OperatorCaller, email_id: str) -> OutboxItemOut:
    outbox.retry(caller.org_id, email_id)
    return OutboxItemOut.model_validate(mail.get_email(caller.org_id, email_id))


@api.route(
    "/backoffice/outbox/retry",
    "POST",
    summary="Try every dead outbox item of the organisation again",
    auth=Right("orders", "modify"),
    response=RetriedOut,
)
def retry_all(caller: OperatorCaller) -> RetriedOut:
    return RetriedOut(retried=outbox.retry_all(caller.org_id))
