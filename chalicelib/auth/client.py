"""The client of the current request: its network address (as API Gateway saw it) and its device."""

from __future__ import annotations

import contextvars
import dataclasses
from dataclasses import dataclass
from typing import Any

DEVICE_HEADER = "x-device-token"


@dataclass(frozen=True)
class Client:
    ip: str
    device_token: str | None = None  # as sent: a guest token issued to this device before
    device: str | None = None  # the device id, once a token or a new guest session names it


_current: contextvars.ContextVar[Client | None] = contextvars.ContextVar("client", default=None)


def current() -> Client | None:
    """None outside an HTTP request (workflows, service calls): per-client limits do not apply there."""
    return _current.get()


def bind_device(device: str) -> None:
    """The request's token names its device: limits count against it from now on."""
    found = _current.get()
    if found is not None:
        _current.set(dataclasses.replace(found, device=device))


def of_event(event: Any) -> Client:
    """API Gateway's `requestContext.identity.sourceIp`: the address the connection came from.

    Never X-Forwarded-For: a client writes what it likes there.
    """
    identity = (getattr(event, "context", None) or {}).get("identity") or {}
    headers = getattr(event, "headers", None) or {}
    token = (headers.get(DEVICE_HEADER) or "").strip()[:2000] or None
    return Client(ip=str(identity.get("sourceIp") or "unknown"), device_token=token)


def middleware(event: Any, get_response: Any) -> Any:
    """Registered on the app for HTTP events: each request knows its client."""
    reset = _current.set(of_event(event))
    try:
        return get_response(event)
    finally:
        _current.reset(reset)


def set_for_test(client: Client | None) -> contextvars.Token:
    return _current.set(client)
