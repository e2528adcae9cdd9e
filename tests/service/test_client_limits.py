"""Places held per client: the window that each hold extends, and a counter that lapsed starts again
(holds that ended without being given back, as when they expire, stop counting after the window)."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.auth import limits
from chalicelib.auth.client import Client
from chalicelib.errors import BuyerLimitReached

PERFORMANCE = "perf-1"
BUYER_CAP = 3
CAP = BUYER_CAP * limits.PLACES_PER_ADDRESS_FACTOR  # what one buyer and one address may hold
WINDOW = 20 * 60  # the channel's longest hold
START = 1_800_000_000
HERE = Client(ip="203.0.113.7", device="device-1")


@pytest.fixture(autouse=True)
def _tables(aws) -> None:
    """moto's empty limits table for each test."""


def take(places: int, owner: str = "buyer-1", here: Client = HERE) -> None:
    limits.take_places(here, owner, PERFORMANCE, places, BUYER_CAP, WINDOW)


def test_a_buyer_at_the_cap_is_refused_until_the_window_lapses_then_counts_from_zero():
    with clock.at(START):
        take(CAP)
        with pytest.raises(BuyerLimitReached) as refused:
            take(1)
    with clock.at(START + WINDOW):
        take(CAP)
        with pytest.raises(BuyerLimitReached):
            take(1)

    assert refused.value.details == {"performance_id": PERFORMANCE, "max": CAP, "per": "buyer"}


def test_each_hold_extends_the_window_of_the_places_counted():
    with clock.at(START):
        take(CAP - 1)
    with clock.at(START + WINDOW - 1):
        take(1)
    with clock.at(START + WINDOW + 10), pytest.raises(BuyerLimitReached):
        take(1)  # counted from the last hold, the first one's places still count
    with clock.at(START + 2 * WINDOW - 1):
        take(CAP)


def test_more_places_than_the_cap_at_once_are_refused_and_count_nothing():
    with clock.at(START):
        with pytest.raises(BuyerLimitReached):
            take(CAP + 1)
        take(CAP)


def test_an_address_counts_every_buyer_behind_it_in_the_same_window():
    neighbour = Client(ip=HERE.ip, device="device-2")
    with clock.at(START):
        take(CAP)
        with pytest.raises(BuyerLimitReached) as refused:
            take(1, owner="buyer-2", here=neighbour)
    with clock.at(START + WINDOW):
        take(1, owner="buyer-2", here=neighbour)

    assert refused.value.details["per"] == "address"
