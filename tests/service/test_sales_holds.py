"""Holds through a cart: chosen seats, best available, standing places, the channel's rules, expiry."""

from __future__ import annotations

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.db.holds import HoldItem, hold_pk
from chalicelib.db.sales import LimitItem, limit_key
from chalicelib.db.stock import AreaCounterItem, SeatItem, seat_pk, seat_sk
from chalicelib.errors import (
    BuyerLimitReached,
    Conflict,
    HoldExpired,
    InvalidInput,
    NotFound,
    OrphanSeats,
    PermissionDenied,
    SeatUnavailable,
    TransientStoreError,
)
from chalicelib.inventory import service as inventory
from chalicelib.sales import carts
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.shop import service as shop
from tests.shop_world import World, build_world

ORG = "demo"
ANN = Buyer(ORG, "guest-ann")
BOB = Buyer(ORG, "guest-bob")


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def seat_state(world: World, seat_id: str) -> tuple[str, str | None]:
    shards = catalog.get(ORG, "performance", world.performance_id).state["shards"]
    item = SeatItem.get(
        seat_pk(world.performance_id, seat_id, shards), seat_sk(seat_id), consistent_read=True
    )
    return item.status, item.hold_id


def pit_free() -> int:
    return sum(int(item.free) for item in AreaCounterItem.scan(AreaCounterItem.sk.startswith("AREA#")))


def hold_seats(world: World, buyer: Buyer, *seats: str, pos: str = "WEB1") -> carts.PricedCart:
    cart = carts.open_cart(ORG, pos, buyer)
    return carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))


def test_chosen_seats_are_held_for_the_cart_and_priced_at_full_price(world):
    seats = (world.seat("L", "B", 4), world.seat("L", "B", 5))

    priced = hold_seats(world, ANN, *seats)

    hold_id = priced.cart.hold_ids[0]
    assert [seat_state(world, s) for s in seats] == [("held", hold_id)] * 2
    assert [(p.line.seat_id, p.unit_price) for p in priced.lines] == [(seats[0], 3000), (seats[1], 3000)]
    assert {p.line.audience_subcategory_id for p in priced.lines} == {world.full}
    assert priced.totals.total == 6000 and priced.expires_at is not None


def test_a_taken_seat_fails_the_whole_hold_and_names_the_seat(world):
    hold_seats(world, ANN, world.seat("L", "B", 5))
    cart = carts.open_cart(ORG, "WEB1", BOB)
    wanted = (world.seat("L", "B", 4), world.seat("L", "B", 5))

    with pytest.raises(SeatUnavailable) as refused:
        carts.add_to_cart(ORG, cart.cart_id, BOB, HoldRequest(world.performance_id, seat_ids=wanted))

    assert refused.value.details["seats"] == [world.seat("L", "B", 5)]
    assert seat_state(world, world.seat("L", "B", 4)) == ("free", None)
    assert carts.get_cart(ORG, cart.cart_id, BOB).lines == []


def test_seats_of_a_quota_the_channel_does_not_sell_are_refused(world):
    with pytest.raises(SeatUnavailable) as refused:
        hold_seats(world, ANN, world.seat("L", "A", 5))  # row A: box-office quota

    assert refused.value.details["seats"] == [world.seat("L", "A", 5)]
    # the box office sells it, through an operator
    cashier = Buyer(ORG, "operator-admin")
    assert hold_seats(world, cashier, world.seat("L", "A", 5), pos="BOX1").lines[0].unit_price == 4500


def test_a_seat_that_does_not_exist_is_a_422_naming_it(world):
    with pytest.raises(InvalidInput) as refused:
        hold_seats(world, ANN, "STALLS-L-B-99")
    assert refused.value.details == {"field": "seat_ids", "seats": ["STALLS-L-B-99"]}


