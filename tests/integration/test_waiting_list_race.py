"""Seats coming back to a sold-out performance while buyers and runs of the waiting-list offers race for
them, on DynamoDB Local: no seat is offered twice or sold twice, no entry gets two offers."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

from chalicelib.auth import service as auth
from chalicelib.db.holds import HOLD_ACTIVE, HOLD_CONVERTED, HoldItem
from chalicelib.db.outbox import OutboxItem
from chalicelib.db.stock import SEAT_HELD, SEAT_SOLD, SeatItem
from chalicelib.sales import carts
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.shop import service as shop
from chalicelib.waiting_list import model as m
from chalicelib.waiting_list import repository, service
from chalicelib.waiting_list.model import Request
from tests.integration import waiting_list_workers as w
from tests.integration.conftest import use_environment
from tests.integration.processes import most_workers_in_flight, run_workers
from tests.shop_world import World, build_world

SECRET = "integration-secret-that-is-long-enough-for-hs256"
NO_AWS = "http://127.0.0.1:9"  # nothing reaches AWS: emails stay in the outbox
PER_ROW = 6  # row B of blocks L and R: 12 web seats
ROUNDS = 3
# (quantity, fewest accepted, seats apart accepted) of each shopper waiting, in order of arrival
WAITING = [(1, 1, False), (2, 2, False), (2, 1, False), (3, 1, True), (1, 1, False), (2, 2, True)]
WAITING += [(1, 1, False), (2, 1, True), (4, 2, False), (1, 1, False)]


@pytest.fixture
def shop_env(store, monkeypatch) -> dict[str, str]:
    env = {**store.env, "GUICHET_TOKEN_SECRET": SECRET, "GUICHET_AWS_ENDPOINT": NO_AWS}
    use_environment(monkeypatch, env)
    auth.create_organisation(w.ORG, "Demo Theatre", "admin", "admin-password")
    return env


def person(name: str) -> Buyer:
    return Buyer(w.ORG, name, name, f"{name}@example.com", name)


def sold_out(world: World) -> list[tuple[str, str]]:
    """The 12 web seats held two by two by six crowd buyers; their (cart, buyer) in the order given back."""
    crowd = []
    for n, (block, first) in enumerate((b, f) for b in "LR" for f in (1, 3, 5)):
        buyer = person(f"crowd-{n}")
        cart = carts.open_cart(w.ORG, w.POS, buyer)
        seats = [world.seat(block, "B", first), world.seat(block, "B", first + 1)]
        carts.add_to_cart(w.ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
        crowd.append((cart.cart_id, buyer.buyer_id))
    shop.clear_cache()
    return crowd


def test_returned_seats_raced_by_buyers_and_offer_runs_are_never_offered_or_sold_twice(shop_env):
    world = build_world(
        rows=2,
        per_row=PER_ROW,
        web={"max_tickets_per_performance": 4, "max_tickets_per_buyer": 4, "waiting_list_offer_hours": 2},
    )
    crowd = sold_out(world)
    category = world.category("CAT2")
    for n, (quantity, least, apart) in enumerate(WAITING):
        service.join(
            w.ORG,
            w.POS,
            world.performance_id,
            person(f"waiting-{n}"),
            Request(quantity, least, category, apart),
        )
    crowd_holds = {h.hold_id for h in HoldItem.scan(consistent_read=True)}
    seed = random.randrange(1_000_000)
    payload = {
        "seed": seed,
        "rounds": ROUNDS,
        "performance_id": world.performance_id,
        "category": category,
        "crowd": crowd,
    }

    reports = run_workers(f"{w.__name__}:race", shop_env, payload)

    calls = [(worker, call) for worker, report in enumerate(reports) for call in report]
    outcomes = Counter(f"{c['role']}:{c['outcome']}" for _, c in calls)
    context = f"seed={seed}, {dict(outcomes)}"
    now = int(time.time())
    seats = {
        s.seat_id: s for s in SeatItem.scan(consistent_read=True) if s.performance_id == world.performance_id
    }
    holds = {h.hold_id: h for h in HoldItem.scan(consistent_read=True)}
    entries = repository.entries(w.ORG, world.performance_id)

    # every crowd seat came back
    assert {holds[h].status for h in crowd_holds} == {"released"}, context
    returned = {world.seat(b, "B", n) for b in "LR" for n in range(1, PER_ROW + 1)}
    # no seat in two live holds, and every held seat is its live hold's
    live = {h: item for h, item in holds.items() if item.status == HOLD_ACTIVE and item.expires_at > now}
    claims = Counter(ref.sk.removeprefix("SEAT#") for item in live.values() for ref in item.seats)
    assert max(claims.values(), default=1) == 1, f"a seat in two live holds: {claims}, {context}"
    for hold_id, item in live.items():
        for ref in item.seats:
            seat = seats[ref.sk.removeprefix("SEAT#")]
            assert (seat.status, seat.hold_id) == (SEAT_HELD, hold_id), context
    # no seat sold twice
    sold = Counter(
        ref.sk.removeprefix("SEAT#")
        for item in holds.values()
        if item.status == HOLD_CONVERTED
        for ref in item.seats
    )
    assert max(sold.values(), default=1) == 1, f"a seat sold twice: {sold}, {context}"
    assert {s for s, seat in seats.items() if seat.status == SEAT_SOLD} == set(sold), context
    # offers: each entry once, each offer's seats held by its own live hold, no seat in two offers
    offered = [e for e in entries if e.offer is not None]
    for entry in entries:
        assert sum(1 for h in entry.history if h["action"] == m.OFFER) <= 1, f"{entry.entry_id} offered twice"
    for entry in offered:
        assert entry.status == m.OFFERED and entry.offer.hold_id in live, context
        held = sorted(ref.sk.removeprefix("SEAT#") for ref in live[entry.offer.hold_id].seats)
        assert held == sorted(s.seat_id for s in entry.offer.seats), context
        assert entry.request.min_quantity <= len(held) <= entry.request.quantity, context
    offered_seats = Counter(s.seat_id for e in offered for s in e.offer.seats)
    assert max(offered_seats.values(), default=1) == 1, f"a seat offered twice: {offered_seats}, {context}"
    emails = Counter(
        i.reference for i in OutboxItem.scan(consistent_read=True) if i.kind == "waiting_list_offer"
    )
    assert emails == Counter(e.entry_id for e in offered), f"one offer email per offer: {emails}, {context}"
    # sold + held by buyers + offered never exceeds what came back, none counted twice
    bought = set(sold) | {
        s for h, item in live.items() for s in (r.sk.removeprefix("SEAT#") for r in item.seats)
    }
    assert bought <= returned, context
    assert len(sold) + sum(claims.values()) <= len(returned), context
    # the race happened
    offers_made = sum(c.get("offered", 0) for _, c in calls)
    buys = sum(1 for _, c in calls if c["role"] == "buy" and c["outcome"] == "held")
    assert offers_made == len(offered) and offers_made > 0 and buys > 0, context
    timings = [(worker, c["started"], c["finished"]) for worker, c in calls if c["role"] in ("buy", "offer")]
    assert most_workers_in_flight(timings) >= 2, "no contention, the test proved nothing"
