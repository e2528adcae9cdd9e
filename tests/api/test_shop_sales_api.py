"""Buying over HTTP: guest and shopper sessions, carts, checkout, payment, orders, tickets, and who may
touch what."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.shop_world import World, build_world
from tests.shopper_accounts import shopper_token

ORG = "demo"
SHOP = f"/shop/{ORG}"


@pytest.fixture
def world(api) -> World:
    return build_world()


def guest(api) -> str:
    response = api.call("POST", f"{SHOP}/guest")
    assert response.status_code == 201, response.json_body
    return response.json_body["token"]


def shopper(api, email: str = "bob@example.com") -> str:
    return shopper_token(api, ORG, email, "Bob", "bob-password-1")


def open_cart(api, token: str) -> str:
    response = api.call("POST", f"{SHOP}/pos/WEB1/carts", token=token)
    assert response.status_code == 201, response.json_body
    return response.json_body["cart_id"]


def hold(api, token: str, cart_id: str, body: dict):
    return api.call("POST", f"{SHOP}/carts/{cart_id}/holds", body, token=token)


def bought(api, world: World, token: str, *seats: str) -> dict:
    """A paid order for these seats, through the simulated card provider and its signed callback."""
    cart_id = open_cart(api, token)
    assert (
        hold(
            api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": list(seats)}
        ).status_code
        == 201
    )
    order = api.call(
        "POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "ann@example.com", "name": "Ann"}, token=token
    )
    assert order.status_code == 201, order.json_body
    return paid_by_card(api, order.json_body, token)


def paid_by_card(api, order: dict, token: str, outcome: str = "succeeded") -> dict:
    url = urlsplit(order["payment_url"])
    session = parse_qs(url.query)["session"][0]
    page = api.http.get(f"/payments/simulator?session={session}")
    assert page.status_code == 200 and b"<button" in page.body.lower()
    callback = api.call("POST", f"/payments/simulator?session={session}", {"outcome": outcome})
    assert callback.status_code == 200, callback.json_body
    path = urlsplit(callback.json_body["callback_url"]).path
    body = {"payload": callback.json_body["payload"], "signature": callback.json_body["signature"]}
    answer = api.call("POST", path, body)
    assert answer.status_code == 200, answer.json_body
    return api.call("GET", f"{SHOP}/orders/{order['order_id']}", token=token).json_body


def test_a_guest_buys_a_ticket_end_to_end(api, world):
    token = guest(api)
    seat = world.seat("L", "B", 4)

    order = bought(api, world, token, seat)

    assert order["status"] == "paid" and order["total"] == 3000 and order["due"] == 0
    assert order["lines"][0]["seat_id"] == seat and order["payment_url"] is None
    tickets = api.call("GET", f"{SHOP}/orders/{order['order_id']}/tickets", token=token).json_body["tickets"]
    assert [t["seat_id"] for t in tickets] == [seat] and tickets[0]["status"] == "valid"
    pdf = api.http.get(
        f"{SHOP}/orders/{order['order_id']}/tickets.pdf",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/pdf"},
    )
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body.startswith(b"%PDF")
    history = api.call("GET", f"{SHOP}/orders", token=token).json_body["orders"]
    assert [o["order_id"] for o in history] == [order["order_id"]]


def test_the_box_office_controls_the_ticket_at_the_entrance(api, world):
    token = guest(api)
    order = bought(api, world, token, world.seat("L", "B", 4))
    barcode = api.call("GET", f"{SHOP}/orders/{order['order_id']}/tickets", token=token).json_body["tickets"][
        0
    ]
    admin = api.login()
    scan = {"barcode": barcode["barcode"], "performance_id": world.performance_id, "gate": "North"}

    first = api.call("POST", "/backoffice/ticket-control/scan", scan, token=admin)
    second = api.call("POST", "/backoffice/ticket-control/scan", scan, token=admin)
    forged = api.call("POST", "/backoffice/ticket-control/scan", {"barcode": "G1AAAA"}, token=admin)

    assert (first.json_body["result"], second.json_body["result"], forged.json_body["result"]) == (
        "valid",
        "already_used",
        "unknown",
    )
    assert first.json_body["holder"] == "Ann"


def test_a_shopper_sees_only_their_own_cart_order_and_tickets(api, world):
    ann, eve = guest(api), shopper(api, "eve@example.com")
    order = bought(api, world, ann, world.seat("L", "B", 4))
    cart_id = open_cart(api, ann)
    held = hold(api, ann, cart_id, {"performance_id": world.performance_id, "area": "PIT", "quantity": 1})
    hold_id, line_id = held.json_body["hold_ids"][0], held.json_body["lines"][0]["line_id"]
    order_id = order["order_id"]
    attempts = [
        ("GET", f"{SHOP}/carts/{cart_id}", None),
        ("DELETE", f"{SHOP}/carts/{cart_id}", None),
        (
            "POST",
            f"{SHOP}/carts/{cart_id}/holds",
            {"performance_id": world.performance_id, "area": "PIT", "quantity": 1},
        ),
        ("DELETE", f"{SHOP}/carts/{cart_id}/holds/{hold_id}", None),
        ("PUT", f"{SHOP}/carts/{cart_id}/lines/{line_id}", {"audience_subcategory_id": world.young}),
        ("PUT", f"{SHOP}/carts/{cart_id}/delivery", {"delivery_method": "ETICKET"}),
        ("POST", f"{SHOP}/carts/{cart_id}/extend", {"step": "details"}),
        ("POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "eve@example.com", "name": "Eve"}),
        ("GET", f"{SHOP}/orders/{order_id}", None),
        ("POST", f"{SHOP}/orders/{order_id}/payments", None),
        ("POST", f"{SHOP}/orders/{order_id}/cancel", None),
        ("GET", f"{SHOP}/orders/{order_id}/tickets", None),
        ("GET", f"{SHOP}/orders/{order_id}/tickets.pdf", None),
    ]
    for method, path, body in attempts:
        response = api.call(method, path, body, token=eve)
        assert response.status_code == 404, (method, path, response.json_body)
        assert "Ann" not in json.dumps(response.json_body)
    assert api.call("GET", f"{SHOP}/orders", token=eve).json_body["orders"] == []
    # everything is still Ann's, untouched
    cart = api.call("GET", f"{SHOP}/carts/{cart_id}", token=ann).json_body
    assert cart["status"] == "open" and len(cart["lines"]) == 1
    assert api.call("GET", f"{SHOP}/orders/{order_id}", token=ann).json_body["status"] == "paid"


def test_shop_routes_want_a_buyers_token(api, world):
    cart_id = open_cart(api, guest(api))
    admin = api.login()
    assert api.call("GET", f"{SHOP}/carts/{cart_id}").status_code == 401
    # an operator buys only at a box office, in carts of their own: a shopper's cart does not exist for them
    assert api.call("GET", f"{SHOP}/carts/{cart_id}", token=admin).status_code == 404
    other_org = api.call("POST", "/shop/elsewhere/guest")
    assert other_org.status_code == 404


def test_prices_totals_and_states_cannot_be_set_by_the_client(api, world):
    token = guest(api)
    cart_id = open_cart(api, token)
    priced_hold = {
        "performance_id": world.performance_id,
        "seat_ids": [world.seat("L", "B", 4)],
        "unit_price": 1,
    }
    refused = hold(api, token, cart_id, priced_hold)
    assert refused.status_code == 422 and "unit_price" in json.dumps(refused.json_body["details"])
    hold(api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 4)]})
    for extra in ({"total": 0}, {"status": "paid"}, {"payments": [{"method": "card", "amount": 0}]}):
        body = {"email": "a@example.com", "name": "A", **extra}
        response = api.call("POST", f"{SHOP}/carts/{cart_id}/checkout", body, token=token)
        assert response.status_code == 422, extra
        assert next(iter(extra)) in json.dumps(response.json_body["details"])
    order = api.call(
        "POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "a@example.com", "name": "A"}, token=token
    )
    assert order.json_body["total"] == 3000 and order.json_body["status"] == "pending_payment"


def test_hold_requests_are_checked_field_by_field(api, world):
    token = guest(api)
    cart_id = open_cart(api, token)
    cases = [
        ({"performance_id": world.performance_id}, "quantity"),
        ({"performance_id": world.performance_id, "quantity": 2}, "category_id"),
        ({"performance_id": world.performance_id, "seat_ids": ["x"], "quantity": 2}, "seat_ids"),
        ({"performance_id": world.performance_id, "area": "PIT", "quantity": -1}, "quantity"),
    ]
    for body, named in cases:
        response = hold(api, token, cart_id, body)
        assert response.status_code == 422 and named in json.dumps(response.json_body), (
            body,
            response.json_body,
        )
    taken = hold(
        api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "A", 1)]}
    )
    assert taken.status_code == 409 and taken.json_body["code"] == "seat_unavailable"
    assert taken.json_body["details"]["seats"] == [world.seat("L", "A", 1)]


def test_a_replayed_checkout_with_the_same_idempotency_key_answers_the_same_order(api, world):
    token = guest(api)
    cart_id = open_cart(api, token)
    hold(api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 4)]})
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": "k-1",
    }
    body = json.dumps({"email": "a@example.com", "name": "A"})

    first = api.http.post(f"{SHOP}/carts/{cart_id}/checkout", headers=headers, body=body)
    again = api.http.post(f"{SHOP}/carts/{cart_id}/checkout", headers=headers, body=body)
    other_body = api.http.post(
        f"{SHOP}/carts/{cart_id}/checkout",
        headers=headers,
        body=json.dumps({"email": "b@example.com", "name": "B"}),
    )

    assert first.status_code == again.status_code == 201
    assert json.loads(first.body) == json.loads(again.body)
    assert other_body.status_code == 422 and "Idempotency-Key" in other_body.body.decode()


def test_a_shopper_pays_with_their_credit_balance_after_a_refund(api, world):
    bob = shopper(api)
    order = bought(api, world, bob, world.seat("L", "B", 4))
    admin = api.login()
    cancelled = api.call(
        "POST", f"/backoffice/orders/{order['order_id']}/cancel", {"refund": "credit_balance"}, token=admin
    )
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"
    assert api.call("GET", f"{SHOP}/account/credit", token=bob).json_body["balance"] == 3000

    cart_id = open_cart(api, bob)
    hold(api, bob, cart_id, {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 4)]})
    again = api.call("POST", f"{SHOP}/carts/{cart_id}/checkout", {"use_credit_balance": True}, token=bob)
    assert (
        again.json_body["status"] == "paid" and again.json_body["payments"][0]["method"] == "credit_balance"
    )
    assert api.call("GET", f"{SHOP}/account/credit", token=bob).json_body["balance"] == 0


def test_gift_vouchers_are_issued_by_operators_and_spent_by_buyers(api, world):
    admin = api.login()
    issued = api.call("POST", "/backoffice/gift-vouchers", {"amount": 1000}, token=admin)
    assert issued.status_code == 201 and issued.json_body["code"].startswith("GV-")
    code = issued.json_body["code"]
    token = guest(api)
    cart_id = open_cart(api, token)
    hold(api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 4)]})
    body = {"email": "a@example.com", "name": "A", "gift_vouchers": [code]}
    order = api.call("POST", f"{SHOP}/carts/{cart_id}/checkout", body, token=token).json_body
    assert (order["paid"], order["due"]) == (1000, 2000)
    assert api.call("GET", f"{SHOP}/gift-vouchers/{code}", token=token).json_body["balance"] == 0
    uses = api.call("GET", f"/backoffice/gift-vouchers/{code}", token=admin).json_body["uses"]
    assert [u["order_id"] for u in uses] == [order["order_id"]]


def test_back_office_order_routes_check_rights_per_action(api, world):
    admin = api.login()
    api.call("POST", "/backoffice/roles", {"name": "viewer", "rights": {"orders": ["read"]}}, token=admin)
    body = {"login": "vera", "name": "Vera", "password": "vera-password", "roles": ["viewer"]}
    api.call("POST", "/backoffice/operators", body, token=admin)
    vera = api.login("vera", "vera-password")
    order = bought(api, world, guest(api), world.seat("L", "B", 4))

    found = api.call("GET", f"/backoffice/orders?reference={order['order_id']}", token=vera)
    assert [o["order_id"] for o in found.json_body["orders"]] == [order["order_id"]]
    detail = api.call("GET", f"/backoffice/orders/{order['order_id']}", token=vera).json_body
    assert detail["order"]["status"] == "paid" and len(detail["tickets"]) == 1
    refused = [
        api.call("POST", f"/backoffice/orders/{order['order_id']}/cancel", {}, token=vera),
        api.call("POST", "/backoffice/gift-vouchers", {"amount": 100}, token=vera),
        api.call("POST", "/backoffice/ticket-control/scan", {"barcode": "x"}, token=vera),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert api.call("GET", "/backoffice/orders?status=bogus", token=vera).status_code == 422
    assert (
        api.call("GET", "/backoffice/orders?day_from=2026-01-01&day_to=2026-06-01", token=vera).status_code
        == 422
    )


def test_a_declined_card_then_a_retry_pays_the_order(api, world):
    token = guest(api)
    cart_id = open_cart(api, token)
    hold(api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 4)]})
    order = api.call(
        "POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "a@example.com", "name": "A"}, token=token
    )

    declined = paid_by_card(api, order.json_body, token, "declined")
    assert declined["status"] == "pending_payment" and declined["payment_url"] is None

    retry = api.call("POST", f"{SHOP}/orders/{declined['order_id']}/payments", token=token).json_body
    assert retry["payment_url"]
    assert paid_by_card(api, retry, token)["status"] == "paid"


def test_a_forged_payment_callback_is_refused(api, world):
    response = api.call("POST", f"{SHOP}/payments/callback", {"payload": "{}", "signature": "0" * 64})
    assert response.status_code == 422 and response.json_body["code"] == "invalid_callback"