def test_a_choice_leaving_one_seat_alone_is_refused_unless_the_channel_allows_it(organisation):
    world = build_world()
    hold_seats(world, ANN, world.seat("L", "B", 1))

    with pytest.raises(OrphanSeats) as refused:
        hold_seats(world, BOB, world.seat("L", "B", 3))  # seat 2 would sit alone
    assert refused.value.details["orphan_seats"] == [world.seat("L", "B", 2)]


def test_a_channel_that_always_allows_orphans_takes_that_choice(organisation):
    world = build_world(web={"always_allow_orphan_seats": True})
    hold_seats(world, ANN, world.seat("L", "B", 1))
    assert hold_seats(world, BOB, world.seat("L", "B", 3)).lines


def test_orphans_are_allowed_when_free_seats_fall_below_the_trigger(organisation):
    world = build_world(web={"orphan_seat_trigger": 100})  # 40 web seats: always below
    hold_seats(world, ANN, world.seat("L", "B", 1))
    assert hold_seats(world, BOB, world.seat("L", "B", 3)).lines


def test_best_available_holds_seats_together_in_one_row(world):
    cart = carts.open_cart(ORG, "WEB1", ANN)
    request = HoldRequest(world.performance_id, category_id=world.category("CAT2"), quantity=4)

    priced = carts.add_to_cart(ORG, cart.cart_id, ANN, request)

    rows = {(p.line.block, p.line.row) for p in priced.lines}
    numbers = sorted(int(p.line.number) for p in priced.lines)
    assert priced.adjacent is True and len(rows) == 1
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    assert all(seat_state(world, p.line.seat_id)[0] == "held" for p in priced.lines)


def test_best_available_says_when_seats_are_not_together(organisation):
    world = build_world(rows=2, per_row=3)  # web: row B of L and R, 3 seats each
    cart = carts.open_cart(ORG, "WEB1", ANN)
    request = HoldRequest(world.performance_id, category_id=world.category("CAT2"), quantity=5)

    priced = carts.add_to_cart(ORG, cart.cart_id, ANN, request)

    assert priced.adjacent is False and len(priced.lines) == 5


def test_best_available_beyond_what_is_left_is_refused_with_the_count(organisation):
    world = build_world(rows=2, per_row=3, web={"max_tickets_per_performance": 10})
    cart = carts.open_cart(ORG, "WEB1", ANN)
    request = HoldRequest(world.performance_id, category_id=world.category("CAT2"), quantity=7)

    with pytest.raises(SeatUnavailable) as refused:
        carts.add_to_cart(ORG, cart.cart_id, ANN, request)

    assert refused.value.details["available"] == 6


def test_a_plan_free_channel_refuses_chosen_seats(organisation):
    world = build_world(web={"seat_selection": "auto_with_view"})
    with pytest.raises(InvalidInput) as refused:
        hold_seats(world, ANN, world.seat("L", "B", 4))
    assert refused.value.details["field"] == "seat_ids"


def test_standing_places_are_taken_from_the_counters(world):
    cart = carts.open_cart(ORG, "WEB1", ANN)

    priced = carts.add_to_cart(
        ORG, cart.cart_id, ANN, HoldRequest(world.performance_id, area="PIT", quantity=3)
    )

    assert [(p.line.area, p.unit_price) for p in priced.lines] == [("PIT", 2000)] * 3
    assert pit_free() == 17


def test_more_standing_places_than_left_are_refused_and_nothing_is_taken(organisation):
    world = build_world(pit=5)
    cart = carts.open_cart(ORG, "WEB1", ANN)
    with pytest.raises(SeatUnavailable) as refused:
        carts.add_to_cart(ORG, cart.cart_id, ANN, HoldRequest(world.performance_id, area="PIT", quantity=6))
    assert refused.value.details["available"] == 5 and pit_free() == 5


def test_an_unknown_standing_area_is_a_422(world):
    cart = carts.open_cart(ORG, "WEB1", ANN)
    with pytest.raises(InvalidInput) as refused:
        carts.add_to_cart(
            ORG, cart.cart_id, ANN, HoldRequest(world.performance_id, area="BALCONY", quantity=1)
        )
    assert refused.value.details["field"] == "area"


