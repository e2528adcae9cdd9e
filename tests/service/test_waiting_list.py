"""The waiting list of a sold-out performance: shoppers join, returned seats are offered in order, an
offer becomes a cart and an order or lapses to the next entry; a cancelled list closes; data is erased."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.catalog import repository as catalog_repository
from chalicelib.catalog import service as catalog
from chalicelib.db.outbox import OutboxItem
from chalicelib.errors import AlreadyExists, HoldExpired, InvalidInput, NotFound
from chalicelib.inventory import service as inventory
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.sales import carts, orders
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.shop import service as shop
from chalicelib.waiting_list import model as m
from chalicelib.waiting_list import offers
from chalicelib.waiting_list import service as waiting
from chalicelib.waiting_list.model import NotSoldOut, Request
from tests.shop_world import World, build_world

ORG = "demo"
POS = "WEB1"
ANN = Buyer(ORG, "shopper-ann", "shopper-ann", "ann@example.com", "Ann")
BOB = Buyer(ORG, "shopper-bob", "shopper-bob", "bob@example.com", "Bob")
CROWD = Buyer(ORG, "shopper-crowd", "shopper-crowd", "crowd@example.com", "Crowd")
HOUR = 3600


def small_world(**web) -> World:
    """Row B of blocks L and R (4 seats each, Cat 2) are the web's 8 seats."""
    return build_world(rows=2, per_row=4, web={"waiting_list_offer_hours": 2, **web})


def sell_out(world: World, buyer: Buyer = CROWD, blocks: str = "LR") -> str:
    """Every web seat of the blocks held in the buyer's cart; returns the cart id."""
    cart = carts.open_cart(ORG, POS, buyer)
    seats = [world.seat(block, "B", n) for block in blocks for n in range(1, 5)]
    carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
    shop.clear_cache()
    return cart.cart_id


def give_back(cart_id: str, buyer: Buyer, *seats: str) -> None:
    """The buyer gives seats back: their cart keeps the others in a new hold."""
    cart = carts.get_cart(ORG, cart_id, buyer)
    kept = [line.seat_id for line in cart.lines if line.seat_id not in seats]
    carts.empty_cart(ORG, cart_id, buyer)
    if kept:
        performance_id = cart.lines[0].performance_id
        carts.add_to_cart(ORG, cart_id, buyer, HoldRequest(performance_id, seat_ids=kept))
    shop.clear_cache()


def cat2(world: World, quantity: int = 2, least: int | None = None, apart: bool = False) -> Request:
    return Request(quantity, least or quantity, world.category("CAT2"), apart)


def join(world: World, buyer: Buyer, request: Request) -> waiting.Placed:
    return waiting.join(ORG, POS, world.performance_id, buyer, request)


def entry_of(world: World, buyer: Buyer) -> m.Entry:
    return waiting.my_entry(ORG, buyer.buyer_id, world.performance_id).entry


def emails(kind: str) -> list[OutboxItem]:
    return [item for item in OutboxItem.scan() if item.kind == kind]


def test_joining_a_performance_with_free_seats_is_refused_as_not_sold_out(organisation):
    world = small_world()
    with pytest.raises(NotSoldOut) as refused:
        join(world, ANN, cat2(world))
    assert refused.value.code == "not_sold_out"
    assert refused.value.details["free"] == 8


def test_a_shopper_joins_a_sold_out_performance_once_and_sees_their_place(organisation):
    world = small_world()
    sell_out(world)
    first = join(world, ANN, cat2(world))
    second = join(world, BOB, cat2(world, 3, 1, apart=True))
    assert (first.position, second.position) == (1, 2)
    assert second.entry.request == Request(3, 1, world.category("CAT2"), True)
    with pytest.raises(AlreadyExists):
        join(world, ANN, cat2(world, 1))
    assert [p.entry.performance_id for p in waiting.my_entries(ORG, BOB.buyer_id)] == [world.performance_id]


def test_asking_for_more_than_the_channel_sells_per_performance_is_refused(organisation):
    world = small_world(max_tickets_per_performance=4)
    sell_out(world, CROWD, "L")
    sell_out(world, BOB, "R")
    with pytest.raises(InvalidInput) as refused:
        join(world, ANN, cat2(world, 5))
    assert refused.value.details == {"field": "quantity", "max": 4}
    with pytest.raises(InvalidInput) as refused:
        join(world, ANN, Request(2, 3, None, False))
    assert refused.value.details["field"] == "min_quantity"


def test_a_channel_that_hides_the_waiting_list_has_none(organisation):
    world = small_world(hide_waiting_list=True)
    sell_out(world)
    with pytest.raises(NotFound) as refused:
        join(world, ANN, cat2(world))
    assert refused.value.details["waiting_list"] == "hidden"


