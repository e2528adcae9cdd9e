"""The waiting list over HTTP: a shopper joins a sold-out performance, sees their place, takes the
offer as a cart and checks it out; each refusal names its reason; operators read and remove by right."""

from __future__ import annotations

import pytest

from tests.api.test_customers_api import operator_with
from tests.service.test_waiting_list import CROWD, ORG, give_back, sell_out
from tests.shop_world import World, build_world
from tests.shopper_accounts import shopper_token


@pytest.fixture
def world(api) -> World:
    return build_world(rows=2, per_row=4, web={"waiting_list_offer_hours": 3})


def join_path(world: World, pos: str = "WEB1") -> str:
    return f"/shop/{ORG}/pos/{pos}/performances/{world.performance_id}/waiting-list"


MINE = f"/shop/{ORG}/account/waiting-list"
LISTS = "/backoffice/waiting-lists"


def test_a_shopper_joins_takes_the_offer_and_checks_it_out(api, world):
    crowd = sell_out(world)
    ann = shopper_token(api, ORG, "ann@example.com", "Ann", "ann-password-1")
    body = {"quantity": 2, "seat_category_id": world.category("CAT2"), "accepts_seats_apart": True}

    joined = api.call("POST", join_path(world), body, token=ann)

    assert joined.status_code == 201, joined.json_body
    assert {k: joined.json_body[k] for k in ("status", "position", "quantity", "min_quantity", "offer")} == {
        "status": "waiting",
        "position": 1,
        "quantity": 2,
        "min_quantity": 2,
        "offer": None,
    }
    give_back(crowd, CROWD, world.seat("L", "B", 1), world.seat("R", "B", 4))
    admin = api.login()
    visit = api.call("POST", f"{LISTS}/{world.performance_id}/offers", token=admin)
    assert (visit.status_code, visit.json_body["offered"]) == (200, 1)

    mine = api.call("GET", MINE, token=ann).json_body["entries"]
    assert [(e["status"], len(e["offer"]["seats"])) for e in mine] == [("offered", 2)]
    taken = api.call("POST", f"{MINE}/{world.performance_id}/offer", token=ann)
    assert taken.status_code == 200, taken.json_body
    assert taken.json_body["expires_at"] == mine[0]["offer"]["expires_at"]
    cart = api.call("GET", f"/shop/{ORG}/carts/{taken.json_body['cart_id']}", token=ann).json_body
    assert sorted(line["seat_id"] for line in cart["lines"]) == [
        world.seat("L", "B", 1),
        world.seat("R", "B", 4),
    ]
    checkout = api.call("POST", f"/shop/{ORG}/carts/{taken.json_body['cart_id']}/checkout", {}, token=ann)
    assert checkout.status_code in (200, 201), checkout.json_body


def test_each_refusal_names_its_reason(api, world):
    ann = shopper_token(api, ORG, "ann@example.com", "Ann", "ann-password-1")
    category = world.category("CAT2")

    free = api.call("POST", join_path(world), {"quantity": 1, "seat_category_id": category}, token=ann)
    assert (free.status_code, free.json_body["code"], free.json_body["details"]["free"]) == (
        409,
        "not_sold_out",
        8,
    )

    sell_out(world)
    too_many = api.call("POST", join_path(world), {"quantity": 11, "seat_category_id": category}, token=ann)
    assert too_many.status_code == 422 and too_many.json_body["details"]["field"] == "quantity"
    upside_down = api.call("POST", join_path(world), {"quantity": 2, "min_quantity": 3}, token=ann)
    assert upside_down.status_code == 422
    unknown = api.call("POST", join_path(world), {"quantity": 1, "status": "offered"}, token=ann)
    assert unknown.status_code == 422
    anonymous = api.call("POST", join_path(world), {"quantity": 1})
    assert anonymous.status_code == 401

    one = {"quantity": 1, "seat_category_id": category}
    assert api.call("POST", join_path(world), one, token=ann).status_code == 201
    again = api.call("POST", join_path(world), one, token=ann)
    assert (again.status_code, again.json_body["code"]) == (409, "already_exists")
    nowhere = api.call("GET", f"{MINE}/no-such-performance", token=ann)
    assert nowhere.status_code == 404
    no_offer = api.call("POST", f"{MINE}/{world.performance_id}/offer", token=ann)
    assert no_offer.status_code == 409

    left = api.call("DELETE", f"{MINE}/{world.performance_id}", token=ann)
    assert (left.status_code, left.json_body["status"]) == (200, "left")
    rejoined = api.call("POST", join_path(world), one, token=ann)
    assert (rejoined.status_code, rejoined.json_body["position"]) == (201, 1)


def test_a_channel_hiding_the_waiting_list_answers_404(api):
    world = build_world(rows=2, per_row=4, web={"hide_waiting_list": True})
    sell_out(world)
    ann = shopper_token(api, ORG, "ann@example.com", "Ann", "ann-password-1")

    hidden = api.call("POST", join_path(world), {"quantity": 1}, token=ann)

    assert (hidden.status_code, hidden.json_body["details"]["waiting_list"]) == (404, "hidden")


def test_operators_read_with_orders_read_and_remove_with_orders_modify(api, world):
    sell_out(world)
    ann = shopper_token(api, ORG, "ann@example.com", "Ann", "ann-password-1")
    bob = shopper_token(api, ORG, "bob@example.com", "Bob", "bob-password-1")
    category = world.category("CAT2")
    first = api.call(
        "POST", join_path(world), {"quantity": 1, "seat_category_id": category}, token=ann
    ).json_body
    body = {"quantity": 2, "min_quantity": 1, "seat_category_id": category}
    assert api.call("POST", join_path(world), body, token=bob).status_code == 201
    admin = api.login()
    reader = operator_with(api, admin, "reader", {"orders": ["read"]})
    stranger = operator_with(api, admin, "stranger", {"catalog": ["read"]})

    assert api.call("GET", LISTS, token=stranger).status_code == 403
    lists = api.call("GET", LISTS, token=reader).json_body["lists"]
    assert [(x["performance_id"], x["status"], x["counts"]["waiting"]) for x in lists] == [
        (world.performance_id, "open", 2)
    ]
    detail = api.call("GET", f"{LISTS}/{world.performance_id}", token=reader).json_body
    assert [(e["email"], e["position"], e["min_quantity"]) for e in detail["entries"]] == [
        ("ann@example.com", 1, 1),
        ("bob@example.com", 2, 1),
    ]
    removing = f"{LISTS}/{world.performance_id}/entries/{first['entry_id']}"
    assert api.call("DELETE", removing, token=reader).status_code == 403
    assert api.call("POST", f"{LISTS}/{world.performance_id}/offers", token=reader).status_code == 403

    removed = api.call("DELETE", removing, token=admin)

    assert (removed.status_code, removed.json_body["status"]) == (200, "removed")
    assert api.call("GET", f"{MINE}/{world.performance_id}", token=bob).json_body["position"] == 1
    assert api.call("GET", f"{LISTS}/no-such-performance", token=admin).status_code == 404
