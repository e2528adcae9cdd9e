"""The email outbox: emails are queued, sent by the worker with retries, and paged through newest first."""

from __future__ import annotations

import email
import sys
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import EndpointConnectionError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import config
from chalicelib.config import settings
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.mail import service
from chalicelib.mail.service import Attachment, AttachmentInfo
from chalicelib.outbox import repository as outbox_store
from chalicelib.outbox import service as outbox
from chalicelib.outbox.model import LEASE_SECONDS, MAX_ATTEMPTS
from infra.local.mail import verify_sender

ORG = "demo"
NOON = datetime(2026, 5, 28, 12, 0, tzinfo=UTC)


class Clock:
    """A clock that moves one second at each reading, so emails are ordered as they are sent."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(NOON)
    monkeypatch.setattr(service, "_now", clock)
    return clock


@pytest.fixture
def mail(aws, clock):
    """moto's SES with the app's sender verified; the list of what it received."""
    service._sesv2.cache_clear()
    verify_sender(None, settings().region, settings().mail_from)
    yield ses_backends[DEFAULT_ACCOUNT_ID][settings().region].sent_messages
    service._sesv2.cache_clear()


def send(subject: str = "Your tickets", **kwargs):
    options = {"kind": "order_confirmation", "reference": "order-1", **kwargs}
    return service.send_email(ORG, "ann@example.com", subject, "Thank you, Ann.", **options)


def later(seconds: int) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


@pytest.fixture
def document(monkeypatch):
    """A document the worker draws when it sends (as it draws the e-tickets' PDF)."""
    drawn = []

    def draw(spec):
        drawn.append(spec)
        return Attachment("tickets.pdf", "application/pdf", PDF)

    monkeypatch.setitem(service.DOCUMENTS, "test", "tests.service.test_outbox:_draw_test_document")
    monkeypatch.setattr(sys.modules[__name__], "_draw_test_document", draw, raising=False)
    return drawn


PDF = b"%PDF-1.7 tickets \x00\xff"


def test_a_queued_email_waits_in_the_outbox_until_the_worker_sends_it(mail):
    entry = send(html="<p>Thank you, Ann.</p>")

    assert entry.status == "pending"
    assert mail == []
    assert outbox.drain().carried_out == 1
    sent = service.get_email(ORG, entry.email_id)
    assert sent.status == "sent"
    assert sent.error is None
    assert [m.id for m in mail] == [sent.provider_message_id]
    assert mail[0].destinations == {"ToAddresses": ["ann@example.com"]}
    assert mail[0].subject == "Your tickets"
    assert sent.html == "<p>Thank you, Ann.</p>"


def test_a_second_drain_sends_nothing_again(mail):
    send()

    first, second = outbox.drain(), outbox.drain()

    assert (first.carried_out, second.carried_out) == (1, 0)
    assert len(mail) == 1


def test_the_attachment_is_drawn_by_the_worker_and_only_its_name_and_size_are_recorded(mail, document):
    entry = send(html="<p>Hi</p>", document={"document": "test", "order_id": "order-1"})
    assert document == []  # nothing drawn in the request that queued it

    outbox.drain()

    message = email.message_from_string(mail[0].raw_data)
    parts = {part.get_content_type(): part for part in message.walk()}
    assert message.get_content_type() == "multipart/mixed"
    assert parts["application/pdf"].get_filename() == "tickets.pdf"
    assert parts["application/pdf"].get_payload(decode=True) == PDF
    assert "text/plain" in parts
    assert "text/html" in parts
    sent = service.get_email(ORG, entry.email_id)
    assert sent.provider_message_id == mail[0].id
    assert sent.attachments == (AttachmentInfo("tickets.pdf", "application/pdf", len(PDF)),)
    assert document == [{"document": "test", "order_id": "order-1"}]


def test_an_unverified_sender_fails_then_is_retried_after_a_backoff_until_dead(mail, monkeypatch):
    monkeypatch.setenv("GUICHET_MAIL_FROM", "nobody@unverified.example")
    config.reset()
    entry = send()

    outbox.drain()
    failed = service.get_email(ORG, entry.email_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.error.startswith("MessageRejected")
    assert outbox.drain().carried_out + outbox.drain().failed == 0  # not due again before its backoff

    for attempt in range(2, MAX_ATTEMPTS + 1):
        outbox.drain(at=later(4000 * attempt))
    dead = service.get_email(ORG, entry.email_id)
    assert (dead.status, dead.attempts) == ("dead", MAX_ATTEMPTS)
    assert mail == []
    assert outbox.drain(at=later(10**6)).as_dict() == {"carried_out": 0, "failed": 0, "dead": 0, "skipped": 0}


def test_an_email_that_failed_goes_once_ses_is_reachable_again(mail, monkeypatch):
    client = service._sesv2(settings().region, settings().aws_endpoint)
    real = client.send_email

    def unreachable(**kwargs):
        raise EndpointConnectionError(endpoint_url="https://email.eu-west-1.amazonaws.com")

    monkeypatch.setattr(client, "send_email", unreachable)
    entry = send()
    outbox.drain()
    error = service.get_email(ORG, entry.email_id).error
    assert error.startswith("EndpointConnectionError: Could not connect")

    monkeypatch.setattr(client, "send_email", real)
    outbox.drain(at=later(60))

    assert service.get_email(ORG, entry.email_id).status == "sent"
    assert len(mail) == 1


def test_an_item_whose_worker_died_is_taken_again_once_its_lease_ends(mail):
    entry = send()
    [(pk, sk)] = outbox_store.due(datetime.now(UTC))
    assert outbox_store.claim(pk, sk, datetime.now(UTC)) is not None  # a worker took it, then died

    assert outbox.drain().skipped + outbox.drain().carried_out == 0  # its lease still runs
    outbox.drain(at=later(LEASE_SECONDS + 1))

    assert service.get_email(ORG, entry.email_id).status == "sent"
    assert len(mail) == 1


def test_emails_go_no_faster_than_the_configured_rate(mail, monkeypatch):
    monkeypatch.setenv("GUICHET_MAIL_RATE", "2")
    config.reset()
    waits = []
    monkeypatch.setattr(outbox.time, "sleep", waits.append)
    for n in range(3):
        send(f"Email {n}")

    outbox.drain()

    assert len(mail) == 3
    assert len(waits) == 2
    assert all(0.3 < wait <= 0.5 for wait in waits)


def test_an_operator_retries_a_dead_item_and_it_goes(mail, monkeypatch):
    monkeypatch.setenv("GUICHET_MAIL_FROM", "nobody@unverified.example")
    config.reset()
    entry = send()
    for attempt in range(MAX_ATTEMPTS):
        outbox.drain(at=later(4000 * attempt))
    assert service.get_email(ORG, entry.email_id).status == "dead"
    monkeypatch.delenv("GUICHET_MAIL_FROM")
    config.reset()

    assert outbox.retry_all(ORG) == 1
    outbox.drain()

    assert service.get_email(ORG, entry.email_id).status == "sent"
    assert len(mail) == 1


def test_listing_is_newest_first_and_pages_with_a_cursor(mail):
    sent = [send(f"Email {n}").email_id for n in range(5)]

    pages, cursor = [], None
    while True:
        entries, cursor = service.list_outbox(ORG, limit=2, cursor=cursor)
        pages.append([e.email_id for e in entries])
        if cursor is None:
            break

    assert pages == [sent[4:2:-1], sent[2:0:-1], sent[:1]]


def test_a_page_that_ends_exactly_at_the_last_email_has_no_cursor(mail):
    for n in range(2):
        send(f"Email {n}")

    entries, cursor = service.list_outbox(ORG, limit=2)

    assert len(entries) == 2
    assert cursor is None


def test_listing_filters_by_kind_and_reference(mail):
    confirmation = send(kind="order_confirmation", reference="order-1")
    send(kind="order_confirmation", reference="order-2")
    reminder = send(kind="payment_reminder", reference="order-1")

    by_kind, _ = service.list_outbox(ORG, kind="payment_reminder")
    by_reference, _ = service.list_outbox(ORG, reference="order-1")
    by_both, _ = service.list_outbox(ORG, kind="order_confirmation", reference="order-1")

    assert [e.email_id for e in by_kind] == [reminder.email_id]
    assert [e.email_id for e in by_reference] == [reminder.email_id, confirmation.email_id]
    assert [e.email_id for e in by_both] == [confirmation.email_id]


def test_listing_walks_back_day_by_day_over_the_last_30_days(mail, clock):
    sent = {}
    for days_ago in (31, 30, 5, 1, 0):
        clock.moment = NOON - timedelta(days=days_ago)
        sent[days_ago] = send(f"{days_ago} days ago").email_id
    clock.moment = NOON

    entries, cursor = service.list_outbox(ORG)
    one_day, _ = service.list_outbox(ORG, day=(NOON - timedelta(days=5)).date().isoformat())
    out_of_window, _ = service.list_outbox(ORG, day=(NOON - timedelta(days=31)).date().isoformat())

    assert [e.email_id for e in entries] == [sent[0], sent[1], sent[5], sent[30]]
    assert cursor is None
    assert [e.email_id for e in one_day] == [sent[5]]
    assert [e.email_id for e in out_of_window] == [sent[31]]


def test_cursor_carries_on_across_days(mail, clock):
    sent = []
    for hours_ago in (72, 49, 48, 0):  # one email three days back, two on one day two days back
        clock.moment = NOON - timedelta(hours=hours_ago)
        sent.append(send().email_id)
    clock.moment = NOON

    seen, cursor = [], None
    for _ in range(4):
        entries, cursor = service.list_outbox(ORG, limit=1, cursor=cursor)
        seen.extend(e.email_id for e in entries)

    assert seen == sent[::-1]
    assert cursor is None


def test_another_organisation_sees_none_of_the_emails(mail):
    entry = send()

    assert service.list_outbox("other") == ([], None)
    with pytest.raises(NotFound):
        service.get_email("other", entry.email_id)


@pytest.mark.parametrize("email_id", ["nonsense", "20260528T120001000000-short", "x" * 60])
def test_an_email_id_not_ours_is_not_found(mail, email_id):
    with pytest.raises(NotFound):
        service.get_email(ORG, email_id)


@pytest.mark.parametrize("cursor", ["!!!", "bm90IGpzb24", "WzFd", "eyJkYXkiOiAxfQ"])
def test_a_cursor_not_ours_is_invalid_input(mail, cursor):
    with pytest.raises(InvalidInput):
        service.list_outbox(ORG, cursor=cursor)


def test_a_cursor_of_another_day_is_invalid_input(mail):
    for _ in range(2):
        send()
    _, cursor = service.list_outbox(ORG, day=NOON.date().isoformat(), limit=1)

    with pytest.raises(InvalidInput):
        service.list_outbox(ORG, day="2026-05-01", cursor=cursor)


def test_a_day_that_is_not_a_date_is_invalid_input(mail):
    with pytest.raises(InvalidInput):
        service.list_outbox(ORG, day="yesterday")


def test_one_day_on_the_organisations_clock_spans_two_utc_days_and_pages_within_it(mail, clock):
    """In Paris, 3 December runs from 23:00 UTC on the 2nd to 23:00 UTC on the 3rd."""
    sent = {}
    for label, moment in (
        ("2nd 22:30 UTC", datetime(2026, 12, 2, 22, 30, tzinfo=UTC)),  # the 2nd in Paris
        ("2nd 23:30 UTC", datetime(2026, 12, 2, 23, 30, tzinfo=UTC)),  # 00:30 on the 3rd in Paris
        ("3rd 10:00 UTC", datetime(2026, 12, 3, 10, 0, tzinfo=UTC)),
        ("3rd 23:30 UTC", datetime(2026, 12, 3, 23, 30, tzinfo=UTC)),  # the 4th in Paris
    ):
        clock.moment = moment
        sent[label] = send(label).email_id
    clock.moment = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

    paris, _ = service.list_outbox(ORG, day="2026-12-03", zone="Europe/Paris")
    utc, _ = service.list_outbox(ORG, day="2026-12-03")
    pages, cursor = [], None
    while True:
        entries, cursor = service.list_outbox(
            ORG, day="2026-12-03", zone="Europe/Paris", limit=1, cursor=cursor
        )
        pages.extend(e.email_id for e in entries)
        if cursor is None:
            break

    assert [e.email_id for e in paris] == [sent["3rd 10:00 UTC"], sent["2nd 23:30 UTC"]]
    assert [e.email_id for e in utc] == [sent["3rd 23:30 UTC"], sent["3rd 10:00 UTC"]]
    assert pages == [sent["3rd 10:00 UTC"], sent["2nd 23:30 UTC"]]
