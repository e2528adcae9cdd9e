"""Bodies of the season-ticket concurrency workers: season-ticket buyers and single-ticket buyers racing
for the Cat 2 seats of three performances, round after round, until no pair of them is left.

Each runs in a spawned process that has already set its environment (see processes.py); chalicelib is
imported inside the functions so nothing reads settings before that. Results are plain dicts (they
cross a process boundary), with wall-clock times the parent compares.
"""

from __future__ import annotations

import random
import time
from typing import Any

from tests.integration.shop_workers import callback_for, share_botocore_sessions

ORG = "demo"
POS = "ALL1"
QUANTITY = 2
# Refusals a buyer may meet when demand exceeds supply; any other error fails the worker.
EXPECTED_REFUSALS = ("seat_unavailable", "same_seat_unavailable", "orphan_seats")
# What a buyer does with what they held: pay for it, or leave it held in the cart.
PLANS = ("pay", "keep")
STALLED_ROUNDS = 2


def race_for_cat2(worker: int, barrier: Any, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Each round, every worker's buyer (a new guest each round, so no cap gets in the way) tries once:
    a season-ticket buyer holds 2 seats in the three performances (same seat; when the same seats are
    taken somewhere, once more with the alternatives the refusal offered), a single-ticket buyer the 2
    best available Cat 2 seats of one of them. What was held is paid for or left in the cart. After
    each round every worker reads the stock, when nobody writes: all stop together once no
    performance has 2 free Cat 2 seats left, or when two rounds went by without a seat taken (what
    is left would leave a seat alone), or after the last round.

    Records one dict per attempt: role, plan, cart, outcome(s), seats held per performance, order.
    """
    from chalicelib.sales import carts
    from chalicelib.sales.carts import Buyer

    share_botocore_sessions()
    rng = random.Random(payload["seed"] * 100 + worker)
    role = payload["roles"][worker]
    carts.open_cart(ORG, POS, Buyer(ORG, f"warm-w{worker}"))  # this process's connections, warm
    report: list[dict[str, Any]] = []
    free = dict.fromkeys(payload["performances"], QUANTITY)
    unchanged = 0
    for number in range(payload["rounds"]):
        plan = PLANS[(worker + number) % len(PLANS)]
        buyer = Buyer(ORG, f"guest-{role}-w{worker}-r{number}")
        # a single-ticket buyer goes where a pair was left at the end of the last round
        performance_id = rng.choice([p for p, n in free.items() if n >= QUANTITY])
        barrier.wait()
        started = time.time()
        if role == "season":
            entry = _season_ticket(buyer, payload)
        else:
            entry = _single_tickets(buyer, performance_id, payload)
        entry.update(worker=worker, round=number, role=role, plan=plan, buyer=buyer.buyer_id)
        if entry["outcome"] == "held" and plan == "pay":
            _pay(entry, buyer)
        entry["times"] = (started, time.time())
        report.append(entry)
        barrier.wait()  # every attempt of the round has ended: the stock is still until the next one
        before, free = free, free_seats(payload)
        entry["free_after"] = free
        unchanged = unchanged + 1 if free == before else 0
        # no pair left anywhere, or two rounds in which nobody could take a seat (orphans left)
        if all(n < QUANTITY for n in free.values()) or unchanged >= STALLED_ROUNDS:
            break
    return report


def _season_ticket(buyer: Any, payload: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.errors import DomainError
    from chalicelib.sales import carts
    from chalicelib.season_tickets import service as season_tickets

    cart_id = carts.open_cart(ORG, POS, buyer).cart_id
    entry: dict[str, Any] = {"cart_id": cart_id, "tries": []}
    chosen = _chosen(payload, {})
    for _ in range(2):
        try:
            priced = season_tickets.hold(ORG, cart_id, buyer, _request(payload, chosen))
        except DomainError as exc:
            if exc.code not in EXPECTED_REFUSALS:
                raise
            entry["tries"].append(exc.code)
            entry["outcome"] = exc.code
            if exc.code != "same_seat_unavailable":
                return entry
            chosen = _alternatives(payload, exc.details)
            if chosen is None:  # a performance has no pair of Cat 2 seats left to offer
                return entry
            continue
        entry["tries"].append("held")
        entry["outcome"] = "held"
        entry["hold_ids"] = list(priced.cart.hold_ids)
        entry["seats"] = _seats_by_performance(priced.lines)
        return entry
    return entry


def _request(payload: dict[str, Any], chosen: list[Any]) -> Any:
    from chalicelib.season_tickets.holding import SeasonTicketRequest

    return SeasonTicketRequest(
        payload["season_ticket_id"], payload["audience"], payload["category"], QUANTITY, chosen
    )


def _chosen(payload: dict[str, Any], seat_ids: dict[str, list[str]]) -> list[Any]:
    from chalicelib.season_tickets.holding import Chosen

    return [
        Chosen(line_id, performance_id, seat_ids=tuple(seat_ids.get(performance_id, ())))
        for line_id, performance_id in zip(payload["lines"], payload["performances"], strict=True)
    ]


def _alternatives(payload: dict[str, Any], details: dict[str, Any]) -> list[Any] | None:
    """The buyer's second try: the reference seats where they were free, the nearest (else the best)
    pair in Cat 2 where they were not; None when a performance offers no such pair."""
    reference = details["reference"]["seat_ids"]
    seat_ids = {performance_id: reference for performance_id in payload["performances"]}
    for problem in details["performances"]:
        offered = {a["kind"]: a["seat_ids"] for a in problem["alternatives"]}
        picked = offered.get("nearest") or offered.get("best_in_category")
        if not picked or len(picked) != QUANTITY:
            return None
        seat_ids[problem["performance_id"]] = picked
    return _chosen(payload, seat_ids)


def _single_tickets(buyer: Any, performance_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.errors import DomainError
    from chalicelib.sales import carts
    from chalicelib.sales.carts import HoldRequest

    cart_id = carts.open_cart(ORG, POS, buyer).cart_id
    entry: dict[str, Any] = {"cart_id": cart_id, "performance_id": performance_id}
    wanted = HoldRequest(performance_id, category_id=payload["category"], quantity=QUANTITY)
    try:
        priced = carts.add_to_cart(ORG, cart_id, buyer, wanted)
    except DomainError as exc:
        if exc.code not in EXPECTED_REFUSALS:
            raise
        entry["outcome"] = exc.code
        return entry
    entry["outcome"] = "held"
    entry["hold_ids"] = list(priced.cart.hold_ids)
    entry["seats"] = _seats_by_performance(priced.lines)
    return entry


def _seats_by_performance(lines: list[Any]) -> dict[str, list[str]]:
    seats: dict[str, list[str]] = {}
    for priced in lines:
        seats.setdefault(priced.line.performance_id, []).append(priced.line.seat_id)
    return {performance_id: sorted(ids) for performance_id, ids in seats.items()}


def _pay(entry: dict[str, Any], buyer: Any) -> None:
    """Check the cart out and pay by card; a refusal is recorded for the parent to judge (none is
    expected: nothing lapses in this race)."""
    from chalicelib.errors import DomainError
    from chalicelib.sales import orders
    from chalicelib.sales.orders import CheckoutRequest

    try:
        request = CheckoutRequest(email=f"{buyer.buyer_id}@example.org", name=buyer.buyer_id)
        order = orders.checkout(ORG, entry["cart_id"], buyer, request)
        entry["order_id"] = order.order_id
        entry["status"] = orders.payment_callback(**callback_for(order)).status
    except DomainError as exc:
        entry["error"] = f"{exc.code}: {exc}"


def free_seats(payload: dict[str, Any]) -> dict[str, int]:
    """Free Cat 2 seats of each raced performance, read fresh from the stock."""
    from chalicelib import clock
    from chalicelib.shop import service as shop
    from chalicelib.shop.model import seat_available

    front = shop.shop_front(ORG, POS)
    sellable = shop.sellable(front)
    now = clock.seconds()
    free = {}
    for performance_id in payload["performances"]:
        state = shop.on_sale(front, performance_id)[2].state
        seats = shop.stock_seats(ORG, performance_id, state, fresh=True)
        free[performance_id] = sum(
            1 for s in seats if s.category_id == payload["category"] and seat_available(s, sellable, now)
        )
    return free
