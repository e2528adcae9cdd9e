"""An operator's scope over HTTP: set and shown on the operator routes, and enforced on the options:
without the single_entry family no seat option, outside one's audience categories no action, and lists
show only what is in scope."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from tests.service.test_options import activity_settings
from tests.shop_world import World, build_world

ORG = "demo"
OPTION_RIGHTS = {"options": ["read", "create", "modify", "delete", "execute"]}


@pytest.fixture
def world(api) -> World:
    built = build_world()
    activity_settings(built, options_allowed=True, options_count_against_availability=True)
    return built


@pytest.fixture
def groups(world) -> tuple[str, str]:
    """A "Groups" audience category with a group rate priced on the world's grid; (category, rate)."""
    category = catalog.create(ORG, "audience_category", k.AudienceCategorySpec(code="GRP", name="Groups")).id
    spec = k.AudienceSubcategorySpec(audience_category_id=category, code="GROUP", name="Group rate")
    rate = catalog.create(ORG, "audience_subcategory", spec).id
    grid = catalog.get(ORG, "price_grid", world.grid_id)
    cells = [
        {"seat_category_id": world.category(code), "audience_subcategory_id": rate, "amount": 1000}
        for code in ("CAT1", "CAT2", "PIT")
    ]
    replaced = k.PriceGridSpec(**{**grid.data, "prices": [*grid.data["prices"], *cells]})
    catalog.replace(ORG, "price_grid", grid.id, replaced, None)
    return category, rate


@pytest.fixture
def contact(world) -> str:
    spec = k.ContactSpec(code="ANNE", name="Anne", email="anne@lycee.example")
    return catalog.create(ORG, "contact", spec).id


def public_category(world: World) -> str:
    full = catalog.get(ORG, "audience_subcategory", world.full).data
    return full["audience_category_id"]


def scoped_operator(api, login: str, scope: dict) -> str:
    admin = api.login()
    api.call("POST", "/backoffice/roles", {"name": "desk", "rights": OPTION_RIGHTS}, token=admin)
    body = {"login": login, "name": login, "password": f"{login}-password", "roles": ["desk"], "scope": scope}
    created = api.call("POST", "/backoffice/operators", body, token=admin)
    assert created.status_code == 201, created.json_body
    return api.login(login, f"{login}-password")


def request(api, token: str, world: World, contact: str, quantity: int = 4):
    body = {
        "contact_id": contact,
        "performance_id": world.performance_id,
        "quantities": {world.category("CAT2"): quantity},
    }
    return api.call("POST", "/backoffice/options", body, token=token)


def place(api, token: str, world: World, option_id: str, rate: str | None = None):
    body = {"lines": [{"category_id": world.category("CAT2"), "quantity": 4}]}
    if rate:
        body["audience_subcategory_id"] = rate
    return api.call("POST", f"/backoffice/options/{option_id}/place", body, token=token)


def test_a_scope_is_set_and_shown_on_the_operator_routes_and_emptied_to_unrestrict(api, world, groups):
    admin = api.login()
    scoped_operator(
        api, "grace", {"audience_category_ids": [groups[0]], "product_families": ["single_entry"]}
    )

    shown = api.call("GET", "/backoffice/operators/grace", token=admin).json_body["scope"]
    cleared = api.call("PATCH", "/backoffice/operators/grace", {"scope": {}}, token=admin).json_body["scope"]
    me = api.call("GET", "/backoffice/me", token=admin).json_body["scope"]

    assert shown == {
        "audience_category_ids": [groups[0]],
        "product_families": ["single_entry"],
        "unrestricted": False,
    }
    assert cleared["unrestricted"] is True and cleared["audience_category_ids"] == []
    assert me["unrestricted"] is True  # operators made before scopes existed keep working


def test_a_scope_naming_an_unknown_audience_category_is_refused_naming_the_field(api, world):
    admin = api.login()
    body = {
        "login": "bob",
        "name": "Bob",
        "password": "bob-password",
        "scope": {"audience_category_ids": ["nope"]},
    }

    response = api.call("POST", "/backoffice/operators", body, token=admin)

    assert response.status_code == 422
    assert response.json_body["details"]["field"] == "scope.audience_category_ids"
    assert response.json_body["details"]["unknown"] == ["nope"]


def test_a_scope_naming_an_unknown_product_family_is_refused_naming_the_field(api, world):
    admin = api.login()
    scoped_operator(api, "grace", {})

    response = api.call(
        "PATCH", "/backoffice/operators/grace", {"scope": {"product_families": ["cruise"]}}, token=admin
    )

    assert response.status_code == 422
    assert response.json_body["details"]["fields"][0]["field"].startswith("scope.product_families")


def test_without_the_single_entry_family_an_operator_places_no_seat_option(api, world, contact):
    admin = api.login()
    option = request(api, admin, world, contact).json_body
    vouchers_only = scoped_operator(api, "gina", {"product_families": ["gift_voucher"]})

    placed = place(api, vouchers_only, world, option["option_id"])
    asked = request(api, vouchers_only, world, contact)
    listed = api.call("GET", "/backoffice/options", token=vouchers_only).json_body

    assert placed.status_code == 403
    assert placed.json_body["code"] == "permission_denied"
    assert placed.json_body["details"] == {"reason": "product_family", "product_family": "single_entry"}
    assert asked.status_code == 403
    assert (
        listed["options"] == []
        and listed["hidden_out_of_scope"] == 1
        and "single_entry" in listed["scope_note"]
    )
    assert (
        api.call("GET", f"/backoffice/options/{option['option_id']}", token=admin).json_body["state"]
        == "requested"
    )


