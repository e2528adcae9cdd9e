"""Batches of single-use codes over HTTP: generated now or by the workflow (202), listed with their
progress, downloaded as CSV, emailed to their contact; codes tracked one by one, filtered, revoked by
selection or by batch; the dashboard's figures; and the rights each route needs."""

from __future__ import annotations

import csv
import email
import io

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.config import settings
from chalicelib.mail import service as mail
from chalicelib.outbox import service as worker
from chalicelib.runs import service as runs
from infra.local.mail import verify_sender
from tests.api.test_advantages_api import live_advantage, operator_with
from tests.fixtures import ORG

BATCH_FIELDS = {
    "batch_id",
    "advantage_id",
    "source",
    "contact_id",
    "count",
    "generated",
    "status",
    "created_at",
    "created_by",
    "sent_at",
    "sent_to",
    "sent_email",
    "error",
    "counts",
}


@pytest.fixture
def acme(api) -> str:
    spec = k.ContactSpec(code="ACME", name="Acme buyer", email="buyer@acme.example")
    return catalog.create(ORG, "contact", spec).id


@pytest.fixture
def ses(api):
    mail._sesv2.cache_clear()
    verify_sender(None, settings().region, settings().mail_from)
    yield ses_backends[DEFAULT_ACCOUNT_ID][settings().region].sent_messages
    mail._sesv2.cache_clear()


def get(api, path: str, token: str):
    response = api.call("GET", path, token=token)
    assert response.status_code == 200, response.json_body
    return response.json_body


def test_a_batch_is_generated_listed_downloaded_and_emailed_to_its_contact(api, acme, ses):
    admin = api.login()
    ident = live_advantage(api, admin)
    base = f"/backoffice/advantages/{ident}"
    made = api.call("POST", f"{base}/codes", {"count": 30, "contact_id": acme}, token=admin)
    assert made.status_code == 201, made.json_body
    batch = made.json_body
    assert set(batch) == BATCH_FIELDS | {"codes"} and len(set(batch["codes"])) == 30
    assert (batch["status"], batch["count"], batch["generated"], batch["created_by"]) == (
        "ready",
        30,
        30,
        "admin",
    )
    assert batch["counts"] == {
        "generated": 30,
        "available": 30,
        "in_carts": 0,
        "used": 0,
        "scanned": 0,
        "revoked": 0,
    }
    listed = get(api, f"{base}/batches", admin)["batches"]
    assert [b["batch_id"] for b in listed] == [batch["batch_id"]]
    path = f"{base}/batches/{batch['batch_id']}"

    download = api.http.get(f"{path}/codes.csv", headers={"Authorization": f"Bearer {admin}"})
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.body.decode())))
    assert sorted(r["code"] for r in rows) == sorted(batch["codes"])
    assert {(r["state"], r["contact"]) for r in rows} == {("free", acme)}

    sent = api.call("POST", f"{path}/send", {}, token=admin)
    assert sent.status_code == 200, sent.json_body
    assert (sent.json_body["sent_to"], sent.json_body["sent_email"]) == (acme, "buyer@acme.example")
    assert sent.json_body["sent_at"] == get(api, path, admin)["sent_at"] is not None
    worker.drain()
    message = email.message_from_string(ses[-1].raw_data)
    assert message["To"] == "buyer@acme.example" and "Company codes" in message["Subject"]
    [attached] = [p for p in message.walk() if p.get_content_type() == "text/csv"]
    lines = attached.get_payload(decode=True).decode().splitlines()
    assert lines[0] == "code,state,contact" and len(lines) == 31
    dashboard = get(api, "/backoffice/code-dashboard?season_id=S2026", admin)
    assert dashboard["totals"]["sent"] == 30 and dashboard["rows"][0]["sent"] == 30


def test_a_large_batch_answers_202_and_is_made_by_the_workflow(api, monkeypatch):
    started = []
    monkeypatch.setattr(
        runs, "start_workflow", lambda name, payload, execution: started.append((name, payload))
    )
    admin = api.login()
    ident = live_advantage(api, admin)
    made = api.call("POST", f"/backoffice/advantages/{ident}/codes", {"count": 100_000}, token=admin)
    assert made.status_code == 202, made.json_body
    batch = made.json_body
    assert (batch["status"], batch["count"], batch["generated"], batch["codes"]) == (
        "generating",
        100_000,
        0,
        [],
    )
    assert started == [
        ("code-batches", {"org_id": ORG, "advantage_id": ident, "batch_id": batch["batch_id"]})
    ]
    path = f"/backoffice/advantages/{ident}/batches/{batch['batch_id']}"
    assert get(api, path, admin)["status"] == "generating"
    refused = api.call("POST", f"{path}/send", {"contact_id": "ACME"}, token=admin)
    assert refused.status_code == 409 and refused.json_body["details"]["status"] == "generating"
    too_many = api.call("POST", f"/backoffice/advantages/{ident}/codes", {"count": 100_001}, token=admin)
    assert too_many.status_code == 422 and too_many.json_body["details"]["fields"][0]["field"] == "count"


