"""The seed's four steps over HTTP: request, placement, confirmation, and taking up the order, by the
relay online and at the box office; rights per action; what each caller is offered."""

from __future__ import annotations

from tests.api.test_options_api import operator_with, relay, world  # noqa: F401 - fixtures
from tests.api.test_shop_sales_api import paid_by_card

ORG = "demo"


def validated_online(api, world, anne: str, admin: str, quantity: int = 2) -> dict:  # noqa: F811
    """The relay's request on the company point of sale, placed and validated by an operator."""
    category = world.category("CAT2")
    body = {"performance_id": world.performance_id, "quantities": {category: quantity}}
    option = api.call("POST", f"/shop/{ORG}/pos/WEB1/options", body, token=anne).json_body
    lines = {"lines": [{"category_id": category, "quantity": quantity}]}
    api.call("POST", f"/backoffice/options/{option['option_id']}/place", lines, token=admin)
    validate = {"option_ids": [option["option_id"]]}
    outcome = api.call("POST", "/backoffice/options/validate", validate, token=admin).json_body["outcomes"][0]
    assert outcome["ok"], outcome
    return {**option, "order_id": outcome["order_id"]}


def test_the_relay_sees_and_pays_its_reservation_online_and_the_option_is_taken_up(api, world, relay):  # noqa: F811
    _, anne = relay
    admin = api.login()
    option = validated_online(api, world, anne, admin)
    path = f"/shop/{ORG}/options/{option['option_id']}/order"

    order = api.call("GET", path, token=anne)
    assert order.status_code == 200, order.json_body
    assert order.json_body["status"] == "reservation" and order.json_body["due"] == 2 * 3000
    assert {line["venue"] for line in order.json_body["lines"]} == {"Venue, Hall"}
    started = api.call("POST", f"{path}/payment", token=anne)
    assert started.status_code == 200, started.json_body
    paid_by_card(api, started.json_body, anne)

    mine = api.call("GET", f"/shop/{ORG}/options", token=anne).json_body["options"]
    assert [(o["state"], o["allowed_actions"]) for o in mine] == [("taken_up", [])]
    refused = api.call("POST", f"/backoffice/options/{option['option_id']}/cancel-validation", token=admin)
    assert refused.status_code == 409 and refused.json_body["code"] == "invalid_transition"
    detail = api.call("GET", f"/backoffice/orders/{option['order_id']}", token=admin).json_body
    assert detail["order"]["status"] == "paid" and len(detail["tickets"]) == 2


def test_the_box_office_finds_the_contacts_order_takes_cash_and_issues_the_tickets(api, world, relay):  # noqa: F811
    contact, anne = relay
    admin = api.login()
    option = validated_online(api, world, anne, admin, 3)

    found = api.call("GET", f"/backoffice/box-office/orders?contact_id={contact}", token=admin).json_body
    assert [o["order_id"] for o in found["orders"]] == [option["order_id"]]
    by_number = api.call("GET", f"/backoffice/box-office/orders?order_id={option['order_id']}", token=admin)
    assert [o["order_id"] for o in by_number.json_body["orders"]] == [option["order_id"]]
    taken = api.call(
        "POST", f"/backoffice/orders/{option['order_id']}/take-up", {"method": "cash"}, token=admin
    )

    assert taken.status_code == 200, taken.json_body
    assert taken.json_body["status"] == "paid" and taken.json_body["payments"][0]["method"] == "cash"
    detail = api.call("GET", f"/backoffice/options/{option['option_id']}", token=admin).json_body
    assert detail["state"] == "taken_up" and detail["allowed_actions"] == []
    search = f"/backoffice/options?taken_up=with&number={option['number']}"
    assert [o["option_id"] for o in api.call("GET", search, token=admin).json_body["options"]] == [
        option["option_id"]
    ]
    assert api.call("GET", "/backoffice/options?taken_up=without", token=admin).json_body["options"] == []
    wrong = api.call(
        "POST", f"/backoffice/orders/{option['order_id']}/take-up", {"method": "iou"}, token=admin
    )
    assert wrong.status_code == 422 and wrong.json_body["details"]["fields"][0]["field"] == "method"


def test_operators_edit_and_delete_a_contacts_request(api, world, relay):  # noqa: F811
    contact, _ = relay
    admin = api.login()
    category = world.category("CAT2")
    body = {"contact_id": contact, "performance_id": world.performance_id, "quantities": {category: 2}}
    option = api.call("POST", "/backoffice/options", body, token=admin).json_body
    path = f"/backoffice/options/{option['option_id']}"

    edited = api.call(
        "PUT", path, {"performance_id": world.performance_id, "quantities": {category: 5}}, token=admin
    )
    assert edited.status_code == 200, edited.json_body
    assert edited.json_body["requested"] == {category: 5} and edited.json_body["history"][-1]["by"] == "admin"
    deleted = api.call("DELETE", path, token=admin)
    assert deleted.status_code == 200 and deleted.json_body["state"] == "cancelled"
    again = api.call("DELETE", path, token=admin)
    assert again.status_code == 409 and "expire" not in again.json_body["details"]["allowed"]


def test_each_option_action_has_its_own_area_and_the_options_area_grants_them_all(api, world, relay):  # noqa: F811
    contact, _ = relay
    admin = api.login()
    refuser = operator_with(
        api, admin, "refuser", {"option_requests": ["read"], "option_refusals": ["modify"]}
    )
    body = {
        "contact_id": contact,
        "performance_id": world.performance_id,
        "quantities": {world.category("CAT2"): 2},
    }
    option = api.call("POST", "/backoffice/options", body, token=admin).json_body
    path = f"/backoffice/options/{option['option_id']}"
    lines = {"lines": [{"category_id": world.category("CAT2"), "quantity": 2}]}

    denied = api.call("POST", f"{path}/place", lines, token=refuser)
    assert denied.status_code == 403 and "option_placements:modify" in denied.json_body["message"]
    assert api.call("POST", f"{path}/refuse", token=refuser).json_body["state"] == "refusal_pending"
    assert api.call("POST", f"{path}/cancel-refusal", token=refuser).status_code == 403
    assert api.call("GET", "/backoffice/options/report", token=refuser).status_code == 403
    areas = api.call("GET", "/backoffice/rights", token=admin).json_body["areas"]
    assert {"option_refusals", "option_orders", "option_reports"} <= set(areas)


def test_the_summary_pdf_without_an_accept_header_says_how_to_ask_for_it(api, world, relay):  # noqa: F811
    contact, _ = relay
    admin = api.login()
    body = {
        "contact_id": contact,
        "performance_id": world.performance_id,
        "quantities": {world.category("CAT2"): 2},
    }
    option = api.call("POST", "/backoffice/options", body, token=admin).json_body
    path = f"/backoffice/options/{option['option_id']}/summary.pdf"

    bare = api.http.get(path, headers={"Authorization": f"Bearer {admin}"})
    assert bare.status_code == 406 and bare.json_body["code"] == "not_acceptable"
    assert bare.json_body["details"] == {"header": "Accept", "expected": "application/pdf"}
    anything = api.http.get(path, headers={"Authorization": f"Bearer {admin}", "Accept": "*/*"})
    assert anything.status_code == 200 and anything.body.startswith(b"%PDF")
