"""The shop under concurrent buyers on DynamoDB Local: nothing is oversold, and a replayed checkout or
payment callback takes effect once."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib import config
from chalicelib.auth import service as auth
from chalicelib.db.holds import HOLD_ACTIVE, HOLD_CONVERTED, HoldItem
from chalicelib.db.outbox import OutboxItem
from chalicelib.db.sales import LimitItem, OrderItem, TicketItem, limit_key
from chalicelib.db.stock import SEAT_FREE, SEAT_HELD, SEAT_SOLD, AreaCounterItem, SeatItem
from chalicelib.db.tables import create_tables
from chalicelib.sales import carts
from chalicelib.sales import repository as sales_store
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.documents import Order
from chalicelib.workflows import hold_cleanup
from tests.integration.conftest import Store, reset_connections, use_environment
from tests.integration.processes import WORKERS, most_workers_in_flight, run_workers
from tests.integration.shop_workers import ORG, POS
from tests.shop_world import World, build_world

SECRET = "integration-secret-that-is-long-enough-for-hs256"
# Nothing may reach AWS from this tier: SES is a closed port. The confirmation email is queued in the
# outbox with the payment (no worker runs here), which is what these tests count.
NO_AWS = "http://127.0.0.1:9"
PER_ORDER = 4
BUYER_CAP = 4
ROWS, PER_ROW, PIT = 2, 6, 10
MIXED_ROUNDS = 2
PLANS = ("pay", "pay", "leave", "empty", "lapse")
REPLAYS = 20
THREADS = [REPLAYS // WORKERS + (1 if n < REPLAYS % WORKERS else 0) for n in range(WORKERS)]


@pytest.fixture
def shop_env(store, monkeypatch) -> dict[str, str]:
    env = {**store.env, "GUICHET_TOKEN_SECRET": SECRET, "GUICHET_AWS_ENDPOINT": NO_AWS}
    use_environment(monkeypatch, env)
    auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")
    return env


# No oversell.


def test_racing_buyers_never_oversell_seats_or_standing_places_nor_pass_their_cap(shop_env):
    """Eight buyers for 12 web seats and 10 standing places (each may take 4: 32 wanted). A hold lapses
    on places that a rush of every buyer then wants; the rush's places stay taken (paid, or held for
    the payment) so an oversell then would show at the end. Next every buyer asks for more than their
    cap allows; then two rounds of chosen seats (overlapping on one row), best available seats and
    standing places, in which some buyers pay, some leave their order unpaid, some empty their cart
    and some let their hold lapse. The hold clean-up runs meanwhile."""
    world = build_world(
        rows=ROWS,
        per_row=PER_ROW,
        pit=PIT,
        web={"max_tickets_per_performance": PER_ORDER, "max_tickets_per_buyer": BUYER_CAP},
    )
    seed = random.randrange(1_000_000)  # chooses what each buyer asks for in the mixed rounds
    payload = shopping_payload(world, seed)

    reports = run_workers("tests.integration.shop_workers:shop_in_rounds", shop_env, payload)

    entries = [entry for report in reports for entry in report]
    attempts = [hold for entry in entries for hold in entry["holds"]]
    outcomes = Counter(hold["outcome"] for hold in attempts)
    context = f"seed={seed}, {dict(outcomes)}"
    state = read_state(world)
    check_accounts(world, state, context)
    check_reports(state, entries, context)

    for hold_id in hold_cleanup.find({"limit": 500})["hold_ids"]:  # the clean-up's next run
        hold_cleanup.release({"hold_id": hold_id})
    state = read_state(world)
    check_accounts(world, state, context)
    assert not [h for h in state.holds.values() if h.status == HOLD_ACTIVE and h.expires_at <= state.now]

    check_scenario(state, reports, outcomes, context)


def shopping_payload(world: World, seed: int) -> dict[str, Any]:
    """Each worker's rounds, (what it asks for, what it does next), and the places it may ask for."""
    rounds = [
        [("rush", "pay" if worker % 2 else "leave"), ("more", "pay")]
        + [("mixed", PLANS[(worker + n) % len(PLANS)]) for n in range(MIXED_ROUNDS)]
        for worker in range(WORKERS)
    ]
    return {
        "seed": seed,
        "rounds": rounds,
        "performance_id": world.performance_id,
        "category": world.category("CAT2"),
        "hot_seats": [world.seat("L", "B", n) for n in range(1, PER_ROW + 1)],
        "box_seats": [world.seat("R", "A", n) for n in range(1, PER_ROW + 1)],
        "per_order": PER_ORDER,
        "hold_seconds": carts.rules_for(ORG, _pos_id()).hold_timeout_minutes * 60,
        "sweep_chance": 0.3,
    }


