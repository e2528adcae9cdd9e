"""Operators and roles through the back-office API."""

from __future__ import annotations


def test_admin_creates_an_operator_who_can_then_log_in(api):
    admin = api.login()
    body = {"login": "jane", "name": "Jane", "password": "jane-password", "roles": ["administrator"]}

    created = api.call("POST", "/backoffice/operators", body, token=admin)

    assert created.status_code == 201
    assert created.json_body == {
        "org_id": "demo",
        "login": "jane",
        "name": "Jane",
        "roles": ["administrator"],
        "active": True,
        "credentials_changed_at": None,
        "credentials_changed_by": None,
        "scope": {"audience_category_ids": [], "product_families": [], "unrestricted": True},
    }
    assert api.login("jane", "jane-password")


def test_creating_an_operator_twice_is_a_conflict(api):
    admin = api.login()
    body = {"login": "jane", "name": "Jane", "password": "jane-password"}
    api.call("POST", "/backoffice/operators", body, token=admin)

    again = api.call("POST", "/backoffice/operators", body, token=admin)

    assert again.status_code == 409
    assert again.json_body["code"] == "already_exists"


def test_operator_with_an_unknown_role_is_refused_naming_the_field(api):
    body = {"login": "jane", "name": "Jane", "password": "jane-password", "roles": ["wizard"]}

    response = api.call("POST", "/backoffice/operators", body, token=api.login())

    assert response.status_code == 422
    assert response.json_body["details"]["field"] == "roles"
    assert api.call("GET", "/backoffice/operators/jane", token=api.login()).status_code == 404


def test_operator_password_change_takes_effect(api):
    admin = api.login()
    api.call(
        "POST", "/backoffice/operators", {"login": "jo", "name": "Jo", "password": "first-pass"}, token=admin
    )

    changed = api.call("PATCH", "/backoffice/operators/jo", {"password": "second-pass"}, token=admin)

    assert changed.status_code == 200
    failed = api.call(
        "POST", "/backoffice/login", {"org_id": "demo", "login": "jo", "password": "first-pass"}
    )
    assert failed.status_code == 401
    assert api.login("jo", "second-pass")


def test_operator_cannot_deactivate_or_delete_themselves(api):
    admin = api.login()

    assert api.call("PATCH", "/backoffice/operators/admin", {"active": False}, token=admin).status_code == 422
    assert api.call("DELETE", "/backoffice/operators/admin", token=admin).status_code == 422
    assert api.call("GET", "/backoffice/me", token=admin).status_code == 200


def test_deleted_operator_is_gone(api):
    admin = api.login()
    api.call(
        "POST", "/backoffice/operators", {"login": "jo", "name": "Jo", "password": "first-pass"}, token=admin
    )

    assert api.call("DELETE", "/backoffice/operators/jo", token=admin).status_code == 204
    assert api.call("GET", "/backoffice/operators/jo", token=admin).status_code == 404
    assert api.call("DELETE", "/backoffice/operators/jo", token=admin).status_code == 404


def test_role_rights_are_validated_by_area_and_action(api):
    admin = api.login()
    bad_area = {"name": "x", "rights": {"kitchen": ["read"]}}
    bad_action = {"name": "x", "rights": {"catalog": ["cook"]}}

    for body in (bad_area, bad_action):
        response = api.call("POST", "/backoffice/roles", body, token=admin)
        assert response.status_code == 422
        assert response.json_body["details"]["fields"][0]["field"].startswith("rights")
    assert [r["name"] for r in api.call("GET", "/backoffice/roles", token=admin).json_body] == [
        "administrator"
    ]


def test_role_is_created_listed_changed_and_deleted(api):
    admin = api.login()
    created = api.call(
        "POST", "/backoffice/roles", {"name": "sales", "rights": {"orders": ["modify", "read"]}}, token=admin
    )
    assert created.json_body == {"name": "sales", "rights": {"orders": ["read", "modify"]}}

    changed = api.call("PUT", "/backoffice/roles/sales", {"rights": {"orders": ["read"]}}, token=admin)
    assert changed.status_code == 200
    listed = {r["name"]: r["rights"] for r in api.call("GET", "/backoffice/roles", token=admin).json_body}
    assert listed["sales"] == {"orders": ["read"]}

    assert api.call("DELETE", "/backoffice/roles/sales", token=admin).status_code == 204
    assert api.call("PUT", "/backoffice/roles/sales", {"rights": {}}, token=admin).status_code == 404