def test_one_order_takes_at_most_the_channels_tickets_per_performance(organisation):
    world = build_world(web={"max_tickets_per_performance": 3})
    priced = hold_seats(world, ANN, world.seat("L", "B", 4), world.seat("L", "B", 5))

    with pytest.raises(InvalidInput) as refused:
        request = HoldRequest(world.performance_id, area="PIT", quantity=2)
        carts.add_to_cart(ORG, priced.cart.cart_id, ANN, request)

    assert refused.value.details == {"field": "quantity", "max": 3, "in_cart": 2}


def test_a_buyer_is_capped_across_carts_and_gets_the_allowance_back_when_emptying(organisation):
    world = build_world(web={"max_tickets_per_performance": 3, "max_tickets_per_buyer": 4})
    first = hold_seats(world, ANN, world.seat("L", "B", 4), world.seat("L", "B", 5), world.seat("L", "B", 6))

    with pytest.raises(BuyerLimitReached):
        hold_seats(world, ANN, world.seat("R", "B", 4), world.seat("R", "B", 5))
    assert seat_state(world, world.seat("R", "B", 4)) == ("free", None)
    assert hold_seats(world, BOB, world.seat("R", "B", 4), world.seat("R", "B", 5)).lines  # others unaffected

    carts.empty_cart(ORG, first.cart.cart_id, ANN)
    assert hold_seats(world, ANN, world.seat("R", "C", 4), world.seat("R", "C", 5)).lines
    taken = LimitItem.get(*limit_key(world.performance_id, ANN.buyer_id), consistent_read=True).taken
    assert taken == 2


def test_emptying_the_cart_frees_its_seats_and_places_at_once(world):
    priced = hold_seats(world, ANN, world.seat("L", "B", 4))
    carts.add_to_cart(
        ORG, priced.cart.cart_id, ANN, HoldRequest(world.performance_id, area="PIT", quantity=2)
    )

    emptied = carts.empty_cart(ORG, priced.cart.cart_id, ANN)

    assert emptied.lines == [] and emptied.totals.total == 0
    assert seat_state(world, world.seat("L", "B", 4)) == ("free", None)
    assert pit_free() == 20
    assert {item.status for item in HoldItem.scan()} == {"released"}


def test_an_expired_hold_is_the_next_buyers_at_once(world):
    hold_seats(world, ANN, world.seat("L", "B", 4))
    later = inventory.now_seconds() + 21 * 60  # the channel's hold lasts 20 minutes
    with (
        clock.at(later),
    ):
        shop.clear_cache()
        taken = hold_seats(world, BOB, world.seat("L", "B", 4))

    assert seat_state(world, world.seat("L", "B", 4)) == ("held", taken.cart.hold_ids[0])


def test_holds_extend_once_per_checkout_step_up_to_the_maximum(organisation):
    world = build_world(
        web={"hold_timeout_minutes": 20, "hold_extension_minutes": 30, "hold_max_minutes": 45}
    )
    priced = hold_seats(world, ANN, world.seat("L", "B", 4))
    first_expiry = priced.expires_at

    extended = carts.extend(ORG, priced.cart.cart_id, ANN, "details")
    assert first_expiry + 20 * 60 <= extended.expires_at <= first_expiry + 25 * 60 + 5  # capped at 45 min
    with pytest.raises(Conflict):
        carts.extend(ORG, priced.cart.cart_id, ANN, "details")
    again = carts.extend(ORG, priced.cart.cart_id, ANN, "delivery")
    assert again.expires_at == extended.expires_at  # the maximum is reached
    seat = SeatItem.scan(SeatItem.hold_id == priced.cart.hold_ids[0])
    assert {int(item.hold_expires_at) for item in seat} == {extended.expires_at}


