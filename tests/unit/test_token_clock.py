"""Tokens are issued and expire on chalicelib.clock, the one clock tests move."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.auth import tokens
from chalicelib.errors import InvalidToken


def test_a_token_expires_when_the_clock_passes_its_expiry():
    token, expires_at = tokens.issue(tokens.OPERATOR, "demo", "admin", minutes=5)

    with clock.at(expires_at - 1):
        assert tokens.verify(token).subject == "admin"
    with clock.at(expires_at), pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token)


def test_a_token_issued_at_a_moved_clock_expires_from_that_moment():
    with clock.moved(-86_400):
        token, expires_at = tokens.issue(tokens.SHOPPER, "demo", "s-1", minutes=5)

    assert expires_at <= clock.seconds() - 86_400 + 5 * 60 + 1
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token)
    assert tokens.verify(token, allow_expired=True).subject == "s-1"
