"""Indicators, levels, target lists and shop accounts' contacts over HTTP: the `contacts` rights they need,
422s naming the field, 404s for unknown ids, imports refused whole or answered row by row."""

from __future__ import annotations

import pytest

from tests.shopper_accounts import shopper_token

LOYALTY = {
    "code": "loyalty",
    "name": "Loyalty",
    "levels": [{"id": "regular", "name": "Regular"}, {"id": "subscriber", "name": "Subscriber"}],
}


def operator_with(api, admin: str, login: str, rights: dict) -> str:
    api.call("POST", "/backoffice/roles", {"name": login, "rights": rights}, token=admin)
    body = {"login": login, "name": login, "password": f"{login}-password", "roles": [login]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login(login, f"{login}-password")


def created(api, token: str, plural: str, body: dict) -> str:
    answer = api.call("POST", f"/backoffice/{plural}", body, token=token)
    assert answer.status_code == 201, answer.json_body
    return answer.json_body["id"]


@pytest.fixture
def world(api):
    admin = api.login()
    contacts = [
        created(
            api, admin, "contacts", {"code": f"C{n}", "name": f"Contact {n}", "email": f"c{n}@example.org"}
        )
        for n in (1, 2)
    ]
    return {
        "admin": admin,
        "indicator": created(api, admin, "indicators", LOYALTY),
        "list": created(api, admin, "target-lists", {"code": "opening", "name": "Opening night"}),
        "contacts": contacts,
    }


def shopper_id(api, admin: str, email: str) -> str:
    shopper_token(api, "demo", email, "Ann", "ann-password-1")
    found = api.call("GET", f"/backoffice/shoppers?email={email}", token=admin).json_body["shoppers"]
    return found[0]["shopper_id"]


def test_an_operator_defines_an_indicator_and_sets_a_contacts_level(api, world):
    admin, indicator, (c1, _) = world["admin"], world["indicator"], world["contacts"]
    path = f"/backoffice/contacts/{c1}/indicators"

    changed = api.call("PUT", path, {"levels": {indicator: "Subscriber"}}, token=admin)

    assert changed.status_code == 200, changed.json_body
    assert changed.json_body["levels"] == {indicator: "subscriber"}
    assert api.call("GET", path, token=admin).json_body == {
        "contact_id": c1,
        "levels": {indicator: "subscriber"},
        "target_list_ids": [],
    }
    shown = api.call("GET", f"/backoffice/indicators/{indicator}", token=admin).json_body
    assert [level["id"] for level in shown["levels"]] == ["regular", "subscriber"]


def test_a_level_import_sets_levels_or_refuses_the_file_naming_each_bad_row(api, world):
    admin, indicator, (c1, c2) = world["admin"], world["indicator"], world["contacts"]
    path = f"/backoffice/indicators/{indicator}/import"

    bad = api.call("POST", path, {"csv": "contact,level\nC1,regular\nC9,regular\nC2,gold\n"}, token=admin)

    assert bad.status_code == 422, bad.json_body
    assert [(p["line"], p["column"]) for p in bad.json_body["details"]["problems"]] == [
        (3, "contact"),
        (4, "level"),
    ]
    assert api.call("GET", f"/backoffice/contacts/{c1}/indicators", token=admin).json_body["levels"] == {}
    good = api.call("POST", path, {"csv": "C1,regular\nc2@example.org,subscriber\n"}, token=admin)
    assert good.status_code == 200 and good.json_body == {"indicator_id": indicator, "rows": 2, "contacts": 2}
    assert api.call("GET", f"/backoffice/contacts/{c2}/indicators", token=admin).json_body["levels"] == {
        indicator: "subscriber"
    }


def test_an_operator_builds_and_imports_a_target_list(api, world):
    admin, target, (c1, c2) = world["admin"], world["list"], world["contacts"]
    base = f"/backoffice/target-lists/{target}"

    added = api.call("POST", f"{base}/contacts", {"contact_ids": [c1]}, token=admin)
    imported = api.call("POST", f"{base}/import", {"csv": "C1\nc2@example.org\nnobody\n"}, token=admin)

    assert added.json_body == {"size": 1, "added": 1, "removed": 0}
    assert imported.status_code == 200, imported.json_body
    body = imported.json_body
    assert (body["added"], body["already_in"], body["size"]) == (1, 1, 2)
    assert body["unknown"] == [{"line": 3, "value": "nobody"}]
    page = api.call("GET", f"{base}/contacts?limit=1", token=admin).json_body
    assert len(page["contacts"]) == 1 and page["size"] == 2 and page["after"] is not None
    rest = api.call("GET", f"{base}/contacts?limit=1&after={page['after']}", token=admin).json_body
    assert {page["contacts"][0]["id"], rest["contacts"][0]["id"]} == {c1, c2} and rest["after"] is None
    removed = api.call("POST", f"{base}/contacts/remove", {"contact_ids": [c1]}, token=admin)
    assert removed.json_body == {"size": 1, "added": 0, "removed": 1}
    assert api.call("GET", f"/backoffice/contacts/{c2}/indicators", token=admin).json_body[
        "target_list_ids"
    ] == [target]
    assert [t["id"] for t in api.call("GET", "/backoffice/target-lists", token=admin).json_body["items"]] == [
        target
    ]


def test_a_shop_account_linked_to_its_contact_shares_its_levels_and_lists(api, world):
    admin, indicator, target, (c1, _) = world["admin"], world["indicator"], world["list"], world["contacts"]
    ann = shopper_id(api, admin, "ann@example.org")
    api.call(
        "PUT", f"/backoffice/contacts/{c1}/indicators", {"levels": {indicator: "subscriber"}}, token=admin
    )
    api.call("POST", f"/backoffice/target-lists/{target}/contacts", {"contact_ids": [c1]}, token=admin)

    linked = api.call("PUT", f"/backoffice/shoppers/{ann}/contact", {"contact_id": c1}, token=admin)
    own = api.call(
        "PUT", f"/backoffice/shoppers/{ann}/indicators", {"levels": {indicator: "regular"}}, token=admin
    )

    assert linked.status_code == 200 and linked.json_body["contact_id"] == c1
    assert own.status_code == 200, own.json_body
    assert own.json_body["levels"] == {indicator: "regular"}
    assert own.json_body["profile_levels"] == {indicator: "subscriber"}
    assert own.json_body["target_list_ids"] == [target]
    bob = shopper_id(api, admin, "bob@example.org")
    taken = api.call("PUT", f"/backoffice/shoppers/{bob}/contact", {"contact_id": c1}, token=admin)
    assert taken.status_code == 409 and taken.json_body["details"]["field"] == "contact_id"
    unlinked = api.call("DELETE", f"/backoffice/shoppers/{ann}/contact", token=admin)
    assert unlinked.status_code == 200 and unlinked.json_body["contact_id"] is None
    shown = api.call("GET", f"/backoffice/shoppers/{ann}/indicators", token=admin).json_body
    assert shown["profile_levels"] == {indicator: "regular"} and shown["target_list_ids"] == []


def test_an_operator_without_the_contacts_right_is_refused_and_a_reader_cannot_change(api, world):
    admin, indicator, target, (c1, _) = world["admin"], world["indicator"], world["list"], world["contacts"]
    ann = shopper_id(api, admin, "ann@example.org")
    stranger = operator_with(api, admin, "stranger", {"orders": ["read"]})
    reader = operator_with(api, admin, "reader", {"contacts": ["read"]})
    reads = [
        ("GET", "/backoffice/indicators", None),
        ("GET", f"/backoffice/contacts/{c1}/indicators", None),
        ("GET", f"/backoffice/target-lists/{target}/contacts", None),
        ("GET", "/backoffice/shoppers?email=ann@example.org", None),
        ("GET", f"/backoffice/shoppers/{ann}/contact", None),
        ("GET", f"/backoffice/shoppers/{ann}/indicators", None),
    ]
    writes = [
        ("POST", "/backoffice/indicators", LOYALTY),
        ("POST", f"/backoffice/indicators/{indicator}/import", {"csv": "C1,regular"}),
        ("PUT", f"/backoffice/contacts/{c1}/indicators", {"levels": {}}),
        ("POST", f"/backoffice/target-lists/{target}/contacts", {"contact_ids": [c1]}),
        ("POST", f"/backoffice/target-lists/{target}/contacts/remove", {"contact_ids": [c1]}),
        ("POST", f"/backoffice/target-lists/{target}/import", {"csv": "C1"}),
        ("PUT", f"/backoffice/shoppers/{ann}/contact", {"contact_id": c1}),
        ("DELETE", f"/backoffice/shoppers/{ann}/contact", None),
        ("PUT", f"/backoffice/shoppers/{ann}/indicators", {"levels": {}}),
        ("DELETE", f"/backoffice/target-lists/{target}", None),
    ]
    for method, path, body in reads + writes:
        refused = api.call(method, path, body, token=stranger)
        assert refused.status_code == 403 and refused.json_body["code"] == "permission_denied", path
    for method, path, body in reads:
        assert api.call(method, path, body, token=reader).status_code == 200, path
    for method, path, body in writes:
        assert api.call(method, path, body, token=reader).status_code == 403, path


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/backoffice/indicators", {**LOYALTY, "levels": []}, "levels"),
        ("POST", "/backoffice/indicators", {**LOYALTY, "levels": LOYALTY["levels"] * 2}, "body"),
        ("POST", "/backoffice/indicators/{indicator}/import", {"csv": ""}, "csv"),
        ("POST", "/backoffice/indicators/{indicator}/import", {"file": "C1,regular"}, "file"),
        (
            "PUT",
            "/backoffice/contacts/{contact}/indicators",
            {"levels": {"{indicator}": "gold"}},
            "levels.{indicator}",
        ),
        ("PUT", "/backoffice/contacts/{contact}/indicators", {"levels": {"nope": "regular"}}, "levels.nope"),
        ("POST", "/backoffice/target-lists/{list}/contacts", {"contact_ids": []}, "contact_ids"),
        ("POST", "/backoffice/target-lists/{list}/contacts", {"contact_ids": ["ghost"]}, "contact_ids.0"),
        ("PUT", "/backoffice/shoppers/{shopper}/contact", {"contact_id": "ghost"}, "contact_id"),
        (
            "PUT",
            "/backoffice/shoppers/{shopper}/indicators",
            {"levels": {"{indicator}": "gold"}},
            "levels.{indicator}",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(api, world, method, path, body, field):
    admin = world["admin"]
    names = {
        "indicator": world["indicator"],
        "contact": world["contacts"][0],
        "list": world["list"],
        "shopper": shopper_id(api, admin, "ann@example.org"),
    }

    def filled(value):
        if isinstance(value, str):
            return value.format(**names)
        if isinstance(value, dict):
            return {filled(k): filled(v) for k, v in value.items()}
        if isinstance(value, list):
            return [filled(v) for v in value]
        return value

    response = api.call(method, filled(path), filled(body), token=admin)

    assert response.status_code == 422, response.json_body
    details = response.json_body["details"]
    fields = [f["field"] for f in details.get("fields", [])] + [details.get("field")]
    assert any(f and f.startswith(filled(field)) for f in fields), details


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/backoffice/indicators/nope/import", {"csv": "C1,regular"}),
        ("GET", "/backoffice/contacts/nope/indicators", None),
        ("PUT", "/backoffice/contacts/nope/indicators", {"levels": {}}),
        ("GET", "/backoffice/target-lists/nope/contacts", None),
        ("POST", "/backoffice/target-lists/nope/contacts", {"contact_ids": ["x"]}),
        ("POST", "/backoffice/target-lists/nope/contacts/remove", {"contact_ids": ["x"]}),
        ("POST", "/backoffice/target-lists/nope/import", {"csv": "C1"}),
        ("GET", "/backoffice/shoppers/nope/contact", None),
        ("PUT", "/backoffice/shoppers/nope/contact", {"contact_id": "x"}),
        ("DELETE", "/backoffice/shoppers/nope/contact", None),
        ("GET", "/backoffice/shoppers/nope/indicators", None),
        ("PUT", "/backoffice/shoppers/nope/indicators", {"levels": {}}),
    ],
)
def test_unknown_ids_are_404(api, world, method, path, body):
    response = api.call(method, path, body, token=world["admin"])

    assert response.status_code == 404, response.json_body
    assert response.json_body["code"] == "not_found"


def test_a_list_past_its_cap_is_409_naming_the_cap(api, world, monkeypatch):
    from chalicelib.customers import model

    monkeypatch.setattr(model, "MAX_CONTACTS_PER_LIST", 1)
    path = f"/backoffice/target-lists/{world['list']}/contacts"

    refused = api.call("POST", path, {"contact_ids": world["contacts"]}, token=world["admin"])

    assert refused.status_code == 409 and refused.json_body["details"]["max_contacts"] == 1
    assert "at most 1 contacts" in refused.json_body["message"]
    assert api.call("GET", path, token=world["admin"]).json_body["size"] == 0
