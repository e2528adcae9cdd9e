"""Pricing rules as pure functions: a line's advantage price, a promo code spread over the lines, stacking.

Amounts are integer cents. Percentages are whole percents (1-100). Rules:
- a line's advantage price is a set price, an amount off or a percent off its base price; a percent's
  discount is rounded half-up per line (the buyer gets the half cent); never below 0;
- a promo code's discount (an amount, capped at the basket, or a percent of it rounded half-up) is
  spread over the lines in proportion to their prices by the largest-remainder method, so the shares
  add up exactly and a refunded line gives back its own share; the total never goes below 0;
- stacking: line advantages first, then at most one promo code on what they leave.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.advantages.model import AMOUNT_OFF, PERCENT_OFF, SET_PRICE, Discount, PriceRule


def percent_of(amount: int, percent: int) -> int:
    """`percent` % of `amount`, rounded half-up (integers only: no float ever touches money)."""
    return (amount * percent * 2 + 100) // 200


def advantage_price(base: int, rule: PriceRule) -> int:
    """A line's price under an advantage's rule, never below 0."""
    if rule.kind == SET_PRICE:
        price = rule.value
    elif rule.kind == AMOUNT_OFF:
        price = base - rule.value
    elif rule.kind == PERCENT_OFF:
        price = base - percent_of(base, rule.value)
    else:  # pragma: no cover - PriceRule refuses other kinds
        raise ValueError(f"unknown price rule {rule.kind}")
    return max(0, price)


def basket_discount(subtotal: int, discount: Discount) -> int:
    """What a promo code takes off a basket of `subtotal`: never more than the basket."""
    taken = percent_of(subtotal, discount.value) if discount.kind == PERCENT_OFF else discount.value
    return max(0, min(taken, subtotal))


def spread(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights` by the largest-remainder method: the parts add up to
    `total` exactly, and no part exceeds its weight when `total` <= sum(weights). Ties go to the
    earlier line, so the same basket always spreads the same way."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda n: (-remainders[n], n))
    for n in by_remainder[:left]:
        parts[n] += 1
    return parts


@dataclass(frozen=True)
class LineToPrice:
    line_id: str
    base_price: int
    advantage_rule: PriceRule | None = None


@dataclass(frozen=True)
class PricedLine:
    line_id: str
    base_price: int  # the price grid's price (the "original price")
    advantage_price: int  # after the line's advantage (the base price when none)
    promo_share: int  # this line's part of the promo code's discount
    paid: int  # what the buyer pays for the line, and what refunding it gives back


@dataclass(frozen=True)
class PricedBasket:
    lines: tuple[PricedLine, ...]
    subtotal: int  # after line advantages, before the promo code
    promo_discount: int
    total: int


def price_basket(
    lines: Sequence[LineToPrice], promo: Discount | None = None, minimum_basket: int = 0
) -> PricedBasket:
    """Line advantages first, then at most one promo code (when the subtotal reaches its minimum)."""
    prices = [
        advantage_price(line.base_price, line.advantage_rule) if line.advantage_rule else line.base_price
        for line in lines
    ]
    subtotal = sum(prices)
    discount = basket_discount(subtotal, promo) if promo and subtotal >= minimum_basket else 0
    shares = spread(discount, prices)
    priced = tuple(
        PricedLine(line.line_id, line.base_price, price, share, price - share)
        for line, price, share in zip(lines, prices, shares, strict=True)
    )
    return PricedBasket(priced, subtotal, discount, subtotal - discount)


def refund_for(basket: PricedBasket, line_ids: set[str]) -> int:
    """What cancelling these lines gives back: what each paid. The promo code is not recomputed on what
    is kept, even when the rest falls under its minimum basket: the buyer keeps the discount already
    given to the kept lines, and the cancelled lines' shares stay with them."""
    return sum(line.paid for line in basket.lines if line.line_id in line_ids)
