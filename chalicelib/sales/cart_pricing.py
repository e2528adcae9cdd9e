"""A cart priced with its advantages and promo code: the one place a line's price is decided.

A line's original price is the price grid's for its seat category and audience subcategory (for an
advantage's own subcategory without a grid price, the category's full price). A line that chose an
advantage takes the advantage's price when every condition holds now (state, validity, channel, end of
sale, target, the per-order cap); else the line says why (`refusal`) and keeps its original price,
and checkout refuses it. Then at most one promo code is spread over the lines (pricing.price_basket).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib import clock
from chalicelib.advantages import offers
from chalicelib.advantages.conditions import PerformanceFacts, refusal
from chalicelib.advantages.model import Advantage, AdvantageRefused, PromoCode
from chalicelib.advantages.pricing import LineToPrice, price_basket
from chalicelib.catalog import service as catalog
from chalicelib.errors import Conflict
from chalicelib.sales.documents import Cart, CartLine
from chalicelib.sales.model import PriceList

PARTNER, SINGLE_USE, PROMO = "partner", "single_use", "promo"


class PricesChanged(Conflict):
    """A place's price changed since the buyer was shown the cart; `details.changed` lists them."""

    code = "prices_changed"


@dataclass(frozen=True)
class LinePrice:
    line: CartLine
    original_price: int  # the price grid's
    advantage: Advantage | None  # the advantage applied (None when none, or refused)
    refusal: str | None  # why the line's chosen advantage cannot apply now
    advantage_price: int  # after the advantage, before the promo code
    promo_share: int
    unit_price: int  # what the buyer pays for the place


@dataclass(frozen=True)
class PromoState:
    code: str
    promo: PromoCode | None
    refusal: str | None
    discount: int


@dataclass(frozen=True)
class CartPrices:
    lines: list[LinePrice]
    promo: PromoState | None
    subtotal: int  # after advantages, before the promo code
    tickets: int  # what the places cost in all

    def refused(self) -> list[dict[str, str]]:
        """The lines whose advantage cannot apply, and the promo code if it cannot: checkout refuses them."""
        found = [
            {"line_id": p.line.line_id, "advantage_id": p.line.advantage_id or "", "reason": p.refusal}
            for p in self.lines
            if p.refusal
        ]
        if self.promo and self.promo.refusal:
            found.append({"promo_code": self.promo.code, "reason": self.promo.refusal})
        return found


def facts(org_id: str, performance_id: str) -> PerformanceFacts:
    data = catalog.get(org_id, "performance", performance_id).data
    return PerformanceFacts(
        data["event_id"], performance_id, _moment(data["starts_at"]), _moment(data.get("sales_close_at"))
    )


