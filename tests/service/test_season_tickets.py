"""Season tickets in the shop: the offer with the seed's alternatives, the package held all or none
(same seat, another category), one order with a ticket per performance, and the subscription it makes."""

from __future__ import annotations

from unittest import mock

import pytest

from chalicelib.auth import service as auth
from chalicelib.customers import service as customers
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import BuyerLimit
from chalicelib.outbox import service as outbox
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.sales import carts, orders
from chalicelib.sales.carts import Buyer
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.sales.package_holds import SameSeatUnavailable
from chalicelib.season_tickets import offers, subscriptions
from chalicelib.season_tickets import service as season_tickets
from chalicelib.season_tickets.holding import CategoryChangeRefused, Chosen, SeasonTicketRequest
from chalicelib.shop import service as shop
from tests.season_ticket_world import SeasonWorld, build_season

ORG = "demo"
GUEST = Buyer(ORG, "guest-john")
DETAILS = CheckoutRequest(email="john@example.com", name="John")


@pytest.fixture
def season(organisation) -> SeasonWorld:
    return build_season()


def cat2_row_seats(s: SeasonWorld) -> list[str]:
    return [s.seat(block, row, n) for block in "LR" for row in "BC" for n in range(1, 11)]


def fill_cat2(s: SeasonWorld, performance_id: str) -> None:
    """Another buyer holds every Cat 2 seat of the performance."""
    state = shop.on_sale(shop.shop_front(ORG, s.pos), performance_id)[2].state
    refs = inventory.seat_refs(performance_id, inventory.stock_shards(state), cat2_row_seats(s))
    limit = BuyerLimit(f"LIMIT#{performance_id}#other", "LIMIT", 100)
    inventory.place_hold(ORG, performance_id, "other", refs, 3600, limit=limit)
    shop.clear_cache()
    inventory.forget_views()


def request(
    s: SeasonWorld, *chosen: Chosen, quantity: int = 1, category: str | None = None
) -> SeasonTicketRequest:
    return SeasonTicketRequest(s.season_ticket_id, s.world.full, category or s.cat2, quantity, list(chosen))


def first_three(s: SeasonWorld) -> list[Chosen]:
    return [Chosen(f"L{n + 1}", s.performances[n]) for n in range(3)]


def new_cart() -> str:
    return carts.open_cart(ORG, "ALL1", GUEST).cart_id


def live_holds_of(performance_id: str) -> int:
    return sum(1 for seat in inventory.map_seats(performance_id, 1) if seat.status == "held")


def test_alternatives_are_the_two_nearest_above_and_the_nearest_below_with_seats():
    cats = [
        offers.Category(f"C{rank}", f"Cat {rank}", rank, free, 1000 * (8 - rank))
        for rank, free in [(1, 5), (2, 5), (3, 0), (4, 5), (5, 0), (6, 0), (7, 5), (8, 5)]
    ]
    found = offers.alternatives("C6", cats, 2)
    # Cat 5 and Cat 3 are full: the two nearest above with seats are Cat 4 and Cat 2; below, Cat 7
    assert [c.seat_category_id for c in found] == ["C2", "C4", "C7"]
    assert [c.seat_category_id for c in offers.alternatives("C6", cats, 6)] == []


def test_the_offer_says_a_full_category_and_offers_the_categories_with_seats(season):
    fill_cat2(season, season.performances[2])
    offer = season_tickets.offer(ORG, "ALL1", season.season_ticket_id, season.world.full, season.cat2, 1)
    performances = {p["performance_id"]: p for line in offer["lines"] for p in line["performances"]}
    assert performances[season.performances[0]]["status"] == "available"
    assert performances[season.performances[0]]["unit_price"] == 2700  # 30.00 - 10 %
    full = performances[season.performances[2]]
    assert full["status"] == "full"
    assert full["message"] == "CAT2 full, choose an alternative"
    assert [(a["seat_category_id"], a["unit_price"], a["difference"]) for a in full["alternatives"]] == [
        (season.cat1, 4050, 4050 - 2700)
    ]
    assert full["starts_at_local"].endswith(("+01:00", "+02:00"))


