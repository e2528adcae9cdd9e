"""Figures kept from orders: each report equals its orders; replays and late counts change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest

from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.reports import model, service, statements
from chalicelib.reports.selection import Filters
from chalicelib.sales import carts, orders, tickets
from chalicelib.sales import repository as sales_store
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from tests.shop_world import World, build_world

ORG = "demo"
GUEST = Buyer(ORG, "guest-ann")
SHOPPER = Buyer(ORG, "shopper-1", shopper_id="shopper-1", email="bob@example.com", name="Bob")
DETAILS = CheckoutRequest(email="ann@example.com", name="Ann")


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def checkout(world: World, buyer: Buyer, *seats: str, pit: int = 0, pos: str = "WEB1", vouchers=()):
    cart = carts.open_cart(ORG, pos, buyer)
    if seats:
        carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
    if pit:
        carts.add_to_cart(
            ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, area="PIT", quantity=pit)
        )
    request = DETAILS if buyer.shopper_id is None else CheckoutRequest()
    request = CheckoutRequest(**vars(request) | {"gift_vouchers": tuple(vouchers)})
    return orders.checkout(ORG, cart.cart_id, buyer, request)


def pay(order):
    card = next(p for p in reversed(order.payments) if p.method == "card" and p.redirect_url)
    callback = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    return orders.payment_callback(callback["payload"], callback["signature"])


def carry_out(*order_ids: str) -> None:
    """The outbox worker's part (refunds, stock given back, figures), then the orders counted again."""
    from chalicelib.outbox import service as outbox

    outbox.drain(limit=500)
    for order_id in order_ids:
        service.count_order(order_id)


def sold(world: World, *seats: str, pit: int = 0, buyer: Buyer = GUEST):
    order = pay(checkout(world, buyer, *seats, pit=pit))
    service.count_order(order.order_id)
    return order


def test_a_paid_order_shows_in_the_sales_report_until_it_is_cancelled(world):
    order = sold(world, world.seat("L", "B", 4), pit=1)

    report = statements.sales(ORG, Filters())
    assert report["totals"] == {"tickets": 2, "amount": 5000}
    assert sorted((r["category"], r["audience"], r["tickets"], r["amount"]) for r in report["rows"]) == [
        ("CAT2", "Full price", 1, 3000),
        ("PIT", "Full price", 1, 2000),
    ]
    assert report["by_day"] == [{"day": order.created_at[:10], "tickets": 2, "amount": 5000}]

    orders.cancel_by_operator(ORG, order.order_id, "admin", "card")
    assert service.count_order(order.order_id) is True
    assert statements.sales(ORG, Filters())["totals"] == {"tickets": 0, "amount": 0}


def test_counting_again_or_counting_an_older_read_changes_nothing(world):
    order = sold(world, world.seat("L", "B", 4))
    older = sales_store.get_order(order.order_id)
    orders.cancel_by_operator(ORG, order.order_id, "admin", "card")

    assert service.count_order(order.order_id) is True
    assert service.count_order(order.order_id) is False  # a replay
    assert service._count(older, [], service.generation(ORG)) is False  # a read from before, delivered late
    assert statements.sales(ORG, Filters())["totals"]["tickets"] == 0


def test_an_older_read_written_second_loses_to_the_newer_one(world):
    order = sold(world, world.seat("L", "B", 4))
    older = sales_store.get_order(order.order_id)
    orders.cancel_by_operator(ORG, order.order_id, "admin", "card")
    newer = sales_store.get_order(order.order_id)
    real = service.repository.counted

    # both read what was counted before either wrote; the newer one writes first
    with mock.patch.object(service.repository, "counted", side_effect=lambda *a: real(*a)):
        assert service._count(newer, [], 0) is True
        last = real(order.order_id, 0)
        with mock.patch.object(service.repository, "counted", return_value=(None, {})):
            assert service._count(older, [], 0) is False
    assert real(order.order_id, 0) == last
    assert statements.sales(ORG, Filters())["totals"]["tickets"] == 0


def test_takings_show_money_on_its_day_and_method_and_refunds_apart(world):
    order = sold(world, world.seat("L", "B", 4), world.seat("L", "B", 5))
    orders.cancel_by_operator(ORG, order.order_id, "admin", "card")
    carry_out(order.order_id)

    report = statements.takings(ORG, Filters())
    day = order.created_at[:10]
    assert report["rows"] == [{"day": day, "method": "card", "received": 6000, "refunded": 6000, "net": 0}]
    assert report["totals"] == {"received": 6000, "refunded": 6000, "net": 0}


def test_takings_refuse_a_performance_filter_with_a_reason(world):
    with pytest.raises(service_errors().InvalidInput) as refused:
        statements.takings(ORG, Filters(performance_id=world.performance_id))
    assert refused.value.details == {"field": "performance_id"}


def service_errors():
    from chalicelib import errors

    return errors


def test_a_reservation_counts_as_reserved_then_as_sold_on_the_day_it_is_paid(organisation):
    world = build_world(pos={"payment_ceiling": 0, "guest_reservations": True})
    order = checkout(world, GUEST, world.seat("L", "B", 4))
    service.count_order(order.order_id)
    reserved = statements.sales(ORG, Filters())
    assert reserved["totals"]["tickets"] == 0
    cells = service.repository.read_cells(ORG, 0, model.PERFORMANCE, world.performance_id, "R#", "R#~")
    assert sum(c["reserved"] for c in cells.values()) == 1

    late = f"{date.today() - timedelta(days=3)}T10:00:00+00:00"  # the payment's day, as if it were then
    with mock.patch("chalicelib.sales.payments.iso", return_value=late):
        pay(orders.pay_online(ORG, order.order_id, GUEST))
    service.count_order(order.order_id)

    report = statements.sales(ORG, Filters())
    assert report["by_day"] == [{"day": late[:10], "tickets": 1, "amount": 3000}]
    cells = service.repository.read_cells(ORG, 0, model.PERFORMANCE, world.performance_id, "R#", "R#~")
    assert sum(c["reserved"] for c in cells.values()) == 0


def test_a_scan_at_the_door_counts_as_an_entry_in_the_gauge_and_the_entries(world):
    seat = world.seat("L", "B", 4)
    order = sold(world, seat, pit=1)
    first, _ = orders.tickets_of(order)
    tickets.scan(ORG, first.document["barcode"], world.performance_id, "north", "gate-1")
    tickets.scan(ORG, first.document["barcode"], world.performance_id, "south", "gate-2")  # refused
    assert service.count_order(order.order_id) is True

    report = statements.entries(ORG, Filters(performance_id=world.performance_id))
    assert report["performances"][0] | {"performance": ""} == {
        "performance_id": world.performance_id,
        "performance": "",
        "sold": 2,
        "entries": 1,
    }
    assert [(r["gate"], r["entries"]) for r in report["rows"]] == [("north", 1)]
    gauge = {
        r["block"]: r for r in statements.gauge(ORG, Filters(performance_id=world.performance_id))["rows"]
    }
    assert gauge["L"]["sold"] == 1 and gauge["L"]["scanned"] == 1 and gauge["R"]["scanned"] == 0
    assert gauge["PIT"]["sold"] == 1 and gauge["L"]["free"] == gauge["L"]["seats"] - 1