def check_scenario(state: State, reports: list[list[dict]], outcomes: Counter, context: str) -> None:
    """The race happened as meant: contention, the cap reached, a lapsed hold's seats retaken at once
    (clean-up or not: expiry is in the condition), payments, and buyers in flight together."""
    entries = [entry for report in reports for entry in report]
    assert outcomes["held"] and outcomes["seat_unavailable"], f"no contention, nothing proved: {context}"
    assert outcomes["buyer_limit_reached"], f"no buyer reached the cap: {context}"
    (before_rush,) = [e for e in entries if e["round"] == -1]
    assert [h["outcome"] for h in before_rush["holds"]] == ["held", "held"], before_rush
    rush = {h["hold_id"] for e in entries if e["round"] == 0 for h in e["holds"] if h["outcome"] == "held"}
    for seat_id in (seat for hold in before_rush["holds"] for seat in hold.get("seats", [])):
        seat = state.seats[seat_id]
        taken = f"{seat_id} of a lapsed hold is {seat.status} for {seat.hold_id}, not for the rush"
        assert seat.hold_id in rush, f"{taken}: {context}"
    assert any(e.get("status") == "paid" for e in entries), f"nobody paid: {context}"
    timings = [(n, *entry["times"]) for n, report in enumerate(reports) for entry in report]
    assert most_workers_in_flight(timings) >= 2, f"the buyers never overlapped: {context}"


@dataclass
class State:
    """Everything the tables hold, read consistently once the workers are done."""

    now: int
    seats: dict[str, SeatItem]
    counters: list[AreaCounterItem]
    holds: dict[str, HoldItem]
    orders: dict[str, Order]
    tickets: list[TicketItem]
    limits: dict[str, int]


def read_state(world: World) -> State:
    performance_id = world.performance_id
    seats = SeatItem.scan(SeatItem.sk.startswith("SEAT#"), consistent_read=True)
    counters = AreaCounterItem.scan(AreaCounterItem.sk.startswith("AREA#"), consistent_read=True)
    orders = OrderItem.scan(OrderItem.sk == "ORDER", consistent_read=True)
    return State(
        now=int(time.time()),
        seats={s.seat_id: s for s in seats if s.performance_id == performance_id},
        counters=[c for c in counters if c.performance_id == performance_id],
        holds={h.hold_id: h for h in HoldItem.scan(consistent_read=True)},
        orders={o.order_id: sales_store.order_from_item(o) for o in orders},
        tickets=list(TicketItem.scan(TicketItem.sk == "TICKET", consistent_read=True)),
        limits={i.pk: int(i.taken) for i in LimitItem.scan(LimitItem.sk == "LIMIT", consistent_read=True)},
    )


def seat_ids(hold: HoldItem) -> list[str]:
    return [seat.sk.removeprefix("SEAT#") for seat in hold.seats]


def places(hold: HoldItem) -> int:
    return len(hold.seats) + sum(int(area.quantity) for area in hold.areas or [])


