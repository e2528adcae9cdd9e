"""Body of the standing-area race's workers: buyers holding standing places until the area is sold out.

Runs in a spawned process that has already set its environment (see processes.py). Returns plain data:
the HTTP status each hold request would have answered, by status.
"""

from __future__ import annotations

import random
from typing import Any

from tests.integration.shop_workers import ORG, POS, callback_for, share_botocore_sessions


def hold_standing_until_sold_out(worker: int, barrier: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Each buyer opens a cart and holds 1 to 3 places of the pit; then pays, empties the cart, or
    leaves the hold. The worker stops once the pit shows fewer free places than it asks for."""
    from chalicelib.api.errors import status_of
    from chalicelib.errors import DomainError
    from chalicelib.sales import carts, orders
    from chalicelib.sales.carts import Buyer, HoldRequest
    from chalicelib.sales.orders import CheckoutRequest
    from chalicelib.shop import service as shop

    share_botocore_sessions()
    rng = random.Random(payload["seed"] * 100 + worker)
    answers: dict[int, int] = {}
    barrier.wait()
    for n in range(payload["buyers"]):
        buyer = Buyer(ORG, f"standing-w{worker}-{n}")
        cart = carts.open_cart(ORG, POS, buyer)
        wanted = HoldRequest(payload["performance_id"], area="PIT", quantity=rng.randint(1, 3))
        try:
            carts.add_to_cart(ORG, cart.cart_id, buyer, wanted)
            status = 201
        except DomainError as exc:
            status = status_of(exc)
        except Exception:  # noqa: BLE001 - what API Gateway would answer as a 500
            status = 500
        answers[status] = answers.get(status, 0) + 1
        if status == 201:
            plan = rng.choice(["pay", "empty", "leave"])
            if plan == "empty":
                carts.empty_cart(ORG, cart.cart_id, buyer)
            elif plan == "pay":
                request = CheckoutRequest(email=f"{buyer.buyer_id}@example.org", name=buyer.buyer_id)
                order = orders.checkout(ORG, cart.cart_id, buyer, request)
                orders.payment_callback(**callback_for(order))
        else:
            free = shop.area_counters(payload["performance_id"], payload["shards"], "PIT")
            if sum(c.free for c in free if c.quota_id == payload["quota"]) == 0:
                break
    return answers
