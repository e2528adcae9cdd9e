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
    from chalicelib.auth.model import ACTIONS, AREAS

    catalogue = api.call("GET", "/backoffice/rights", token=api.login()).json_body

    assert catalogue == {"areas": list(AREAS), "actions": list(ACTIONS)}
