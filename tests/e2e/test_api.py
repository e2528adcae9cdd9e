"""The running stack over HTTP: accounts, rights, validation and errors as a client sees them."""

from __future__ import annotations


def test_health_answers_ok(api):
    response = api.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_operator_login_returns_a_token_that_names_the_operator(api, stack):
    response = api.post(
        "/backoffice/login",
        {"org_id": stack.org, "login": stack.admin_login, "password": stack.admin_password},
    )

    assert response.status_code == 200
    session = response.json()
    assert session["token"].count(".") == 2  # a JWT
    me = api.get("/backoffice/me", token=session["token"])
    assert me.status_code == 200
    assert (me.json()["org_id"], me.json()["login"]) == (stack.org, stack.admin_login)
    assert "create" in me.json()["rights"]["operators"]


def test_wrong_password_is_refused_as_401(api, stack):
    response = api.post(
        "/backoffice/login", {"org_id": stack.org, "login": stack.admin_login, "password": "not-it-at-all"}
    )

    assert response.status_code == 401
    assert "token" not in response.json()


def test_back_office_without_token_is_a_401_json_error(api):
    response = api.get("/backoffice/me")

    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "not_authenticated"


def test_shopper_token_is_refused_on_back_office_routes(api, shopper_token):
    response = api.get("/backoffice/me", token=shopper_token)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_restricted_operator_is_refused_the_operators_list(api, cashier_token, stack):
    me = api.get("/backoffice/me", token=cashier_token)
    response = api.get("/backoffice/operators", token=cashier_token)

    assert me.status_code == 200
    assert me.json()["login"] == stack.cashier_login
    assert "operators" not in me.json()["rights"]
    assert response.status_code == 403
    assert response.json()["details"] == {"right": "operators:read"}


def test_unknown_body_field_is_422_naming_the_field(api, admin_token):
    body = {"login": "newcomer", "name": "New", "password": "long-enough-password", "is_owner": True}

    response = api.post("/backoffice/operators", body, token=admin_token)

    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_input"
    assert [f["field"] for f in error["details"]["fields"]] == ["is_owner"]
    assert api.get("/backoffice/operators/newcomer", token=admin_token).status_code == 404


def test_admin_page_and_its_assets_are_served(api):
    page = api.get("/admin")
    script = api.get("/admin/admin.js")

    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'id="login-submit"' in page.text
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]


def test_unknown_or_overlong_admin_asset_is_a_404_not_a_crash(api):
    # Found by the fuzzer: a name longer than the file system allows made stat() raise.
    for name in ("nope.js", "..%2Fapp.py", "x" * 300):
        response = api.get(f"/admin/{name}")

        assert response.status_code == 404, (name[:20], response.text)
        assert response.json()["code"] == "not_found"
