"""The payment provider interface: redirect the shopper, verify the signed callback, refund."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from chalicelib import errors
from chalicelib.config import settings

SUCCEEDED = "succeeded"
DECLINED = "declined"
TIMED_OUT = "timed_out"
STATUSES = (SUCCEEDED, DECLINED, TIMED_OUT)


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


class InvalidCallback(errors.InvalidInput):
    """A callback whose signature or payload is not the provider's: forged, tampered or garbled."""

    code = "invalid_callback"


class PaymentProvider(Protocol):
    name: str

    def start(self, request: PaymentRequest) -> PaymentSession:
        """Open a payment session; the shopper is redirected to its `redirect_url`."""
        ...

    def verify_callback(self, payload: str, signature: str) -> PaymentOutcome:
        """The outcome carried by a callback, or InvalidCallback if the provider did not sign it."""
        ...

    def refund(self, payment_id: str, amount: int) -> str:
        """Give back `amount` cents of a succeeded payment; returns the provider's refund reference."""
        ...


def provider() -> PaymentProvider:
    """The deployment's provider, chosen by GUICHET_PAYMENT_PROVIDER."""
    name = settings().payment_provider
    if name == "simulated":
        from chalicelib.payments.simulator import SimulatedProvider

        return SimulatedProvider()
    raise RuntimeError(f"Unknown payment provider {name!r}: set GUICHET_PAYMENT_PROVIDER to 'simulated'")
