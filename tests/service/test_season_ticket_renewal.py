"""The renewal of last season's subscribers into next season's product: same seats first, then the best
seat in their category, else not renewed with the reason; one reservation each, paid or cancelled online;
a repeat changes nothing and a later run finishes what was left."""

from __future__ import annotations

from dataclasses import dataclass
from unittest import mock

import pytest

from chalicelib import clock
from chalicelib.auth import service as auth
from chalicelib.catalog import kinds as k
from chalicelib.catalog import season_ticket_kinds as st
from chalicelib.catalog import service as catalog
from chalicelib.errors import InvalidInput
from chalicelib.inventory import service as inventory
from chalicelib.mail import service as mail
from chalicelib.outbox import service as outbox
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.sales import carts, orders
from chalicelib.sales.carts import Buyer
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.season_tickets import renewal, renewal_plan, subscriptions
from chalicelib.season_tickets import service as season_tickets
from chalicelib.season_tickets.holding import Chosen, SeasonTicketRequest
from chalicelib.shop import service as shop
from tests.season_ticket_world import SeasonWorld, _performance, build_season
from tests.shop_world import PRICES

ORG = "demo"
WEEK = 7 * 24 * 3600


@dataclass
class Renewal:
    s: SeasonWorld
    new_id: str
    new: list[str]  # next season's performances: N1, N2, N4
    buyers: dict[str, Buyer]

    def seat(self, block: str, row: str, n: int) -> str:
        return self.s.seat(block, row, n)


def next_season_product(s: SeasonWorld, new: list[str]) -> str:
    """Lines l1 (the old L1, another case), L2 and L4 (one performance where last season had two); no
    L3; priced for the full price only, 20 % off the grid."""
    event_id = catalog.get(ORG, "performance", s.performances[0]).data["event_id"]
    prices = [
        k.Price(
            seat_category_id=s.world.category(cat),
            audience_subcategory_id=s.world.full,
            amount=full * 8 // 10,
        )
        for cat, (full, _) in PRICES.items()
        if cat != "PIT"
    ]
    lines = [
        st.SeasonTicketLineSpec(id=code, name=code, event_id=event_id, performance_ids=[p], prices=prices)
        for code, p in zip(("l1", "L2", "L4"), new, strict=True)
    ]
    old = catalog.parsed(ORG, "season_ticket", s.season_ticket_id)
    spec = st.SeasonTicketSpec(
        season_id=old.season_id,
        code="ST4N",
        name="Season ticket, next season",
        min_lines=1,
        max_lines=3,
        same_seat=True,
        renews_id=s.season_ticket_id,
        lines=lines,
    )
    return catalog.create(ORG, "season_ticket", spec).id


def subscribe(
    s: SeasonWorld, name: str, chosen: list[tuple[str, int, str]], category: str, audience: str
) -> Buyer:
    """`name` buys and pays a season ticket of the chosen (line, performance index, seat) in `category`."""
    email = f"{name.lower()}@example.com"
    shopper = auth.register_shopper(ORG, email, name, f"{name}-password-1")[2]
    buyer = Buyer(ORG, shopper.shopper_id, shopper.shopper_id, email, name)
    cart_id = carts.open_cart(ORG, "ALL1", buyer).cart_id
    picked = [Chosen(line, s.performances[n], seat_ids=(seat,)) for line, n, seat in chosen]
    request = SeasonTicketRequest(s.season_ticket_id, audience, category, 1, picked)
    season_tickets.hold(ORG, cart_id, buyer, request)
    order = orders.checkout(ORG, cart_id, buyer, CheckoutRequest(email=email, name=name))
    assert pay(order) == "paid"
    return buyer


def pay(order) -> str:
    card = next(p for p in order.payments if p.method == "card")
    done = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    return orders.payment_callback(done["payload"], done["signature"]).status


def held_by_other(performance_id: str, seat_ids: list[str]) -> None:
    state = catalog.get(ORG, "performance", performance_id).state
    refs = inventory.seat_refs(performance_id, inventory.stock_shards(state), seat_ids)
    inventory.place_hold(ORG, performance_id, "other", refs, 3 * WEEK)
    shop.clear_cache()
    inventory.forget_views()


