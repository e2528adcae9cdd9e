"""Buying with Stripe over HTTP: checkout opens a Checkout Session, Stripe's signed webhook pays the order."""

from __future__ import annotations

import pytest

from chalicelib import config
from chalicelib.payments import stripe_provider
from tests.api.test_shop_sales_api import SHOP, guest, hold, open_cart
from tests.shop_world import World, build_world
from tests.stripe_server import DEFAULT_KEYS, KEYS_SECRET, checkout_session, fake_stripe, paid, signed_event

WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture
def stripe_stack(monkeypatch):
    """The app on a stack whose provider is Stripe (not a test stack), Stripe being a local server.

    Requested before `api`: chalice's test client sets its own stage's variables while it runs.
    """
    with fake_stripe() as fake:
        monkeypatch.setattr(stripe_provider, "API_BASE", fake.url)
        monkeypatch.setattr(stripe_provider, "NETWORK_RETRIES", 0)
        monkeypatch.setenv("GUICHET_PAYMENT_PROVIDER", "stripe")
        monkeypatch.setenv("GUICHET_TEST_STACK", "false")
        monkeypatch.setenv("GUICHET_STRIPE_SECRET", KEYS_SECRET)
        config.reset()
        yield fake
    config.reset()


@pytest.fixture
def world(api) -> World:
    return build_world()


def checked_out(api, world: World) -> tuple[str, dict]:
    token = guest(api)
    cart_id = open_cart(api, token)
    seats = {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 4)]}
    assert hold(api, token, cart_id, seats).status_code == 201
    order = api.call(
        "POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "ann@example.com", "name": "Ann"}, token=token
    )
    assert order.status_code == 201, order.json_body
    return token, order.json_body


def deliver(api, payload: str, signature: str | None):
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return api.http.post(WEBHOOK, headers=headers, body=payload)


def test_a_guest_pays_through_stripe_checkout_and_the_webhook(stripe_stack, api, world):
    token, order = checked_out(api, world)
    [call] = stripe_stack.calls
    assert order["payment_url"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert call.form["metadata[order_id]"] == order["order_id"]
    assert call.form["line_items[0][price_data][unit_amount]"] == str(order["total"])

    session = paid(checkout_session(call.form))
    event = signed_event("checkout.session.completed", session, DEFAULT_KEYS["webhook_secret"])
    answer = deliver(api, *event)

    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["order_id"] == order["order_id"]
    assert answer.json_body["status"] == "paid"
    mine = api.call("GET", f"{SHOP}/orders/{order['order_id']}", token=token).json_body
    assert mine["status"] == "paid" and mine["due"] == 0


def test_a_webhook_delivered_twice_pays_once(stripe_stack, api, world):
    token, order = checked_out(api, world)
    session = paid(checkout_session(stripe_stack.calls[0].form))

    first = deliver(api, *signed_event("checkout.session.completed", session, DEFAULT_KEYS["webhook_secret"]))
    again = deliver(api, *signed_event("checkout.session.completed", session, DEFAULT_KEYS["webhook_secret"]))

    assert first.json_body == again.json_body
    assert first.json_body["status"] == "paid"
    tickets = api.call("GET", f"{SHOP}/orders/{order['order_id']}/tickets", token=token).json_body["tickets"]
    assert len(tickets) == 1


@pytest.mark.parametrize("signature", [None, "t=1,v1=forged", "garbage"])
def test_an_unsigned_or_forged_webhook_is_refused_and_pays_nothing(stripe_stack, api, world, signature):
    token, order = checked_out(api, world)
    payload, _ = signed_event(
        "checkout.session.completed", paid(checkout_session(stripe_stack.calls[0].form)), "whsec_default"
    )

    answer = deliver(api, payload, signature)

    assert answer.status_code == 422
    assert answer.json_body["code"] == "invalid_callback"
    assert set(answer.json_body) == {"code", "message", "details"}
    assert api.call("GET", f"{SHOP}/orders/{order['order_id']}", token=token).json_body["status"] != "paid"


def test_an_event_that_ends_no_payment_is_acknowledged_and_changes_nothing(stripe_stack, api, world):
    token, order = checked_out(api, world)
    session = checkout_session(stripe_stack.calls[0].form)

    answer = deliver(api, *signed_event("payment_intent.created", session, DEFAULT_KEYS["webhook_secret"]))

    assert answer.status_code == 200 and answer.json_body["received"] is True
    assert answer.json_body["order_id"] is None and answer.json_body["ignored"]
    assert api.call("GET", f"{SHOP}/orders/{order['order_id']}", token=token).json_body["status"] != "paid"


def test_the_stripe_webhook_is_not_found_where_stripe_is_not_the_provider(api):
    answer = deliver(api, "{}", "t=1,v1=00")

    assert answer.status_code == 404
    assert answer.json_body == {"code": "not_found", "message": "No such route", "details": {"path": WEBHOOK}}
