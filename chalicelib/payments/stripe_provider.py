"""Stripe as the card provider: Checkout Sessions, signed webhooks and refunds, keys from Secrets Manager."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib import errors
from chalicelib.config import settings
from chalicelib.payments.provider import (
    DECLINED,
    SUCCEEDED,
    TIMED_OUT,
    IgnoredNotification,
    InvalidCallback,
    PaymentOutcome,
    PaymentProviderUnavailable,
    PaymentRequest,
    PaymentSession,
    check_request,
)

# Stripe refuses a Checkout Session that lives under 30 minutes; one minute more absorbs clock skew.
SESSION_SECONDS = 31 * 60
# How old a webhook's signed timestamp may be (Stripe's own default): a captured delivery replayed
# later is refused.
WEBHOOK_TOLERANCE_SECONDS = 300
NETWORK_RETRIES = 2
# Secrets Manager is read again after this long, so rotated keys take effect without a deployment.
KEYS_MAX_AGE_SECONDS = 300
# None: Stripe's own API. Tests point the library at a local server.
API_BASE: str | None = None

# Checkout Session events that end a payment; every other event is acknowledged and ignored.
EVENT_STATUS = {
    "checkout.session.completed": SUCCEEDED,
    "checkout.session.async_payment_succeeded": SUCCEEDED,
    "checkout.session.async_payment_failed": DECLINED,
    "checkout.session.expired": TIMED_OUT,
}
OUR_METADATA = ("payment_id", "order_id", "org_id")
_SEARCHABLE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


@dataclass(frozen=True)
class StripeAccount:
    secret_key: str
    webhook_secret: str
    org_id: str | None = None  # None: the stack's default account


def parse_accounts(text: str) -> dict[str | None, StripeAccount]:
    """The keys secret: `{"secret_key", "webhook_secret", "organisations": {org: {same two}}}`.

    The default account is optional when every selling organisation has its own.
    """
    try:
        data = json.loads(text)
    except ValueError:
        raise RuntimeError("The Stripe keys secret is not JSON") from None
    if not isinstance(data, dict):
        raise RuntimeError("The Stripe keys secret is not a JSON object")
    found: dict[str | None, StripeAccount] = {}
    if "secret_key" in data or "webhook_secret" in data:
        found[None] = _account(data, None)
    for org_id, keys in (data.get("organisations") or {}).items():
        found[org_id] = _account(keys, org_id)
    if not found:
        raise RuntimeError("The Stripe keys secret names no account")
    return found


def _account(keys: Any, org_id: str | None) -> StripeAccount:
    where = f"organisation {org_id}" if org_id else "the default account"
    if not isinstance(keys, dict):
        raise RuntimeError(f"Stripe keys of {where}: not an object")
    secret_key, webhook_secret = keys.get("secret_key"), keys.get("webhook_secret")
    # Only the prefixes are checked and named: a key never appears in a message or a log.
    if not isinstance(secret_key, str) or not secret_key.startswith(("sk_", "rk_")):
        raise RuntimeError(f"Stripe keys of {where}: secret_key must be a secret or restricted key")
    if not isinstance(webhook_secret, str) or not webhook_secret.startswith("whsec_"):
        raise RuntimeError(f"Stripe keys of {where}: webhook_secret must start with whsec_")
    return StripeAccount(secret_key, webhook_secret, org_id)


def configured_accounts() -> dict[str | None, StripeAccount]:
    current = settings()
    if current.stripe_secret:
        return parse_accounts(current.stripe_secret)
    if current.stripe_secret_arn:
        from aws_lambda_powertools.utilities import parameters

        text = parameters.get_secret(current.stripe_secret_arn, max_age=KEYS_MAX_AGE_SECONDS)
        return parse_accounts(str(text))
    raise RuntimeError("No Stripe keys: set GUICHET_STRIPE_SECRET_ARN (the stack's StripeSecretArn)")


def _client(account: StripeAccount) -> Any:
    import stripe

    return stripe.StripeClient(
        account.secret_key,
        base_addresses={"api": API_BASE} if API_BASE else None,
        max_network_retries=NETWORK_RETRIES,
    )


def _unavailable(exc: Exception, action: str) -> PaymentProviderUnavailable:
    details = {"provider": "stripe", "action": action, "error": type(exc).__name__}
    code = getattr(exc, "code", None)
    if code:
        details["stripe_code"] = str(code)
    return PaymentProviderUnavailable("The card provider did not answer; try again shortly", details)


class StripeProvider:
    """Checkout Sessions for payments, webhooks for outcomes, refunds by payment intent."""

    name = "stripe"

    def __init__(
        self,
        accounts: Callable[[], dict[str | None, StripeAccount]] = configured_accounts,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._accounts = accounts
        self._clock = clock

    def account_for(self, org_id: str) -> StripeAccount:
        """The organisation's own account where it has one, else the stack's default account."""
        accounts = self._accounts()
        account = accounts.get(org_id) or accounts.get(None)
        if account is None:
            raise PaymentProviderUnavailable(
                "Card payments are not set up for this organisation", {"org_id": org_id}
            )
        return account

    def start(self, request: PaymentRequest) -> PaymentSession:
        import stripe

        check_request(request)
        expires_at = int(self._clock()) + SESSION_SECONDS
        ours = {"payment_id": request.payment_id, "order_id": request.order_id, "org_id": request.org_id}
        params = {
            "mode": "payment",
            "payment_method_types": ["card"],
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount,
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "client_reference_id": request.payment_id,
            "metadata": ours,
            "payment_intent_data": {"metadata": ours},
            "success_url": request.return_url,
            "cancel_url": request.return_url,
            "expires_at": expires_at,
        }
        # Keyed by attempt: the library's own retries reuse it; a session whose answer never reached
        # us was never shown to the shopper, so a later call may open a new one.
        options = {"idempotency_key": f"checkout-{request.payment_id}-{expires_at}"}
        try:
            session = _client(self.account_for(request.org_id)).v1.checkout.sessions.create(params, options)
        except stripe.StripeError as exc:
            raise _unavailable(exc, "checkout") from None
        return PaymentSession(
            payment_id=request.payment_id, redirect_url=session.url, expires_at=int(session.expires_at)
        )

    def verify_callback(self, payload: str, signature: str) -> PaymentOutcome:
        """A webhook delivery: the body as sent and its Stripe-Signature header."""
        event, account = self._verified_event(payload, signature)
        return _outcome(event, account, self._accounts())

    def _verified_event(self, payload: str, signature: str) -> tuple[dict[str, Any], StripeAccount]:
        import stripe

        if not isinstance(payload, str) or not isinstance(signature, str) or not signature:
            raise InvalidCallback("The notification carries no Stripe signature")
        for account in self._accounts().values():
            try:
                event = stripe.Webhook.construct_event(
                    payload, signature, account.webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
                )
            except stripe.SignatureVerificationError:
                continue
            except ValueError:
                raise InvalidCallback("The notification is not JSON") from None
            return event.to_dict(), account
        raise InvalidCallback("The notification's Stripe signature is wrong or too old")

    def refund(
        self, payment_id: str, amount: int, reference: str | None = None, org_id: str | None = None
    ) -> str:
        if type(amount) is not int or amount <= 0:
            raise errors.InvalidInput("A refund is a positive number of cents", {"field": "amount"})
        for account in self._refund_accounts(org_id):
            reference_id = _refund_on(account, payment_id, amount, reference)
            if reference_id is not None:
                return reference_id
        raise PaymentProviderUnavailable(
            "The card payment to refund is not found at the provider yet", {"payment_id": payment_id}
        )

    def _refund_accounts(self, org_id: str | None) -> Iterator[StripeAccount]:
        if org_id is not None:
            yield self.account_for(org_id)
            return
        yield from self._accounts().values()


def _refund_on(account: StripeAccount, payment_id: str, amount: int, reference: str | None) -> str | None:
    """The refund's id, or None when this account holds no such payment."""
    import stripe

    client = _client(account)
    try:
        intent = reference if reference and reference.startswith("pi_") else None
        intent = intent or _find_intent(client, payment_id)
        if intent is None:
            return None
        params = {"payment_intent": intent, "amount": amount, "metadata": {"payment_id": payment_id}}
        try:
            return client.v1.refunds.create(params, {"idempotency_key": f"refund-{payment_id}-{amount}"}).id
        except stripe.InvalidRequestError as exc:
            if exc.code != "charge_already_refunded":
                raise
            # A retry after Stripe forgot the idempotency key (24 hours): the refund made then.
            return client.v1.refunds.list({"payment_intent": intent, "limit": 1}).data[0].id
    except stripe.InvalidRequestError as exc:
        if exc.code == "resource_missing":
            return None
        raise _unavailable(exc, "refund") from None
    except stripe.StripeError as exc:
        raise _unavailable(exc, "refund") from None