def check_accounts(world: World, state: State, context: str) -> None:
    """Every seat, standing place, ticket and buyer allowance accounted for, none twice."""
    assert {order.status for order in state.orders.values()} <= {"paid", "pending_payment"}, context
    paid = {o: order for o, order in state.orders.items() if order.status == "paid"}
    held = check_seats(world, state, context)
    check_sold_seats(state, paid, held, context)
    check_standing(state, paid, context)
    check_tickets(state, paid, context)
    check_caps(world, state, context)


def check_seats(world: World, state: State, context: str) -> set[str]:
    """Each seat is sold, held by one live hold, or free (or held by a lapsed hold: takeable).

    Returns the seats held by live holds."""
    now = state.now
    live = {
        h: item for h, item in state.holds.items() if item.status == HOLD_ACTIVE and item.expires_at > now
    }
    assert len(state.seats) == 2 * ROWS * PER_ROW
    statuses = Counter(seat.status for seat in state.seats.values())
    assert set(statuses) <= {SEAT_FREE, SEAT_HELD, SEAT_SOLD}, f"{statuses}: {context}"
    sold = {s for s, seat in state.seats.items() if seat.status == SEAT_SOLD}
    held = {s for s, seat in state.seats.items() if seat.status == SEAT_HELD and seat.hold_expires_at > now}
    free = set(state.seats) - sold - held
    assert len(sold) + len(held) + len(free) == len(state.seats)
    live_claims = Counter(seat for hold in live.values() for seat in seat_ids(hold))
    assert max(live_claims.values(), default=1) == 1, f"a seat in two live holds: {live_claims}, {context}"
    assert set(live_claims) == held, f"held seats differ from the live holds' seats: {context}"
    for hold_id, hold in live.items():
        for seat_id in seat_ids(hold):
            seat = state.seats[seat_id]
            assert (seat.hold_id, seat.hold_expires_at) == (hold_id, hold.expires_at), f"{seat_id}: {context}"
    box = {world.seat(block, "A", n) for block in "LR" for n in range(1, PER_ROW + 1)}
    assert {state.seats[s].status for s in box} == {SEAT_FREE}, f"a box-office seat went: {context}"
    return held


def check_sold_seats(state: State, paid: dict[str, Order], held: set[str], context: str) -> None:
    """A sold seat is in exactly one paid order, which lists it, through the hold that sold it; an
    unpaid order's seats are still held for it."""
    sold = {s for s, seat in state.seats.items() if seat.status == SEAT_SOLD}
    ordered = Counter(line.seat_id for o in state.orders.values() for line in o.lines if line.seat_id)
    assert max(ordered.values(), default=1) == 1, f"a seat in two orders: {ordered}, {context}"
    paid_seats = {line.seat_id: o for o, order in paid.items() for line in order.lines if line.seat_id}
    assert set(paid_seats) == sold, f"sold seats differ from the paid orders' seats: {context}"
    for seat_id in sold:
        seat = state.seats[seat_id]
        hold = state.holds[seat.hold_id]
        assert seat.order_id == paid_seats[seat_id] == hold.order_id, f"{seat_id}: {context}"
        assert hold.status == HOLD_CONVERTED and seat_id in seat_ids(hold), f"{seat_id}: {context}"
    for order_id, order in state.orders.items():
        if order.status == "pending_payment":
            for hold in (state.holds[hold_id] for hold_id in order.hold_ids):
                assert (hold.status, hold.order_id) == (HOLD_ACTIVE, order_id), f"{order_id}: {context}"
                assert set(seat_ids(hold)) <= held, f"{order_id}: {context}"