def test_codes_are_tracked_one_by_one_filtered_and_revoked_by_selection_or_batch(api):
    admin = api.login()
    ident = live_advantage(api, admin)
    base = f"/backoffice/advantages/{ident}"
    first = api.call("POST", f"{base}/codes", {"count": 6, "contact_id": "ACME"}, token=admin).json_body
    second = api.call("POST", f"{base}/codes", {"count": 4}, token=admin).json_body
    from chalicelib.advantages import codes

    used, in_cart = first["codes"][0], first["codes"][1]
    codes.claim_code(ORG, in_cart, "cart-1", clock.seconds() + 600)
    codes.use_code(ORG, used, "cart-2", "order-2", "anne")

    detail = get(api, f"{base}/codes/{used.lower()}", admin)
    assert (detail["state"], detail["order_id"], detail["used_by"], detail["batch_id"]) == (
        "used",
        "order-2",
        "anne",
        first["batch_id"],
    )
    assert detail["scanned_at"] is None and detail["used_at"] is not None
    assert api.call("GET", f"{base}/codes/NOSUCH234", token=admin).status_code == 404

    only_first = get(api, f"{base}/codes?batch_id={first['batch_id']}", admin)["codes"]
    assert sorted(c["code"] for c in only_first) == sorted(first["codes"])
    assert [c["code"] for c in get(api, f"{base}/codes?state=in_cart", admin)["codes"]] == [in_cart]
    free = get(api, f"{base}/codes?state=free&batch_id={first['batch_id']}", admin)["codes"]
    assert len(free) == 4

    picked = {"codes": [used, in_cart, second["codes"][0]], "reason": "leaked"}
    revoked = api.call("POST", f"{base}/codes/revoke", picked, token=admin).json_body
    assert revoked["outcomes"] == {used: "used", in_cart: "revoked", second["codes"][0]: "revoked"}
    whole = {"batch_id": first["batch_id"], "reason": "contract ended"}
    revoked = api.call("POST", f"{base}/codes/revoke", whole, token=admin).json_body
    assert revoked["done"] is True and revoked["after"] is None
    assert sorted(revoked["outcomes"].values()) == ["revoked"] * 4 + ["revoked_before", "used"]
    assert get(api, f"{base}/codes/{in_cart}", admin)["revoked_reason"] == "leaked"

    board = get(api, f"/backoffice/code-dashboard?advantage_id={ident}", admin)
    by_batch = {r["batch_id"]: r for r in board["rows"]}
    assert {n: by_batch[first["batch_id"]][n] for n in ("generated", "available", "used", "revoked")} == {
        "generated": 6,
        "available": 0,
        "used": 1,
        "revoked": 5,
    }
    assert by_batch[first["batch_id"]]["contact_id"] == "ACME" and by_batch[first["batch_id"]]["public_name"]
    assert board["totals"]["generated"] == 10 and board["totals"]["revoked"] == 6
    assert board["totals"]["available"] == 3


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "no target"},
        {"codes": ["ABCD2345"], "batch_id": "b1", "reason": "both"},
        {"codes": ["ABCD2345"]},
        {"codes": ["ABCD2345"], "reason": ""},
    ],
)
def test_a_revocation_names_either_codes_or_a_batch_and_a_reason(api, body):
    admin = api.login()
    ident = live_advantage(api, admin)
    refused = api.call("POST", f"/backoffice/advantages/{ident}/codes/revoke", body, token=admin)
    assert refused.status_code == 422, refused.json_body


def test_reading_needs_advantages_read_and_generating_sending_revoking_need_execute(api):
    admin = api.login()
    ident = live_advantage(api, admin)
    base = f"/backoffice/advantages/{ident}"
    batch = api.call("POST", f"{base}/codes", {"count": 2}, token=admin).json_body
    reader = operator_with(api, admin, "reader", {"advantages": ["read"]})
    stranger = operator_with(api, admin, "stranger", {"orders": ["read"]})
    reads = [
        f"{base}/batches",
        f"{base}/batches/{batch['batch_id']}",
        f"{base}/batches/{batch['batch_id']}/codes.csv",
        f"{base}/codes/{batch['codes'][0]}",
        "/backoffice/code-dashboard",
    ]
    for path in reads:
        assert api.call("GET", path, token=reader).status_code == 200, path
        assert api.call("GET", path, token=stranger).status_code == 403, path
    for path, body in [
        (f"{base}/codes", {"count": 1}),
        (f"{base}/codes/import", {"codes": ["ABCD2345"]}),
        (f"{base}/batches/{batch['batch_id']}/send", {"contact_id": "ACME"}),
        (f"{base}/codes/revoke", {"codes": batch["codes"], "reason": "x"}),
    ]:
        refused = api.call("POST", path, body, token=reader)
        assert refused.status_code == 403 and refused.json_body["code"] == "permission_denied", path
    assert api.call("GET", f"/backoffice/advantages/{ident}/batches/nope", token=admin).status_code == 404