def _find_intent(client: Any, payment_id: str) -> str | None:
    """The payment intent that carries our payment id (Stripe's search lags writes by up to a minute)."""
    if not _SEARCHABLE_ID.fullmatch(payment_id):
        return None
    query = f"metadata['payment_id']:'{payment_id}'"
    found = client.v1.payment_intents.search({"query": query, "limit": 1})
    return found.data[0].id if found.data else None


def _outcome(
    event: dict[str, Any], account: StripeAccount, accounts: dict[str | None, StripeAccount]
) -> PaymentOutcome:
    kind = event.get("type")
    session = (event.get("data") or {}).get("object") or {}
    status = EVENT_STATUS.get(str(kind))
    if status is None or session.get("object") != "checkout.session":
        raise IgnoredNotification(f"{kind}: not a payment's end")
    if kind == "checkout.session.completed" and session.get("payment_status") != "paid":
        raise IgnoredNotification("completed, the payment itself still to come")
    ours = session.get("metadata") or {}
    if not all(isinstance(ours.get(name), str) and ours.get(name) for name in OUR_METADATA):
        raise IgnoredNotification("a Checkout Session this stack did not open")
    # An organisation's own account speaks only for that organisation; the default account only
    # for organisations without one of their own.
    if ours["org_id"] != account.org_id and (account.org_id is not None or ours["org_id"] in accounts):
        raise InvalidCallback("The notification comes from another organisation's Stripe account")
    amount, currency = session.get("amount_total"), session.get("currency")
    if type(amount) is not int or not isinstance(currency, str):
        raise InvalidCallback("The notification's Checkout Session has no amount")
    return PaymentOutcome(
        payment_id=ours["payment_id"],
        order_id=ours["order_id"],
        org_id=ours["org_id"],
        amount=amount,
        currency=currency.upper(),
        status=status,
        provider_reference=str(session.get("payment_intent") or session.get("id")),
    )