@pytest.fixture
def world(organisation) -> Renewal:
    s = build_season()
    new = [_performance(s.world, n) for n in (6, 7, 9)]
    new_id = next_season_product(s, new)
    full, young, seat = s.world.full, s.world.young, s.seat
    buyers = {
        # keeps her seat everywhere
        "Alice": subscribe(
            s, "Alice", [("L1", 0, seat("L", "B", 1)), ("L4", 3, seat("L", "B", 5))], s.cat2, full
        ),
        # last season on the other L4 performance in Alice's seat; his L2 seat is taken next season
        "Bob": subscribe(
            s,
            "Bob",
            [("L1", 0, seat("L", "B", 2)), ("L2", 1, seat("L", "C", 9)), ("L4", 4, seat("L", "B", 5))],
            s.cat2,
            full,
        ),
        "Carol": subscribe(s, "Carol", [("L3", 2, seat("L", "B", 1))], s.cat2, full),  # no L3 next season
        "Dan": subscribe(s, "Dan", [("L1", 0, seat("L", "B", 3))], s.cat2, young),  # no young price
        "Eve": subscribe(s, "Eve", [("L1", 0, seat("L", "A", 3))], s.cat1, full),  # Cat 1 full next season
    }
    outbox.drain()
    held_by_other(new[1], [seat("L", "C", 9)])
    held_by_other(new[0], [seat(b, "A", n) for b in "LR" for n in range(1, 11)])
    return Renewal(s, new_id, new, buyers)


def run(w: Renewal) -> dict:
    closes_at = clock.seconds() + WEEK
    return renewal.renew(ORG, w.new_id, closes_at, "ALL1", "admin")


def by_buyer(report: dict, key: str) -> dict[str, dict]:
    return {entry["buyer_name"]: entry for entry in report[key]}


def kept(entry: dict) -> dict[str, tuple[list[str], str]]:
    return {p["performance_id"]: (p["seat_ids"], p["kept"]) for p in entry["performances"]}


def test_same_seats_first_then_the_best_in_category_else_the_reason_one_reservation_each(world):
    report = run(world)
    w, seat = world, world.seat
    assert report["counts"] == {"subscriptions": 5, "renewed": 2, "not_renewed": 3, "pending": 0}
    refused = {name: entry["reason"] for name, entry in by_buyer(report, "not_renewed").items()}
    assert refused == {"Carol": "line_not_in_new_product", "Dan": "no_price", "Eve": "no_seat_in_category"}
    renewed = by_buyer(report, "renewed")
    assert kept(renewed["Alice"]) == {
        w.new[0]: ([seat("L", "B", 1)], "same_seat"),
        w.new[2]: ([seat("L", "B", 5)], "same_seat"),
    }
    bob = kept(renewed["Bob"])
    assert bob[w.new[0]] == ([seat("L", "B", 2)], "same_seat")
    # his L2 seat is someone else's, his L4 seat Alice's (her same-seat renewal went first)
    assert bob[w.new[1]][1] == bob[w.new[2]][1] == "best_in_category"
    assert bob[w.new[1]][0] != [seat("L", "C", 9)] and bob[w.new[2]][0] != [seat("L", "B", 5)]
    cat2 = {seat(b, r, n) for b in "LR" for r in "BC" for n in range(1, 11)}
    assert set(bob[w.new[1]][0] + bob[w.new[2]][0]) <= cat2  # in his category
    # one reservation each, priced by the new product, its lines a season ticket's, held until it closes
    alice = by_buyer(report, "renewed")["Alice"]
    order = orders.get_order(ORG, alice["order_id"], world.buyers["Alice"])
    assert order.status == "reservation"
    assert order.pos_id == catalog.get_by_code(ORG, "point_of_sale", "ALL1").id
    assert sorted(line.performance_id for line in order.lines) == sorted([world.new[0], world.new[2]])
    assert [line.unit_price for line in order.lines] == [2400, 2400]  # Cat 2 full price, 20 % off
    assert order.total == 4800
    assert {line.package["season_ticket_id"] for line in order.lines} == {world.new_id}
    assert len({line.package["package_id"] for line in order.lines}) == 1
    for hold in inventory.get_holds(order.hold_ids):
        assert hold.expires_at == order.deadline and hold.order_id == order.order_id
    # each renewed subscriber is told, in the reservation's own transaction, once
    told, _ = mail.list_outbox(ORG, kind="season_ticket_renewal")
    assert sorted(e.reference for e in told) == sorted(e["order_id"] for e in renewed.values())
    alices = next(e for e in told if e.reference == alice["order_id"])
    assert "until" in alices.text and alice["order_id"] in alices.subject


