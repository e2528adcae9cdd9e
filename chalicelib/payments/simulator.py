"""A stateless card-payment simulator: signed session tokens, signed callbacks, sandbox test cards."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from chalicelib import errors
from chalicelib.auth.tokens import signing_secret
from chalicelib.config import public_url
from chalicelib.payments.provider import (
    DECLINED,
    STATUSES,
    SUCCEEDED,
    TIMED_OUT,
    InvalidCallback,
    PaymentOutcome,
    PaymentRequest,
    PaymentSession,
    check_request,
)

SESSION_SECONDS = 15 * 60
# One key per use, derived from the deployment's secret, so a session token's MAC is never a valid
# callback signature, and the raw secret (which also signs bearer tokens) is never used here.
SESSION_LABEL = b"payment-simulator-session"
CALLBACK_LABEL = b"payment-simulator-callback"
REFERENCE_LABEL = b"payment-simulator-reference"

# The sandbox numbers card providers document (Stripe's); any other valid number is declined.
TEST_CARDS = {
    "4242424242424242": SUCCEEDED,
    "4000000000000002": DECLINED,
    "4000000000000119": TIMED_OUT,
}
_CARD_NUMBER = re.compile(r"[0-9]{12,19}")


@dataclass(frozen=True)
class SessionDetails:
    """What the simulator's page shows and completes: the request, and until when it may be paid."""

    request: PaymentRequest
    expires_at: int


def is_valid_card_number(number: str) -> bool:
    """12 to 19 digits (spaces and dashes allowed) whose Luhn checksum holds."""
    digits = re.sub(r"[ -]", "", number)
    if not _CARD_NUMBER.fullmatch(digits):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def outcome_for_card(number: str) -> str:
    """The outcome a sandbox gives this card number: the test cards, else declined."""
    if not is_valid_card_number(number):
        raise errors.InvalidInput("Not a valid card number", {"field": "card_number"})
    return TEST_CARDS.get(re.sub(r"[ -]", "", number), DECLINED)


def _mac(label: bytes, data: bytes) -> bytes:
    key = hmac.new(signing_secret().encode("utf-8"), label, hashlib.sha256).digest()
    return hmac.new(key, data, hashlib.sha256).digest()


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SimulatedProvider:
    """Plays a card provider's hosted payment page; holds no state, everything travels signed."""

    name = "simulated"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock

    def start(self, request: PaymentRequest) -> PaymentSession:
        check_request(request)
        expires_at = int(self._clock()) + SESSION_SECONDS
        claims = {**asdict(request), "expires_at": expires_at}
        body = _b64encode(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        token = f"{body}.{_b64encode(_mac(SESSION_LABEL, body.encode('ascii')))}"
        redirect_url = f"{public_url()}/payments/simulator?session={token}"
        return PaymentSession(payment_id=request.payment_id, redirect_url=redirect_url, expires_at=expires_at)

    def session(self, token: str) -> SessionDetails:
        """The session a token carries, or NotFound when we did not sign it."""
        body, _, mac = token.partition(".")
        try:
            expected = _b64encode(_mac(SESSION_LABEL, body.encode("ascii")))
            if not mac or not hmac.compare_digest(expected.encode("ascii"), mac.encode("ascii")):
                raise ValueError("bad signature")
            claims = json.loads(_b64decode(body))
            expires_at = claims.pop("expires_at")
            request = PaymentRequest(**claims)
        except (ValueError, UnicodeError, binascii.Error, TypeError, KeyError, AttributeError):
            raise errors.NotFound("No such payment session", {"session": token[:50]}) from None
        return SessionDetails(request=request, expires_at=int(expires_at))

    def complete(self, token: str, outcome: str) -> dict[str, str]:
        """The callback to deliver for this outcome; an expired session can only time out."""
        if outcome not in STATUSES:
            raise errors.InvalidInput(f"Unknown outcome {outcome[:30]!r}", {"field": "outcome"})
        details = self.session(token)
        if self._clock() >= details.expires_at:
            outcome = TIMED_OUT
        request = details.request
        result = PaymentOutcome(
            payment_id=request.payment_id,
            order_id=request.order_id,
            org_id=request.org_id,
            amount=request.amount,
            currency=request.currency,
            status=outcome,
            provider_reference=self._reference(f"charge:{request.payment_id}"),
        )
        payload = json.dumps(asdict(result), separators=(",", ":"), sort_keys=True)
        return {
            "callback_url": request.callback_url,
            "payload": payload,
            "signature": _mac(CALLBACK_LABEL, payload.encode("utf-8")).hex(),
            "return_url": request.return_url,
        }

    def verify_callback(self, payload: str, signature: str) -> PaymentOutcome:
        if not isinstance(payload, str) or not isinstance(signature, str):
            raise InvalidCallback("The payment callback is not signed")
        expected = _mac(CALLBACK_LABEL, payload.encode("utf-8")).hex()
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8")):
            raise InvalidCallback("The payment callback's signature is wrong")
        return _parse_outcome(payload)

    def refund(
        self, payment_id: str, amount: int, reference: str | None = None, org_id: str | None = None
    ) -> str:
        if type(amount) is not int or amount <= 0:
            raise errors.InvalidInput("A refund is a positive number of cents", {"field": "amount"})
        # Deterministic, so a retried refund reports the same reference.
        return self._reference(f"refund:{payment_id}:{amount}", prefix="sim_re_")

    @staticmethod
    def _reference(seed: str, prefix: str = "sim_ch_") -> str:
        return prefix + _mac(REFERENCE_LABEL, seed.encode("utf-8")).hex()[:24]


def _parse_outcome(payload: str) -> PaymentOutcome:
    """Defence in depth: even a correctly signed payload must have exactly the outcome's shape."""
    try:
        data: Any = json.loads(payload)
    except ValueError:
        raise InvalidCallback("The payment callback is not JSON") from None
    names = {field.name for field in fields(PaymentOutcome)}
    if not isinstance(data, dict) or set(data) != names:
        raise InvalidCallback("The payment callback has the wrong fields")
    strings_ok = all(isinstance(data[name], str) for name in names - {"amount"})
    if not strings_ok or type(data["amount"]) is not int or data["status"] not in STATUSES:
        raise InvalidCallback("The payment callback has wrong values")
    return PaymentOutcome(**data)
