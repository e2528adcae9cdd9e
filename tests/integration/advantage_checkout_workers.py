"""Worker processes racing through the shop's checkout with an advantage: its quota, or one single-use
code. Each holds a standing place in its own cart first, then all check out (or enter the code) at once."""

from __future__ import annotations

import time
from typing import Any

ORG = "demo"
POS = "WEB1"


def _cart_with_a_place(worker: int, payload: dict[str, Any]) -> tuple[Any, str, str]:
    from chalicelib.sales import carts
    from chalicelib.sales.carts import Buyer, HoldRequest

    buyer = Buyer(ORG, f"guest-w{worker}")
    cart = carts.open_cart(ORG, POS, buyer)
    request = HoldRequest(payload["performance_id"], area="PIT", quantity=1)
    priced = carts.add_to_cart(ORG, cart.cart_id, buyer, request)
    return buyer, priced.cart.lines[0].line_id, cart.cart_id


def _choose(buyer: Any, cart_id: str, line_id: str, payload: dict[str, Any]) -> None:
    from chalicelib.sales import carts

    carts.set_audience(ORG, cart_id, buyer, line_id, payload["young"], payload["advantage_id"])


def _checkout(buyer: Any, cart_id: str) -> tuple[str, Any]:
    from chalicelib.errors import DomainError
    from chalicelib.sales import orders
    from chalicelib.sales.orders import CheckoutRequest

    try:
        order = orders.checkout(ORG, cart_id, buyer, CheckoutRequest(email="w@example.com", name="W"))
    except DomainError as exc:
        return exc.code, exc.details.get("refused")
    return "ordered", order.order_id


def check_out_with_the_advantage(worker: int, barrier: Any, payload: dict[str, Any]) -> tuple:
    """Price the place with the advantage (each cart sees the quota free), then all check out at once.
    Returns (outcome, detail, started, finished)."""
    buyer, line_id, cart_id = _cart_with_a_place(worker, payload)
    _choose(buyer, cart_id, line_id, payload)
    barrier.wait()
    started = time.time()
    outcome, detail = _checkout(buyer, cart_id)
    return outcome, detail, started, time.time()


def enter_the_code_and_check_out(worker: int, barrier: Any, payload: dict[str, Any]) -> tuple:
    """All enter the same single-use code at once; whoever's cart took it prices the place and checks
    out. Returns (outcome, detail, started, finished)."""
    from chalicelib.advantages.model import CodeRefused
    from chalicelib.sales import advantage_offers

    buyer, line_id, cart_id = _cart_with_a_place(worker, payload)
    barrier.wait()
    started = time.time()
    try:
        advantage_offers.enter_code(ORG, cart_id, buyer, payload["code"].lower())
    except CodeRefused as exc:
        return "refused", exc.details["reason"], started, time.time()
    _choose(buyer, cart_id, line_id, payload)
    outcome, detail = _checkout(buyer, cart_id)
    return outcome, detail, started, time.time()
