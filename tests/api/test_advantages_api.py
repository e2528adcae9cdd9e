"""Advantages and promo codes over HTTP: the rights they need, 422s naming the field, the codes' life."""

from __future__ import annotations

import pytest

ADVANTAGE = {
    "season_id": "S2026",
    "event_ids": ["EV1"],
    "prices": [{"audience_subcategory_id": "FULL", "rule": {"kind": "amount_off", "value": 500}}],
    "public_name": "Company codes",
    "description": "For our partners' staff",
    "target": {"type": "single_use_codes"},
    "channel_ids": ["WEB"],
    "valid_from": "2026-01-01T00:00:00Z",
    "end_of_sale": {"rule": "performance_start_plus_tolerance", "tolerance_minutes": 30},
    "quota": 100,
}
PROMO = {"code": "spring10", "public_name": "Spring", "discount": {"kind": "percent_off", "value": 10}}


def operator_with(api, admin: str, login: str, rights: dict) -> str:
    api.call("POST", "/backoffice/roles", {"name": login, "rights": rights}, token=admin)
    body = {"login": login, "name": login, "password": f"{login}-password", "roles": [login]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login(login, f"{login}-password")


def live_advantage(api, token: str) -> str:
    created = api.call("POST", "/backoffice/advantages", ADVANTAGE, token=token)
    assert created.status_code == 201, created.json_body
    ident = created.json_body["advantage_id"]
    state = {"action": "put_in_operation", "version": 1}
    assert api.call("POST", f"/backoffice/advantages/{ident}/state", state, token=token).status_code == 200
    return ident


def test_an_operator_sets_up_an_advantage_generates_codes_and_tracks_them(api):
    admin = api.login()
    ident = live_advantage(api, admin)
    path = f"/backoffice/advantages/{ident}"
    shown = api.call("GET", path, token=admin).json_body
    assert (shown["state"], shown["version"], shown["end_of_sale"]["tolerance_minutes"]) == (
        "in_operation",
        2,
        30,
    )
    batch = api.call("POST", f"{path}/codes", {"count": 25, "contact_id": "ACME"}, token=admin)
    assert batch.status_code == 201 and len(set(batch.json_body["codes"])) == 25
    imported = api.call("POST", f"{path}/codes/import", {"codes": ["acme-0001"]}, token=admin)
    assert imported.json_body["codes"] == ["ACME-0001"]
    revoked = api.call(
        "POST", f"{path}/codes/revoke", {"codes": ["ACME-0001"], "reason": "leaked"}, token=admin
    )
    assert revoked.json_body["outcomes"] == {"ACME-0001": "revoked"}
    page = api.call("GET", f"{path}/codes?limit=10", token=admin).json_body
    assert len(page["codes"]) == 10 and page["after"] == page["codes"][-1]["code"]
    rest = api.call("GET", f"{path}/codes?limit=100&after={page['after']}", token=admin).json_body
    states = [c["state"] for c in page["codes"] + rest["codes"]]
    assert len(states) == 26 and states.count("revoked") == 1 and rest["after"] is None
    listed = api.call("GET", "/backoffice/advantages", token=admin).json_body["advantages"]
    assert [a["advantage_id"] for a in listed] == [ident]


def test_a_promo_code_is_created_changed_with_its_version_and_deleted_while_a_draft(api):
    admin = api.login()
    created = api.call("POST", "/backoffice/promo-codes", PROMO, token=admin).json_body
    path = f"/backoffice/promo-codes/{created['promo_id']}"
    assert created["code"] == "SPRING10"
    changed = api.call("PUT", f"{path}?version=1", {**PROMO, "minimum_basket": 5000}, token=admin)
    assert changed.status_code == 200 and changed.json_body["minimum_basket"] == 5000
    stale = api.call("PUT", f"{path}?version=1", PROMO, token=admin)
    assert stale.status_code == 409 and stale.json_body["code"] == "version_conflict"
    again = api.call("POST", "/backoffice/promo-codes", {**PROMO, "code": "Spring10"}, token=admin)
    assert again.status_code == 409 and again.json_body["details"]["field"] == "code"
    assert api.call("DELETE", f"{path}?version=2", token=admin).status_code == 204
    assert api.call("GET", path, token=admin).status_code == 404


def test_an_operator_without_advantage_rights_is_refused_and_each_action_needs_its_own(api):
    admin = api.login()
    ident = live_advantage(api, admin)
    stranger = operator_with(api, admin, "stranger", {"orders": ["read"]})
    reader = operator_with(api, admin, "reader", {"advantages": ["read"]})
    for method, path, body in [
        ("GET", "/backoffice/advantages", None),
        ("GET", "/backoffice/promo-codes", None),
        ("POST", "/backoffice/advantages", ADVANTAGE),
        ("GET", f"/backoffice/advantages/{ident}/codes", None),
    ]:
        refused = api.call(method, path, body, token=stranger)
        assert refused.status_code == 403 and refused.json_body["code"] == "permission_denied", path
    assert api.call("GET", f"/backoffice/advantages/{ident}", token=reader).status_code == 200
    assert (
        api.call("POST", f"/backoffice/advantages/{ident}/codes", {"count": 1}, token=reader).status_code
        == 403
    )
    close = {"action": "close", "version": 2}
    assert api.call("POST", f"/backoffice/advantages/{ident}/state", close, token=reader).status_code == 403
    assert api.call("POST", "/backoffice/promo-codes", PROMO, token=reader).status_code == 403


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/backoffice/advantages", {**ADVANTAGE, "state": "in_operation"}, "state"),
        ("/backoffice/advantages", {**ADVANTAGE, "public_name": ""}, "public_name"),
        ("/backoffice/advantages", {**ADVANTAGE, "quota": -1}, "quota"),
        ("/backoffice/advantages", {**ADVANTAGE, "product_family": "pass"}, "product_family"),
        (
            "/backoffice/advantages",
            {
                **ADVANTAGE,
                "prices": [
                    {"audience_subcategory_id": "FULL", "rule": {"kind": "percent_off", "value": 150}}
                ],
            },
            "prices.0.rule",
        ),
        ("/backoffice/advantages", {**ADVANTAGE, "target": {"type": "contacts"}}, "target"),
        ("/backoffice/promo-codes", {**PROMO, "code": "no spaces"}, "code"),
        (
            "/backoffice/promo-codes",
            {**PROMO, "discount": {"kind": "set_price", "value": 5}},
            "discount.kind",
        ),
        ("/backoffice/promo-codes", {**PROMO, "indicator": "loyalty"}, "body"),
    ],
)
def test_bad_settings_are_422_naming_the_field(api, path, body, field):
    response = api.call("POST", path, body, token=api.login())
    assert response.status_code == 422, response.json_body
    fields = [f["field"] for f in response.json_body["details"]["fields"]]
    assert any(f.startswith(field) for f in fields), fields


def test_more_than_100000_codes_at_once_or_a_bad_state_action_is_422(api):
    admin = api.login()
    ident = live_advantage(api, admin)
    too_many = api.call("POST", f"/backoffice/advantages/{ident}/codes", {"count": 100_001}, token=admin)
    assert too_many.status_code == 422 and too_many.json_body["details"]["fields"][0]["field"] == "count"
    bad = api.call(
        "POST", f"/backoffice/advantages/{ident}/state", {"action": "reopen", "version": 2}, token=admin
    )
    assert bad.status_code == 422 and bad.json_body["details"]["fields"][0]["field"] == "action"
    reopened = api.call(
        "POST",
        f"/backoffice/advantages/{ident}/state",
        {"action": "put_in_operation", "version": 2},
        token=admin,
    )
    assert reopened.status_code == 409 and reopened.json_body["code"] == "invalid_transition"