def check_standing(state: State, paid: dict[str, Order], context: str) -> None:
    """A counter's free places, plus those its unreleased holds took (a lapsed hold keeps them until
    the clean-up gives them back), plus those sold, make its capacity; and free is never below 0."""
    assert sum(int(c.capacity) for c in state.counters) == PIT
    taken: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {HOLD_ACTIVE: 0, HOLD_CONVERTED: 0})
    for hold in state.holds.values():
        for area in hold.areas or []:
            if hold.status in (HOLD_ACTIVE, HOLD_CONVERTED):
                taken[(area.pk, area.sk)][hold.status] += int(area.quantity)
    for counter in state.counters:
        claims = taken[(counter.pk, counter.sk)]
        assert 0 <= counter.free <= counter.capacity, f"{counter.sk}: {counter.free} free: {context}"
        total = counter.free + claims[HOLD_ACTIVE] + claims[HOLD_CONVERTED]
        assert total == counter.capacity, f"{counter.sk}: {counter.free} free, {claims}: {context}"
    sold_places = sum(q[HOLD_CONVERTED] for q in taken.values())
    assert sold_places == sum(1 for o in paid.values() for line in o.lines if line.area), context


def check_tickets(state: State, paid: dict[str, Order], context: str) -> None:
    """One ticket per line of each paid order, none for an unpaid one."""
    tickets = Counter(t.order_id for t in state.tickets)
    assert set(tickets) == set(paid), context
    for order_id, order in paid.items():
        issued = {t.ticket_id for t in state.tickets if t.order_id == order_id}
        assert tickets[order_id] == len(order.lines) and issued == {line.ticket_id for line in order.lines}


def check_caps(world: World, state: State, context: str) -> None:
    """A buyer's limit counter is what their unreleased and sold holds took, never over the cap."""
    by_buyer: Counter[str] = Counter()
    for hold in state.holds.values():
        if hold.status in (HOLD_ACTIVE, HOLD_CONVERTED):
            by_buyer[hold.owner] += places(hold)
    for buyer in {hold.owner for hold in state.holds.values()}:
        counted = state.limits.get(limit_key(world.performance_id, buyer)[0], 0)
        summary = f"{buyer}: {counted} counted, {by_buyer[buyer]} held or bought, cap {BUYER_CAP}"
        assert counted == by_buyer[buyer] <= BUYER_CAP, f"{summary}: {context}"
    bought = Counter(order.owner for order in state.orders.values() for _ in order.lines)
    assert max(bought.values(), default=0) <= BUYER_CAP, f"{bought}: {context}"


def check_reports(state: State, entries: list[dict[str, Any]], context: str) -> None:
    """What the buyers were told is what the tables say; only a lapsed hold stopped a checkout."""
    for entry in entries:
        if entry["plan"] == "lapse" and any(h["outcome"] == "held" for h in entry["holds"]):
            assert entry.get("error", "").startswith("hold_expired:"), f"lapsed, yet {entry}: {context}"
        else:
            assert "error" not in entry, f"{entry}: {context}"
        for hold in entry["holds"]:
            if hold["kind"] == "box":
                assert hold["outcome"] != "held", f"a box-office seat sold on the web: {context}"
            if hold["outcome"] == "held":
                assert hold["hold_id"] in state.holds, context
                assert places(state.holds[hold["hold_id"]]) == hold["places"]
        if "order_id" in entry:
            order = state.orders[entry["order_id"]]
            assert (order.owner, order.status) == (entry["buyer"], entry["status"]), context
            if entry["plan"] == "pay":
                assert entry["status"] == "paid", f"{entry}: {context}"


def _pos_id() -> str:
    from chalicelib.catalog import service as catalog

    return catalog.all_items(ORG, "point_of_sale", code=POS)[0].id


# Exactly once.


@dataclass
class Replayed:
    """Two carts of one guest, checked out and paid by 20 concurrent replays each; what was answered."""

    # by cart name ("keyed", "unkeyed"): its id; its answers (status, body, started, finished) to
    # "checkouts" and "callbacks"; the callback signatures the processes delivered; when each ran
    carts: dict[str, str]
    answers: dict[str, dict[str, list]]
    signatures: dict[str, set[str]]
    timings: dict[str, list[tuple[int, float, float]]]

    def order(self, name: str) -> Order:
        found = [
            sales_store.order_from_item(item)
            for item in OrderItem.scan(OrderItem.sk == "ORDER", consistent_read=True)
            if item.cart_id == self.carts[name]
        ]
        assert len(found) == 1, f"{len(found)} orders for one cart"
        return found[0]