def _moment(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def unlocked(cart: Cart) -> offers.Unlocked:
    partner = frozenset(c["code"] for c in cart.codes if c["kind"] == PARTNER)
    single = {c["ref_id"]: c["code"] for c in cart.codes if c["kind"] == SINGLE_USE}
    return offers.Unlocked(partner, single)


def base_price(
    prices: PriceList, line: CartLine, subcategory: str, where: str, priced_by: Advantage | None
) -> int:
    """The grid's price; an advantage's own subcategory without a grid price starts from the full price."""
    amount = prices.cells.get((line.category_id or "", subcategory))
    if amount is not None:
        return amount
    full = prices.default_subcategory(line.category_id)
    if priced_by is None or full is None:
        return prices.price(line.category_id, subcategory, where)
    return prices.cells[(line.category_id or "", full)]


def price_cart(
    cart: Cart,
    price_lists: dict[str, PriceList],
    customer: offers.Customer,
    fresh: bool = False,
) -> CartPrices:
    """Every line's price now. `fresh` reads the advantages and promo codes from the table (checkout)."""
    now = clock.now()
    keys = unlocked(cart)
    performances: dict[str, PerformanceFacts] = {}
    live = (
        {a.advantage_id: a for a in offers.advantages(cart.org_id, fresh)}
        if any(line.advantage_id for line in cart.lines)
        else {}
    )
    seen: Counter[str] = Counter()
    to_price, states = [], []
    for n, line in enumerate(cart.lines):
        prices = price_lists[line.performance_id]
        item, reason, rule = None, None, None
        if line.advantage_id:
            shown = performances.get(line.performance_id) or performances.setdefault(
                line.performance_id, facts(cart.org_id, line.performance_id)
            )
            item = live.get(line.advantage_id)
            reason = "not_in_operation" if item is None else None
            reason = reason or offers.why_not(item, customer, keys, cart.channel_id, shown, now)
            rule = (
                None
                if item is None
                else offers.rule_for(item, shown.event_id, line.audience_subcategory_id or "")
            )
            if item is not None and reason is None and rule is None:
                reason = "not_for_this_audience"
            seen[line.advantage_id] += 1
            if (
                item is not None
                and reason is None
                and item.max_per_order
                and seen[line.advantage_id] > item.max_per_order
            ):
                reason = "max_per_order_reached"
        applied = item if reason is None else None
        if line.package:  # a season ticket's place: its line's price, from the product
            base = int(line.package["amount"])
        else:
            base = base_price(prices, line, line.audience_subcategory_id or "", f"lines[{n}]", item)
        to_price.append(LineToPrice(line.line_id, base, rule if applied else None))
        states.append((line, applied, reason))
    promo_state, discount_of = _promo(cart, customer, to_price, fresh)
    basket = price_basket(to_price, *discount_of)
    lines = [
        LinePrice(line, p.base_price, applied, reason, p.advantage_price, p.promo_share, p.paid)
        for (line, applied, reason), p in zip(states, basket.lines, strict=True)
    ]
    if promo_state is not None:
        promo_state = PromoState(
            promo_state.code, promo_state.promo, promo_state.refusal, basket.promo_discount
        )
    return CartPrices(lines, promo_state, basket.subtotal, basket.total)


def _promo(cart: Cart, customer: offers.Customer, to_price: list[LineToPrice], fresh: bool):
    if not cart.promo_code:
        return None, (None, 0)
    promo = offers.promo_code(cart.org_id, cart.promo_code, fresh)
    subtotal = price_basket(to_price).subtotal
    reason = promo_refusal(promo, cart.channel_id, subtotal, customer)
    state = PromoState(cart.promo_code, promo, reason, 0)
    if reason or promo is None:
        return state, (None, 0)
    return state, (promo.discount, promo.minimum_basket)


def promo_refusal(
    promo: PromoCode | None, channel_id: str, subtotal: int, customer: offers.Customer
) -> str | None:
    """Why a promo code cannot apply to a basket of `subtotal` for this customer now, or None."""
    if promo is None:
        return "not_in_operation"
    reason = refusal(promo, clock.now(), channel_id, None)
    if reason:
        return reason
    if subtotal < promo.minimum_basket:
        return "below_minimum_basket"
    if promo.indicator and not customer.reaches(promo.indicator, promo.level or ""):
        return "indicator_level_not_reached"
    return None


def check_line_choice(
    cart: Cart,
    line: CartLine,
    prices: PriceList,
    subcategory: str,
    advantage_id: str | None,
    customer: offers.Customer,
) -> None:
    """Refuse (400) a subcategory with no price, or an advantage the line cannot take now, naming why."""
    if advantage_id is None:
        prices.price(line.category_id, subcategory, "audience_subcategory_id")
        return
    shown = facts(cart.org_id, line.performance_id)
    item = offers.advantage(cart.org_id, advantage_id)
    reason = (
        "not_in_operation"
        if item is None
        else offers.why_not(item, customer, unlocked(cart), cart.channel_id, shown)
    )
    if item is not None and reason is None and offers.rule_for(item, shown.event_id, subcategory) is None:
        reason = "not_for_this_audience"
    if item is not None and reason is None and item.max_per_order is not None:
        others = sum(1 for other in cart.lines if other.advantage_id == advantage_id and other is not line)
        if others + 1 > item.max_per_order:
            reason = "max_per_order_reached"
    if item is not None and reason is None and item.quota is not None:
        taken = offers.taken(cart.org_id, [advantage_id], None)[advantage_id][0]
        others = sum(1 for other in cart.lines if other.advantage_id == advantage_id and other is not line)
        if taken + others + 1 > item.quota:
            reason = "quota_reached"
    if reason:
        raise AdvantageRefused(
            f"This advantage cannot apply to this place: {reason.replace('_', ' ')}",
            {"field": "advantage_id", "advantage_id": advantage_id, "reason": reason},
        )
    base_price(prices, line, subcategory, "audience_subcategory_id", item)
