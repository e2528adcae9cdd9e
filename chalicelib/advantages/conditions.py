"""When an advantage or a promo code may be used: its state, validity, channels, end of sale, conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.advantages.model import Advantage, EndOfSale, PromoCode, State


@dataclass(frozen=True)
class PerformanceFacts:
    """What an advantage's conditions read of a performance."""

    event_id: str
    performance_id: str
    starts_at: datetime
    sales_end_at: datetime | None = None


def refusal(
    item: Advantage | PromoCode, now: datetime, channel_id: str, performance: PerformanceFacts | None
) -> str | None:
    """Why an advantage or promo code cannot be used now on this channel and performance, or None."""
    if item.state != State.IN_OPERATION:
        return "not_in_operation"
    if item.valid_from and now < item.valid_from:
        return "not_yet_valid"
    if item.valid_until and now >= item.valid_until:
        return "expired"
    if item.channel_ids and channel_id not in item.channel_ids:
        return "not_for_this_channel"
    if performance is None:
        return None
    if isinstance(item, Advantage) and (
        performance.event_id not in item.event_ids
        or (item.performance_ids and performance.performance_id not in item.performance_ids)
    ):
        return "not_for_this_performance"
    end = sales_end(item.end_of_sale, performance)
    return "sales_ended" if end and now >= end else None


def sales_end(rule: EndOfSale, performance: PerformanceFacts) -> datetime | None:
    if rule.rule == "performance_end_of_sale":
        return performance.sales_end_at or performance.starts_at
    if rule.rule == "performance_start_plus_tolerance":
        return performance.starts_at + timedelta(minutes=rule.tolerance_minutes)
    return None


def promo_refusal(
    promo: PromoCode, now: datetime, channel_id: str, subtotal: int, levels: dict[str, str]
) -> str | None:
    """Why a promo code cannot apply to a basket of `subtotal` (after line advantages) for a customer
    with these indicator levels, or None. A level is matched exactly: indicators have no order yet."""
    reason = refusal(promo, now, channel_id, None)
    if reason:
        return reason
    if subtotal < promo.minimum_basket:
        return "below_minimum_basket"
    if promo.indicator and levels.get(promo.indicator) != promo.level:
        return "indicator_level_not_reached"
    return None
