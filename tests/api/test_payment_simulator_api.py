"""The simulator's page shows the payment; its completion route returns a callback only we could sign."""

from __future__ import annotations

import functools
import json

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib import config
from chalicelib.api import payment_simulator
from chalicelib.payments.provider import InvalidCallback, PaymentRequest
from chalicelib.payments.simulator import SimulatedProvider
from tests.fixtures import Api

SECRET = "simulator-test-secret-that-is-long-enough"


@functools.cache
def serving_app() -> Chalice:
    """The app when it serves the simulator, else a tiny one (a blueprint registers only once)."""
    from app import app

    if "/payments/simulator" in app.routes:
        return app
    tiny = Chalice(app_name="simulator-test")
    tiny.register_blueprint(payment_simulator.blueprint)
    return tiny


@pytest.fixture
def simulator_api(monkeypatch):
    monkeypatch.setenv("GUICHET_TOKEN_SECRET", SECRET)
    monkeypatch.setenv("GUICHET_PAYMENT_PROVIDER", "simulated")
    monkeypatch.setenv("GUICHET_TEST_STACK", "true")
    config.reset()
    with Client(serving_app()) as client:
        yield Api(client.http)
    config.reset()


def start(description: str = "Order 7F3K2Q - Demo Theatre", amount: int = 7050) -> str:
    session = SimulatedProvider().start(
        PaymentRequest(
            payment_id="a" * 32,
            order_id="b" * 32,
            org_id="demo",
            amount=amount,
            currency="EUR",
            description=description,
            return_url="http://127.0.0.1:8000/shop/demo/orders/b/return",
            callback_url="http://127.0.0.1:8000/shop/demo/payments/callback",
        )
    )
    path = session.redirect_url.removeprefix(config.public_url())
    assert path.startswith("/payments/simulator?session=")
    return path


def test_the_page_shows_the_payment_and_its_three_choices(simulator_api):
    response = simulator_api.call("GET", start())

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    assert "Order 7F3K2Q - Demo Theatre" in page
    assert "70.50 EUR" in page
    for label in ('id="card"', ">Pay<", ">Decline<", ">Let it time out<"):
        assert label in page
    assert "script-src 'nonce-" in response.headers["Content-Security-Policy"]


def test_the_page_escapes_the_description(simulator_api):
    page = simulator_api.call("GET", start(description="<script>alert(1)</script>")).body.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_forged_session_is_not_found(simulator_api, method):
    path = start()
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")

    response = simulator_api.call(method, forged, {"outcome": "succeeded"})

    assert response.status_code == 404
    assert response.json_body["code"] == "not_found"


def test_a_missing_session_is_refused_naming_it(simulator_api):
    response = simulator_api.call("GET", "/payments/simulator")

    assert response.status_code == 422
    assert response.json_body["details"]["fields"][0]["field"] == "session"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"outcome": "succeeded"}, "succeeded"),
        ({"outcome": "declined"}, "declined"),
        ({"outcome": "timed_out"}, "timed_out"),
        ({"card_number": "4242 4242 4242 4242"}, "succeeded"),
        ({"card_number": "4000000000000002"}, "declined"),
        ({"card_number": "4000000000000119"}, "timed_out"),
    ],
)
def test_completing_returns_a_signed_callback_with_the_outcome(simulator_api, body, status):
    response = simulator_api.call("POST", start(), body)

    assert response.status_code == 200, response.json_body
    callback = response.json_body
    assert set(callback) == {"callback_url", "payload", "signature", "return_url"}
    assert callback["callback_url"] == "http://127.0.0.1:8000/shop/demo/payments/callback"
    assert callback["return_url"] == "http://127.0.0.1:8000/shop/demo/orders/b/return"
    outcome = SimulatedProvider().verify_callback(callback["payload"], callback["signature"])
    assert (outcome.status, outcome.amount, outcome.order_id) == (status, 7050, "b" * 32)


def test_a_callback_with_a_raised_status_does_not_verify(simulator_api):
    callback = simulator_api.call("POST", start(), {"outcome": "declined"}).json_body
    payload = json.loads(callback["payload"])
    payload["status"] = "succeeded"

    with pytest.raises(InvalidCallback):
        SimulatedProvider().verify_callback(json.dumps(payload), callback["signature"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"card_number": "4242424242424241"}, "card_number"),
        ({"outcome": "paid"}, "outcome"),
        ({"outcome": "succeeded", "amount": 1}, "amount"),
    ],
)
def test_a_bad_body_is_refused_naming_the_field(simulator_api, body, field):
    response = simulator_api.call("POST", start(), body)

    assert response.status_code == 422
    assert response.json_body["code"] == "invalid_input"
    assert field in [f["field"] for f in response.json_body["details"]["fields"]]


@pytest.mark.parametrize("body", [{}, {"card_number": "4242424242424242", "outcome": "declined"}])
def test_exactly_one_of_card_number_and_outcome_is_required(simulator_api, body):
    response = simulator_api.call("POST", start(), body)

    assert response.status_code == 422
    assert "card_number" in response.json_body["message"]
    assert "outcome" in response.json_body["message"]


def test_the_simulator_is_off_when_another_provider_is_configured(simulator_api, monkeypatch):
    path = start()
    monkeypatch.setenv("GUICHET_PAYMENT_PROVIDER", "acme-pay")
    config.reset()

    assert simulator_api.call("GET", path).status_code == 404
    assert simulator_api.call("POST", path, {"outcome": "succeeded"}).status_code == 404


@pytest.mark.parametrize("flag", ["false", ""])
def test_the_simulator_is_not_found_on_a_stack_not_marked_for_testing(simulator_api, monkeypatch, flag):
    path = start()
    monkeypatch.setenv("GUICHET_TEST_STACK", flag)
    config.reset()

    completion = simulator_api.call("POST", path, {"outcome": "succeeded"})
    for answer in (simulator_api.call("GET", path), completion):
        assert answer.status_code == 404
        assert answer.json_body == {
            "code": "not_found",
            "message": "No such route",
            "details": {"path": "/payments/simulator"},
        }
