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


@pytest.fixture(autouse=True)
def _settings_restored():
    """Tests below change the token secret: the next test sees the suite's settings again."""
    import os

    from chalicelib import config

    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    config.reset()
    tokens.forget_keys()


def _use_secret(monkeypatch, value: str) -> None:
    from chalicelib import config

    monkeypatch.setenv("GUICHET_TOKEN_SECRET", value)
    config.reset()


def test_a_token_names_the_key_that_signed_it(monkeypatch):
    import jwt

    ring = (
        '{"current": "k2", "keys": {"k1": "old-secret-long-enough-0123456789", '
        '"k2": "new-secret-0123456789abcdef-0123456789"}}'
    )
    _use_secret(monkeypatch, ring)
    token, _ = tokens.issue(tokens.OPERATOR, "demo", "admin", minutes=5)

    assert jwt.get_unverified_header(token)["kid"] == "k2"


def test_a_token_of_the_previous_key_is_accepted_while_the_ring_still_lists_it(monkeypatch):
    old = '{"current": "k1", "keys": {"k1": "old-secret-long-enough-0123456789"}}'
    _use_secret(monkeypatch, old)
    token, _ = tokens.issue(tokens.OPERATOR, "demo", "admin", minutes=5)
    overlap = (
        '{"current": "k2", "keys": {"k1": "old-secret-long-enough-0123456789", '
        '"k2": "new-secret-0123456789abcdef-0123456789"}}'
    )
    _use_secret(monkeypatch, overlap)
    assert tokens.verify(token).subject == "admin"

    _use_secret(monkeypatch, '{"current": "k2", "keys": {"k2": "new-secret-0123456789abcdef-0123456789"}}')
    with pytest.raises(InvalidToken, match="unknown signing key"):
        tokens.verify(token)


def test_keys_from_secrets_manager_are_read_again_after_the_refresh_period(monkeypatch):
    from chalicelib import config

    reads = iter(["first-secret-long-enough-0123456789", "second-secret-long-enough-012345678"])
    monkeypatch.delenv("GUICHET_TOKEN_SECRET")
    monkeypatch.setenv("GUICHET_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:t")
    config.reset()
    monkeypatch.setattr(tokens, "_read_secret", lambda arn: next(reads))
    clock = [1000.0]
    monkeypatch.setattr(tokens.time, "monotonic", lambda: clock[0])
    tokens.forget_keys()

    first = tokens.key_ring().current
    clock[0] += tokens.REFRESH_SECONDS - 1
    assert tokens.key_ring().current == first
    clock[0] += 2
    assert tokens.key_ring().current != first
    tokens.forget_keys()


def test_a_token_carries_the_account_version_and_a_guest_device():
    token, _ = tokens.issue(tokens.GUEST, "demo", "g-1", minutes=5, version=3, device="d-1")

    claims = tokens.verify(token)

    assert (claims.version, claims.device) == (3, "d-1")


def test_a_token_without_a_key_id_is_refused():
    import jwt

    from chalicelib.auth.tokens import signing_secret

    claims = {"iss": "guichet", "aud": "operator", "org": "demo", "sub": "admin", "exp": 9999999999}
    token = jwt.encode(claims, signing_secret(), algorithm="HS256")

    with pytest.raises(InvalidToken):
        tokens.verify(token)