def test_an_expired_hold_cannot_be_extended(world):
    priced = hold_seats(world, ANN, world.seat("L", "B", 4))
    later = inventory.now_seconds() + 3600
    with (
        clock.at(later),
        pytest.raises(HoldExpired),
    ):
        carts.extend(ORG, priced.cart.cart_id, ANN, "payment")


def test_a_cart_is_its_owners_only(world):
    priced = hold_seats(world, ANN, world.seat("L", "B", 4))
    cart_id = priced.cart.cart_id
    for action in (
        lambda: carts.get_cart(ORG, cart_id, BOB),
        lambda: carts.empty_cart(ORG, cart_id, BOB),
        lambda: carts.add_to_cart(
            ORG, cart_id, BOB, HoldRequest(world.performance_id, area="PIT", quantity=1)
        ),
        lambda: carts.remove_hold(ORG, cart_id, BOB, priced.cart.hold_ids[0]),
        lambda: carts.extend(ORG, cart_id, BOB, "details"),
        lambda: carts.get_cart("other-org", cart_id, Buyer("other-org", ANN.buyer_id)),
    ):
        with pytest.raises(NotFound):
            action()
    assert seat_state(world, world.seat("L", "B", 4))[0] == "held"


def test_removing_one_hold_keeps_the_rest(world):
    priced = hold_seats(world, ANN, world.seat("L", "B", 4))
    cart_id = priced.cart.cart_id
    carts.add_to_cart(ORG, cart_id, ANN, HoldRequest(world.performance_id, area="PIT", quantity=2))

    left = carts.remove_hold(ORG, cart_id, ANN, priced.cart.hold_ids[0])

    assert [p.line.area for p in left.lines] == ["PIT", "PIT"]
    assert seat_state(world, world.seat("L", "B", 4)) == ("free", None)


def test_the_audience_subcategory_sets_the_price(world):
    priced = hold_seats(world, ANN, world.seat("L", "B", 4))
    line = priced.lines[0].line.line_id

    cheaper = carts.set_audience(ORG, priced.cart.cart_id, ANN, line, world.young)
    assert cheaper.totals.total == 1500
    with pytest.raises(InvalidInput):
        carts.set_audience(ORG, priced.cart.cart_id, ANN, line, "no-such-subcategory")


def test_booking_fee_per_ticket_is_capped_and_delivery_is_added(organisation):
    delivery = [
        {"code": "ETICKET", "name": "E-ticket", "fee": 0},
        {"code": "POST", "name": "Post", "fee": 350},
    ]
    world = build_world(web={"booking_fee": 150, "booking_fee_cap": 400, "delivery_methods": delivery})
    priced = hold_seats(world, ANN, *(world.seat("L", "B", n) for n in (4, 5, 6)))
    assert (priced.totals.booking_fee, priced.totals.delivery_fee, priced.totals.total) == (400, 0, 9400)

    posted = carts.set_delivery(ORG, priced.cart.cart_id, ANN, "POST")
    assert (posted.totals.delivery_fee, posted.totals.total) == (350, 9750)
    with pytest.raises(InvalidInput) as refused:
        carts.set_delivery(ORG, priced.cart.cart_id, ANN, "PIGEON")
    assert refused.value.details["allowed"] == ["ETICKET", "POST"]


def test_a_performance_not_on_sale_takes_no_hold(world):
    performance = catalog.get(ORG, "performance", world.performance_id)
    event = catalog.get(ORG, "event", performance.data["event_id"])
    catalog.replace(ORG, "event", event.id, k.EventSpec(**{**event.data, "status": "draft"}), None)
    shop.clear_cache()
    with pytest.raises(NotFound):
        hold_seats(world, ANN, world.seat("L", "B", 4))


def test_a_point_of_sale_without_guest_checkout_wants_an_account(organisation):
    build_world(pos={"guest_checkout": False})
    with pytest.raises(PermissionDenied):
        carts.open_cart(ORG, "WEB1", ANN)
    assert carts.open_cart(ORG, "WEB1", Buyer(ORG, "s-1", shopper_id="s-1")).owner == "s-1"


