"""Passwords are hashed with scrypt; tokens are signed, expire, and say whose they are."""

from __future__ import annotations

import pytest

from chalicelib.auth import passwords, tokens
from chalicelib.errors import InvalidToken


def test_password_verifies_only_with_the_same_password():
    encoded = passwords.hash_password("correct horse")

    assert passwords.verify_password("correct horse", encoded)
    assert not passwords.verify_password("correct horsE", encoded)


def test_same_password_hashes_differently_each_time():
    assert passwords.hash_password("same") != passwords.hash_password("same")


@pytest.mark.parametrize("garbage", ["", "plain", "md5$x$y$z$a$b", "scrypt$1$2"])
def test_malformed_hash_never_verifies(garbage):
    assert not passwords.verify_password("anything", garbage)


def test_hash_does_not_contain_the_password():
    assert "hunter22" not in passwords.hash_password("hunter22")


def test_token_round_trip_says_kind_org_and_subject():
    token, expires_at = tokens.issue(tokens.SHOPPER, "demo", "s-1", minutes=5)

    claims = tokens.verify(token)

    assert (claims.kind, claims.org_id, claims.subject, claims.expires_at) == (
        "shopper",
        "demo",
        "s-1",
        expires_at,
    )


def test_expired_token_is_refused():
    token, _ = tokens.issue(tokens.OPERATOR, "demo", "admin", minutes=-1)

    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token)


def test_token_from_another_secret_is_refused(monkeypatch):
    token, _ = tokens.issue(tokens.OPERATOR, "demo", "admin", minutes=5)
    monkeypatch.setenv("GUICHET_TOKEN_SECRET", "another-secret-entirely-0123456789")
    from chalicelib import config

    config.reset()
    try:
        with pytest.raises(InvalidToken):
            tokens.verify(token)
    finally:
        monkeypatch.undo()
        config.reset()


def test_unsigned_token_is_refused():
    import jwt

    token = jwt.encode(
        {"iss": "guichet", "aud": "operator", "org": "demo", "sub": "admin", "exp": 9999999999},
        None,
        algorithm="none",
    )

    with pytest.raises(InvalidToken):
        tokens.verify(token)


def test_missing_secret_is_a_configuration_error_not_a_default(monkeypatch):
    from chalicelib import config

    monkeypatch.delenv("GUICHET_TOKEN_SECRET")
    config.reset()
    try:
        with pytest.raises(RuntimeError, match="No token secret"):
            tokens.issue(tokens.OPERATOR, "demo", "admin", minutes=5)
    finally:
        monkeypatch.undo()
        config.reset()