def test_running_it_again_changes_nothing(world):
    first = run(world)
    seats_held = {p: sum(1 for s in inventory.map_seats(p, 1) if s.status == "held") for p in world.new}
    again = run(world)
    assert again["renewed"] == first["renewed"]  # the same orders and seats, not written again
    assert again["counts"] == first["counts"]
    assert len(mail.list_outbox(ORG, kind="season_ticket_renewal")[0]) == first["counts"]["renewed"]
    # the others are tried again (a seat may have been freed since) and fail for the same reasons
    reasons = [(e["subscription_id"], e["reason"], e["details"]) for e in again["not_renewed"]]
    assert reasons == [(e["subscription_id"], e["reason"], e["details"]) for e in first["not_renewed"]]
    assert {
        p: sum(1 for s in inventory.map_seats(p, 1) if s.status == "held") for p in world.new
    } == seats_held


def test_a_failure_holds_nothing_for_that_subscriber_and_a_later_run_finishes(world):
    real = inventory.place_hold
    calls = {"n": 0}

    def place(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the first subscriber's second performance
            raise RuntimeError("the store failed here")
        return real(*args, **kwargs)

    with mock.patch.object(inventory, "place_hold", side_effect=place), pytest.raises(RuntimeError):
        run(world)
    stopped = renewal.report(ORG, world.new_id)
    assert stopped["counts"]["renewed"] == 0
    # Alice (the only one to keep every seat, so the first held) failed at her second performance
    assert by_buyer(stopped, "not_renewed")["Alice"]["reason"] == "failed"
    inventory.forget_views()
    first_seat = next(s for s in inventory.map_seats(world.new[0], 1) if s.seat_id == world.seat("L", "B", 1))
    assert first_seat.status == "free"  # her first performance's hold was released
    finished = run(world)
    assert finished["counts"] == {"subscriptions": 5, "renewed": 2, "not_renewed": 3, "pending": 0}
    assert kept(by_buyer(finished, "renewed")["Alice"])[world.new[0]] == (
        [world.seat("L", "B", 1)],
        "same_seat",
    )


def test_a_run_stopped_after_making_an_order_is_finished_later_without_a_second_order(world):
    real = renewal.store.settle

    def settle(item, status, **kwargs):
        if status == renewal.store.RENEWED:
            raise RuntimeError("the Lambda stopped here")
        return real(item, status, **kwargs)

    with mock.patch.object(renewal.store, "settle", side_effect=settle), pytest.raises(RuntimeError):
        run(world)
    assert run(world)["counts"]["pending"] == 1  # Alice's run may still be going: left alone
    with clock.moved(16 * 60):  # it is not: the next run takes her over
        finished = run(world)
    assert finished["counts"] == {"subscriptions": 5, "renewed": 2, "not_renewed": 3, "pending": 0}
    mine, _ = orders.my_orders(ORG, world.buyers["Alice"], 10, None)
    renewals = [o for o in mine if o.status == "reservation"]
    assert [o.order_id for o in renewals] == [by_buyer(finished, "renewed")["Alice"]["order_id"]]
    assert kept(by_buyer(finished, "renewed")["Alice"])[world.new[0]] == (
        [world.seat("L", "B", 1)],
        "same_seat",
    )


def test_paying_a_renewal_makes_next_seasons_subscription_and_cancelling_one_frees_its_seats(world):
    report = run(world)
    renewed = by_buyer(report, "renewed")
    order_id = renewed["Alice"]["order_id"]
    started = orders.pay_online(ORG, order_id, world.buyers["Alice"])
    assert pay(started) == "paid"
    outbox.drain()
    found, _ = subscriptions.subscriptions(ORG, world.new_id)
    assert [(s["order_id"], s["status"], s["buyer_name"], s["total"]) for s in found] == [
        (order_id, "active", "Alice", 4800)
    ]
    assert {(p["performance_id"], p["seat_id"]) for p in found[0]["performances"]} == {
        (world.new[0], world.seat("L", "B", 1)),
        (world.new[2], world.seat("L", "B", 5)),
    }

    bob = renewed["Bob"]
    seats = {(p["performance_id"], s) for p in bob["performances"] for s in p["seat_ids"]}
    before = {(p, s.seat_id): s.status for p in world.new for s in inventory.map_seats(p, 1)}
    assert {before[seat] for seat in seats} == {"held"}
    cancelled = orders.cancel_by_buyer(ORG, bob["order_id"], world.buyers["Bob"])
    assert cancelled.status == "cancelled"
    inventory.forget_views()
    after = {(p, s.seat_id): s.status for p in world.new for s in inventory.map_seats(p, 1)}
    assert {after[seat] for seat in seats} == {"free"}


def test_a_product_that_renews_nothing_a_past_window_and_an_unknown_pos_are_refused(organisation):
    s = build_season()
    new_id = next_season_product(s, [_performance(s.world, n) for n in (6, 7, 9)])
    with pytest.raises(InvalidInput) as past:
        renewal.renew(ORG, new_id, clock.seconds() - 60, "ALL1", "admin")
    assert past.value.details["field"] == "closes_at"
    with pytest.raises(InvalidInput) as nothing:
        renewal.renew(ORG, s.season_ticket_id, clock.seconds() + WEEK, "ALL1", "admin")
    assert nothing.value.details["field"] == "renews_id"
    with pytest.raises(InvalidInput) as unknown:
        renewal.renew(ORG, new_id, clock.seconds() + WEEK, "NOPE", "admin")
    assert unknown.value.details["field"] == "pos_code"
    assert renewal.report(ORG, new_id)["counts"] == {
        "subscriptions": 0,
        "renewed": 0,
        "not_renewed": 0,
        "pending": 0,
    }


def product(lines: dict[str, list[str]], prices: dict[str, int], renews_id: str | None = None):
    cells = [k.Price(seat_category_id=c, audience_subcategory_id="FULL", amount=a) for c, a in prices.items()]
    return st.SeasonTicketSpec(
        season_id="S",
        code="ST",
        name="ST",
        min_lines=1,
        max_lines=len(lines),
        renews_id=renews_id,
        lines=[
            st.SeasonTicketLineSpec(id=code, name=code, event_id="E", performance_ids=ids, prices=cells)
            for code, ids in lines.items()
        ],
    )


def test_a_performance_maps_to_the_same_line_at_the_same_position_else_its_first():
    old = product({"L1": ["P1"], "L4": ["P4", "P5", "P6"]}, {"CAT2": 2700})
    new = product({"l1": ["N1", "N1B"], "L4": ["N4", "N5"]}, {"CAT2": 2400}, renews_id="old")
    subscription = {
        "subscription_id": "x",
        "audience_subcategory_id": "FULL",
        "seat_category_id": "CAT2",
        "performances": [
            {"line_id": "L1", "performance_id": "P1", "seat_category_id": "CAT2", "seat_id": "S1"},
            {"line_id": "L4", "performance_id": "P5", "seat_category_id": "CAT2", "seat_id": "S2"},
        ],
    }
    wanted = renewal_plan.mapped(subscription, old, new)
    assert [(w.line_id, w.performance_id, w.unit_price, w.from_seat_ids) for w in wanted] == [
        ("l1", "N1", 2400, ("S1",)),  # the line id's case does not matter
        ("L4", "N5", 2400, ("S2",)),  # the second performance of its line: the new line's second
    ]
    subscription["performances"][1]["performance_id"] = "P6"  # third: the new line has two
    assert renewal_plan.mapped(subscription, old, new)[1].performance_id == "N4"
    subscription["audience_subcategory_id"] = "YOUNG"
    with pytest.raises(renewal_plan.NotRenewable) as refused:
        renewal_plan.mapped(subscription, old, new)
    assert refused.value.reason == "no_price"


def test_a_subscriber_whose_seat_is_taken_gets_their_contacts_preferred_seat(world):
    from chalicelib.customers import service as customers

    bob = world.buyers["Bob"]
    contact = catalog.create(
        ORG,
        "contact",
        k.ContactSpec(
            code="C-BOB",
            name="Bob",
            email="bob@example.com",
            preferred_seat_ids=[world.seat("L", "C", 9), world.seat("R", "C", 4)],  # his own is taken
        ),
    )
    customers.link_shopper(ORG, bob.shopper_id, contact.id)
    renewed = by_buyer(run(world), "renewed")["Bob"]
    assert kept(renewed)[world.new[1]] == ([world.seat("R", "C", 4)], "preferred_seat")
    assert kept(renewed)[world.new[0]][1] == "same_seat"
