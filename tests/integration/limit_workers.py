"""Worker functions for the limit races: each process counts against the same client's counters."""

from __future__ import annotations

import time
from typing import Any

ADDRESS = "198.51.100.20"
OWNER = "device-shared"
PERFORMANCE = "perf-race"
BUYER_CAP = 3  # the address and the buyer may hold twice that: 6 places
WINDOW = 20 * 60
RATE = (5, 600)


def take_places_and_rate(worker: int, barrier: Any, payload: dict[str, Any]) -> list[tuple]:
    """Each round at its own moment: every worker takes 2 places, then counts 2 requests of a rate.

    Records (round, "places" | "rate", granted, started, finished) per call.
    """
    from chalicelib import clock
    from chalicelib.auth import limits
    from chalicelib.auth.client import Client
    from chalicelib.db import limits as store
    from chalicelib.errors import BuyerLimitReached, TooManyRequests

    here = Client(ip=ADDRESS, device=OWNER)
    store.read("warm-up", "-")  # opens this process's connection before the first round
    calls: list[tuple] = []
    for number, moment in enumerate(payload["moments"]):
        with clock.at(moment):
            barrier.wait()
            started = time.time()
            try:
                limits.take_places(here, OWNER, PERFORMANCE, 2, BUYER_CAP, WINDOW)
                calls.append((number, "places", True, started, time.time()))
            except BuyerLimitReached:
                calls.append((number, "places", False, started, time.time()))
            for _ in range(2):
                started = time.time()
                try:
                    limits._take("RACE#ip", ADDRESS, RATE, "tries")
                    calls.append((number, "rate", True, started, time.time()))
                except TooManyRequests:
                    calls.append((number, "rate", False, started, time.time()))
    return calls
