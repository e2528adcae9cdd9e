"""An operator's scope: what is within another, and which audiences fall outside it."""

from __future__ import annotations

import pytest

from chalicelib.auth.model import SINGLE_ENTRY, Scope
from chalicelib.errors import PermissionDenied
from chalicelib.options import scope as option_scope

ALL = Scope()
GROUPS = Scope(frozenset({"groups"}))
GROUPS_AND_SCHOOLS = Scope(frozenset({"groups", "schools"}))


@pytest.mark.parametrize(
    ("given", "giver", "allowed"),
    [
        (GROUPS, ALL, True),
        (ALL, ALL, True),
        (GROUPS, GROUPS_AND_SCHOOLS, True),
        (GROUPS_AND_SCHOOLS, GROUPS, False),
        (ALL, GROUPS, False),  # unrestricted is wider than any restriction
        (Scope(frozenset({"groups"}), frozenset({SINGLE_ENTRY})), GROUPS, True),
        (GROUPS, Scope(product_families=frozenset({SINGLE_ENTRY})), False),
    ],
)
def test_a_scope_is_within_another_only_when_no_side_is_wider(given, giver, allowed):
    assert given.within(giver) is allowed


def test_an_unrestricted_scope_covers_every_audience_even_an_unknown_one():
    assert option_scope.outside(ALL, set()) is None
    assert option_scope.outside(ALL, {"anything"}) is None


def test_lines_whose_audience_is_unknown_are_outside_a_scope_that_limits_audiences():
    assert option_scope.outside(GROUPS, set()) == ["unknown"]
    with pytest.raises(PermissionDenied, match="no audience category known"):
        option_scope.check_audiences(GROUPS, set())


def test_only_the_audiences_outside_the_scope_are_named():
    assert option_scope.outside(GROUPS, {"groups", "public"}) == ["public"]
    assert option_scope.outside(GROUPS, {"groups"}) is None


def test_without_single_entry_no_seat_option_whatever_the_audience():
    vouchers = Scope(product_families=frozenset({"gift_voucher"}))

    with pytest.raises(PermissionDenied) as refused:
        option_scope.check_family(vouchers)

    assert refused.value.details == {"reason": "product_family", "product_family": SINGLE_ENTRY}
    option_scope.check_family(ALL)