def test_returned_seats_are_offered_first_come_first_served_with_an_email(organisation):
    world = small_world()
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 2))
    join(world, BOB, cat2(world, 2))
    give_back(crowd, CROWD, world.seat("L", "B", 1), world.seat("L", "B", 2))

    visit = offers.offer_now(ORG, world.performance_id)

    assert (visit["offered"], visit["seats_offered"]) == (1, 2)
    ann, bob = entry_of(world, ANN), entry_of(world, BOB)
    assert ann.status == m.OFFERED and bob.status == m.WAITING
    assert sorted(s.seat_id for s in ann.offer.seats) == [world.seat("L", "B", 1), world.seat("L", "B", 2)]
    hold = inventory.get_hold(ann.offer.hold_id)
    assert hold.is_active and hold.expires_at == ann.offer.expires_at == ann.offer.offered_at + 2 * HOUR
    [email] = emails("waiting_list_offer")
    assert email.to == "ann@example.com"
    assert f"/shop/{ORG}/account/waiting-list/{world.performance_id}/offer" in email.text
    assert waiting.my_entry(ORG, BOB.buyer_id, world.performance_id).position == 1
    assert offers.offer_now(ORG, world.performance_id)["offered"] == 0  # never offered twice
    assert len(emails("waiting_list_offer")) == 1


def test_an_entry_accepting_fewer_seats_is_offered_what_came_back(organisation):
    world = small_world()
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 3, 1))
    give_back(crowd, CROWD, world.seat("R", "B", 4))

    offers.offer_now(ORG, world.performance_id)

    assert [s.seat_id for s in entry_of(world, ANN).offer.seats] == [world.seat("R", "B", 4)]


def test_seats_apart_go_to_the_entry_that_accepts_them_and_not_to_the_one_before(organisation):
    world = small_world()
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 2))  # together only
    join(world, BOB, cat2(world, 2, apart=True))
    give_back(crowd, CROWD, world.seat("L", "B", 1), world.seat("R", "B", 4))

    offers.offer_now(ORG, world.performance_id)

    assert entry_of(world, ANN).status == m.WAITING
    bob = entry_of(world, BOB)
    assert sorted(s.seat_id for s in bob.offer.seats) == [world.seat("L", "B", 1), world.seat("R", "B", 4)]


def test_the_offer_taken_is_a_cart_holding_the_seats_and_its_order_settles_the_entry(organisation):
    world = small_world()
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 2))
    give_back(crowd, CROWD, world.seat("L", "B", 3), world.seat("L", "B", 4))
    offers.offer_now(ORG, world.performance_id)

    taken = waiting.take_offer(ORG, ANN, world.performance_id)
    again = waiting.take_offer(ORG, ANN, world.performance_id)

    assert again.cart_id == taken.cart_id
    cart = carts.get_cart(ORG, taken.cart_id, ANN)
    assert sorted(line.seat_id for line in cart.lines) == [world.seat("L", "B", 3), world.seat("L", "B", 4)]
    assert cart.hold_ids == [entry_of(world, ANN).offer.hold_id]
    order = orders.checkout(ORG, taken.cart_id, ANN, CheckoutRequest())
    card = next(p for p in order.payments if p.method == "card")
    callback = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    assert orders.payment_callback(callback["payload"], callback["signature"]).status == "paid"

    assert offers.offer_now(ORG, world.performance_id)["bought"] == 1
    ann = entry_of(world, ANN)
    assert (ann.status, ann.offer.status) == (m.BOUGHT, m.OFFER_BOUGHT)


def test_a_lapsed_offer_passes_its_seats_to_the_next_entry(organisation):
    world = build_world(rows=2, per_row=4, web={"waiting_list_offer_hours": 2, "hold_timeout_minutes": 600})
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 2))
    join(world, BOB, cat2(world, 2))
    give_back(crowd, CROWD, world.seat("R", "B", 1), world.seat("R", "B", 2))
    offers.offer_now(ORG, world.performance_id)
    offered = {s.seat_id for s in entry_of(world, ANN).offer.seats}

    with clock.moved(2 * HOUR + 1):  # the crowd's holds last ten hours; Ann's offer two
        with pytest.raises(HoldExpired):
            waiting.take_offer(ORG, ANN, world.performance_id)
        visit = offers.offer_now(ORG, world.performance_id)

    assert (visit["lapsed"], visit["offered"]) == (1, 1)
    assert entry_of(world, ANN).status == m.LAPSED
    bob = entry_of(world, BOB)
    assert bob.status == m.OFFERED and {s.seat_id for s in bob.offer.seats} == offered


def test_leaving_gives_up_the_offer_and_lets_the_shopper_join_again_later(organisation):
    world = small_world()
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 1))
    give_back(crowd, CROWD, world.seat("L", "B", 1))
    offers.offer_now(ORG, world.performance_id)
    hold_id = entry_of(world, ANN).offer.hold_id

    left = waiting.leave(ORG, ANN.buyer_id, world.performance_id)

    assert (left.status, left.offer.status) == (m.LEFT, m.OFFER_WITHDRAWN)
    assert inventory.get_hold(hold_id).has_ended
    assert [(p.entry.status, p.position) for p in waiting.my_entries(ORG, ANN.buyer_id)] == [(m.LEFT, None)]
    with pytest.raises(NotSoldOut):  # the seat is free again: Ann buys it instead
        join(world, ANN, cat2(world, 1))


