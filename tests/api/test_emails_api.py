"""The email outbox through the back-office API: orders:read to see it, one organisation's only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.mail import service
from chalicelib.mail.service import Attachment
from chalicelib.outbox import service as outbox
from chalicelib.outbox.model import MAX_ATTEMPTS
from infra.local.mail import verify_sender

ORG = "demo"


def tickets_document(spec: dict) -> Attachment:
    return Attachment("tickets.pdf", "application/pdf", b"%PDF-1.7")


@pytest.fixture
def sent(api, monkeypatch):
    """Three emails of the demo organisation, oldest first, sent by the outbox worker."""
    service._sesv2.cache_clear()
    verify_sender(None, settings().region, settings().mail_from)
    monkeypatch.setitem(service.DOCUMENTS, "test", f"{__name__}:tickets_document")
    queued = [
        service.send_email(
            ORG, "ann@example.com", "Your tickets", "Thanks, Ann.", kind="order_confirmation", reference="o-1"
        ),
        service.send_email(
            ORG,
            "bob@example.com",
            "Your tickets",
            "Thank you, Bob.",
            document={"document": "test"},
            kind="order_confirmation",
            reference="o-2",
        ),
        service.send_email(
            ORG, "ann@example.com", "Payment due", "Please pay.", kind="payment_reminder", reference="o-1"
        ),
    ]
    outbox.drain()
    yield [service.get_email(ORG, entry.email_id) for entry in queued]
    service._sesv2.cache_clear()


def operator_with(api, rights: dict[str, list[str]]) -> str:
    admin = api.login()
    role = api.call("POST", "/backoffice/roles", {"name": "staff", "rights": rights}, token=admin)
    assert role.status_code == 201, role.json_body
    body = {"login": "jo", "name": "Jo", "password": "jo-password", "roles": ["staff"]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login("jo", "jo-password")


def test_outbox_lists_emails_newest_first(api, sent):
    response = api.call("GET", "/backoffice/emails", token=api.login())

    assert response.status_code == 200
    page = response.json_body
    assert [e["email_id"] for e in page["items"]] == [e.email_id for e in reversed(sent)]
    assert page["next_cursor"] is None
    assert page["items"][0] == {
        "email_id": sent[2].email_id,
        "created_at": sent[2].created_at.isoformat().replace("+00:00", "Z"),
        "to": "ann@example.com",
        "subject": "Payment due",
        "kind": "payment_reminder",
        "reference": "o-1",
        "status": "sent",
        "error": None,
        "attempts": 1,
    }


def test_outbox_filters_by_kind_and_reference_and_pages(api, sent):
    admin = api.login()

    by_kind = api.call("GET", "/backoffice/emails?kind=payment_reminder", token=admin).json_body
    by_reference = api.call("GET", "/backoffice/emails?reference=o-1", token=admin).json_body
    first = api.call("GET", "/backoffice/emails?limit=2", token=admin).json_body
    rest = api.call("GET", f"/backoffice/emails?limit=2&cursor={first['next_cursor']}", token=admin).json_body
    today = sent[0].created_at.date().isoformat()
    of_today = api.call("GET", f"/backoffice/emails?day={today}", token=admin).json_body

    assert [e["email_id"] for e in by_kind["items"]] == [sent[2].email_id]
    assert [e["email_id"] for e in by_reference["items"]] == [sent[2].email_id, sent[0].email_id]
    assert [e["email_id"] for e in first["items"] + rest["items"]] == [e.email_id for e in reversed(sent)]
    assert rest["next_cursor"] is None
    assert len(of_today["items"]) == 3


def test_one_email_shows_its_text_and_attachment_names(api, sent):
    response = api.call("GET", f"/backoffice/emails/{sent[1].email_id}", token=api.login())

    assert response.status_code == 200
    email = response.json_body
    assert email["text"] == "Thank you, Bob."
    assert email["html"] is None
    assert email["provider_message_id"] == sent[1].provider_message_id
    assert email["attachments"] == [{"filename": "tickets.pdf", "content_type": "application/pdf", "size": 8}]


def test_operator_with_orders_read_sees_the_outbox(api, sent):
    jo = operator_with(api, {"orders": ["read"]})

    assert api.call("GET", "/backoffice/emails", token=jo).status_code == 200
    assert api.call("GET", f"/backoffice/emails/{sent[0].email_id}", token=jo).status_code == 200


def test_operator_without_orders_read_is_refused(api, sent):
    jo = operator_with(api, {"catalog": ["read"]})

    listed = api.call("GET", "/backoffice/emails", token=jo)
    one = api.call("GET", f"/backoffice/emails/{sent[0].email_id}", token=jo)

    assert listed.status_code == one.status_code == 403
    assert listed.json_body["details"] == {"right": "orders:read"}


def test_no_token_is_401(api, sent):
    assert api.call("GET", "/backoffice/emails").status_code == 401


def test_email_of_another_organisation_is_not_found(api, sent):
    from chalicelib.auth import service as auth

    auth.create_organisation("other", "Other Hall", "boss", "boss-password")
    boss = api.login("boss", "boss-password", org="other")

    one = api.call("GET", f"/backoffice/emails/{sent[0].email_id}", token=boss)
    listed = api.call("GET", "/backoffice/emails", token=boss)

    assert one.status_code == 404
    assert one.json_body["code"] == "not_found"
    assert listed.json_body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("email_id", ["nonsense", "20260528T120001000000-" + "0" * 32])
def test_unknown_email_is_404(api, sent, email_id):
    assert api.call("GET", f"/backoffice/emails/{email_id}", token=api.login()).status_code == 404


@pytest.mark.parametrize(
    "query", ["day=yesterday", "limit=0", "limit=201", "cursor=!!!", "colour=blue", "kind=" + "k" * 51]
)
def test_bad_query_is_422_naming_the_field(api, sent, query):
    response = api.call("GET", f"/backoffice/emails?{query}", token=api.login())

    assert response.status_code == 422
    assert response.json_body["code"] in ("invalid_input", "validation_error")


def dead_email(monkeypatch) -> str:
    """An email that failed every attempt (SES refused it each time)."""
    entry = service.send_email(ORG, "cy@example.com", "Hello", "Hello Cy", kind="account")
    with monkeypatch.context() as patched:
        patched.setattr(service, "_deliver", lambda *args: (_ for _ in ()).throw(RuntimeError("SES down")))
        for attempt in range(MAX_ATTEMPTS):
            outbox.drain(at=clock.now() + timedelta(hours=attempt))
    return entry.email_id


def test_the_outbox_lists_items_by_status_and_an_operator_retries_a_dead_one(api, sent, monkeypatch):
    email_id = dead_email(monkeypatch)
    admin = api.login()

    dead = api.call("GET", "/backoffice/outbox?status=dead", token=admin).json_body["items"]
    retried = api.call("POST", f"/backoffice/outbox/{email_id}/retry", token=admin)
    outbox.drain()
    after = api.call("GET", f"/backoffice/emails/{email_id}", token=admin).json_body

    assert [(e["email_id"], e["effect"], e["attempts"]) for e in dead] == [(email_id, "email", MAX_ATTEMPTS)]
    assert retried.status_code == 200 and retried.json_body["status"] == "pending"
    assert after["status"] == "sent"


def test_retry_all_puts_every_dead_item_back(api, sent, monkeypatch):
    email_id = dead_email(monkeypatch)

    answer = api.call("POST", "/backoffice/outbox/retry", token=api.login())

    assert answer.status_code == 200 and answer.json_body == {"retried": 1}
    assert service.get_email(ORG, email_id).status == "pending"


def test_retrying_needs_orders_modify_and_an_id_of_ours(api, sent):
    reader = operator_with(api, {"orders": ["read"]})

    refused = api.call("POST", f"/backoffice/outbox/{sent[0].email_id}/retry", token=reader)
    unknown = api.call("POST", "/backoffice/outbox/nonsense/retry", token=api.login())
    bad_filter = api.call("GET", "/backoffice/outbox?status=lost", token=api.login())

    assert refused.status_code == 403
    assert unknown.status_code == 404
    assert bad_filter.status_code == 422 and "status" in str(bad_filter.json_body["details"])
