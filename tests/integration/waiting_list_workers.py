"""Bodies of the waiting-list race's workers: seats given back, buyers, and runs of the offer workflow.

Each runs in a spawned process that has set its environment (see processes.py); chalicelib is imported
inside the functions. Results are plain tuples and dicts, with wall-clock times the parent compares.
"""

from __future__ import annotations

import random
import time
from typing import Any

ORG = "demo"
POS = "WEB1"
RETURNERS = (0, 1)
BUYERS = (2, 3, 4)
# the rest run the offer workflow's visit of the list, as the schedule and offer_now would at once
EXPECTED_REFUSALS = ("seat_unavailable", "buyer_limit_reached", "orphan_seats", "hold_expired")
TRIES = 6


def race(worker: int, barrier: Any, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Each round, at the barrier: returners give crowd carts back (their seats come back), buyers
    try for best-available seats (paying for half of what they hold), and the others visit the list.

    Records one dict per call: role, round, outcome, seats, started, finished.
    """
    from tests.integration.shop_workers import share_botocore_sessions

    share_botocore_sessions()
    _warm(payload)
    rng = random.Random(payload["seed"] * 100 + worker)
    calls: list[dict[str, Any]] = []
    for number in range(payload["rounds"]):
        barrier.wait()
        if worker in RETURNERS:
            calls.append(_give_back(payload, worker, number))
        elif worker in BUYERS:
            calls.extend(_buy(payload, worker, number, rng))
        else:
            calls.extend(_offer(payload, number, rng))
    return calls


def _warm(payload: dict[str, Any]) -> None:
    """This process's connections, opened before the first round."""
    from chalicelib.waiting_list import repository

    repository.get_list(ORG, payload["performance_id"])


def _give_back(payload: dict[str, Any], worker: int, number: int) -> dict[str, Any]:
    from chalicelib.sales import carts
    from chalicelib.sales.carts import Buyer

    cart_id, buyer_id = payload["crowd"][number * len(RETURNERS) + RETURNERS.index(worker)]
    started = time.time()
    emptied = carts.empty_cart(
        ORG, cart_id, Buyer(ORG, buyer_id, buyer_id, f"{buyer_id}@example.com", buyer_id)
    )
    return {
        "role": "return",
        "round": number,
        "outcome": "returned",
        "started": started,
        "finished": time.time(),
        "cart_id": emptied.cart.cart_id,
    }


def _buy(payload: dict[str, Any], worker: int, number: int, rng: random.Random) -> list[dict[str, Any]]:
    from chalicelib.errors import DomainError
    from chalicelib.sales import carts, orders
    from chalicelib.sales.carts import Buyer, HoldRequest
    from chalicelib.sales.orders import CheckoutRequest
    from tests.integration.shop_workers import callback_for

    name = f"buyer-{worker}-{number}"
    buyer = Buyer(ORG, name, name, f"{name}@example.com", name)
    cart = carts.open_cart(ORG, POS, buyer)
    calls = []
    for _ in range(TRIES):
        started = time.time()
        call = {"role": "buy", "round": number, "buyer": name, "started": started}
        request = HoldRequest(
            payload["performance_id"], category_id=payload["category"], quantity=rng.choice((1, 2))
        )
        try:
            held = carts.add_to_cart(ORG, cart.cart_id, buyer, request)
            call.update(outcome="held", seats=sorted(line.seat_id for line in held.cart.lines))
            if rng.random() < 0.5:
                order = orders.checkout(ORG, cart.cart_id, buyer, CheckoutRequest())
                call["status"] = orders.payment_callback(**callback_for(order)).status
            call["finished"] = time.time()
            calls.append(call)
            break
        except DomainError as exc:
            if exc.code not in EXPECTED_REFUSALS:
                raise
            call.update(outcome=exc.code, finished=time.time())
            calls.append(call)
        time.sleep(rng.uniform(0.0, 0.05))
    return calls


def _offer(payload: dict[str, Any], number: int, rng: random.Random) -> list[dict[str, Any]]:
    from chalicelib.errors import DomainError
    from chalicelib.workflows import waiting_list_offers

    calls = []
    for _ in range(TRIES // 2):
        started = time.time()
        try:
            visit = waiting_list_offers.offer_now(ORG, payload["performance_id"])
        except DomainError as exc:  # the state machine retries these (Retry on the visit task)
            if exc.code not in ("transient_store_error", "version_conflict", "conflict"):
                raise
            calls.append(
                {
                    "role": "offer",
                    "round": number,
                    "outcome": exc.code,
                    "offered": 0,
                    "seats_offered": 0,
                    "started": started,
                    "finished": time.time(),
                }
            )
            continue
        calls.append(
            {
                "role": "offer",
                "round": number,
                "outcome": "visited",
                "offered": visit["offered"],
                "seats_offered": visit["seats_offered"],
                "started": started,
                "finished": time.time(),
            }
        )
        time.sleep(rng.uniform(0.0, 0.05))
    return calls