def test_a_cancelled_performance_closes_its_list_and_tells_its_entries(organisation):
    world = small_world()
    sell_out(world)
    join(world, ANN, cat2(world))
    join(world, BOB, cat2(world))
    catalog_repository.update_state(ORG, "performance", world.performance_id, {"status": "cancelled"})

    visit = offers.offer_now(ORG, world.performance_id)

    assert visit["closed"] == 2
    assert {entry_of(world, b).status for b in (ANN, BOB)} == {m.CLOSED}
    assert sorted(e.to for e in emails("waiting_list_closed")) == ["ann@example.com", "bob@example.com"]
    assert offers.offer_now(ORG, world.performance_id)["closed"] == 0
    assert len(emails("waiting_list_closed")) == 2


def test_personal_data_is_erased_a_day_after_the_performance(organisation):
    world = small_world()
    sell_out(world)
    join(world, ANN, cat2(world))
    starts_at = catalog.get(ORG, "performance", world.performance_id).data["starts_at"]
    start = int(m_time(starts_at))

    with clock.at(start + 60):
        assert offers.offer_now(ORG, world.performance_id)["erased"] == 0  # closed, not erased yet
    with clock.at(start + m.ERASE_AFTER_SECONDS + 60):
        assert offers.offer_now(ORG, world.performance_id)["erased"] == 1

    _, entries = waiting.list_detail(ORG, world.performance_id)
    assert [(e.entry.status, e.entry.email, e.entry.name, e.entry.buyer_id) for e in entries] == [
        (m.CLOSED, None, None, m.ERASED)
    ]
    assert waiting.my_entries(ORG, ANN.buyer_id) == []
    assert {"org_id": ORG, "performance_id": world.performance_id} not in offers.live_lists()


def m_time(value: str) -> float:
    from chalicelib.shop.model import parse_time

    return parse_time(value).timestamp()


def test_a_buyer_who_takes_the_returned_seats_first_leaves_nothing_to_offer(organisation):
    world = small_world()
    crowd = sell_out(world)
    join(world, ANN, cat2(world, 1))
    give_back(crowd, CROWD, world.seat("L", "B", 4))
    carts.add_to_cart(
        ORG, crowd, CROWD, HoldRequest(world.performance_id, seat_ids=[world.seat("L", "B", 4)])
    )

    assert offers.offer_now(ORG, world.performance_id)["offered"] == 0
    assert entry_of(world, ANN).status == m.WAITING


def test_an_operator_removes_an_entry_and_sees_the_lists_counted(organisation):
    world = small_world()
    sell_out(world)
    ann = join(world, ANN, cat2(world)).entry
    join(world, BOB, cat2(world))

    removed = waiting.remove(ORG, world.performance_id, ann.entry_id, "admin")

    assert removed.status == m.REMOVED and removed.history[-1]["by"] == "operator:admin"
    [listed] = waiting.lists(ORG)
    assert listed["counts"]["removed"] == 1 and listed["counts"]["waiting"] == 1
    assert waiting.my_entry(ORG, BOB.buyer_id, world.performance_id).position == 1


def test_standing_places_that_come_back_are_offered_to_an_entry_for_their_category(organisation):
    world = small_world(max_tickets_per_performance=20)
    crowd = carts.open_cart(ORG, POS, CROWD)
    pit = HoldRequest(world.performance_id, area="PIT", quantity=20)
    carts.add_to_cart(ORG, crowd.cart_id, CROWD, pit)
    shop.clear_cache()
    join(world, ANN, Request(3, 2, world.category("PIT"), False))
    carts.empty_cart(ORG, crowd.cart_id, CROWD)
    carts.add_to_cart(ORG, crowd.cart_id, CROWD, HoldRequest(world.performance_id, area="PIT", quantity=18))

    visit = offers.offer_now(ORG, world.performance_id)

    offer = entry_of(world, ANN).offer
    assert (visit["seats_offered"], offer.area, offer.places, offer.seats) == (2, "PIT", 2, [])
    taken = waiting.take_offer(ORG, ANN, world.performance_id)
    lines = carts.get_cart(ORG, taken.cart_id, ANN).lines
    assert [(line.area, line.category_id) for line in lines] == [("PIT", world.category("PIT"))] * 2


ACTIONS = (m.OFFER, m.BUY, m.LAPSE, m.LEAVE, m.REMOVE, m.CLOSE)


@pytest.mark.parametrize("status", m.STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_status_and_action_moves_by_the_table_or_is_refused(status, action):
    entry = m.Entry(ORG, "p", "e", "ENTRY#1#e", "b", POS, None, None, Request(1, 1, None, False), status, "")
    entry.offer = m.Offer("h", [], 0, 10) if status == m.OFFERED else None
    expected = m.MOVES.get((status, action))
    if expected is None:
        with pytest.raises(m.InvalidTransition):
            m.move(entry, action, 5, "test")
        assert entry.status == status
        return
    m.move(entry, action, 5, "test")
    assert entry.status == expected
    if entry.offer is not None:
        assert entry.offer.status == m.OFFER_ENDS[action] and entry.offer.ended_at == 5