@pytest.fixture(scope="module")
def replayed(dynamodb_local) -> Iterator[Replayed]:
    """One run of the replay workers on tables of its own, read by each exactly-once test below.

    Module-scoped (the `store` fixture's set-up, once): eight processes start once for four races.
    """
    prefix = f"{dynamodb_local.table_prefix}{next(dynamodb_local.counter)}-"
    tables = Store(dynamodb_local.local.endpoint, prefix, dynamodb_local.client)
    env = {**tables.env, "GUICHET_TOKEN_SECRET": SECRET, "GUICHET_AWS_ENDPOINT": NO_AWS}
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            use_environment(monkeypatch, env)
            names = create_tables(tables.client)
            try:
                yield replay(env)
            finally:
                for name in names:
                    tables.client.delete_table(TableName=name)
    finally:
        config.reset()
        reset_connections()


def replay(env: dict[str, str]) -> Replayed:
    auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")
    world = build_world(rows=ROWS, per_row=PER_ROW, pit=PIT)
    token, _, guest = auth.start_guest_session(ORG)
    buyer = Buyer(ORG, guest.buyer_id)
    cart_ids = {name: filled_cart(world, buyer, block) for name, block in (("keyed", "L"), ("unkeyed", "R"))}
    payload = {
        "threads": THREADS,
        "carts": cart_ids,
        "token": token,
        "checkout": {"email": "ann@example.org", "name": "Ann Guest"},
        "key": "checkout-key-1",
    }
    reports = run_workers("tests.integration.shop_workers:replay_checkouts_and_callbacks", env, payload)
    answers: dict[str, dict[str, list]] = {name: {"checkouts": [], "callbacks": []} for name in cart_ids}
    signatures: dict[str, set[str]] = {name: set() for name in cart_ids}
    timings: dict[str, list] = {name: [] for name in cart_ids}
    for worker, report in enumerate(reports):
        for name, part in report.items():
            for kind in ("checkouts", "callbacks"):
                answers[name][kind] += part[kind]
                timings[name] += [(worker, started, finished) for *_, started, finished in part[kind]]
            signatures[name].add(part["callback"]["signature"])
    return Replayed(cart_ids, answers, signatures, timings)


def filled_cart(world: World, buyer: Buyer, block: str) -> str:
    """A cart with two chosen seats of `block` and two standing places."""
    cart = carts.open_cart(ORG, POS, buyer)
    seats = (world.seat(block, "B", 3), world.seat(block, "B", 4))
    carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
    carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, area="PIT", quantity=2))
    return cart.cart_id


def in_progress(status: int, body: Any) -> bool:
    return status == 409 and body.get("code") == "request_in_progress"


def check_one_card_payment(replayed: Replayed, name: str) -> Order:
    order = replayed.order(name)
    assert len(replayed.answers[name]["checkouts"]) == REPLAYS
    assert [p.method for p in order.payments] == ["card"], order.payments
    assert [h["status"] for h in order.history].count("created") == 1, order.history
    assert most_workers_in_flight(replayed.timings[name]) >= 2, "the replays never overlapped"
    return order


