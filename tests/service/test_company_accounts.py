"""A company asks for an online account; the organisation accepts (company, relay, account, contact
number by e-mail) or refuses it (the reason by e-mail); the relay logs in with the seed's three fields."""

from __future__ import annotations

import pytest

from chalicelib.auth import service as auth
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.customers import company_account_mails, company_accounts
from chalicelib.customers.company_accounts import AccountRequest
from chalicelib.errors import Conflict, InvalidCredentials, InvalidInput, PermissionDenied
from chalicelib.mail.service import list_outbox

ORG = "demo"
EMAIL = "claire@ce-acme.example"
PASSWORD = "claire-secret-1"


@pytest.fixture
def school_type(organisation) -> str:
    return catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="CE", name="Works council")).id


def _ask(email: str = EMAIL, password: str = PASSWORD, company_type: str = "CE") -> str:
    asked = AccountRequest("ACME works council", "1 rue de la Paix", company_type, "Claire", email, password)
    return company_accounts.request_account(ORG, asked).request_id


def _mails_to(email: str) -> list:
    return [e for e in list_outbox(ORG, kind=company_account_mails.KIND)[0] if e.to == email]


def test_a_request_is_stored_as_requested_and_listed_by_status(school_type):
    first, second = _ask(), _ask("bob@other.example")
    company_accounts.refuse(ORG, second, "admin", "Unknown company")

    requested = company_accounts.list_requests(ORG, "requested")
    assert [r.request_id for r in requested] == [first]
    assert requested[0].company_type_id == school_type  # named by its code, stored by its id
    assert {r.request_id for r in company_accounts.list_requests(ORG)} == {first, second}
    assert catalog.all_items(ORG, "company") == []  # nothing is created before the decision


def test_a_request_naming_no_company_type_is_refused_naming_the_field(school_type):
    with pytest.raises(InvalidInput) as refused:
        _ask(company_type="NOPE")
    assert refused.value.details["field"] == "company_type"


def test_accepting_creates_the_company_its_relay_and_account_and_mails_the_contact_number(school_type):
    request = company_accounts.accept(ORG, _ask(), "admin")

    assert request.status == "accepted" and request.decided_by == "admin"
    company = catalog.get(ORG, "company", request.company_id).data
    assert (company["name"], company["account_status"]) == ("ACME works council", "accepted")
    contact = catalog.get(ORG, "contact", request.contact_id).data
    assert contact["relay"] and contact["company_id"] == request.company_id
    assert contact["code"] == request.contact_number and contact["email"] == EMAIL
    [mail] = _mails_to(EMAIL)
    assert request.contact_number in mail.text
    assert request.password_hash is None  # forgotten once decided
    token, _, shopper, relay = company_accounts.log_in_relay(ORG, EMAIL, PASSWORD, request.contact_number)
    assert token and shopper.shopper_id == request.shopper_id and relay["id"] == request.contact_id


def test_accepting_again_creates_no_second_company_nor_mail(school_type):
    request_id = _ask()
    first = company_accounts.accept(ORG, request_id, "admin")
    again = company_accounts.accept(ORG, request_id, "someone-else")

    assert (again.company_id, again.contact_number, again.decided_by) == (
        first.company_id,
        first.contact_number,
        "admin",
    )
    assert len(catalog.all_items(ORG, "company")) == 1
    assert len(_mails_to(EMAIL)) == 1


def test_an_acceptance_that_stopped_halfway_is_run_again_without_doubles(school_type, monkeypatch):
    request_id = _ask()

    def broken(*_args):
        raise RuntimeError("the process stopped here")

    with monkeypatch.context() as patched:
        patched.setattr(company_account_mails, "accepted", broken)
        with pytest.raises(RuntimeError):
            company_accounts.accept(ORG, request_id, "admin")
    assert company_accounts.get_request(ORG, request_id).status == "requested"

    request = company_accounts.accept(ORG, request_id, "admin")

    assert request.status == "accepted"
    assert [c.id for c in catalog.all_items(ORG, "company")] == [request.company_id]
    assert [c.id for c in catalog.all_items(ORG, "contact")] == [request.contact_id]
    assert len(_mails_to(EMAIL)) == 1


