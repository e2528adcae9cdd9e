"""The simulated provider signs sessions and callbacks; forged, tampered or late payments never pass."""

from __future__ import annotations

import json

import pytest

from chalicelib import config, errors
from chalicelib.payments import provider as payments
from chalicelib.payments import simulator
from chalicelib.payments.provider import InvalidCallback, PaymentRequest
from chalicelib.payments.simulator import SimulatedProvider

NOW = 1_800_000_000


@pytest.fixture
def use_env(monkeypatch):
    """Changes one setting for this test; the cached settings are forgotten before and after."""

    def use(name: str, value: str) -> None:
        monkeypatch.setenv(name, value)
        config.reset()

    yield use
    config.reset()


def request(**changes) -> PaymentRequest:
    values = {
        "payment_id": "p" * 32,
        "order_id": "o" * 32,
        "org_id": "demo",
        "amount": 7000,
        "currency": "EUR",
        "description": "Order 7F3K2Q - Demo Theatre",
        "return_url": "https://shop.example/orders/o/return",
        "callback_url": "https://api.example/shop/demo/payments/callback",
    }
    return PaymentRequest(**{**values, **changes})


def session_token(sim: SimulatedProvider, **changes) -> str:
    redirect = sim.start(request(**changes)).redirect_url
    return redirect.split("?session=", 1)[1]


def clock_at(moment: list[float]):
    return lambda: moment[0]


def test_start_redirects_to_the_simulator_page_for_fifteen_minutes(use_env):
    use_env("GUICHET_PUBLIC_URL", "https://api.example/")

    session = SimulatedProvider(clock=lambda: NOW).start(request())

    assert session.redirect_url.startswith("https://api.example/payments/simulator?session=")
    assert session.expires_at == NOW + 15 * 60
    assert session.payment_id == "p" * 32


def test_a_paid_session_gives_a_callback_that_verifies_to_the_paid_outcome():
    sim = SimulatedProvider()

    callback = sim.complete(session_token(sim), payments.SUCCEEDED)
    outcome = sim.verify_callback(callback["payload"], callback["signature"])

    assert callback["callback_url"] == "https://api.example/shop/demo/payments/callback"
    assert callback["return_url"] == "https://shop.example/orders/o/return"
    assert (outcome.payment_id, outcome.order_id, outcome.org_id) == ("p" * 32, "o" * 32, "demo")
    assert (outcome.amount, outcome.currency, outcome.status) == (7000, "EUR", "succeeded")
    assert outcome.provider_reference.startswith("sim_ch_")


@pytest.mark.parametrize("status", ["declined", "timed_out"])
def test_declined_and_timed_out_sessions_say_so(status):
    sim = SimulatedProvider()

    callback = sim.complete(session_token(sim), status)

    assert sim.verify_callback(callback["payload"], callback["signature"]).status == status


def test_an_expired_session_can_only_time_out():
    moment = [float(NOW)]
    sim = SimulatedProvider(clock=clock_at(moment))
    token = session_token(sim)

    moment[0] = NOW + 15 * 60 - 1
    assert json.loads(sim.complete(token, "succeeded")["payload"])["status"] == "succeeded"
    moment[0] = NOW + 15 * 60
    assert json.loads(sim.complete(token, "succeeded")["payload"])["status"] == "timed_out"


@pytest.mark.parametrize(
    ("field", "forged"), [("amount", 1), ("status", "succeeded"), ("order_id", "x" * 32), ("org_id", "other")]
)
def test_a_tampered_callback_payload_is_refused(field, forged):
    sim = SimulatedProvider()
    callback = sim.complete(session_token(sim), "declined")
    payload = json.loads(callback["payload"])
    payload[field] = forged

    with pytest.raises(InvalidCallback):
        sim.verify_callback(json.dumps(payload, separators=(",", ":"), sort_keys=True), callback["signature"])


@pytest.mark.parametrize("signature", ["", "0" * 64, "zz", "é" * 64, None])
def test_a_forged_signature_is_refused(signature):
    sim = SimulatedProvider()
    callback = sim.complete(session_token(sim), "succeeded")

    with pytest.raises(InvalidCallback) as caught:
        sim.verify_callback(callback["payload"], signature)
    assert caught.value.code == "invalid_callback"
    assert isinstance(caught.value, errors.InvalidInput)


def test_a_callback_signed_with_another_secret_is_refused(use_env):
    sim = SimulatedProvider()
    use_env("GUICHET_TOKEN_SECRET", "someone-elses-secret-that-is-long-enough")
    callback = sim.complete(session_token(sim), "succeeded")
    use_env("GUICHET_TOKEN_SECRET", "test-secret-that-is-long-enough-for-hs256")

    with pytest.raises(InvalidCallback):
        sim.verify_callback(callback["payload"], callback["signature"])


