"""Shopper accounts in a shop: register, verify the e-mail, log in and out, my account, my password."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from chalicelib.mail.service import list_outbox

REGISTRATION = {"email": "Ann@Example.com", "name": "Ann", "password": "ann-password"}
LOGIN = {"email": "ann@example.com", "password": "ann-password"}


def _log_in(api, body=LOGIN):
    return api.call("POST", "/shop/demo/account/login", body)


def _mails_to(address: str) -> list:
    return [entry for entry in list_outbox("demo", kind="account")[0] if entry.to == address]


def test_shopper_registers_logs_in_and_sees_their_account(api):
    registered = api.call("POST", "/shop/demo/account", REGISTRATION)

    assert registered.status_code == 202
    assert "token" not in registered.json_body
    session = _log_in(api).json_body
    mine = api.call("GET", "/shop/demo/account", token=session["token"])
    assert mine.status_code == 200
    assert mine.json_body["email"] == "ann@example.com"
    assert mine.json_body["shopper_id"] == session["shopper"]["shopper_id"]
    assert mine.json_body["email_verified"] is False


def test_registering_an_email_that_has_an_account_answers_the_same_and_tells_its_owner(api):
    first = api.call("POST", "/shop/demo/account", REGISTRATION)

    again = api.call(
        "POST", "/shop/demo/account", {**REGISTRATION, "email": "ANN@example.com", "password": "x" * 9}
    )

    assert (again.status_code, again.json_body) == (first.status_code, first.json_body)
    subjects = sorted(entry.subject for entry in _mails_to("ann@example.com"))
    assert subjects == ["Confirm your e-mail address", "Someone tried to open an account with your e-mail"]
    assert _log_in(api).status_code == 200  # the first password still holds


def test_the_emailed_link_verifies_the_address(api):
    api.call("POST", "/shop/demo/account", REGISTRATION)
    (mail,) = _mails_to("ann@example.com")
    link = next(word for word in mail.text.split() if "/account/verify?" in word)
    token = parse_qs(urlsplit(link).query)["token"][0]

    verified = api.call("GET", f"/shop/demo/account/verify?token={token}")

    assert verified.status_code == 200 and verified.json_body["email_verified"] is True
    session = _log_in(api).json_body
    assert api.call("GET", "/shop/demo/account", token=session["token"]).json_body["email_verified"] is True


def test_a_session_token_is_no_verification_link(api):
    api.call("POST", "/shop/demo/account", REGISTRATION)
    token = _log_in(api).json_body["token"]

    assert api.call("GET", f"/shop/demo/account/verify?token={token}").status_code == 401


def test_shopper_logs_in_with_email_and_password(api):
    api.call("POST", "/shop/demo/account", REGISTRATION)

    ok = _log_in(api)
    wrong = _log_in(api, {"email": "ann@example.com", "password": "nope-nope"})

    assert ok.status_code == 200
    assert wrong.status_code == 401


def test_logging_out_ends_that_session_and_leaves_the_accounts_others(api):
    api.call("POST", "/shop/demo/account", REGISTRATION)
    first, second = _log_in(api).json_body["token"], _log_in(api).json_body["token"]

    assert api.call("POST", "/shop/demo/account/logout", token=first).status_code == 204

    assert api.call("GET", "/shop/demo/account", token=first).json_body["code"] == "invalid_token"
    assert api.call("GET", "/shop/demo/account", token=second).status_code == 200


def test_a_password_change_needs_the_current_password_and_ends_other_sessions(api):
    api.call("POST", "/shop/demo/account", REGISTRATION)
    old = _log_in(api).json_body["token"]
    path = "/shop/demo/account/password"

    refused = api.call(
        "POST", path, {"current_password": "guess-guess", "new_password": "new-password"}, token=old
    )
    changed = api.call(
        "POST", path, {"current_password": "ann-password", "new_password": "new-password"}, token=old
    )

    assert refused.status_code == 422 and refused.json_body["details"]["field"] == "current_password"
    assert changed.status_code == 200
    assert api.call("GET", "/shop/demo/account", token=old).status_code == 401
    assert api.call("GET", "/shop/demo/account", token=changed.json_body["token"]).status_code == 200
    assert _log_in(api, {"email": "ann@example.com", "password": "new-password"}).status_code == 200


def test_invalid_email_is_refused_naming_the_field(api):
    response = api.call("POST", "/shop/demo/account", {**REGISTRATION, "email": "not-an-email"})

    assert response.status_code == 422
    assert response.json_body["details"]["fields"][0]["field"] == "email"


def test_registering_in_an_unknown_shop_is_404(api):
    assert api.call("POST", "/shop/nowhere/account", REGISTRATION).status_code == 404


def test_my_account_needs_a_token(api):
    assert api.call("GET", "/shop/demo/account").status_code == 401