def test_refusing_mails_the_reason_and_again_changes_nothing(school_type):
    request_id = _ask()
    refused = company_accounts.refuse(ORG, request_id, "admin", "We could not find your company")
    again = company_accounts.refuse(ORG, request_id, "admin", "Another reason")

    assert refused.status == again.status == "refused"
    assert again.reason == "We could not find your company"
    [mail] = _mails_to(EMAIL)
    assert "We could not find your company" in mail.text
    with pytest.raises(Conflict) as conflict:
        company_accounts.accept(ORG, request_id, "admin")
    assert conflict.value.details["status"] == "refused"


def test_an_accepted_request_cannot_be_refused(school_type):
    request_id = _ask()
    company_accounts.accept(ORG, request_id, "admin")
    with pytest.raises(Conflict) as conflict:
        company_accounts.refuse(ORG, request_id, "admin", "Changed my mind")
    assert conflict.value.details["status"] == "accepted"


def test_a_relay_with_a_wrong_contact_number_gets_the_same_answer_as_a_wrong_password(school_type):
    number = company_accounts.accept(ORG, _ask(), "admin").contact_number

    with pytest.raises(InvalidCredentials) as wrong_number:
        company_accounts.log_in_relay(ORG, EMAIL, PASSWORD, "00000000" if number != "00000000" else "1")
    with pytest.raises(InvalidCredentials) as wrong_password:
        company_accounts.log_in_relay(ORG, EMAIL, "not-the-password", number)

    assert str(wrong_number.value) == str(wrong_password.value)
    assert wrong_number.value.details == wrong_password.value.details


def test_a_shopper_who_is_no_relay_cannot_log_in_as_a_relay(organisation):
    auth.register_shopper(ORG, "bob@example.com", "Bob", "bob-password-1")
    with pytest.raises(InvalidCredentials):
        company_accounts.log_in_relay(ORG, "bob@example.com", "bob-password-1", "12345678")


def test_the_relay_of_a_suspended_company_is_refused_at_log_in(school_type):
    request = company_accounts.accept(ORG, _ask(), "admin")
    company = catalog.get(ORG, "company", request.company_id)
    spec = k.CompanySpec(**{**company.data, "account_status": "suspended"})
    catalog.replace(ORG, "company", company.id, spec, None)

    with pytest.raises(PermissionDenied) as refused:
        company_accounts.log_in_relay(ORG, EMAIL, PASSWORD, request.contact_number)

    assert refused.value.details["reason"] == "company_not_accepted"
    assert refused.value.details["company_id"] == request.company_id


def test_an_existing_account_given_with_its_password_becomes_the_relay(school_type):
    _, _, shopper = auth.register_shopper(ORG, EMAIL, "Claire", PASSWORD)

    request = company_accounts.accept(ORG, _ask(), "admin")

    assert request.shopper_id == shopper.shopper_id


def test_an_existing_account_not_given_with_its_password_is_not_taken_over(school_type):
    auth.register_shopper(ORG, EMAIL, "Claire", "the-real-owners-one")
    request_id = _ask(password="someone-elses-guess")

    with pytest.raises(Conflict) as conflict:
        company_accounts.accept(ORG, request_id, "admin")

    assert conflict.value.details["reason"] == "email_has_another_account"
    assert company_accounts.get_request(ORG, request_id).status == "requested"


def test_check_accepted_names_the_reason_for_a_company_not_accepted(school_type):
    spec = k.CompanySpec(code="NEW", name="New", company_type_id=school_type, account_status="requested")
    company_id = catalog.create(ORG, "company", spec).id
    by_hand = catalog.create(
        ORG, "company", k.CompanySpec(code="OLD", name="Old", company_type_id=school_type)
    )

    with pytest.raises(PermissionDenied) as refused:
        company_accounts.check_accepted(ORG, company_id)

    assert refused.value.details == {
        "reason": "company_not_accepted",
        "company_id": company_id,
        "account_status": "requested",
    }
    company_accounts.check_accepted(ORG, by_hand.id)  # a company made by hand is accepted
