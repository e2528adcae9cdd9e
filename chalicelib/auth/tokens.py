"""Signed bearer tokens (JWT, HS256, with a key id) for operators, shoppers and guests; keys never in code.

Keys come from GUICHET_TOKEN_SECRET, or from the Secrets Manager secret GUICHET_TOKEN_SECRET_ARN, read
again every REFRESH_SECONDS. That secret is a plain string (one key) or, to rotate without logging
everyone out, JSON: {"current": "<kid>", "keys": {"<kid>": "<secret>", "<old kid>": "<old secret>"}};
tokens are signed with the current key and verified with any key still listed.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from dataclasses import dataclass

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.errors import InvalidToken

ISSUER = "guichet"
OPERATOR = "operator"
SHOPPER = "shopper"
GUEST = "guest"  # a shopper without an account: owns carts and orders for the token's lifetime
KINDS = (OPERATOR, SHOPPER, GUEST)  # bearer tokens; a link's token has a kind of its own, never one of these
VERIFY_EMAIL = "verify_email"
REFRESH_SECONDS = 60


@dataclass(frozen=True)
class TokenClaims:
    kind: str  # OPERATOR, SHOPPER or GUEST
    org_id: str
    subject: str  # operator login, shopper id or guest id
    expires_at: int
    version: int = 0  # the account's token version when issued: a bump revokes every older token
    device: str | None = None  # a guest token's device id
    issued_at: int = 0
    session: str | None = None  # this token's session id: a logout ends this session only

    @property
    def session_key(self) -> str | None:
        """What a logout records: the session and when its token expires (to forget it after)."""
        return f"{self.session}:{self.expires_at}" if self.session else None


@dataclass(frozen=True)
class KeyRing:
    current: str  # the kid that signs
    keys: dict[str, str]  # kid -> secret

    @classmethod
    def parse(cls, raw: str) -> KeyRing:
        text = raw.strip()
        if text.startswith("{"):
            data = json.loads(text)
            keys = {str(kid): str(secret) for kid, secret in data["keys"].items()}
            if data["current"] not in keys:
                raise RuntimeError("The token key ring's current key is not among its keys")
            return cls(str(data["current"]), keys)
        kid = hashlib.sha256(text.encode()).hexdigest()[:12]
        return cls(kid, {kid: text})


_lock = threading.Lock()
_cached: tuple[float, str, KeyRing] | None = None  # (read at, source, ring)


def _read_secret(arn: str) -> str:
    from aws_lambda_powertools.utilities import parameters

    return str(parameters.get_secret(arn, max_age=REFRESH_SECONDS))


def key_ring() -> KeyRing:
    """The signing keys, read again after REFRESH_SECONDS (a rotated secret is seen within a minute)."""
    global _cached
    config = settings()
    source = config.token_secret or config.token_secret_arn
    if not source:
        raise RuntimeError("No token secret: set GUICHET_TOKEN_SECRET or GUICHET_TOKEN_SECRET_ARN")
    now = time.monotonic()
    with _lock:
        if _cached and _cached[1] == source and now - _cached[0] < REFRESH_SECONDS:
            return _cached[2]
    raw = config.token_secret or _read_secret(config.token_secret_arn or "")
    ring = KeyRing.parse(raw)
    with _lock:
        _cached = (now, source, ring)
    return ring


def forget_keys() -> None:
    global _cached
    with _lock:
        _cached = None


def signing_secret() -> str:
    """The current key's secret (the payment simulator derives its own key from it)."""
    ring = key_ring()
    return ring.keys[ring.current]


def issue(
    kind: str, org_id: str, subject: str, minutes: int, *, version: int = 0, device: str | None = None
) -> tuple[str, int]:
    import jwt  # imported on first use: PyJWT pulls in `cryptography` when present, a cold-start cost

    ring = key_ring()
    now = clock.seconds()
    expires_at = now + minutes * 60
    claims = {"iss": ISSUER, "aud": kind, "org": org_id, "sub": subject, "iat": now, "exp": expires_at}
    claims["ver"] = version
    claims["sid"] = uuid.uuid4().hex
    if device:
        claims["dev"] = device
    token = jwt.encode(claims, ring.keys[ring.current], algorithm="HS256", headers={"kid": ring.current})
    return token, expires_at


def verify(token: str, *, allow_expired: bool = False, kinds: tuple[str, ...] = KINDS) -> TokenClaims:
    """The token's claims if one of our keys signed it and it is unexpired; `kind` says whose it is."""
    import jwt

    try:
        kid = jwt.get_unverified_header(token).get("kid")
        secret = key_ring().keys.get(kid) if isinstance(kid, str) else None
        if secret is None:
            raise InvalidToken("The token is not valid (unknown signing key); log in again")
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=list(kinds),
            issuer=ISSUER,
            # expiry is judged on chalicelib.clock below, the one clock the code asks for "now"
            options={"require": ["exp", "sub", "aud", "iss"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken("The token is not valid") from exc
    found = _claims(claims, kinds)
    if not allow_expired and found.expires_at <= clock.seconds():
        raise InvalidToken("The token has expired; log in again")
    return found


def _claims(claims: dict, kinds: tuple[str, ...]) -> TokenClaims:
    version, device, session = claims.get("ver", 0), claims.get("dev"), claims.get("sid")
    if (
        not isinstance(claims.get("org"), str)
        or not isinstance(claims["exp"], int)
        or not isinstance(claims.get("iat", 0), int)
        or claims["aud"] not in kinds
        or not isinstance(version, int)
        or not (device is None or isinstance(device, str))
        or not (session is None or isinstance(session, str))
    ):
        raise InvalidToken("The token is not valid")
    return TokenClaims(
        kind=claims["aud"],
        org_id=claims["org"],
        subject=claims["sub"],
        expires_at=claims["exp"],
        version=version,
        device=device,
        issued_at=int(claims.get("iat") or 0),
        session=session,
    )
