"""When an advantage or a promo code may be used: state, validity, channel, performance, end of sale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.advantages.conditions import PerformanceFacts, promo_refusal, refusal
from chalicelib.advantages.model import Advantage, PromoCode, State

NOON = datetime(2026, 6, 1, 12, tzinfo=UTC)
SHOW = PerformanceFacts(
    "EV1", "P1", starts_at=NOON + timedelta(hours=8), sales_end_at=NOON + timedelta(hours=7)
)


def advantage(**changes) -> Advantage:
    values = {
        "advantage_id": "A1",
        "state": State.IN_OPERATION,
        "season_id": "S2026",
        "event_ids": ["EV1"],
        "performance_ids": ["P1"],
        "prices": [{"audience_subcategory_id": "FULL", "rule": {"kind": "set_price", "value": 1000}}],
        "public_name": "Offer",
        "target": {"type": "general_public"},
        "channel_ids": ["WEB"],
        "valid_from": NOON - timedelta(days=1),
        "valid_until": NOON + timedelta(days=1),
    }
    return Advantage(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "at", "channel", "show", "reason"),
    [
        ({}, NOON, "WEB", SHOW, None),
        ({"state": State.DRAFT}, NOON, "WEB", SHOW, "not_in_operation"),
        ({}, NOON - timedelta(days=2), "WEB", SHOW, "not_yet_valid"),
        ({}, NOON + timedelta(days=1), "WEB", SHOW, "expired"),
        ({}, NOON, "BOX", SHOW, "not_for_this_channel"),
        ({"channel_ids": []}, NOON, "BOX", SHOW, None),  # no channel named: every channel
        ({}, NOON, "WEB", PerformanceFacts("EV1", "P2", SHOW.starts_at), "not_for_this_performance"),
        ({}, NOON + timedelta(hours=7), "WEB", SHOW, "sales_ended"),
        (
            {"end_of_sale": {"rule": "performance_start_plus_tolerance", "tolerance_minutes": 30}},
            NOON + timedelta(hours=8, minutes=29),
            "WEB",
            SHOW,
            None,
        ),
        (
            {"end_of_sale": {"rule": "no_limit"}, "valid_until": None},
            NOON + timedelta(days=9),
            "WEB",
            SHOW,
            None,
        ),
    ],
)
def test_an_advantage_is_refused_naming_the_first_condition_that_fails(changes, at, channel, show, reason):
    assert refusal(advantage(**changes), at, channel, show) == reason


def test_a_promo_code_needs_its_minimum_basket_and_indicator_level():
    promo = PromoCode(
        promo_id="P1",
        state=State.IN_OPERATION,
        code="LOYAL5",
        public_name="Loyal",
        discount={"kind": "amount_off", "value": 500},
        minimum_basket=3000,
        indicator="loyalty",
        level="regular",
    )
    regular = {"loyalty": "regular"}
    assert promo_refusal(promo, NOON, "WEB", 3000, regular) is None
    assert promo_refusal(promo, NOON, "WEB", 2999, regular) == "below_minimum_basket"
    assert promo_refusal(promo, NOON, "WEB", 5000, {}) == "indicator_level_not_reached"
