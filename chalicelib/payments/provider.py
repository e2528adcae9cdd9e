"""The payment provider interface: redirect the shopper, verify the signed callback, refund."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from chalicelib import errors
from chalicelib.config import settings

SUCCEEDED = "succeeded"
DECLINED = "declined"
TIMED_OUT = "timed_out"
STATUSES = (SUCCEEDED, DECLINED, TIMED_OUT)
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class PaymentRequest:
    payment_id: str
    order_id: str
    org_id: str
    amount: int  # in cents
    currency: str  # ISO 4217, e.g. "EUR"
    description: str
    return_url: str  # where the shopper's browser goes once the payment is over
    callback_url: str  # where the provider posts the signed outcome


@dataclass(frozen=True)
class PaymentSession:
    payment_id: str
    redirect_url: str  # send the shopper's browser here
    expires_at: int  # epoch seconds; after it the payment can only time out


@dataclass(frozen=True)
class PaymentOutcome:
    payment_id: str
    order_id: str
    org_id: str
    amount: int
    currency: str
    status: str  # SUCCEEDED, DECLINED or TIMED_OUT
    provider_reference: str


def check_request(request: PaymentRequest) -> None:
    # Our own code builds requests: a bad one is a bug, not a client's input error.
    if type(request.amount) is not int or request.amount <= 0:
        raise ValueError(f"A payment amount is a positive number of cents, not {request.amount!r}")
    if not _CURRENCY.fullmatch(request.currency):
        raise ValueError(f"Not an ISO 4217 currency code: {request.currency!r}")
    if not (request.payment_id and request.order_id and request.org_id):
        raise ValueError("A payment needs its payment, order and organisation ids")
    for url in (request.return_url, request.callback_url):
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"Not an http(s) URL: {url!r}")


class InvalidCallback(errors.InvalidInput):
    """A callback whose signature or payload is not the provider's: forged, tampered or garbled."""

    code = "invalid_callback"


class IgnoredNotification(Exception):
    """A genuine notification from the provider that carries no payment outcome (answered 200)."""


class PaymentProviderUnavailable(errors.TransientStoreError):
    """The card provider could not be reached or refused our request; the same call may succeed later.

    A TransientStoreError, so it answers 503 and workflows retry it as they retry a throttled store.
    """

    code = "payment_provider_unavailable"


class PaymentProvider(Protocol):
    name: str

    def start(self, request: PaymentRequest) -> PaymentSession:
        """Open a payment session; the shopper is redirected to its `redirect_url`."""
        ...

    def verify_callback(self, payload: str, signature: str) -> PaymentOutcome:
        """The outcome carried by a callback, or InvalidCallback if the provider did not sign it."""
        ...

    def refund(
        self, payment_id: str, amount: int, reference: str | None = None, org_id: str | None = None
    ) -> str:
        """Give back `amount` cents of a succeeded payment; returns the provider's refund reference.

        `reference` (the outcome's provider_reference) and `org_id` spare a real provider a lookup.
        """
        ...


PROVIDERS = ("simulated", "stripe")


def provider() -> PaymentProvider:
    """The deployment's provider, chosen by GUICHET_PAYMENT_PROVIDER (the stack's PaymentProvider)."""
    current = settings()
    if current.payment_provider == "simulated":
        # It hands out successful payments to whoever asks: never where real tickets are sold.
        if not current.test_stack:
            raise RuntimeError("The simulated payment provider runs only on a test stack: GUICHET_TEST_STACK")
        from chalicelib.payments.simulator import SimulatedProvider

        return SimulatedProvider()
    if current.payment_provider == "stripe":
        from chalicelib.payments.stripe_provider import StripeProvider

        return StripeProvider()
    raise RuntimeError(
        f"Unknown payment provider {current.payment_provider!r}: choose one of {PROVIDERS}"
    )
