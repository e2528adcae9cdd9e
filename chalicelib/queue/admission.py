"""Admission tokens: what an admitted buyer presents to hold seats, signed and bound to entry and client."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

PREFIX = "qa1"
LABEL = b"queue-admission"
MAC_BYTES = 16


@dataclass(frozen=True)
class Admission:
    org_id: str
    queue_id: str
    entry: str  # the entry's key "<bucket>-<shard>-<seq>" (not its secret)
    client: str  # the source IP the entry was made from
    expires_at: int


def admission_key(secret: str) -> bytes:
    # A key of its own, derived from the deployment's secret: the raw secret signs bearer tokens.
    return hmac.new(secret.encode("utf-8"), LABEL, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, f"{PREFIX}.{body}".encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES]


def sign(key: bytes, admission: Admission) -> str:
    payload = {
        "o": admission.org_id,
        "q": admission.queue_id,
        "e": admission.entry,
        "c": admission.client,
        "x": admission.expires_at,
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{PREFIX}.{body}.{_b64(_mac(key, body))}"


def read(key: bytes, token: str) -> Admission | None:
    """The admission a token carries, or None when it is malformed or we did not sign it."""
    if not isinstance(token, str) or len(token) > 1000:
        return None
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    try:
        if not hmac.compare_digest(_unb64(parts[2]), _mac(key, parts[1])):
            return None
        payload = json.loads(_unb64(parts[1]))
        return Admission(
            org_id=str(payload["o"]),
            queue_id=str(payload["q"]),
            entry=str(payload["e"]),
            client=str(payload["c"]),
            expires_at=int(payload["x"]),
        )
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeEncodeError):
        return None