def check_paid_once(replayed: Replayed, name: str) -> Order:
    """Paid by its one card payment, once; its seats and places sold to it; one ticket per line."""
    order = replayed.order(name)
    assert len(replayed.answers[name]["callbacks"]) == REPLAYS
    assert len(replayed.signatures[name]) == 1, "the processes delivered different callbacks"
    assert (order.status, [p.status for p in order.payments]) == ("paid", ["succeeded"]), order.payments
    assert [h["status"] for h in order.history].count("paid") == 1, order.history
    holds = [HoldItem.get(f"HOLD#{hold_id}", consistent_read=True) for hold_id in order.hold_ids]
    assert {(h.status, h.order_id) for h in holds} == {(HOLD_CONVERTED, order.order_id)}
    ordered = sorted(line.seat_id for line in order.lines if line.seat_id)
    sold = [
        s
        for s in SeatItem.scan(SeatItem.sk.startswith("SEAT#"), consistent_read=True)
        if s.order_id == order.order_id
    ]
    assert (sorted(s.seat_id for s in sold), {s.status for s in sold}) == (ordered, {SEAT_SOLD})
    tickets = [
        t.ticket_id
        for t in TicketItem.scan(TicketItem.sk == "TICKET", consistent_read=True)
        if t.order_id == order.order_id
    ]
    assert len(order.lines) == 4 and sorted(tickets) == sorted(line.ticket_id for line in order.lines)
    return order


def confirmations(order: Order) -> list[str]:
    """The order's confirmation emails in the outbox (queued with the payment; SES is unreachable here)."""
    emails = OutboxItem.scan(OutboxItem.pk.startswith(f"OUTBOX#{ORG}#"), consistent_read=True)
    return [
        email.kind
        for email in emails
        if email.reference == order.order_id and email.kind == "order_confirmation"
    ]


def test_replays_of_a_checkout_with_one_idempotency_key_make_one_order_and_one_card_payment(replayed):
    """20 replays across 8 processes through the app: each answer is the one order, or 'still in
    progress' for a replay that came while the first ran."""
    order = check_one_card_payment(replayed, "keyed")
    answers = replayed.answers["keyed"]["checkouts"]
    for status, body, *_ in answers:
        assert (status == 201 and body["order_id"] == order.order_id) or in_progress(status, body), body
    # the first run's answer, replayed: not each replay's own reading of the order meanwhile
    made = [body for status, body, *_ in answers if status == 201]
    assert made and all(body == made[0] for body in made), f"{len(made)} answers, not all the first's"
    assert made[0]["payment_url"], made[0]


def test_replays_of_the_signed_payment_callback_pay_once_issue_tickets_once_and_send_one_email(replayed):
    """20 deliveries of the provider's callback through the app's route: no idempotency record; the order's
    version applies the outcome once and every replay answers the order as it stands."""
    order = check_paid_once(replayed, "keyed")
    for status, body, *_ in replayed.answers["keyed"]["callbacks"]:
        expected = {"order_id": order.order_id, "status": "paid"}
        assert (status == 200 and body == expected) or in_progress(status, body), body
    emails = confirmations(order)
    assert emails == ["order_confirmation"], f"{len(emails)} confirmations of one order"


def test_concurrent_checkouts_of_one_cart_without_a_key_still_make_one_order(replayed):
    """Without an Idempotency-Key every replay runs: the cart's conditional open -> ordered change
    lets one make the order, and the others answer with it."""
    order = check_one_card_payment(replayed, "unkeyed")
    answers = {(status, body["order_id"]) for status, body, *_ in replayed.answers["unkeyed"]["checkouts"]}
    assert answers == {(201, order.order_id)}


def test_callbacks_past_the_idempotency_layer_still_pay_the_order_once_and_issue_its_tickets_once(replayed):
    """The same callback delivered 20 times straight to the service, as when a provider retries under
    new keys or after the idempotency record expired: the order's version lets one delivery count."""
    check_paid_once(replayed, "unkeyed")
    answers = {(status, body["status"]) for status, body, *_ in replayed.answers["unkeyed"]["callbacks"]}
    assert answers == {(200, "paid")}


def test_callbacks_past_the_idempotency_layer_send_one_confirmation(replayed):
    """Only the delivery whose write marked the order paid sends the confirmation (its version decides)."""
    emails = confirmations(replayed.order("unkeyed"))
    assert emails == ["order_confirmation"], f"{len(emails)} confirmations of one order"
