"""The back-office read of one cart (what a seat "in a cart" on the live stock is held by): an operator
with orders:read reads a guest's cart as the shop answers it, with who owns it; once checked out, the
order it became. Another organisation's or an unknown cart is 404; without the right, 403."""

from __future__ import annotations

import pytest

from tests.api.test_customers_api import operator_with
from tests.api.test_shop_sales_api import SHOP, guest, hold, open_cart
from tests.shop_world import build_world

CART = "/backoffice/carts/{}"


@pytest.fixture
def guest_cart(api):
    world = build_world()
    token = guest(api)
    cart_id = open_cart(api, token)
    seats = [world.seat("L", "B", 4), world.seat("L", "B", 5)]
    held = hold(api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": seats})
    assert held.status_code == 201, held.json_body
    return world, token, cart_id, seats


def test_an_operator_reads_a_guests_cart_with_its_places_and_total(api, guest_cart):
    world, token, cart_id, seats = guest_cart
    reader = operator_with(api, api.login(), "reader", {"orders": ["read"]})

    answer = api.call("GET", CART.format(cart_id), token=reader)

    assert answer.status_code == 200, answer.json_body
    body = answer.json_body
    assert body["owner_kind"] == "guest" and body["created_at"]
    assert body["cart"] == api.call("GET", f"{SHOP}/carts/{cart_id}", token=token).json_body
    cart = body["cart"]
    assert cart["status"] == "open" and cart["order_id"] is None and cart["expires_at"]
    assert sorted(line["seat_id"] for line in cart["lines"]) == seats
    assert [line["unit_price"] for line in cart["lines"]] == [3000, 3000]
    assert cart["totals"]["tickets"] == 6000
    assert body["category_names"] == {world.category("CAT2"): "CAT2"}
    assert {line["category_id"] for line in cart["lines"]} == {world.category("CAT2")}
    [performance] = body["performances"]
    assert performance["performance_id"] == world.performance_id
    assert performance["event_name"] == "Hamlet" and performance["timezone"] == "Europe/Paris"


def test_a_checked_out_cart_names_the_order_it_became(api, guest_cart):
    _, token, cart_id, _ = guest_cart
    checkout = {"email": "ann@example.com", "name": "Ann"}
    order = api.call("POST", f"{SHOP}/carts/{cart_id}/checkout", checkout, token=token)
    assert order.status_code == 201, order.json_body

    cart = api.call("GET", CART.format(cart_id), token=api.login()).json_body["cart"]

    assert cart["status"] == "ordered" and cart["order_id"] == order.json_body["order_id"]


def test_another_organisations_cart_and_an_unknown_cart_are_404(api, guest_cart):
    from chalicelib.auth import service as auth

    _, _, cart_id, _ = guest_cart
    auth.create_organisation("other", "Other Hall", "boss", "boss-password")
    boss = api.login("boss", "boss-password", org="other")

    theirs = api.call("GET", CART.format(cart_id), token=boss)
    unknown = api.call("GET", CART.format("no-such-cart"), token=api.login())

    for answer in (theirs, unknown):
        assert answer.status_code == 404 and answer.json_body["code"] == "not_found"
    # the answer does not tell another organisation's cart from a missing one
    assert theirs.json_body["message"] == f"Cart {cart_id} does not exist"


def test_without_orders_read_it_is_403(api, guest_cart):
    _, _, cart_id, _ = guest_cart
    catalog_only = operator_with(api, api.login(), "planner", {"catalog": ["read"]})

    answer = api.call("GET", CART.format(cart_id), token=catalog_only)

    assert answer.status_code == 403 and answer.json_body["code"] == "permission_denied"
