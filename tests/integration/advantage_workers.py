"""Worker processes for the advantages' concurrency tests: one single-use code, one quota, many buyers."""

from __future__ import annotations

import contextlib
import time
from typing import Any

ORG = "demo"
CART_SECONDS = 1200


def use_the_code(worker: int, barrier: Any, payload: dict[str, Any]) -> tuple:
    """Claim the code for this worker's cart, then use it for its order whatever the claim said (a
    careless checkout must still be stopped by the use's own condition).

    Returns ("used" | "refused", reason, started, finished)."""
    from chalicelib import clock
    from chalicelib.advantages import codes, service
    from chalicelib.advantages.model import CodeRefused

    service.get_advantage(ORG, payload["advantage_id"])  # opens the connection before the race
    cart = f"cart-{worker}"
    barrier.wait()
    started = time.time()
    with contextlib.suppress(CodeRefused):
        codes.claim_code(ORG, payload["code"], cart, clock.seconds() + CART_SECONDS)
    try:
        codes.use_code(ORG, payload["code"], cart, f"order-{worker}", f"buyer-{worker}")
    except CodeRefused as exc:
        return ("refused", exc.details["reason"], started, time.time())
    return ("used", None, started, time.time())


def take_tickets(worker: int, barrier: Any, payload: dict[str, Any]) -> list[tuple]:
    """Try to take one ticket of the advantage's quota, `attempts` times. Returns (ok, started, finished)."""
    from chalicelib.advantages import service
    from chalicelib.advantages.model import QuotaReached

    advantage = service.get_advantage(ORG, payload["advantage_id"])
    calls = []
    barrier.wait()
    for _ in range(payload["attempts"]):
        started = time.time()
        try:
            service.take_quota(ORG, advantage, 1, buyer=f"buyer-{worker}")
        except QuotaReached:
            calls.append((False, started, time.time()))
        else:
            calls.append((True, started, time.time()))
    return calls
