"""The pricing rules: set, amount and percent prices, rounding, the floor at 0, spreading, stacking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.advantages.model import Discount, PriceRule
from chalicelib.advantages.pricing import (
    LineToPrice,
    advantage_price,
    basket_discount,
    price_basket,
    refund_for,
    spread,
)


def rule(kind: str, value: int) -> PriceRule:
    return PriceRule(kind=kind, value=value)


@pytest.mark.parametrize(
    ("base", "kind", "value", "expected"),
    [
        (3000, "set_price", 1500, 1500),
        (3000, "amount_off", 500, 2500),
        (3000, "amount_off", 5000, 0),  # never below 0
        (3000, "percent_off", 10, 2700),
        (5, "percent_off", 10, 4),  # 0.5 cent off rounds up to 1: the buyer gets the half cent
        (15, "percent_off", 10, 13),  # 1.5 -> 2
        (14, "percent_off", 10, 13),  # 1.4 -> 1
        (999, "percent_off", 100, 0),
        (0, "percent_off", 50, 0),
    ],
)
def test_a_line_takes_its_advantage_price(base, kind, value, expected):
    assert advantage_price(base, rule(kind, value)) == expected


@pytest.mark.parametrize("value", [0, 101])
def test_a_percent_off_outside_1_to_100_is_refused(value):
    with pytest.raises(ValidationError):
        rule("percent_off", value)


def test_a_percent_is_rounded_per_line_not_on_the_basket():
    lines = [LineToPrice(f"l{n}", 5, rule("percent_off", 10)) for n in range(4)]
    # four half cents each rounded up: 4 cents off, where rounding the basket's 2 cents would give 2
    assert price_basket(lines).subtotal == 16


@given(st.integers(0, 10_000_000), st.lists(st.integers(0, 100_000), min_size=1, max_size=30))
def test_a_spread_adds_up_exactly_and_no_line_goes_below_zero(total, weights):
    capped = min(total, sum(weights))
    parts = spread(capped, weights)
    assert sum(parts) == (capped if sum(weights) else 0)
    assert all(0 <= part <= weight for part, weight in zip(parts, weights, strict=True))


def test_the_spread_gives_the_leftover_cents_to_the_largest_remainders():
    # 100 over 1:1:1 gives 33.33 each; the first line (a tie, the earliest) takes the extra cent
    assert spread(100, [1000, 1000, 1000]) == [34, 33, 33]
    # 10 over 3000:2000:1000 is 5, 3.33, 1.67: the largest remainder (0.67) takes the cent
    assert spread(10, [3000, 2000, 1000]) == [5, 3, 2]


def test_a_promo_code_never_takes_more_than_the_basket():
    assert basket_discount(1200, Discount(kind="amount_off", value=5000)) == 1200
    assert basket_discount(1005, Discount(kind="percent_off", value=10)) == 101  # 100.5 -> 101


def test_line_advantages_come_first_then_the_promo_code_on_what_they_leave():
    lines = [
        LineToPrice("a", 3000, rule("amount_off", 1000)),
        LineToPrice("b", 3000),
        LineToPrice("c", 1000, rule("set_price", 0)),
    ]
    basket = price_basket(lines, Discount(kind="percent_off", value=10))
    assert basket.subtotal == 5000 and basket.promo_discount == 500 and basket.total == 4500
    assert [(line.advantage_price, line.promo_share, line.paid) for line in basket.lines] == [
        (2000, 200, 1800),
        (3000, 300, 2700),
        (0, 0, 0),  # a free line takes no share of the discount
    ]


def test_a_promo_code_under_its_minimum_basket_takes_nothing_off():
    lines = [LineToPrice("a", 3000, rule("amount_off", 1000))]
    basket = price_basket(lines, Discount(kind="amount_off", value=500), minimum_basket=2500)
    assert basket.promo_discount == 0 and basket.total == 2000  # the minimum is read after advantages


@given(
    st.lists(st.integers(0, 50_000), min_size=1, max_size=12),
    st.sampled_from(["amount_off", "percent_off"]),
    st.integers(1, 100),
)
def test_refunding_every_line_gives_back_exactly_what_was_paid(prices, kind, value):
    lines = [LineToPrice(str(n), price) for n, price in enumerate(prices)]
    amount = value * 37 if kind == "amount_off" else value  # amounts up to 3,700 cents, or percents
    basket = price_basket(lines, Discount(kind=kind, value=amount))
    assert basket.total >= 0
    assert refund_for(basket, {line.line_id for line in basket.lines}) == basket.total
    assert sum(line.paid for line in basket.lines) == basket.total


def test_a_cancelled_line_gives_back_its_own_share_and_the_rest_keeps_its_discount():
    lines = [LineToPrice("a", 3000), LineToPrice("b", 1000)]
    basket = price_basket(lines, Discount(kind="amount_off", value=1000), minimum_basket=3500)
    # cancelling "a" leaves 1000, under the minimum: the stated rule keeps "b"'s discount as it was
    assert refund_for(basket, {"a"}) == 2250 and refund_for(basket, {"b"}) == 750
