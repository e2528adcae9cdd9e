"""The simulated distributor speaking docs/distributor-protocol.md: Basic authentication, the three
protocol resources, and the failures it was told to make (a late answer, a 500, malformed or duplicate
records). Used by its routes (api/distributor_simulator.py) and, in process, as an adapter's transport."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from chalicelib.distributors import service, simulator
from chalicelib.distributors import simulator_store as store
from chalicelib.distributors.http_adapter import HttpCall, HttpReply
from chalicelib.errors import DomainError, InvalidInput, VersionConflict

Mode = Literal["none", "timeout", "error_500", "malformed", "duplicate"]
MODES: tuple[str, ...] = ("none", "timeout", "error_500", "malformed", "duplicate")
PREFIX = "/distributor-simulator/"
RESOURCES = {("PUT", "allotment"), ("GET", "sales"), ("GET", "counts")}


def default_delay() -> float:
    """Seconds a "timeout" failure waits before answering: longer than the adapters' time-out."""
    return float(os.environ.get("GUICHET_DISTRIBUTOR_SIMULATOR_DELAY", "12"))


@dataclass
class Reply:
    status: int
    body: Any  # a JSON-able value, or text sent as it is
    delay: float = 0.0  # seconds to wait before answering
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return self.body if isinstance(self.body, str) else json.dumps(self.body, separators=(",", ":"))


def _error(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Reply:
    return Reply(status, {"code": code, "message": message, "details": details or {}})


def set_failure(
    org_id: str, interface_id: str, mode: str, times: int | None, delay: float | None = None
) -> dict[str, Any]:
    """From now on, the next `times` protocol calls (every one: None) fail in `mode`."""
    if mode not in MODES:
        raise InvalidInput(f"mode: one of {', '.join(MODES)}", {"field": "mode"})
    simulator.interface_of(org_id, interface_id)

    def change() -> dict[str, Any]:
        state = store.read_state(org_id, interface_id)
        state.data["failure"] = {"mode": mode, "times_left": times, "delay": delay}
        store.commit(state)
        return state.data["failure"]

    return simulator._retrying(change)


def _take_failure(org_id: str, interface_id: str, resource: str) -> dict[str, Any] | None:
    """The failure this call makes, counted; None: it answers as it should."""

    def change() -> dict[str, Any] | None:
        state = store.read_state(org_id, interface_id)
        failure = dict(state.failure)
        mode, left = failure.get("mode", "none"), failure.get("times_left")
        if mode == "none" or (mode == "duplicate" and resource != "sales") or left == 0:
            return None
        if left is not None:
            state.failure["times_left"] = left - 1
            store.commit(state)
        return failure

    return simulator._retrying(change)


def _authorized(org_id: str, interface_id: str, authorization: str | None) -> bool:
    """Basic credentials match the interface's login and password (anything goes when none is set)."""
    interface = simulator.interface_of(org_id, interface_id)
    if not interface.password_set:
        return True
    scheme, _, encoded = (authorization or "").partition(" ")
    try:
        login, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    expected_login = interface.data.get("connection", {}).get("login", "")
    expected_password = service.connection_password(org_id, interface_id) or ""
    return (
        scheme.lower() == "basic"
        and hmac.compare_digest(login.encode(), expected_login.encode())
        and hmac.compare_digest(password.encode(), expected_password.encode())
    )


def call(
    org_id: str,
    interface_id: str,
    method: str,
    resource: str,
    query: dict[str, list[str]],
    authorization: str | None,
    body: str,
) -> Reply:
    """One protocol request, answered as docs/distributor-protocol.md says (or as told to fail)."""
    if (method, resource) not in RESOURCES:
        return _error(404, "not_found", f"No {method} {resource} in the protocol")
    if not _authorized(org_id, interface_id, authorization):
        reply = _error(401, "not_authenticated", "Basic credentials of the interface are required")
        reply.headers["WWW-Authenticate"] = 'Basic realm="distributor"'
        return reply
    failure = _take_failure(org_id, interface_id, resource)
    mode = failure["mode"] if failure else "none"
    if mode == "error_500":
        return _error(500, "internal_error", "The simulated distributor failed, as it was told to")
    try:
        reply = Reply(200, _answer(org_id, interface_id, resource, query, body))
    except simulator.OlderVersion as exc:
        reply = _error(409, exc.code, exc.message, exc.details)
    except VersionConflict:
        reply = _error(503, "busy", "Too many changes at once; try again")
    except DomainError as exc:
        reply = _error(400, exc.code, exc.message, exc.details)
    if mode == "timeout":
        reply.delay = failure.get("delay") or default_delay()
    elif mode == "malformed" and reply.status == 200:
        reply.body = _malformed(resource, reply.body)
    elif mode == "duplicate" and reply.status == 200 and reply.body["records"]:
        records = reply.body["records"]
        records.insert(1, dict(records[0]))
    return reply


def _answer(org_id: str, interface_id: str, resource: str, query: dict[str, list[str]], body: str) -> Any:
    if resource == "allotment":
        return simulator.receive_allotment(org_id, interface_id, body)
    if resource == "sales":
        cursor = (query.get("cursor") or [None])[-1]
        limit_text = (query.get("limit") or ["100"])[-1]
        if not limit_text.isdigit():
            raise InvalidInput("limit: a whole number", {"field": "limit"})
        return simulator.sales_page(org_id, interface_id, cursor, int(limit_text))
    performances = [p for p in query.get("performance", []) if p]
    if not performances:
        raise InvalidInput("performance: at least one", {"field": "performance"})
    return simulator.counts(org_id, interface_id, performances)


def _malformed(resource: str, answer: dict[str, Any]) -> Any:
    """Some records broken (the first and every third: a price missing, a price as text, no line), or,
    with no record to break, an answer that is not JSON."""
    records = answer.get("records") if resource == "sales" else None
    if not records:
        return "<html><body>Service Unavailable</body></html>"
    breaks = ({"price": None}, {"price": "twelve"}, {"line": None})
    for index in range(0, len(records), 3):
        record = records[index] = dict(records[index])
        for key, value in breaks[(index // 3) % len(breaks)].items():
            if value is None:
                record.pop(key, None)
            else:
                record[key] = value
    return answer


def in_process(request: HttpCall) -> HttpReply:
    """A transport calling the simulator in this process (no server): a late answer past the call's
    time-out raises TimeoutError at once, as the socket would after waiting."""
    url = urlsplit(request.url)
    path = url.path[url.path.index(PREFIX) + len(PREFIX) :] if PREFIX in url.path else ""
    parts = path.split("/")
    if len(parts) != 3:
        return HttpReply(404, b'{"code":"not_found"}')
    org_id, interface_id, resource = parts
    try:
        reply = call(
            org_id,
            interface_id,
            request.method,
            resource,
            parse_qs(url.query),
            request.headers.get("Authorization"),
            (request.body or b"").decode(),
        )
    except DomainError as exc:  # the interface is unknown, or this is no test stack
        return HttpReply(404, json.dumps({"code": exc.code, "message": str(exc)}).encode())
    if reply.delay >= request.timeout:
        raise TimeoutError("timed out")
    return HttpReply(reply.status, reply.text().encode())
