"""Stripe's webhook: signed Checkout Session events become payment outcomes; public, as Stripe calls it."""

from __future__ import annotations

from chalicelib import errors
from chalicelib.api.routing import PUBLIC, Api, Out
from chalicelib.config import settings
from chalicelib.payments.provider import IgnoredNotification
from chalicelib.sales.payments import payment_callback

api = Api(__name__, tag="payments")
blueprint = api.blueprint
PATH = "/payments/stripe/webhook"


class WebhookOut(Out):
    received: bool
    order_id: str | None = None
    status: str | None = None
    ignored: str | None = None  # why an event that ends no payment of ours changed nothing


@api.route(
    PATH,
    "POST",
    summary="Stripe's signed notification of a Checkout Session's end (Stripe-Signature header)",
    auth=PUBLIC,
    response=WebhookOut,
)
def stripe_webhook(_caller: None) -> WebhookOut:
    if settings().payment_provider != "stripe":
        raise errors.NotFound("No such route", {"path": PATH})
    request = blueprint.current_request
    # The signature covers the body byte for byte: it is verified on the raw text, never re-serialised.
    try:
        payload = (request.raw_body or b"").decode("utf-8")
    except UnicodeDecodeError:
        raise errors.MalformedBody("The notification is not UTF-8", {"in": "body"}) from None
    signature = request.headers.get("stripe-signature") or ""
    try:
        order = payment_callback(payload, signature)
    except IgnoredNotification as ignored:
        # Acknowledged, so Stripe does not deliver it again for three days.
        return WebhookOut(received=True, ignored=str(ignored))
    return WebhookOut(received=True, order_id=order.order_id, status=order.status)