def test_a_signed_payload_of_the_wrong_shape_is_still_refused():
    payload = json.dumps({"payment_id": "p", "status": "succeeded"})
    signature = simulator._mac(simulator.CALLBACK_LABEL, payload.encode()).hex()

    with pytest.raises(InvalidCallback):
        SimulatedProvider().verify_callback(payload, signature)


def test_a_tampered_session_token_is_not_found():
    sim = SimulatedProvider()
    body, mac = session_token(sim).split(".")
    claims = json.loads(simulator._b64decode(body))
    cheaper = simulator._b64encode(json.dumps({**claims, "amount": 1}).encode())

    with pytest.raises(errors.NotFound):
        sim.session(f"{cheaper}.{mac}")
    with pytest.raises(errors.NotFound):
        sim.complete(f"{cheaper}.{mac}", "succeeded")


@pytest.mark.parametrize("token", ["", ".", "abc", "abc.def", "é.é", "a.b.c"])
def test_a_garbage_session_token_is_not_found(token):
    with pytest.raises(errors.NotFound):
        SimulatedProvider().session(token)


def test_a_session_from_another_secret_is_not_found(use_env):
    sim = SimulatedProvider()
    use_env("GUICHET_TOKEN_SECRET", "someone-elses-secret-that-is-long-enough")
    token = session_token(sim)
    use_env("GUICHET_TOKEN_SECRET", "test-secret-that-is-long-enough-for-hs256")

    with pytest.raises(errors.NotFound):
        sim.session(token)


def test_the_session_carries_the_whole_request():
    sim = SimulatedProvider(clock=lambda: NOW)

    details = sim.session(session_token(sim, description="Cafe & <Opera>"))

    assert details.request == request(description="Cafe & <Opera>")
    assert details.expires_at == NOW + 15 * 60


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": 0},
        {"amount": -5},
        {"amount": True},
        {"currency": "eur"},
        {"payment_id": ""},
        {"return_url": "javascript:alert(1)"},
        {"callback_url": "ftp://x"},
    ],
)
def test_start_refuses_a_malformed_request(changes):
    with pytest.raises(ValueError):
        SimulatedProvider().start(request(**changes))


@pytest.mark.parametrize(
    ("number", "outcome"),
    [
        ("4242424242424242", "succeeded"),
        ("4242 4242 4242 4242", "succeeded"),
        ("4000-0000-0000-0002", "declined"),
        ("4000000000000119", "timed_out"),
        ("5555555555554444", "declined"),  # a valid number that is not a test card
    ],
)
def test_test_cards_choose_the_outcome(number, outcome):
    assert simulator.outcome_for_card(number) == outcome


FULL_WIDTH_4242 = "\uff14\uff12" * 8


@pytest.mark.parametrize("number", ["4242424242424241", "4242", "abcd abcd abcd abcd", "", FULL_WIDTH_4242])
def test_an_invalid_card_number_is_refused(number):
    with pytest.raises(errors.InvalidInput):
        simulator.outcome_for_card(number)


def test_an_unknown_outcome_is_refused():
    sim = SimulatedProvider()

    with pytest.raises(errors.InvalidInput):
        sim.complete(session_token(sim), "paid")


def test_refund_reference_is_stable_for_the_same_refund_and_differs_otherwise():
    sim = SimulatedProvider()

    first = sim.refund("p" * 32, 3500)

    assert first.startswith("sim_re_")
    assert sim.refund("p" * 32, 3500) == first
    assert sim.refund("p" * 32, 3400) != first
    assert sim.refund("q" * 32, 3500) != first


@pytest.mark.parametrize("amount", [0, -1, True, 1.5])
def test_refund_of_a_non_positive_amount_is_refused(amount):
    with pytest.raises(errors.InvalidInput):
        SimulatedProvider().refund("p" * 32, amount)


def test_provider_is_chosen_by_the_settings(use_env):
    use_env("GUICHET_TEST_STACK", "true")
    use_env("GUICHET_PAYMENT_PROVIDER", "simulated")
    assert isinstance(payments.provider(), SimulatedProvider)
    assert payments.provider().name == "simulated"

    use_env("GUICHET_PAYMENT_PROVIDER", "acme-pay")
    with pytest.raises(RuntimeError):
        payments.provider()


def test_the_simulated_provider_is_refused_outside_a_test_stack(use_env):
    use_env("GUICHET_PAYMENT_PROVIDER", "simulated")
    use_env("GUICHET_TEST_STACK", "false")

    with pytest.raises(RuntimeError, match="test stack"):
        payments.provider()


def test_stripe_is_the_provider_when_the_stack_names_it(use_env):
    from chalicelib.payments.stripe_provider import StripeProvider

    use_env("GUICHET_TEST_STACK", "false")
    use_env("GUICHET_PAYMENT_PROVIDER", "stripe")

    assert isinstance(payments.provider(), StripeProvider)