def test_hold_items_remember_their_cart_and_buyer_limit(world):
    priced = hold_seats(world, ANN, world.seat("L", "B", 4))
    item = HoldItem.get(hold_pk(priced.cart.hold_ids[0]))
    assert item.cart_id == priced.cart.cart_id and item.limit.cap == 10


class _Cancelled(TransactWriteError):
    cancellation_reasons = [CancellationReason(code="TransactionConflict")]


def _collision() -> TransientStoreError:
    """What a hold's transaction raises when another transaction wrote one of its items meanwhile."""
    cause = _Cancelled("TransactionCanceledException")
    error = TransientStoreError("The transaction did not go through (TransactionConflict)")
    error.__cause__ = cause
    return error


def colliding(times: int):
    """inventory.place_hold, colliding with another buyer's transaction the first `times` calls."""
    real, calls = inventory.place_hold, []

    def place(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise _collision()
        return real(*args, **kwargs)

    return place, calls


def test_a_best_available_hold_that_collides_with_another_buyer_is_tried_again(world, monkeypatch):
    place, calls = colliding(times=2)
    monkeypatch.setattr(inventory, "place_hold", place)
    monkeypatch.setattr(carts, "_pause", lambda attempt: None)
    cart = carts.open_cart(ORG, "WEB1", ANN)
    request = HoldRequest(world.performance_id, category_id=world.category("CAT2"), quantity=2)

    priced = carts.add_to_cart(ORG, cart.cart_id, ANN, request)

    assert len(calls) == 3 and len(priced.lines) == 2
    assert all(seat_state(world, p.line.seat_id)[0] == "held" for p in priced.lines)


def test_a_hold_that_keeps_colliding_is_a_409_saying_so_never_a_503(world, monkeypatch):
    place, calls = colliding(times=100)
    monkeypatch.setattr(inventory, "place_hold", place)
    monkeypatch.setattr(carts, "_pause", lambda attempt: None)
    cart = carts.open_cart(ORG, "WEB1", ANN)
    best = HoldRequest(world.performance_id, category_id=world.category("CAT2"), quantity=2)
    standing = HoldRequest(world.performance_id, area="PIT", quantity=2)

    with pytest.raises(SeatUnavailable, match="kept being taken"):
        carts.add_to_cart(ORG, cart.cart_id, ANN, best)
    with pytest.raises(SeatUnavailable, match="kept being taken"):
        carts.add_to_cart(ORG, cart.cart_id, ANN, standing)

    assert len(calls) == 2 * carts.PICK_ATTEMPTS


def test_standing_places_colliding_once_are_taken_on_the_next_try(world, monkeypatch):
    place, calls = colliding(times=1)
    monkeypatch.setattr(inventory, "place_hold", place)
    monkeypatch.setattr(carts, "_pause", lambda attempt: None)
    free = pit_free()
    cart = carts.open_cart(ORG, "WEB1", ANN)

    carts.add_to_cart(ORG, cart.cart_id, ANN, HoldRequest(world.performance_id, area="PIT", quantity=2))

    assert len(calls) == 2 and pit_free() == free - 2


def test_a_pick_found_taken_when_read_again_is_made_again_without_a_transaction(world, monkeypatch):
    taken_first: list[list[str]] = []
    real = inventory.taken_seats

    def taken_once(performance_id, shards, seat_ids, now):
        if not taken_first:
            taken_first.append(list(seat_ids))
            return list(seat_ids)  # as if another buyer had just taken them
        return real(performance_id, shards, seat_ids, now)

    monkeypatch.setattr(inventory, "taken_seats", taken_once)
    cart = carts.open_cart(ORG, "WEB1", ANN)
    request = HoldRequest(world.performance_id, category_id=world.category("CAT2"), quantity=2)

    priced = carts.add_to_cart(ORG, cart.cart_id, ANN, request)

    assert not set(taken_first[0]) & {p.line.seat_id for p in priced.lines}
