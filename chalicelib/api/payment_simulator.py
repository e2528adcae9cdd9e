"""The payment simulator's hosted page and its completion route: public, on test stacks only."""

from __future__ import annotations

import html
import json
import secrets
from typing import Literal
from urllib.parse import urlsplit

from chalice import Response
from pydantic import Field, field_validator, model_validator

from chalicelib import errors
from chalicelib.api.routing import PUBLIC, Api, Body, Out
from chalicelib.config import settings
from chalicelib.payments import simulator

api = Api(__name__, tag="payment simulator")
blueprint = api.blueprint


class SessionQuery(Body):
    # In the query, not the path: the token carries the whole session, longer than a path id may be.
    session: str = Field(min_length=1, max_length=4096)


class CompleteBody(Body):
    card_number: str | None = Field(default=None, max_length=40)
    outcome: Literal["succeeded", "declined", "timed_out"] | None = None

    @field_validator("card_number")
    @classmethod
    def _valid_card(cls, value: str | None) -> str | None:
        if value is not None and not simulator.is_valid_card_number(value):
            raise ValueError("not a valid card number")
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> CompleteBody:
        if (self.card_number is None) == (self.outcome is None):
            raise ValueError("give exactly one of card_number or outcome")
        return self


class CallbackOut(Out):
    callback_url: str
    payload: str
    signature: str
    return_url: str


def _provider() -> simulator.SimulatedProvider:
    # A page that hands out successful payments exists only on a stack marked as a test stack, and
    # only while it is the stack's provider: elsewhere the route answers as an unknown one would.
    current = settings()
    if not current.test_stack or current.payment_provider != simulator.SimulatedProvider.name:
        raise errors.NotFound("No such route", {"path": "/payments/simulator"})
    return simulator.SimulatedProvider()


@api.route(
    "/payments/simulator",
    summary="The simulated card provider's payment page",
    auth=PUBLIC,
    query=SessionQuery,
    produces="text/html",
)
def simulator_page(_caller: None, query: SessionQuery) -> Response:
    details = _provider().session(query.session)
    nonce = secrets.token_urlsafe(16)
    callback = urlsplit(details.request.callback_url)
    policy = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
        f"connect-src 'self' {callback.scheme}://{callback.netloc}; base-uri 'none'; frame-ancestors 'none'"
    )
    return Response(
        _page(details, query.session, nonce),
        status_code=200,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": policy,
        },
    )


@api.route(
    "/payments/simulator",
    "POST",
    summary="Pay, decline or time out a simulated payment; returns the signed callback to deliver",
    auth=PUBLIC,
    query=SessionQuery,
    body=CompleteBody,
    response=CallbackOut,
)
def complete_payment(_caller: None, query: SessionQuery, body: CompleteBody) -> CallbackOut:
    outcome = body.outcome or simulator.outcome_for_card(body.card_number or "")
    return CallbackOut(**_provider().complete(query.session, outcome))


def _amount(cents: int, currency: str) -> str:
    return f"{cents // 100}.{cents % 100:02d} {currency}"


def _page(details: simulator.SessionDetails, token: str, nonce: str) -> str:
    request = details.request
    # json.dumps then escaping "<" keeps the token inert inside the <script> element.
    token_js = json.dumps(token).replace("<", "\\u003c")
    return PAGE.format(
        description=html.escape(request.description),
        amount=html.escape(_amount(request.amount, request.currency)),
        expires_at=details.expires_at,
        nonce=nonce,
        token=token_js,
    )


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Payment simulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }}
.amount {{ font-size: 2rem; margin: .5rem 0 1.5rem; }}
input {{ width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; }}
button {{ padding: .5rem 1rem; margin: 1rem .5rem 0 0; font-size: 1rem; }}
.hint {{ color: #555; font-size: .85rem; }} #status {{ margin-top: 1rem; }}
</style></head>
<body>
<p class="hint">Simulated card provider: no money moves.</p>
<h1 id="description">{description}</h1>
<p class="amount" id="amount">{amount}</p>
<label for="card">Card number</label>
<input id="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242">
<p class="hint">4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined,
4000 0000 0000 0119 times out.</p>
<button id="pay" type="button">Pay</button>
<button id="decline" type="button">Decline</button>
<button id="timeout" type="button">Let it time out</button>
<p id="status" role="status"></p>
<script nonce="{nonce}">
const session = {token};
const expiresAt = {expires_at};
const statusLine = document.getElementById("status");
async function finish(body) {{
  document.querySelectorAll("button").forEach((b) => (b.disabled = true));
  statusLine.textContent = "Processing...";
  try {{
    const answer = await fetch("?session=" + encodeURIComponent(session), {{
      method: "POST", headers: {{"Content-Type": "application/json"}}, body: JSON.stringify(body),
    }});
    const result = await answer.json();
    if (!answer.ok) throw new Error(result.message || answer.statusText);
    await fetch(result.callback_url, {{
      method: "POST", headers: {{"Content-Type": "application/json"}},
      body: JSON.stringify({{payload: result.payload, signature: result.signature}}),
    }});
    window.location.assign(result.return_url);
  }} catch (error) {{
    statusLine.textContent = "Failed: " + error.message;
    document.querySelectorAll("button").forEach((b) => (b.disabled = false));
  }}
}}
document.getElementById("pay").onclick = () => finish({{card_number: document.getElementById("card").value}});
document.getElementById("decline").onclick = () => finish({{outcome: "declined"}});
document.getElementById("timeout").onclick = () => finish({{outcome: "timed_out"}});
if (Date.now() / 1000 > expiresAt) statusLine.textContent = "This session has expired.";
</script>
</body></html>
"""
