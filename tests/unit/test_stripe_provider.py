"""Stripe as the card provider, against a local server with Stripe's shapes and Stripe-signed webhooks."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import boto3
import pytest
from moto import mock_aws

from chalicelib import config, errors
from chalicelib.payments import stripe_provider
from chalicelib.payments.provider import (
    IgnoredNotification,
    InvalidCallback,
    PaymentProviderUnavailable,
    PaymentRequest,
)
from chalicelib.payments.stripe_provider import StripeProvider, parse_accounts
from tests.stripe_server import (
    DEFAULT_KEYS,
    KEYS_SECRET,
    OTHER_KEYS,
    checkout_session,
    fake_stripe,
    paid,
    signed_event,
)

NOW = 1_800_000_000


@pytest.fixture
def stripe_api(monkeypatch):
    with fake_stripe() as fake:
        monkeypatch.setattr(stripe_provider, "API_BASE", fake.url)
        monkeypatch.setattr(stripe_provider, "NETWORK_RETRIES", 0)
        monkeypatch.setenv("GUICHET_STRIPE_SECRET", KEYS_SECRET)
        config.reset()
        yield fake
    config.reset()


def request(org_id: str = "demo", amount: int = 7000) -> PaymentRequest:
    return PaymentRequest(
        payment_id="p" * 32,
        order_id="o" * 32,
        org_id=org_id,
        amount=amount,
        currency="EUR",
        description="Order 7F3K2Q",
        return_url="https://tickets.example/shop/demo/orders/o",
        callback_url="https://tickets.example/shop/demo/payments/callback",
    )


def opened_session(org_id: str = "demo") -> dict:
    """The Checkout Session Stripe would have opened for `request(org_id)`."""
    provider = StripeProvider(clock=lambda: NOW)
    form = {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][unit_amount]": "7000",
        "line_items[0][price_data][currency]": "eur",
        "expires_at": str(NOW + 3600),
        "success_url": "https://x/",
        "cancel_url": "https://x/",
        "metadata[payment_id]": "p" * 32,
        "metadata[order_id]": "o" * 32,
        "metadata[org_id]": org_id,
    }
    assert provider.name == "stripe"
    return checkout_session(form)


def test_a_payment_opens_a_checkout_session_for_its_amount_and_ids(stripe_api):
    opened_at = 1_900_000_000
    session = StripeProvider(clock=lambda: opened_at).start(request())

    [call] = stripe_api.calls
    assert (call.method, call.path, call.api_key) == ("POST", "/v1/checkout/sessions", "sk_test_default")
    assert call.form["mode"] == "payment"
    assert call.form["line_items[0][price_data][unit_amount]"] == "7000"
    assert call.form["line_items[0][price_data][currency]"] == "eur"
    assert call.form["metadata[payment_id]"] == "p" * 32
    assert call.form["payment_intent_data[metadata][order_id]"] == "o" * 32
    assert call.form["success_url"] == "https://tickets.example/shop/demo/orders/o"
    assert session.redirect_url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    # Stripe refuses sessions shorter than 30 minutes
    assert session.expires_at >= opened_at + 30 * 60


def test_opening_a_checkout_session_sends_an_idempotency_key(stripe_api):
    StripeProvider().start(request())

    assert stripe_api.calls[0].idempotency_key.startswith("checkout-" + "p" * 32)


def test_an_organisation_with_its_own_account_is_charged_on_it(stripe_api):
    StripeProvider().start(request(org_id="other-theatre"))

    assert stripe_api.calls[0].api_key == OTHER_KEYS["secret_key"]


def test_an_unreachable_stripe_is_a_transient_error(stripe_api, monkeypatch):
    monkeypatch.setattr(stripe_provider, "API_BASE", "http://127.0.0.1:9")  # the discard port: refused

    with pytest.raises(PaymentProviderUnavailable) as raised:
        StripeProvider().start(request())
    assert raised.value.code == "payment_provider_unavailable"


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("checkout.session.completed", "succeeded"),
        ("checkout.session.async_payment_succeeded", "succeeded"),
        ("checkout.session.async_payment_failed", "declined"),
        ("checkout.session.expired", "timed_out"),
    ],
)
def test_a_signed_checkout_event_is_the_payments_outcome(stripe_api, kind, status):
    payload, signature = signed_event(kind, paid(opened_session()), DEFAULT_KEYS["webhook_secret"])

    outcome = StripeProvider().verify_callback(payload, signature)

    assert (outcome.payment_id, outcome.order_id, outcome.org_id) == ("p" * 32, "o" * 32, "demo")
    assert (outcome.amount, outcome.currency, outcome.status) == (7000, "EUR", status)
    assert outcome.provider_reference == "pi_test_paid"


def test_a_notification_signed_with_another_secret_is_refused(stripe_api):
    payload, signature = signed_event("checkout.session.completed", paid(opened_session()), "whsec_forged")

    with pytest.raises(InvalidCallback):
        StripeProvider().verify_callback(payload, signature)


def test_a_tampered_notification_is_refused(stripe_api):
    payload, signature = signed_event(
        "checkout.session.completed", paid(opened_session()), DEFAULT_KEYS["webhook_secret"]
    )

    with pytest.raises(InvalidCallback):
        StripeProvider().verify_callback(payload.replace("7000", "1"), signature)


@pytest.mark.parametrize("signature", ["", "t=1,v1=00", "garbage"])
def test_a_notification_without_a_valid_signature_header_is_refused(stripe_api, signature):
    payload, _ = signed_event("checkout.session.completed", paid(opened_session()), "whsec_default")

    with pytest.raises(InvalidCallback):
        StripeProvider().verify_callback(payload, signature)


def test_a_notification_older_than_the_tolerance_window_is_refused(stripe_api):
    late = int(time.time()) - stripe_provider.WEBHOOK_TOLERANCE_SECONDS - 5
    payload, signature = signed_event(
        "checkout.session.completed", paid(opened_session()), DEFAULT_KEYS["webhook_secret"], at=late
    )

    with pytest.raises(InvalidCallback, match="too old"):
        StripeProvider().verify_callback(payload, signature)


def test_an_organisations_account_cannot_pay_another_organisations_order(stripe_api):
    payload, signature = signed_event(
        "checkout.session.completed", paid(opened_session("demo")), OTHER_KEYS["webhook_secret"]
    )

    with pytest.raises(InvalidCallback, match="another organisation"):
        StripeProvider().verify_callback(payload, signature)


def test_the_default_account_cannot_pay_for_an_organisation_with_its_own(stripe_api):
    payload, signature = signed_event(
        "checkout.session.completed", paid(opened_session("other-theatre")), DEFAULT_KEYS["webhook_secret"]
    )

    with pytest.raises(InvalidCallback):
        StripeProvider().verify_callback(payload, signature)


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("payment_intent.created", {}),
        ("checkout.session.completed", {"payment_status": "unpaid"}),
        ("checkout.session.completed", {"metadata": {}}),
    ],
)
def test_events_that_end_no_payment_of_ours_are_ignored(stripe_api, kind, change):
    session = {**paid(opened_session()), **change}
    payload, signature = signed_event(kind, session, DEFAULT_KEYS["webhook_secret"])

    with pytest.raises(IgnoredNotification):
        StripeProvider().verify_callback(payload, signature)


def test_a_refund_names_the_payment_intent_and_an_idempotency_key(stripe_api):
    intent = stripe_api.add_intent("p" * 32)

    reference = StripeProvider().refund("p" * 32, 3500, reference=intent, org_id="demo")

    [call] = stripe_api.calls
    assert (call.path, call.form["payment_intent"], call.form["amount"]) == ("/v1/refunds", intent, "3500")
    assert call.idempotency_key == f"refund-{'p' * 32}-3500"
    assert reference == stripe_api.refunds[intent]["id"]


def test_a_retried_refund_refunds_once_and_returns_the_same_reference(stripe_api):
    intent = stripe_api.add_intent("p" * 32)
    provider = StripeProvider()

    first = provider.refund("p" * 32, 3500, reference=intent)
    stripe_api.replies.clear()  # Stripe forgets idempotency keys after 24 hours
    again = provider.refund("p" * 32, 3500, reference=intent)

    assert again == first
    assert len(stripe_api.refunds) == 1


def test_a_refund_without_a_reference_finds_the_payment_by_its_id(stripe_api):
    intent = stripe_api.add_intent("p" * 32, api_key=OTHER_KEYS["secret_key"])

    StripeProvider().refund("p" * 32, 7000)

    assert stripe_api.refunds[intent]["amount"] == 7000


def test_a_refund_of_a_payment_stripe_does_not_know_is_a_transient_error(stripe_api):
    with pytest.raises(PaymentProviderUnavailable):
        StripeProvider().refund("p" * 32, 7000)


@pytest.mark.parametrize("amount", [0, -1, True])
def test_a_refund_of_a_non_positive_amount_is_refused(stripe_api, amount):
    with pytest.raises(errors.InvalidInput):
        StripeProvider().refund("p" * 32, amount)


@pytest.mark.parametrize(
    "secret",
    [
        "not json",
        "[]",
        "{}",
        json.dumps({"secret_key": "pk_live_publishable", "webhook_secret": "whsec_x"}),
        json.dumps({"secret_key": "sk_live_x", "webhook_secret": "x"}),
    ],
)
def test_a_keys_secret_that_cannot_work_is_refused_without_showing_keys(secret):
    with pytest.raises(RuntimeError) as raised:
        parse_accounts(secret)
    assert "sk_live_x" not in str(raised.value)


def test_keys_are_read_from_secrets_manager(monkeypatch):
    monkeypatch.delenv("GUICHET_STRIPE_SECRET", raising=False)
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(Name="stripe", SecretString=KEYS_SECRET)["ARN"]
        monkeypatch.setenv("GUICHET_STRIPE_SECRET_ARN", arn)
        config.reset()
        try:
            account = StripeProvider().account_for("other-theatre")
        finally:
            config.reset()
    assert account.secret_key == OTHER_KEYS["secret_key"]


def test_importing_the_app_does_not_import_stripe():
    code = "import sys, app; print('stripe' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
