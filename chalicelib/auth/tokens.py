"""Signed bearer tokens (JWT, HS256) for operators and shoppers; the secret is never in code."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from chalicelib.config import settings
from chalicelib.errors import InvalidToken

ISSUER = "guichet"
OPERATOR = "operator"
SHOPPER = "shopper"
GUEST = "guest"  # a shopper without an account: owns carts and orders for the token's lifetime


@dataclass(frozen=True)
class TokenClaims:
    kind: str  # OPERATOR or SHOPPER
    org_id: str
    subject: str  # operator login or shopper id
    expires_at: int


@functools.cache
def _secret_from_secrets_manager(arn: str) -> str:
    from aws_lambda_powertools.utilities import parameters

    return str(parameters.get_secret(arn, max_age=300))


def signing_secret() -> str:
    config = settings()
    if config.token_secret:
        return config.token_secret
    if config.token_secret_arn:
        return _secret_from_secrets_manager(config.token_secret_arn)
    raise RuntimeError("No token secret: set GUICHET_TOKEN_SECRET or GUICHET_TOKEN_SECRET_ARN")


def issue(kind: str, org_id: str, subject: str, minutes: int) -> tuple[str, int]:
    import jwt  # imported on first use: PyJWT pulls in `cryptography` when present, a cold-start cost

    now = int(time.time())
    expires_at = now + minutes * 60
    claims = {"iss": ISSUER, "aud": kind, "org": org_id, "sub": subject, "iat": now, "exp": expires_at}
    return jwt.encode(claims, signing_secret(), algorithm="HS256"), expires_at


def verify(token: str) -> TokenClaims:
    """The token's claims if it is signed by us and unexpired; `kind` says whose it is."""
    import jwt

    try:
        claims = jwt.decode(
            token,
            signing_secret(),
            algorithms=["HS256"],
            audience=[OPERATOR, SHOPPER, GUEST],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("The token has expired; log in again") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("The token is not valid") from exc
    if not isinstance(claims.get("org"), str) or claims["aud"] not in (OPERATOR, SHOPPER, GUEST):
        raise InvalidToken("The token is not valid")
    return TokenClaims(
        kind=claims["aud"], org_id=claims["org"], subject=claims["sub"], expires_at=claims["exp"]
    )
