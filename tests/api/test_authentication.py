"""Who may call what: tokens, kinds of caller, rights per action."""

from __future__ import annotations

import contextlib
import time

import jwt
import pytest
import time_machine

from chalicelib.auth import service, tokens
from chalicelib.auth.model import Role
from chalicelib.clock import moved
from tests.fixtures import ORG


@pytest.fixture
def cashier(api):
    service.save_role(ORG, Role("box-office", {"orders": ["read"]}), create=True)
    service.create_operator(ORG, "cashier", "Cashier", "cashier-password", ["box-office"])
    return api.login("cashier", "cashier-password")


@pytest.fixture
def shopper_token(api):
    body = {"email": "ann@example.com", "name": "Ann", "password": "ann-password"}
    assert api.call("POST", f"/shop/{ORG}/account", body).status_code == 202
    login = {"email": "ann@example.com", "password": "ann-password"}
    return api.call("POST", f"/shop/{ORG}/account/login", login).json_body["token"]


def test_back_office_route_without_token_is_401(api):
    response = api.call("GET", "/backoffice/operators")

    assert response.status_code == 401
    assert response.json_body["code"] == "not_authenticated"


def test_authorization_header_must_be_bearer(api):
    response = api.http.get("/backoffice/me", headers={"Authorization": "Basic YWRtaW46eA=="})

    assert response.status_code == 401


def test_tampered_token_is_401(api):
    token = api.login()
    header, payload, signature = token.split(".")
    forged = ".".join([header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])

    response = api.call("GET", "/backoffice/me", token=forged)

    assert response.status_code == 401
    assert response.json_body["code"] == "invalid_token"


def test_token_signed_with_another_secret_is_401(api):
    now = int(time.time())
    claims = {"iss": "guichet", "aud": "operator", "org": ORG, "sub": "admin", "iat": now, "exp": now + 600}
    forged = jwt.encode(claims, "not-our-secret-but-long-enough-for-hs256", algorithm="HS256")

    assert api.call("GET", "/backoffice/me", token=forged).status_code == 401


def test_expired_token_is_401(api):
    token, _ = tokens.issue(tokens.OPERATOR, ORG, "admin", minutes=-1)

    response = api.call("GET", "/backoffice/me", token=token)

    assert response.status_code == 401
    assert "expired" in response.json_body["message"]


def test_shopper_token_on_back_office_route_is_403(api, shopper_token):
    response = api.call("GET", "/backoffice/me", token=shopper_token)

    assert response.status_code == 403
    assert response.json_body["code"] == "permission_denied"


def test_operator_without_the_right_is_403_and_told_which_right(api, cashier):
    response = api.call("GET", "/backoffice/operators", token=cashier)

    assert response.status_code == 403
    assert response.json_body["details"] == {"right": "operators:read"}


def test_operator_with_the_right_is_served(api, cashier):
    admin = api.login()

    assert api.call("GET", "/backoffice/operators", token=admin).status_code == 200
    assert api.call("GET", "/backoffice/me", token=cashier).json_body["rights"] == {"orders": ["read"]}


def test_rights_are_read_at_each_request_so_a_role_change_applies_at_once(api, cashier):
    admin = api.login()
    changed = api.call(
        "PUT", "/backoffice/roles/box-office", {"rights": {"operators": ["read"]}}, token=admin
    )
    assert changed.status_code == 200

    assert api.call("GET", "/backoffice/operators", token=cashier).status_code == 200


def test_deactivated_operator_token_stops_working(api, cashier):
    admin = api.login()
    assert (
        api.call("PATCH", "/backoffice/operators/cashier", {"active": False}, token=admin).status_code == 200
    )

    assert api.call("GET", "/backoffice/me", token=cashier).status_code == 401


def test_wrong_password_and_unknown_login_get_the_same_answer(api):
    wrong = api.call("POST", "/backoffice/login", {"org_id": ORG, "login": "admin", "password": "nope"})
    unknown = api.call("POST", "/backoffice/login", {"org_id": ORG, "login": "ghost", "password": "nope"})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json_body == unknown.json_body


def test_shopper_token_of_one_shop_is_refused_by_another(api, shopper_token):
    service.create_organisation("other", "Other Hall", "boss", "boss-password")

    assert api.call("GET", f"/shop/{ORG}/account", token=shopper_token).status_code == 200
    assert api.call("GET", "/shop/other/account", token=shopper_token).status_code == 403


def test_operator_token_is_not_a_shopper_token(api):
    assert api.call("GET", f"/shop/{ORG}/account", token=api.login()).status_code == 403


def test_login_never_returns_the_password_hash(api):
    response = api.call(
        "POST", "/backoffice/login", {"org_id": ORG, "login": "admin", "password": "admin-password"}
    )

    assert "password" not in response.body.decode()
    assert "scrypt" not in response.body.decode()


def _log_in(api, login: str, password: str):
    return api.call("POST", "/backoffice/login", {"org_id": ORG, "login": login, "password": password})


def test_an_old_token_stops_working_when_the_password_changes(api, cashier):
    admin = api.login()

    api.call("PATCH", "/backoffice/operators/cashier", {"password": "another-password"}, token=admin)

    assert api.call("GET", "/backoffice/me", token=cashier).json_body["code"] == "invalid_token"
    assert api.login("cashier", "another-password")


def test_logging_out_ends_that_session_at_once_and_leaves_the_others(api):
    first, second = api.login(), api.login()

    assert api.call("POST", "/backoffice/logout", token=first).status_code == 204

    assert api.call("GET", "/backoffice/me", token=first).status_code == 401
    assert api.call("GET", "/backoffice/me", token=second).status_code == 200
    assert api.call("POST", "/backoffice/logout", token=first).status_code == 401


def test_a_logged_out_session_is_forgotten_once_its_token_has_expired(api):
    from chalicelib.auth import repository

    token = api.login()
    api.call("POST", "/backoffice/logout", token=token)
    [ended] = repository.get_operator(ORG, "admin").ended_sessions

    expiry = int(ended.rsplit(":", 1)[1])
    with time_machine.travel(expiry + 1, tick=False):
        api.login()

    assert repository.get_operator(ORG, "admin").ended_sessions == frozenset()


def test_after_failed_logins_even_the_right_password_waits_a_growing_delay(api):
    from chalicelib.auth import limits

    later = contextlib.ExitStack()  # the clock moved on by each wait in turn
    with later:
        for _ in range(limits.LOGIN_FREE_FAILURES_ACCOUNT + 1):
            assert _log_in(api, "admin", "wrong-guess").status_code == 401

        first_wait = _log_in(api, "admin", "admin-password")
        later.enter_context(moved(first_wait.json_body["details"]["retry_after"]))
        assert _log_in(api, "admin", "wrong-guess").status_code == 401
        second_wait = _log_in(api, "admin", "admin-password")

        assert first_wait.status_code == second_wait.status_code == 429
        assert first_wait.json_body["code"] == "too_many_requests"
        first, second = (w.json_body["details"]["retry_after"] for w in (first_wait, second_wait))
        assert second > first
        later.enter_context(moved(second))
        assert _log_in(api, "admin", "admin-password").status_code == 200


def test_one_client_guessing_many_accounts_is_slowed_down(api):
    from chalicelib.auth import limits

    for n in range(limits.LOGIN_FREE_FAILURES_ADDRESS + 1):
        assert _log_in(api, f"someone-{n}", "guess").status_code == 401

    assert _log_in(api, "admin", "admin-password").status_code == 429
