"""Holds live as long as their orders and options can change: the clock moves 30, 90 and 400 days,
DynamoDB's TTL deletion is applied as AWS would, and the scheduled clean-ups run meanwhile."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.db.stock import SeatItem, seat_pk, seat_sk
from chalicelib.inventory import service as inventory
from chalicelib.options import service as options
from chalicelib.options.service import LineIn, RequestIn
from chalicelib.outbox import service as outbox
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.sales import carts, orders, repository
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.workflows import hold_cleanup, option_expiry
from tests.shop_world import World, build_world
from tests.time_travel import Clock, apply_ttl

ORG = "demo"
# a shopper with an account: guests may reserve only where the point of sale allows it
BUYER = Buyer(ORG, "shopper-1", shopper_id="shopper-1", email="bob@example.com", name="Bob")
DETAILS = CheckoutRequest(email="ann@example.com", name="Ann")


@pytest.fixture
def clock():
    moving = Clock()
    yield moving
    moving.stop()


def seat_status(world: World, seat_id: str) -> str:
    shards = catalog.get(ORG, "performance", world.performance_id).state["shards"]
    return SeatItem.get(
        seat_pk(world.performance_id, seat_id, shards), seat_sk(seat_id), consistent_read=True
    ).status


def days_pass(clock: Clock, day: float) -> None:
    """Move to `day`, let DynamoDB purge what is due, and run the scheduled clean-ups."""
    clock.to_day(day)
    apply_ttl()
    for hold_id in hold_cleanup.find({})["hold_ids"]:
        hold_cleanup.release({"hold_id": hold_id})
    for option_id in option_expiry.find({})["option_ids"]:
        option_expiry.expire({"option_id": option_id})


def ordered(world: World, *seats: str) -> orders.Order:
    cart = carts.open_cart(ORG, "WEB1", BUYER)
    carts.add_to_cart(ORG, cart.cart_id, BUYER, HoldRequest(world.performance_id, seat_ids=seats))
    return orders.checkout(ORG, cart.cart_id, BUYER, DETAILS)


def pay(order: orders.Order) -> orders.Order:
    card = next(p for p in reversed(order.payments) if p.method == "card" and p.redirect_url)
    callback = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    return orders.payment_callback(callback["payload"], callback["signature"])


def assert_cancelled_and_refunded(world: World, order_id: str, seat: str) -> None:
    cancelled = orders.cancel_by_operator(ORG, order_id, "admin", "card")
    outbox.drain()  # the outbox worker carries out the card refund written with the cancellation
    assert cancelled.status == "cancelled"
    assert [p.status for p in repository.get_order(order_id).payments] == ["refunded"]
    assert seat_status(world, seat) == "free"
    assert {t.status for t in orders.tickets_of(cancelled)} == {"cancelled"}


@pytest.mark.parametrize("days", [30, 90, 400])
def test_a_paid_order_can_still_be_cancelled_and_refunded_after_days(organisation, clock, days):
    world = build_world()
    seat = world.seat("L", "B", 4)
    paid = pay(ordered(world, seat))
    assert paid.status == "paid"

    days_pass(clock, days)

    assert_cancelled_and_refunded(world, paid.order_id, seat)


@pytest.mark.parametrize("days", [30, 90, 400])
def test_a_20_day_reservation_is_paid_on_day_19_and_its_tickets_outlive_the_purge(organisation, clock, days):
    world = build_world(pos={"payment_ceiling": 0, "guest_reservations": True}, web={"reservation_days": 20})
    seat = world.seat("L", "B", 4)
    reservation = ordered(world, seat)
    assert reservation.status == "reservation"

    for day in (7.5, 12, 19):  # the old purge time (first expiry + 7 days) passes meanwhile
        days_pass(clock, day)
    paid = pay(orders.pay_online(ORG, reservation.order_id, BUYER))

    assert paid.status == "paid" and seat_status(world, seat) == "sold"
    assert [(t.status, t.document["seat_id"]) for t in orders.tickets_of(paid)] == [("valid", seat)]
    days_pass(clock, days)
    assert_cancelled_and_refunded(world, paid.order_id, seat)


def test_an_unpaid_reservation_expires_at_its_deadline_and_its_seats_go_back(organisation, clock):
    world = build_world(pos={"payment_ceiling": 0, "guest_reservations": True}, web={"reservation_days": 20})
    seat = world.seat("L", "B", 4)
    reservation = ordered(world, seat)

    days_pass(clock, 19)
    assert seat_status(world, seat) == "held"
    days_pass(clock, 21.1)  # payable until the end of the venue's 20th day

    assert repository.get_order(reservation.order_id).status == "expired"
    assert seat_status(world, seat) == "free"


@pytest.fixture
def option_world(organisation) -> World:
    return build_world()


def allow_options(world: World, confirm_days_after_placing: int) -> None:
    performance = catalog.get(ORG, "performance", world.performance_id).data
    event = catalog.get(ORG, "event", performance["event_id"]).data
    activity = catalog.get(ORG, "activity", event["activity_id"])
    settings = {
        "options_allowed": True,
        "options_count_against_availability": True,
        "confirm_days_after_placing": confirm_days_after_placing,
    }
    catalog.replace(ORG, "activity", activity.id, k.ActivitySpec(**{**activity.data, **settings}), None)


@pytest.fixture
def contact(option_world) -> str:
    school = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="SCHOOL", name="School")).id
    company = catalog.create(ORG, "company", k.CompanySpec(code="LYC", name="Lycée", company_type_id=school))
    spec = k.ContactSpec(code="ANNE", name="Anne", email="anne@lycee.example", company_id=company.id)
    return catalog.create(ORG, "contact", spec).id


def placed_option(world: World, contact: str, payment_date: str | None = None) -> options.Option:
    category = world.category("CAT2")
    wanted = RequestIn(world.performance_id, {category: 2})
    request = options.request_for_contact(ORG, "admin", contact, wanted)
    lines = [LineIn(category, 2)]
    return options.place(ORG, request.option_id, "admin", None, lines, payment_date=payment_date)


def held_seats(option: options.Option) -> list[str]:
    return sorted(s for line in option.placed for s in line.seat_ids)


def statuses(world: World, seats: list[str]) -> set[str]:
    return {seat_status(world, s) for s in seats}


def test_an_options_seats_stay_held_until_its_deadline(option_world, contact, clock):
    allow_options(option_world, 50)
    option = placed_option(option_world, contact)
    seats = held_seats(option)
    deadline_day = (option.deadline - clock.start.timestamp()) / 86400

    for day in (30, deadline_day - 0.1):
        days_pass(clock, day)
        assert statuses(option_world, seats) == {"held"}, day
        assert {h.status for line in option.placed for h in inventory.get_holds(line.hold_ids)} == {"active"}
    days_pass(clock, deadline_day + 0.1)

    assert options.get(ORG, option.option_id).state == "expired"
    assert statuses(option_world, seats) == {"free"}


def test_a_validated_options_seats_stay_held_until_its_reservations_payment_date(
    option_world, contact, clock
):
    allow_options(option_world, 10)  # the option lapses on day 10; its reservation is paid by day 45
    payment_date = (clock.start + timedelta(days=45)).date().isoformat()
    option = placed_option(option_world, contact, payment_date)
    [outcome] = options.validate(ORG, [option.option_id], "admin")
    seats = held_seats(option)

    days_pass(clock, 44)

    order = repository.get_order(outcome.order_id)
    assert order.status == "reservation" and statuses(option_world, seats) == {"held"}
    holds = [inventory.get_hold(hold_id) for hold_id in order.hold_ids]
    assert {(h.status, h.order_id) for h in holds} == {("active", order.order_id)}
