"""Shopper accounts in a shop: register, log in, my account."""

from __future__ import annotations

REGISTRATION = {"email": "Ann@Example.com", "name": "Ann", "password": "ann-password"}


def test_shopper_registers_and_sees_their_account(api):
    registered = api.call("POST", "/shop/demo/account", REGISTRATION)

    assert registered.status_code == 201
    mine = api.call("GET", "/shop/demo/account", token=registered.json_body["token"])
    assert mine.status_code == 200
    assert mine.json_body["email"] == "ann@example.com"
    assert mine.json_body["shopper_id"] == registered.json_body["shopper"]["shopper_id"]


def test_one_account_per_email_whatever_its_case(api):
    api.call("POST", "/shop/demo/account", REGISTRATION)

    again = api.call("POST", "/shop/demo/account", {**REGISTRATION, "email": "ANN@example.com"})

    assert again.status_code == 409
    assert again.json_body["details"] == {"field": "email"}


def test_shopper_logs_in_with_email_and_password(api):
    api.call("POST", "/shop/demo/account", REGISTRATION)

    ok = api.call(
        "POST", "/shop/demo/account/login", {"email": "ann@example.com", "password": "ann-password"}
    )
    wrong = api.call(
        "POST", "/shop/demo/account/login", {"email": "ann@example.com", "password": "nope-nope"}
    )

    assert ok.status_code == 200
    assert wrong.status_code == 401


def test_invalid_email_is_refused_naming_the_field(api):
    response = api.call("POST", "/shop/demo/account", {**REGISTRATION, "email": "not-an-email"})

    assert response.status_code == 422
    assert response.json_body["details"]["fields"][0]["field"] == "email"


def test_registering_in_an_unknown_shop_is_404(api):
    assert api.call("POST", "/shop/nowhere/account", REGISTRATION).status_code == 404


def test_my_account_needs_a_token(api):
    assert api.call("GET", "/shop/demo/account").status_code == 401
