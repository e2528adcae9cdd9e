"""A relay acts for their company once invited by an operator and accepted from a verified account."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.auth import relays
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.mail.service import list_outbox

ORG = "demo"
ANNE = "anne@lycee.example"


@pytest.fixture
def contact(api) -> str:
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="SCHOOL", name="School")).id
    company = catalog.create(
        ORG, "company", k.CompanySpec(code="LYCEE", name="Lycée", company_type_id=kind)
    ).id
    spec = k.ContactSpec(code="ANNE", name="Anne", email=ANNE, company_id=company, relay=True)
    return catalog.create(ORG, "contact", spec).id


def _token_in_mail(subject: str) -> str:
    mail = next(e for e in list_outbox(ORG, kind="account")[0] if e.to == ANNE and e.subject == subject)
    link = next(word for word in mail.text.split() if "token=" in word)
    return parse_qs(urlsplit(link).query)["token"][0]


def _anne(api, *, verified: bool) -> str:
    body = {"email": ANNE, "name": "Anne", "password": "anne-password"}
    api.call("POST", f"/shop/{ORG}/account", body)
    if verified:
        token = _token_in_mail("Confirm your e-mail address")
        assert api.call("GET", f"/shop/{ORG}/account/verify?token={token}").status_code == 200
    login = {"email": ANNE, "password": "anne-password"}
    return api.call("POST", f"/shop/{ORG}/account/login", login).json_body["token"]


def _invite(api, contact: str) -> str:
    sent = api.call("POST", f"/backoffice/contacts/{contact}/relay-invitation", token=api.login())
    assert sent.status_code == 202 and sent.json_body["sent_to"] == ANNE
    return _token_in_mail("Act for your company in our shop")


def test_an_invited_relay_accepts_from_a_verified_account_and_then_acts_for_the_company(api, contact):
    anne = _anne(api, verified=True)
    assert relays.relay_contact_for_email(ORG, ANNE) is None  # the same e-mail is not enough

    accepted = api.call("POST", f"/shop/{ORG}/account/relay", {"token": _invite(api, contact)}, token=anne)

    assert accepted.status_code == 200 and accepted.json_body["contact_id"] == contact
    assert relays.relay_contact_for_email(ORG, ANNE)["id"] == contact


def test_an_unverified_account_cannot_accept_an_invitation(api, contact):
    anne = _anne(api, verified=False)

    refused = api.call("POST", f"/shop/{ORG}/account/relay", {"token": _invite(api, contact)}, token=anne)

    assert refused.status_code == 403
    assert relays.relay_contact_for_email(ORG, ANNE) is None


def test_an_invitation_is_refused_from_an_account_with_another_email(api, contact):
    invitation = _invite(api, contact)
    api.call(
        "POST",
        f"/shop/{ORG}/account",
        {"email": "eve@example.com", "name": "Eve", "password": "eve-password"},
    )
    mail = next(e for e in list_outbox(ORG, kind="account")[0] if e.to == "eve@example.com")
    token = parse_qs(urlsplit(next(w for w in mail.text.split() if "token=" in w)).query)["token"][0]
    api.call("GET", f"/shop/{ORG}/account/verify?token={token}")
    eve = api.call(
        "POST", f"/shop/{ORG}/account/login", {"email": "eve@example.com", "password": "eve-password"}
    ).json_body["token"]

    assert api.call("POST", f"/shop/{ORG}/account/relay", {"token": invitation}, token=eve).status_code == 403


def test_only_a_relay_contact_is_invited(api, contact):
    spec = k.ContactSpec(code="BOB", name="Bob", email="bob@example.com")
    plain = catalog.create(ORG, "contact", spec).id

    assert (
        api.call("POST", f"/backoffice/contacts/{plain}/relay-invitation", token=api.login()).status_code
        == 422
    )