def test_an_operator_cannot_act_on_an_option_for_an_audience_outside_their_scope(api, world, contact, groups):
    admin = api.login()
    option = request(api, admin, world, contact).json_body
    assert place(api, admin, world, option["option_id"], world.full).status_code == 200
    group_desk = scoped_operator(api, "grace", {"audience_category_ids": [groups[0]]})

    refused = api.call("POST", f"/backoffice/options/{option['option_id']}/refuse", token=group_desk)
    validated = api.call(
        "POST", "/backoffice/options/validate", {"option_ids": [option["option_id"]]}, token=group_desk
    )
    read = api.call("GET", f"/backoffice/options/{option['option_id']}", token=group_desk)

    assert refused.status_code == 403
    assert refused.json_body["details"]["reason"] == "audience_category"
    assert refused.json_body["details"]["audience_category_ids"] == [public_category(world)]
    assert validated.status_code == 403 and option["option_id"] in validated.json_body["details"]["options"]
    assert read.status_code == 403
    assert (
        api.call("GET", f"/backoffice/options/{option['option_id']}", token=admin).json_body["state"]
        == "placed"
    )


def test_a_group_desk_places_a_request_at_the_group_rate_but_not_at_full_price(api, world, contact, groups):
    admin = api.login()
    option = request(api, admin, world, contact).json_body
    group_desk = scoped_operator(api, "grace", {"audience_category_ids": [groups[0]]})

    at_full_price = place(api, group_desk, world, option["option_id"], world.full)
    at_group_rate = place(api, group_desk, world, option["option_id"], groups[1])
    refused = api.call("POST", f"/backoffice/options/{option['option_id']}/refuse", token=group_desk)

    assert at_full_price.status_code == 403
    assert at_group_rate.status_code == 200 and at_group_rate.json_body["audience_category_id"] == groups[0]
    assert refused.status_code == 200 and refused.json_body["state"] == "refusal_pending"


def test_option_lists_show_a_scoped_operator_only_the_options_in_their_scope(api, world, contact, groups):
    admin = api.login()
    full_price = request(api, admin, world, contact, 2).json_body
    for_groups = request(api, admin, world, contact, 3).json_body
    assert place(api, admin, world, for_groups["option_id"], groups[1]).status_code == 200
    group_desk = scoped_operator(api, "grace", {"audience_category_ids": [groups[0]]})

    theirs = api.call("GET", "/backoffice/options", token=group_desk).json_body
    everyone = api.call("GET", "/backoffice/options", token=admin).json_body

    assert [o["option_id"] for o in theirs["options"]] == [for_groups["option_id"]]
    assert theirs["hidden_out_of_scope"] == 1 and "audience" in theirs["scope_note"]
    assert {o["option_id"] for o in everyone["options"]} == {full_price["option_id"], for_groups["option_id"]}
    assert everyone["hidden_out_of_scope"] == 0 and everyone["scope_note"] is None


def test_a_scoped_operator_cannot_give_a_wider_scope_than_their_own(api, world, groups):
    admin = api.login()
    api.call(
        "POST",
        "/backoffice/roles",
        {"name": "managers", "rights": {"operators": ["read", "create", "modify"]}},
        token=admin,
    )
    body = {
        "login": "max",
        "name": "Max",
        "password": "max-password",
        "roles": ["managers"],
        "scope": {"audience_category_ids": [groups[0]]},
    }
    api.call("POST", "/backoffice/operators", body, token=admin)
    manager = api.login("max", "max-password")

    wider = {"login": "zoe", "name": "Zoe", "password": "zoe-password", "scope": {}}
    within = {**wider, "login": "ann", "scope": {"audience_category_ids": [groups[0]]}}
    myself = {"scope": {"audience_category_ids": [groups[0], public_category(world)]}}

    assert api.call("POST", "/backoffice/operators", wider, token=manager).status_code == 403
    assert api.call("POST", "/backoffice/operators", within, token=manager).status_code == 201
    assert api.call("PATCH", "/backoffice/operators/max", myself, token=manager).status_code == 403


def test_a_group_desk_places_a_direct_option_only_at_a_rate_in_its_scope(api, world, contact, groups):
    group_desk = scoped_operator(api, "grace", {"audience_category_ids": [groups[0]]})
    body = {
        "contact_id": contact,
        "performance_id": world.performance_id,
        "lines": [{"category_id": world.category("CAT2"), "quantity": 2}],
    }

    at_full_price = api.call("POST", "/backoffice/options/direct", body, token=group_desk)
    wrong_rate = api.call(
        "POST", "/backoffice/options/direct", {**body, "audience_subcategory_id": "nope"}, token=group_desk
    )
    at_group_rate = api.call(
        "POST", "/backoffice/options/direct", {**body, "audience_subcategory_id": groups[1]}, token=group_desk
    )

    assert at_full_price.status_code == 403  # no rate: its lines are at full price, a public audience
    assert (
        wrong_rate.status_code == 422
        and wrong_rate.json_body["details"]["field"] == "audience_subcategory_id"
    )
    assert at_group_rate.status_code == 201, at_group_rate.json_body
    assert at_group_rate.json_body["state"] == "placed"
    assert at_group_rate.json_body["audience_category_id"] == groups[0]
