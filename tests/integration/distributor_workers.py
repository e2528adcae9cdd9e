"""Body of the distributor race's workers: half of them reintegrate the distributor's sales (every
worker the same lines, in its own order), the others buy on the web on the same performance.

Runs in a spawned process that has already set its environment (see processes.py). Returns plain data.
"""

from __future__ import annotations

import random
from typing import Any

from tests.integration.shop_workers import callback_for, share_botocore_sessions

ORG = "demo"


def reintegrate_or_buy(worker: int, barrier: Any, payload: dict[str, Any]) -> dict[str, Any]:
    share_botocore_sessions()
    rng = random.Random(payload["seed"] * 100 + worker)
    barrier.wait()
    if worker < payload["distributors"]:
        return _reintegrate(rng, payload)
    return _buy(worker, rng, payload)


def _reintegrate(rng: random.Random, payload: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.distributors import reintegration
    from chalicelib.distributors.adapters import SaleLine

    lines = [SaleLine(**line) for line in payload["lines"]]
    rng.shuffle(lines)
    outcomes: list[dict[str, Any]] = []
    for start in range(0, len(lines), 5):  # small batches, as a run's pages would come
        batch = lines[start : start + 5]
        outcomes += [
            o.as_dict() for o in reintegration.integrate(ORG, payload["interface_id"], batch, "pull")
        ]
    return {"outcomes": outcomes}


def _buy(worker: int, rng: random.Random, payload: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.errors import DomainError
    from chalicelib.sales import carts, orders
    from chalicelib.sales.carts import Buyer, HoldRequest
    from chalicelib.sales.orders import CheckoutRequest

    paid, refused = [], 0
    for n in range(payload["buyers"]):
        buyer = Buyer(ORG, f"web-w{worker}-{n}")
        cart = carts.open_cart(ORG, payload["pos"], buyer)
        if rng.random() < 0.5:
            wanted = HoldRequest(payload["performance_id"], seat_ids=[rng.choice(payload["contested_seats"])])
        else:
            wanted = HoldRequest(payload["performance_id"], area="PIT", quantity=1)
        try:
            carts.add_to_cart(ORG, cart.cart_id, buyer, wanted)
            request = CheckoutRequest(email=f"{buyer.buyer_id}@example.org", name=buyer.buyer_id)
            order = orders.checkout(ORG, cart.cart_id, buyer, request)
            order = orders.payment_callback(**callback_for(order))
            paid.append(order.order_id)
        except DomainError:
            refused += 1
    return {"paid": paid, "refused": refused}
