"""Company accounts over HTTP: a company asks, the operator accepts or refuses on the back office, the
relay logs in with e-mail, password and contact number and opens a cart in the company space."""

from __future__ import annotations

import pytest

from chalicelib.api import company_accounts as company_accounts_api
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.customers.company_account_mails import KIND
from chalicelib.mail.service import list_outbox
from tests.shop_world import _channel, build_world

ORG = "demo"
EMAIL = "claire@ce-acme.example"
PASSWORD = "claire-secret-1"
ASKED = {
    "company_name": "ACME works council",
    "address": "1 rue de la Paix, Paris",
    "company_type": "CE",
    "relay_name": "Claire",
    "email": EMAIL,
    "password": PASSWORD,
}


@pytest.fixture
def registered() -> None:
    """The app with this module's routes: app.py registers them (until it does, the test adds them once;
    a blueprint registers its routes on one app only)."""
    from app import app

    if "/shop/{org_id}/relay-login" not in app.routes:
        app.register_blueprint(company_accounts_api.blueprint)


@pytest.fixture
def http(registered, api):
    build_world()
    catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="CE", name="Works council"))
    channel = _channel("PRO", [], type="internet_company")
    catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="PRO", name="Companies"))
    return api


def _ask(http) -> str:
    asked = http.call("POST", f"/shop/{ORG}/company-accounts", ASKED)
    assert asked.status_code == 202, asked.json_body
    assert asked.json_body["status"] == "requested"
    return asked.json_body["request_id"]


def _relay_login(http, number: str, password: str = PASSWORD):
    body = {"email": EMAIL, "password": password, "contact_number": number}
    return http.call("POST", f"/shop/{ORG}/relay-login", body)


def _mail_text() -> str:
    [mail] = [e for e in list_outbox(ORG, kind=KIND)[0] if e.to == EMAIL]
    return mail.text


def test_a_company_asks_is_accepted_and_its_relay_logs_in_and_opens_a_cart(http):
    types = http.call("GET", f"/shop/{ORG}/company-types").json_body["company_types"]
    assert [t["code"] for t in types] == ["CE"]
    request_id = _ask(http)
    operator = http.login()

    listed = http.call("GET", "/backoffice/company-accounts?status=requested", token=operator).json_body
    assert [r["request_id"] for r in listed["requests"]] == [request_id]
    accepted = http.call("POST", f"/backoffice/company-accounts/{request_id}/accept", token=operator)
    assert accepted.status_code == 200, accepted.json_body
    number = accepted.json_body["contact_number"]
    assert accepted.json_body["status"] == "accepted" and accepted.json_body["company_id"]
    assert number in _mail_text()

    session = _relay_login(http, number)
    assert session.status_code == 200, session.json_body
    assert session.json_body["relay"]["contact_number"] == number
    assert session.json_body["relay"]["company_id"] == accepted.json_body["company_id"]
    opened = http.call("POST", f"/shop/{ORG}/pos/PRO/carts", token=session.json_body["token"])
    assert opened.status_code == 201, opened.json_body


def test_accepting_twice_answers_the_same_company(http):
    request_id = _ask(http)
    operator = http.login()
    first = http.call("POST", f"/backoffice/company-accounts/{request_id}/accept", token=operator)
    again = http.call("POST", f"/backoffice/company-accounts/{request_id}/accept", token=operator)

    assert again.status_code == 200
    assert again.json_body["company_id"] == first.json_body["company_id"]
    assert len(catalog.all_items(ORG, "company")) == 1


def test_a_wrong_contact_number_is_refused_without_saying_which_field_was_wrong(http):
    request_id = _ask(http)
    accepted = http.call("POST", f"/backoffice/company-accounts/{request_id}/accept", token=http.login())
    number = accepted.json_body["contact_number"]

    wrong_number = _relay_login(http, "X" + number)
    wrong_password = _relay_login(http, number, password="not-the-password")

    assert wrong_number.status_code == wrong_password.status_code == 401
    assert wrong_number.json_body == wrong_password.json_body
    assert wrong_number.json_body["code"] == "invalid_credentials"


def test_a_request_not_yet_accepted_gives_no_log_in(http):
    _ask(http)
    assert _relay_login(http, "12345678").status_code == 401


def test_a_refused_request_mails_the_reason_and_gives_no_log_in(http):
    request_id = _ask(http)
    reason = {"reason": "We could not find your company's registration"}
    refused = http.call(
        "POST", f"/backoffice/company-accounts/{request_id}/refuse", reason, token=http.login()
    )

    assert refused.status_code == 200, refused.json_body
    assert refused.json_body["status"] == "refused" and refused.json_body["company_id"] is None
    assert reason["reason"] in _mail_text()
    accepted = http.call("POST", f"/backoffice/company-accounts/{request_id}/accept", token=http.login())
    assert accepted.status_code == 409


def test_the_relay_of_a_suspended_company_can_neither_log_in_nor_open_a_cart(http):
    request_id = _ask(http)
    accepted = http.call("POST", f"/backoffice/company-accounts/{request_id}/accept", token=http.login())
    number = accepted.json_body["contact_number"]
    token = _relay_login(http, number).json_body["token"]
    company = catalog.get(ORG, "company", accepted.json_body["company_id"])
    catalog.replace(
        ORG, "company", company.id, k.CompanySpec(**{**company.data, "account_status": "suspended"}), None
    )

    login = _relay_login(http, number)
    opened = http.call("POST", f"/shop/{ORG}/pos/PRO/carts", token=token)

    for refused in (login, opened):
        assert refused.status_code == 403, refused.json_body
        assert refused.json_body["details"]["reason"] == "company_not_accepted"


def test_a_request_with_a_missing_field_is_refused_naming_it(http):
    asked = http.call("POST", f"/shop/{ORG}/company-accounts", {**ASKED, "email": None})
    unknown_type = http.call("POST", f"/shop/{ORG}/company-accounts", {**ASKED, "company_type": "NOPE"})

    assert asked.status_code == unknown_type.status_code == 422
    assert "email" in str(asked.json_body["details"])
    assert unknown_type.json_body["details"]["field"] == "company_type"


def test_requests_are_for_operators_with_the_contacts_right(http):
    from chalicelib.auth import service as auth
    from chalicelib.auth.model import Role

    auth.save_role(ORG, Role("reader", {"contacts": ["read"]}), create=True)
    auth.create_operator(ORG, "reader", "Reader", "reader-password", ["reader"])
    reader = http.login("reader", "reader-password")
    request_id = _ask(http)

    assert http.call("GET", "/backoffice/company-accounts").status_code == 401
    assert http.call("GET", "/backoffice/company-accounts", token=reader).status_code == 200
    accepted = http.call("POST", f"/backoffice/company-accounts/{request_id}/accept", token=reader)
    assert accepted.status_code == 403
    assert accepted.json_body["details"]["right"] == "contacts:modify"
    assert catalog.all_items(ORG, "company") == []
