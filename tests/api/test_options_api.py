"""Options over HTTP: a relay's request on a company point of sale, the operator's actions each with
its own right, refusals of transitions not allowed."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from tests.service.test_options import activity_settings
from tests.shop_world import World, build_world
from tests.shopper_accounts import link_relay, shopper_token

ORG = "demo"


@pytest.fixture
def world(api) -> World:
    built = build_world()
    activity_settings(built, options_allowed=True, options_count_against_availability=True)
    return built


@pytest.fixture
def relay(api, world) -> tuple[str, str]:
    """A company's relay: a contact, and a shopper account with the same email; its token."""
    school = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="SCHOOL", name="School")).id
    company = catalog.create(
        ORG, "company", k.CompanySpec(code="LYC", name="Lycée", company_type_id=school)
    ).id
    spec = k.ContactSpec(code="ANNE", name="Anne", email="anne@lycee.example", company_id=company, relay=True)
    contact = catalog.create(ORG, "contact", spec).id
    profile = k.SeatOptionProfileSpec(
        code="GRP",
        name="Groups",
        channel_ids=[world.channels["WEB1"]],
        starts_on="2026-01-01",
        ends_on="2030-12-31",
        minimum_quantity=2,
        validated=True,
    )
    catalog.create(ORG, "seat_option_profile", profile)
    token = shopper_token(api, ORG, "anne@lycee.example", "Anne", "anne-password-1")
    link_relay(ORG, "anne@lycee.example", contact)  # an operator's invitation, accepted
    return contact, token


def operator_with(api, admin: str, login: str, rights: dict) -> str:
    api.call("POST", "/backoffice/roles", {"name": login, "rights": rights}, token=admin)
    body = {"login": login, "name": login, "password": f"{login}-password", "roles": [login]}
    api.call("POST", "/backoffice/operators", body, token=admin)
    return api.login(login, f"{login}-password")


def test_a_request_goes_through_placement_to_a_validated_reservation(api, world, relay):
    contact, anne = relay
    category = world.category("CAT2")
    asked = api.call(
        "POST",
        f"/shop/{ORG}/pos/WEB1/options",
        {"performance_id": world.performance_id, "quantities": {category: 4}, "remark": "Class 2B"},
        token=anne,
    )
    assert asked.status_code == 201, asked.json_body
    option = asked.json_body
    assert (
        option["state"] == "requested"
        and option["editable_until"]
        and option["allowed_actions"] == ["edit_request", "withdraw"]  # what a relay may do
    )
    mine = api.call("GET", f"/shop/{ORG}/options", token=anne).json_body["options"]
    assert [o["number"] for o in mine] == [option["number"]]

    admin = api.login()
    placed = api.call(
        "POST",
        f"/backoffice/options/{option['option_id']}/place",
        {"lines": [{"category_id": category, "quantity": 3}]},
        token=admin,
    )
    assert placed.status_code == 200, placed.json_body
    assert placed.json_body["state"] == "placed" and len(placed.json_body["placed"][0]["seat_ids"]) == 3
    edit = api.call(
        "PUT",
        f"/shop/{ORG}/options/{option['option_id']}",
        {"performance_id": world.performance_id, "quantities": {category: 5}},
        token=anne,
    )
    assert edit.status_code == 409 and edit.json_body["code"] == "invalid_transition"

    validated = api.call(
        "POST", "/backoffice/options/validate", {"option_ids": [option["option_id"]]}, token=admin
    )
    outcome = validated.json_body["outcomes"][0]
    assert outcome["ok"] and outcome["state"] == "validated" and outcome["order_id"]
    order = api.call("GET", f"/backoffice/orders/{outcome['order_id']}", token=admin).json_body["order"]
    assert (
        order["status"] == "reservation"
        and len(order["lines"]) == 3
        and order["email"] == "anne@lycee.example"
    )
    found = api.call("GET", f"/backoffice/options?contact_id={contact}&state=validated", token=admin)
    assert [o["option_id"] for o in found.json_body["options"]] == [option["option_id"]]


