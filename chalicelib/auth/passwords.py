"""Password hashing with scrypt (a standard memory-hard KDF from the standard library)."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

N, R, P = 2**14, 8, 1
KEY_LENGTH = 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=KEY_LENGTH)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=KEY_LENGTH
    )
    return hmac.compare_digest(digest, base64.b64decode(expected))


@functools.cache
def dummy_hash() -> str:
    """Verified against when a login is unknown, so that timing does not reveal which logins exist."""
    return hash_password(os.urandom(8).hex())
