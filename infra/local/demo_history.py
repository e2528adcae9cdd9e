"""A demo sales history through the services: card sales online and at the box office, a voucher, two
cancellations, door scans, and the figures counted, so that the home and every report show something.

Made once (when the organisation has no demo-history buyer yet). Orders carry today's date: the sales
context reads the wall clock, not chalicelib.clock, so history cannot yet be spread over past weeks.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chalicelib.errors import DomainError
from chalicelib.observability import logger
from chalicelib.reports import service as figures
from chalicelib.reports.selection import today
from chalicelib.sales import backoffice, carts, orders, tickets
from chalicelib.sales import repository as sales_store
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest

PREFIX = "demo-history-"
SALES = 14


@dataclass(frozen=True)
class Shelf:
    """Where the history sells: performances, their seat categories, the web and box-office points of sale."""

    performance_ids: Sequence[str]
    category_ids: Sequence[str]
    web_pos: str = "WEB"
    box_pos: str = "BOX"
    operator: str = "admin"


def seed_demo(org_id: str, ids: Callable[[str, str], str]) -> str:
    """infra/local/seed.py's step: the history on the demo's performances and seat categories."""
    from infra.local import demo_catalog as demo

    if os.environ.get("GUICHET_LOCAL_DYNAMODB_IS_MOTO"):
        return "demo sales history left out: DynamoDB is served by moto (install Java for DynamoDB Local)"
    performances = [ids("performance", code) for event in demo.EVENTS for code, _ in event.performances()]
    categories = [ids("seat_category", spec.code) for spec in demo.SEAT_CATEGORIES]
    return seed_history(org_id, Shelf(performances, categories))


def seed_history(org_id: str, shelf: Shelf, seed: int = 7) -> str:
    """Sell, cancel and scan as customers and operators would; "" if the history is there already."""
    if sales_store.orders_of_buyer(org_id, f"{PREFIX}0", 1, None)[0]:
        return ""
    rng = random.Random(seed)  # noqa: S311 - a repeatable demo, not a secret
    sold = []
    for n in range(SALES):
        order = _sell(org_id, shelf, rng, n)
        if order is not None:
            sold.append(order)
    refunds = ("card", "none")
    cancelled = [_cancel(org_id, shelf, order, refunds[n]) for n, order in enumerate(sold[:2])]
    scanned = _scan(org_id, [o for o in sold[2:] if o.status == "paid"], rng)
    for order in sold:
        figures.count_order(order.order_id)
    counted = _count_today(org_id)
    return (
        f"sales history: {len(sold)} orders, {len(cancelled)} cancelled, {scanned} door scans, "
        f"{counted} orders of today counted into the figures"
    )


def _sell(org_id: str, shelf: Shelf, rng: random.Random, n: int):
    at_box = n % 4 == 3
    buyer = Buyer(org_id, f"operator-{shelf.operator}" if at_box else f"{PREFIX}{n}")
    details = CheckoutRequest(email=f"buyer{n}@example.com", name=f"Demo buyer {n}")
    if n == 0 or (not at_box and rng.random() < 0.2):
        voucher = backoffice.create_voucher(org_id, rng.choice([1000, 2500]), "EUR", None, None)
        details = CheckoutRequest(**vars(details) | {"gift_vouchers": (voucher["code"],)})
    performance = rng.choice(list(shelf.performance_ids))
    try:
        cart = carts.open_cart(org_id, shelf.box_pos if at_box else shelf.web_pos, buyer)
        for category in rng.sample(list(shelf.category_ids), len(shelf.category_ids)):
            try:
                request = HoldRequest(performance, category_id=category, quantity=rng.randint(1, 4))
                carts.add_to_cart(org_id, cart.cart_id, buyer, request)
                break
            except DomainError:
                continue  # a category the point of sale's quotas do not sell
        else:
            return None
        order = orders.checkout(org_id, cart.cart_id, buyer, details)
        return _pay(order)
    except DomainError as exc:
        logger.warning("demo sale skipped", extra={"reason": str(exc)})
        return None


def _pay(order):
    from chalicelib.payments.simulator import SimulatedProvider

    card = next((p for p in order.payments if p.method == "card" and p.redirect_url), None)
    if card is None:
        return order
    callback = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    return orders.payment_callback(callback["payload"], callback["signature"])


def _cancel(org_id: str, shelf: Shelf, order, refund: str):
    return orders.cancel_by_operator(org_id, order.order_id, shelf.operator, refund)


def _scan(org_id: str, paid: list, rng: random.Random) -> int:
    count = 0
    for order in paid[: max(1, len(paid) // 2)]:
        for ticket in orders.tickets_of(order):
            gate = rng.choice(["Main door", "Side door"])
            if tickets.scan(org_id, ticket.document["barcode"], None, gate, "demo").result == "valid":
                count += 1
    return count


def _count_today(org_id: str) -> int:
    """Every order of today (the option reservations too) counted: a no-op for those counted already."""
    return figures.rebuild_days(org_id, figures.generation(org_id), [today().isoformat()])["orders"]