def test_a_line_set_to_no_offers_no_alternative(organisation):
    s = build_season(line_overrides={"L3": {"category_change": "no"}})
    fill_cat2(s, s.performances[2])
    offer = season_tickets.offer(ORG, "ALL1", s.season_ticket_id, s.world.full, s.cat2, 1)
    line3 = next(line for line in offer["lines"] if line["line_id"] == "L3")
    assert line3["category_change_allowed"] is False
    assert line3["performances"][0]["alternatives"] == []
    chosen = [Chosen("L1", s.performances[0]), Chosen("L3", s.performances[2], s.cat1)]
    with pytest.raises(CategoryChangeRefused) as refused:
        season_tickets.hold(ORG, new_cart(), GUEST, request(s, *chosen))
    assert refused.value.details["reason"] == "not_allowed"


def test_john_holds_three_performances_on_the_same_seat_priced_from_the_lines(season):
    cart = season_tickets.hold(ORG, new_cart(), GUEST, request(season, *first_three(season), quantity=2))
    assert len(cart.lines) == 6
    by_performance: dict[str, set] = {}
    for priced in cart.lines:
        by_performance.setdefault(priced.line.performance_id, set()).add(priced.line.seat_id)
        assert priced.unit_price == 2700
        assert priced.line.package["season_ticket_id"] == season.season_ticket_id
    assert len({frozenset(seats) for seats in by_performance.values()}) == 1  # the same two seats
    assert len({p.line.package["package_id"] for p in cart.lines}) == 1
    assert cart.totals.tickets == 6 * 2700


def test_a_taken_same_seat_holds_nothing_and_answers_the_alternatives_per_performance(season):
    # the best Cat 2 seats of the first performance are taken in the second one
    probe = season_tickets.hold(ORG, new_cart(), GUEST, request(season, Chosen("L1", season.performances[0])))
    best = probe.lines[0].line.seat_id
    carts.empty_cart(ORG, probe.cart.cart_id, GUEST)
    state = shop.on_sale(shop.shop_front(ORG, "ALL1"), season.performances[1])[2].state
    refs = inventory.seat_refs(season.performances[1], inventory.stock_shards(state), [best])
    inventory.place_hold(ORG, season.performances[1], "other", refs, 3600)
    inventory.forget_views()
    cart_id = new_cart()
    with pytest.raises(SameSeatUnavailable) as refused:
        season_tickets.hold(ORG, cart_id, GUEST, request(season, *first_three(season)))
    problems = refused.value.details["performances"]
    assert [p["performance_id"] for p in problems] == [season.performances[1]]
    kinds = {a["kind"] for a in problems[0]["alternatives"]}
    assert "nearest" in kinds
    assert all(best not in a["seat_ids"] for a in problems[0]["alternatives"])
    # nothing stays held: the first performance's seat is free again, the cart is empty
    assert carts.get_cart(ORG, cart_id, GUEST).lines == []
    assert live_holds_of(season.performances[0]) == 0
    # the buyer takes the nearest seat for that performance and the same seat elsewhere
    nearest = next(a for a in problems[0]["alternatives"] if a["kind"] == "nearest")["seat_ids"]
    chosen = [
        Chosen("L1", season.performances[0], seat_ids=(best,)),
        Chosen("L2", season.performances[1], seat_ids=tuple(nearest)),
        Chosen("L3", season.performances[2], seat_ids=(best,)),
    ]
    cart = season_tickets.hold(ORG, cart_id, GUEST, request(season, *chosen))
    assert {p.line.seat_id for p in cart.lines} == {best, *nearest}


def test_an_alternative_category_for_a_full_performance_is_priced_at_its_line_price(season):
    fill_cat2(season, season.performances[2])
    chosen = [*first_three(season)[:2], Chosen("L3", season.performances[2], season.cat1)]
    cart = season_tickets.hold(ORG, new_cart(), GUEST, request(season, *chosen))
    prices = {p.line.performance_id: (p.line.category_id, p.unit_price) for p in cart.lines}
    assert prices[season.performances[2]] == (season.cat1, 4050)
    assert cart.totals.tickets == 2700 + 2700 + 4050


def test_another_category_is_refused_while_the_chosen_one_has_seats(season):
    chosen = [Chosen("L1", season.performances[0], season.cat1)]
    with pytest.raises(CategoryChangeRefused) as refused:
        season_tickets.hold(ORG, new_cart(), GUEST, request(season, *chosen))
    assert refused.value.details["reason"] == "category_not_full"


def test_a_product_without_the_setting_refuses_another_category(organisation):
    s = build_season(allow_category_change=False)
    fill_cat2(s, s.performances[2])
    with pytest.raises(CategoryChangeRefused):
        season_tickets.hold(ORG, new_cart(), GUEST, request(s, Chosen("L3", s.performances[2], s.cat1)))


