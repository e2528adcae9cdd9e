"""A local stand-in for Stripe's API on 127.0.0.1, answering with Stripe's documented response shapes."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stripe import WebhookSignature

DEFAULT_KEYS = {"secret_key": "sk_test_default", "webhook_secret": "whsec_default"}
OTHER_KEYS = {"secret_key": "sk_test_other", "webhook_secret": "whsec_other"}
# The stack's default account, and one organisation ("other-theatre") with an account of its own.
KEYS_SECRET = json.dumps({**DEFAULT_KEYS, "organisations": {"other-theatre": OTHER_KEYS}})


@dataclass
class Call:
    method: str
    path: str
    form: dict[str, str]
    api_key: str
    idempotency_key: str | None


@dataclass
class FakeStripe:
    """What the server was asked, and the payment intents and refunds it holds."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {"metadata", "api_key"}
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)  # payment intent id -> refund
    replies: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # idempotency key -> reply

    def add_intent(self, payment_id: str, api_key: str = DEFAULT_KEYS["secret_key"]) -> str:
        intent = "pi_" + secrets.token_hex(12)
        self.intents[intent] = {"metadata": {"payment_id": payment_id}, "api_key": api_key}
        return intent

    def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        if call.idempotency_key and call.idempotency_key in self.replies:
            return self.replies[call.idempotency_key]  # Stripe replays the first answer for a key
        reply = self._route(call)
        if call.idempotency_key:
            self.replies[call.idempotency_key] = reply
        return reply

    def _route(self, call: Call) -> tuple[int, dict[str, Any]]:
        if (call.method, call.path) == ("POST", "/v1/checkout/sessions"):
            return 200, checkout_session(call.form)
        if (call.method, call.path) == ("POST", "/v1/refunds"):
            return self._refund(call)
        if (call.method, call.path) == ("GET", "/v1/refunds"):
            intent = call.form.get("payment_intent")
            found = [r for r in self.refunds.values() if r["payment_intent"] == intent]
            return 200, {"object": "list", "data": found, "has_more": False, "url": "/v1/refunds"}
        if (call.method, call.path) == ("GET", "/v1/payment_intents/search"):
            return 200, self._search(call)
        return error(404, "resource_missing", f"Unrecognized request URL ({call.method}: {call.path})")

    def _refund(self, call: Call) -> tuple[int, dict[str, Any]]:
        intent = call.form.get("payment_intent", "")
        if self.intents.get(intent, {}).get("api_key") != call.api_key:
            return error(404, "resource_missing", f"No such payment_intent: '{intent}'", "payment_intent")
        if intent in self.refunds:
            return error(400, "charge_already_refunded", "Charge has already been refunded.")
        refund = {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": int(call.form["amount"]),
            "currency": "eur",
            "payment_intent": intent,
            "metadata": {"payment_id": call.form.get("metadata[payment_id]")},
            "status": "succeeded",
            "created": int(time.time()),
        }
        self.refunds[intent] = refund
        return 200, refund

    def _search(self, call: Call) -> dict[str, Any]:
        query = call.form.get("query", "")
        found = [
            {"id": intent, "object": "payment_intent", "metadata": data["metadata"]}
            for intent, data in self.intents.items()
            if data["api_key"] == call.api_key and f"'{data['metadata']['payment_id']}'" in query
        ]
        page = {"has_more": False, "next_page": None, "url": "/v1/payment_intents/search"}
        return {"object": "search_result", "data": found, **page}


def checkout_session(form: dict[str, str]) -> dict[str, Any]:
    """A Checkout Session as Stripe returns it on creation: open, unpaid, with its hosted page's URL."""
    session_id = "cs_test_" + secrets.token_hex(16)
    metadata = {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")}
    amount = int(form["line_items[0][price_data][unit_amount]"]) * int(form["line_items[0][quantity]"])
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount,
        "currency": form["line_items[0][price_data][currency]"],
        "client_reference_id": form.get("client_reference_id"),
        "created": int(time.time()),
        "expires_at": int(form["expires_at"]),
        "livemode": False,
        "metadata": metadata,
        "mode": form["mode"],
        "payment_intent": None,
        "payment_status": "unpaid",
        "status": "open",
        "success_url": form["success_url"],
        "cancel_url": form["cancel_url"],
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
    }


def error(status: int, code: str, message: str, param: str | None = None) -> tuple[int, dict[str, Any]]:
    body = {"type": "invalid_request_error", "code": code, "message": message}
    if param:
        body["param"] = param
    return status, {"error": body}


def signed_event(kind: str, session: dict[str, Any], secret: str, at: int | None = None) -> tuple[str, str]:
    """A webhook delivery as Stripe sends it: the event's JSON and its Stripe-Signature header."""
    event = {
        "id": "evt_" + secrets.token_hex(12),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "type": kind,
        "livemode": False,
        "data": {"object": session},
    }
    payload = json.dumps(event)
    return payload, WebhookSignature.generate_signature_header(payload, secret, timestamp=at)


def paid(session: dict[str, Any], intent: str = "pi_test_paid") -> dict[str, Any]:
    return {**session, "status": "complete", "payment_status": "paid", "payment_intent": intent}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeStripe

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else parts.query
        call = Call(
            method=self.command,
            path=parts.path,
            form=dict(parse_qsl(body, keep_blank_values=True)),
            api_key=(self.headers.get("Authorization") or "").removeprefix("Bearer "),
            idempotency_key=self.headers.get("Idempotency-Key"),
        )
        self.fake.calls.append(call)
        status, answer = self.fake.answer(call)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve

    def log_message(self, *args: Any) -> None:  # quiet: pytest shows failures, not every request
        pass


@contextmanager
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