def test_a_role_given_to_an_operator_and_the_administrator_role_cannot_be_deleted(api):
    admin = api.login()
    api.call("POST", "/backoffice/roles", {"name": "sales", "rights": {}}, token=admin)
    api.call(
        "POST",
        "/backoffice/operators",
        {"login": "jo", "name": "Jo", "password": "first-pass", "roles": ["sales"]},
        token=admin,
    )

    in_use = api.call("DELETE", "/backoffice/roles/sales", token=admin)
    builtin = api.call("DELETE", "/backoffice/roles/administrator", token=admin)

    assert in_use.status_code == builtin.status_code == 422
    assert in_use.json_body["details"]["operators"] == ["jo"]


def test_operators_of_another_organisation_are_invisible(api):
    from chalicelib.auth import service

    service.create_organisation("other", "Other Hall", "boss", "boss-password")
    boss = api.login("boss", "boss-password", org="other")

    listed = api.call("GET", "/backoffice/operators", token=boss).json_body

    assert [o["login"] for o in listed] == ["boss"]
    assert api.call("GET", "/backoffice/operators/admin", token=boss).status_code == 404


def test_any_operator_can_read_the_areas_and_actions_roles_grant(api):
    from chalicelib.auth.model import ACTIONS, AREAS, PRODUCT_FAMILIES

    catalogue = api.call("GET", "/backoffice/rights", token=api.login()).json_body

    assert catalogue == {
        "areas": list(AREAS),
        "actions": list(ACTIONS),
        "product_families": list(PRODUCT_FAMILIES),
    }


def _manager(api, admin: str, rights: dict | None = None) -> str:
    """An operator who manages operators (every action in `operators`) but is no administrator."""
    rights = rights or {"operators": ["read", "create", "modify", "delete"]}
    api.call("POST", "/backoffice/roles", {"name": "managers", "rights": rights}, token=admin)
    body = {"login": "max", "name": "Max", "password": "max-password", "roles": ["managers"]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login("max", "max-password")


def test_an_operator_manager_cannot_give_themselves_the_administrator_role(api):
    max_ = _manager(api, api.login())

    response = api.call(
        "PATCH", "/backoffice/operators/max", {"roles": ["managers", "administrator"]}, token=max_
    )

    assert response.status_code == 403
    assert api.call("GET", "/backoffice/operators/max", token=api.login()).json_body["roles"] == ["managers"]


def test_an_operator_manager_cannot_touch_the_administrator_or_the_administrator_role(api):
    max_ = _manager(api, api.login())

    password = api.call("PATCH", "/backoffice/operators/admin", {"password": "taken-over"}, token=max_)
    deactivate = api.call("PATCH", "/backoffice/operators/admin", {"active": False}, token=max_)
    emptied = api.call("PUT", "/backoffice/roles/administrator", {"rights": {}}, token=max_)

    assert [password.status_code, deactivate.status_code, emptied.status_code] == [403, 403, 403]
    assert api.login()  # the administrator's password still holds


def test_an_operator_grants_only_rights_they_hold(api):
    max_ = _manager(api, api.login())

    wider = api.call(
        "POST", "/backoffice/roles", {"name": "wide", "rights": {"orders": ["read"]}}, token=max_
    )
    narrower = api.call(
        "POST", "/backoffice/roles", {"name": "narrow", "rights": {"operators": ["read"]}}, token=max_
    )

    assert wider.status_code == 403 and wider.json_body["details"]["missing"] == ["orders:read"]
    assert narrower.status_code == 201


def test_the_last_administrator_keeps_the_role(api):
    admin = api.login()
    api.call("POST", "/backoffice/roles", {"name": "clerks", "rights": {"orders": ["read"]}}, token=admin)

    response = api.call("PATCH", "/backoffice/operators/admin", {"roles": ["clerks"]}, token=admin)

    assert response.status_code == 422
    assert api.call("GET", "/backoffice/me", token=admin).json_body["roles"] == ["administrator"]


def test_my_own_password_changes_only_with_the_current_one_and_is_recorded(api):
    admin = api.login()

    without = api.call("PATCH", "/backoffice/operators/admin", {"password": "new-admin-pass"}, token=admin)
    wrong = api.call(
        "POST",
        "/backoffice/me/password",
        {"current_password": "guess", "new_password": "new-admin-pass"},
        token=admin,
    )
    right = api.call(
        "POST",
        "/backoffice/me/password",
        {"current_password": "admin-password", "new_password": "new-admin-pass"},
        token=admin,
    )

    assert (without.status_code, wrong.status_code, right.status_code) == (422, 422, 200)
    me = api.call("GET", "/backoffice/operators/admin", token=right.json_body["token"]).json_body
    assert me["credentials_changed_by"] == "admin" and me["credentials_changed_at"]
    assert api.call("GET", "/backoffice/me", token=admin).status_code == 401  # the old session ended