@pytest.mark.parametrize(
    ("chosen", "field"),
    [
        ([], "performances"),  # fewer than min_lines
        ([("L1", 0), ("L2", 1), ("L3", 2), ("L4", 3)], "performances"),  # more than max_lines
        ([("L1", 1)], "performances[0].performance_id"),  # not offered by that line
        ([("L9", 0)], "performances[0].line_id"),
    ],
)
def test_a_choice_outside_the_products_rules_is_refused_naming_the_field(season, chosen, field):
    picked = [Chosen(line, season.performances[n]) for line, n in chosen]
    with pytest.raises(InvalidInput) as refused:
        season_tickets.hold(ORG, new_cart(), GUEST, request(season, *picked))
    assert refused.value.details["field"] == field


def test_a_mandatory_line_must_be_chosen(organisation):
    s = build_season(line_overrides={"L2": {"choice": "mandatory"}})
    with pytest.raises(InvalidInput) as refused:
        season_tickets.hold(ORG, new_cart(), GUEST, request(s, Chosen("L1", s.performances[0])))
    assert refused.value.details["mandatory_lines"] == ["L2"]


@pytest.mark.parametrize("failing", [1, 2, 3])
def test_a_failure_at_any_performance_leaves_nothing_held(season, failing):
    real = inventory.place_hold
    calls = {"n": 0}

    def place(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == failing:
            raise RuntimeError("the store failed here")
        return real(*args, **kwargs)

    cart_id = new_cart()
    with mock.patch.object(inventory, "place_hold", side_effect=place), pytest.raises(RuntimeError):
        season_tickets.hold(ORG, cart_id, GUEST, request(season, *first_three(season)))
    assert all(live_holds_of(p) == 0 for p in season.performances[:3])
    assert carts.get_cart(ORG, cart_id, GUEST).hold_ids == []
    # and the buyer can hold it right after: nothing was left counted against them
    assert len(season_tickets.hold(ORG, cart_id, GUEST, request(season, *first_three(season))).lines) == 3


def test_a_season_tickets_places_go_together(season):
    cart_id = new_cart()
    cart = season_tickets.hold(ORG, cart_id, GUEST, request(season, *first_three(season)))
    line = cart.lines[0].line
    with pytest.raises(Conflict):
        carts.set_audience(ORG, cart_id, GUEST, line.line_id, season.world.young)
    emptied = carts.remove_hold(ORG, cart_id, GUEST, line.hold_id)
    assert emptied.lines == [] and emptied.cart.hold_ids == []
    assert all(live_holds_of(p) == 0 for p in season.performances[:3])


def test_one_payment_makes_one_order_with_a_ticket_per_performance_and_a_subscription(season):
    shopper = auth.register_shopper(ORG, "john@example.com", "John", "john-password-1")[2]
    buyer = Buyer(ORG, shopper.shopper_id, shopper.shopper_id, shopper.email, "John")
    cart_id = carts.open_cart(ORG, "ALL1", buyer).cart_id
    season_tickets.hold(ORG, cart_id, buyer, request(season, *first_three(season)))
    order = orders.checkout(ORG, cart_id, buyer, DETAILS)
    card = next(p for p in order.payments if p.method == "card")
    done = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    paid = orders.payment_callback(done["payload"], done["signature"])
    assert paid.status == "paid"
    assert sorted(line.performance_id for line in paid.lines) == sorted(season.performances[:3])
    assert all(line.package["season_ticket_id"] == season.season_ticket_id for line in paid.lines)
    outbox.drain()
    found, _ = subscriptions.subscriptions(ORG, season.season_ticket_id)
    assert [(s["order_id"], s["status"], s["total"]) for s in found] == [(paid.order_id, "active", 3 * 2700)]
    assert customers.get_shopper(ORG, shopper.shopper_id).levels[season.indicator_id] == "SUB"
    # the order cancelled by the box office: the subscription follows, the seats are on sale again
    orders.cancel_by_operator(ORG, paid.order_id, "operator-admin", "none")
    outbox.drain()
    found, _ = subscriptions.subscriptions(ORG, season.season_ticket_id)
    assert [s["status"] for s in found] == ["cancelled"]
    for line in paid.lines:
        seat = next(x for x in inventory.map_seats(line.performance_id, 1) if x.seat_id == line.seat_id)
        assert seat.status == "free"
