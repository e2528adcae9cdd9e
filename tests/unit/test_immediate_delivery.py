"""A channel that offers only immediate delivery methods (if it has any) refuses the others at checkout."""

from __future__ import annotations

import pytest

from chalicelib.errors import InvalidInput
from chalicelib.sales.model import sales_rules

METHODS = [
    {"code": "POST", "name": "By post", "fee": 300},
    {"code": "ETICKET", "name": "E-ticket", "fee": 0, "immediate": True},
    {"code": "MOBILE", "name": "On the phone", "fee": 0, "immediate": True},
]
POS = {"code": "WEB"}


def _rules(**channel):
    return sales_rules({"type": "internet_b2c", "delivery_methods": METHODS, **channel}, "c", POS, "p")


def test_only_immediate_methods_are_offered_and_the_first_of_them_is_the_default():
    rules = _rules(immediate_delivery_only=True)

    assert [d.code for d in rules.delivery] == ["ETICKET", "MOBILE"]
    assert rules.delivery_option(None).code == "ETICKET"
    with pytest.raises(InvalidInput) as refused:
        rules.delivery_option("POST")
    assert refused.value.details == {
        "field": "delivery_method",
        "value": "POST",
        "allowed": ["ETICKET", "MOBILE"],
    }


def test_without_the_setting_every_method_is_offered():
    assert [d.code for d in _rules().delivery] == ["POST", "ETICKET", "MOBILE"]


def test_a_channel_with_no_immediate_method_keeps_the_ones_it_has():
    rules = sales_rules(
        {"type": "internet_b2c", "delivery_methods": METHODS[:1], "immediate_delivery_only": True},
        "c",
        POS,
        "p",
    )

    assert [d.code for d in rules.delivery] == ["POST"]