def test_each_action_needs_its_own_right(api, world, relay):
    contact, _ = relay
    admin = api.login()
    reader = operator_with(api, admin, "reader", {"options": ["read"]})
    placer = operator_with(api, admin, "placer", {"options": ["read", "modify"]})
    body = {
        "contact_id": contact,
        "performance_id": world.performance_id,
        "quantities": {world.category("CAT2"): 2},
    }
    assert api.call("POST", "/backoffice/options", body, token=reader).status_code == 403
    option = api.call("POST", "/backoffice/options", body, token=admin).json_body
    lines = {"lines": [{"category_id": world.category("CAT2"), "quantity": 2}]}
    path = f"/backoffice/options/{option['option_id']}"
    assert api.call("POST", f"{path}/place", lines, token=reader).status_code == 403
    assert api.call("POST", f"{path}/place", lines, token=placer).status_code == 200
    validate = {"option_ids": [option["option_id"]]}
    assert api.call("POST", "/backoffice/options/validate", validate, token=placer).status_code == 403
    assert api.call("GET", path, token=reader).json_body["state"] == "placed"


def test_actions_not_allowed_from_the_current_state_are_refused_clearly(api, world, relay):
    contact, _ = relay
    admin = api.login()
    body = {
        "contact_id": contact,
        "performance_id": world.performance_id,
        "quantities": {world.category("CAT2"): 2},
    }
    option = api.call("POST", "/backoffice/options", body, token=admin).json_body
    path = f"/backoffice/options/{option['option_id']}"
    for action in ("cancel-refusal", "waiting-list", "back-to-refused", "cancel-validation", "firm"):
        response = api.call("POST", f"{path}/{action}", token=admin)
        assert response.status_code == 409, action
        assert response.json_body["details"]["state"] == "requested"
        assert "place" in response.json_body["details"]["allowed"]
    refused = api.call("POST", f"{path}/refuse", token=admin).json_body
    assert refused["state"] == "refusal_pending" and "waiting_list" not in refused["allowed_actions"]
    assert api.call("POST", f"{path}/waiting-list", token=admin).json_body["state"] == "waiting_list"


def test_a_relay_sees_only_their_own_options_and_profiles_apply(api, world, relay):
    _, anne = relay
    category = world.category("CAT2")
    too_few = {"performance_id": world.performance_id, "quantities": {category: 1}}
    refused = api.call("POST", f"/shop/{ORG}/pos/WEB1/options", too_few, token=anne)
    assert refused.status_code == 422 and refused.json_body["details"]["minimum"] == 2
    option = api.call(
        "POST", f"/shop/{ORG}/pos/WEB1/options", {**too_few, "quantities": {category: 2}}, token=anne
    ).json_body
    bob = shopper_token(api, ORG, "bob@x.example", "Bob", "bob-password-1")
    assert api.call("POST", f"/shop/{ORG}/pos/WEB1/options", too_few, token=bob).status_code == 403
    assert api.call("DELETE", f"/shop/{ORG}/options/{option['option_id']}", token=bob).status_code == 403
    withdrawn = api.call("DELETE", f"/shop/{ORG}/options/{option['option_id']}", token=anne)
    assert withdrawn.json_body["state"] == "cancelled"


def test_the_status_report_the_summary_pdf_and_the_confirmation_email(api, world, relay):
    contact, _ = relay
    admin = api.login()
    category = world.category("CAT2")
    body = {"contact_id": contact, "performance_id": world.performance_id, "quantities": {category: 3}}
    option = api.call("POST", "/backoffice/options", body, token=admin).json_body
    api.call("POST", "/backoffice/options", {**body, "quantities": {category: 2}}, token=admin)
    api.call(
        "POST",
        f"/backoffice/options/{option['option_id']}/place",
        {"lines": [{"category_id": category, "quantity": 3}]},
        token=admin,
    )

    report = api.call("GET", f"/backoffice/options/report?performance_id={world.performance_id}", token=admin)
    assert report.status_code == 200, report.json_body
    assert report.json_body["totals"] == {"requested": 2, "placed": 3, "ordered": 0}
    csv_text = api.http.get(
        "/backoffice/options/report?format=csv", headers={"Authorization": f"Bearer {admin}"}
    ).body.decode()
    assert csv_text.splitlines()[0].startswith("performance_id,") and "Total" in csv_text
    pdf = api.http.get(
        f"/backoffice/options/{option['option_id']}/summary.pdf",
        headers={"Authorization": f"Bearer {admin}", "Accept": "application/pdf"},
    )
    assert pdf.status_code == 200 and pdf.body.startswith(b"%PDF")
    sent = api.call("POST", f"/backoffice/options/{option['option_id']}/confirmation", token=admin).json_body
    assert sent["to"] == "anne@lycee.example"
    kinds = [e["kind"] for e in api.call("GET", "/backoffice/emails", token=admin).json_body["items"]]
    assert kinds.count("option_confirmation") == 2  # on placing, and sent again now
