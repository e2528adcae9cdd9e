"""An order's holds: a missing one is an error when the order is paid, sold or cancelled, and
hold-cleanup expires an open order whose hold has ended, whoever ended it, even on a retry."""

from __future__ import annotations

from unittest import mock

import pytest

from chalicelib import clock
from chalicelib.db.holds import HoldItem, hold_pk
from chalicelib.errors import HoldMissing, TransientStoreError
from chalicelib.inventory import service as inventory
from chalicelib.outbox import service as outbox
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.sales import backoffice, carts, orders, repository
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.order_store import PAYMENT_WINDOW_SECONDS
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.workflows import hold_cleanup
from tests.service.test_hold_lifetime import seat_status
from tests.shop_world import World, build_world

ORG = "demo"
# a shopper with an account: guests may reserve only where the point of sale allows it
BUYER = Buyer(ORG, "shopper-1", shopper_id="shopper-1", email="bob@example.com", name="Bob")
DETAILS = CheckoutRequest(email="ann@example.com", name="Ann")


def ordered(world: World, seat: str, vouchers: tuple[str, ...] = ()) -> orders.Order:
    cart = carts.open_cart(ORG, "WEB1", BUYER)
    carts.add_to_cart(ORG, cart.cart_id, BUYER, HoldRequest(world.performance_id, seat_ids=(seat,)))
    request = CheckoutRequest(**vars(DETAILS) | {"gift_vouchers": vouchers})
    return orders.checkout(ORG, cart.cart_id, BUYER, request)


def card_callback(order: orders.Order) -> dict:
    card = next(p for p in reversed(order.payments) if p.method == "card" and p.redirect_url)
    return SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")


def purge(order: orders.Order) -> None:
    """What DynamoDB's TTL did to the previous version's holds."""
    for hold_id in order.hold_ids:
        HoldItem(hold_pk(hold_id)).delete()


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def test_a_reservation_whose_hold_is_gone_cannot_be_paid_or_cancelled(organisation):
    world = build_world(pos={"payment_ceiling": 0})
    reservation = ordered(world, world.seat("L", "B", 4))
    purge(reservation)

    with pytest.raises(HoldMissing) as paying:
        orders.pay_online(ORG, reservation.order_id, BUYER)
    with pytest.raises(HoldMissing):
        orders.cancel_by_buyer(ORG, reservation.order_id, BUYER)

    assert paying.value.details == {"order_id": reservation.order_id, "hold_ids": reservation.hold_ids}
    assert repository.get_order(reservation.order_id).payments == []  # no card was asked for


def test_a_card_payment_for_an_order_whose_hold_is_gone_is_a_hold_missing_error(world):
    order = ordered(world, world.seat("L", "B", 4))
    callback = card_callback(order)
    purge(order)

    with pytest.raises(HoldMissing):
        orders.payment_callback(callback["payload"], callback["signature"])

    assert repository.get_order(order.order_id).status == "pending_payment"


def test_a_paid_order_whose_hold_is_gone_cannot_be_cancelled_quietly(world):
    order = ordered(world, world.seat("L", "B", 4))
    callback = card_callback(order)
    orders.payment_callback(callback["payload"], callback["signature"])
    purge(order)

    with pytest.raises(HoldMissing):
        orders.cancel_by_operator(ORG, order.order_id, "admin", "card")

    assert repository.get_order(order.order_id).status == "paid"


def voucher_order(world: World, seat: str) -> tuple[orders.Order, str]:
    """A 30.00 order: 10.00 from a gift voucher (debited now), the rest by card, still pending."""
    code = backoffice.create_voucher(ORG, 1000, "EUR", None, None)["code"]
    order = ordered(world, seat, (code,))
    assert order.status == "pending_payment" and backoffice.get_voucher(ORG, code)["balance"] == 0
    return order, code


def after_the_payment_window(order: orders.Order):
    return clock.at(inventory.now_seconds() + PAYMENT_WINDOW_SECONDS + 60)


def test_cleanup_expires_an_open_order_whose_hold_someone_else_already_ended(world):
    seat = world.seat("L", "B", 4)
    order, code = voucher_order(world, seat)
    [hold_id] = order.hold_ids

    with after_the_payment_window(order):
        assert inventory.release_expired_hold(hold_id).released  # another clean-up got there first
        result = hold_cleanup.release({"hold_id": hold_id})

    assert (result["released"], result["order_expired"]) == (False, True)
    assert repository.get_order(order.order_id).status == "expired"
    assert backoffice.get_voucher(ORG, code)["balance"] == 1000 and seat_status(world, seat) == "free"


def test_a_cleanup_retry_after_a_failure_past_the_hold_finishes_the_orders_expiry(world):
    seat = world.seat("L", "B", 4)
    order, code = voucher_order(world, seat)
    [hold_id] = order.hold_ids
    read_order = repository.get_order
    failures = iter([TransientStoreError("throttled", {})])

    def flaky(order_id: str):
        for failure in failures:
            raise failure
        return read_order(order_id)

    with after_the_payment_window(order), mock.patch.object(repository, "get_order", flaky):
        with pytest.raises(TransientStoreError):
            hold_cleanup.release({"hold_id": hold_id})
        assert inventory.get_hold(hold_id).status == "expired"  # the hold ended before the failure
        retried = hold_cleanup.release({"hold_id": hold_id})
        again = hold_cleanup.release({"hold_id": hold_id})

    assert retried["order_expired"] and not again["order_expired"]
    assert repository.get_order(order.order_id).status == "expired"
    assert backoffice.get_voucher(ORG, code)["balance"] == 1000  # given back once


def test_cleanup_never_expires_a_paid_order(world):
    order = ordered(world, world.seat("L", "B", 4))
    callback = card_callback(order)
    orders.payment_callback(callback["payload"], callback["signature"])

    with after_the_payment_window(order):
        result = hold_cleanup.release({"hold_id": order.hold_ids[0]})

    assert result["order_expired"] is False and repository.get_order(order.order_id).status == "paid"


def test_an_order_expired_after_its_card_went_through_is_refunded(world):
    seat = world.seat("L", "B", 4)
    order = ordered(world, seat)
    callback = card_callback(order)
    down = TransientStoreError("down", {})
    settling_fails = mock.patch("chalicelib.sales.payments.settle", side_effect=down)
    # step by step (as an order too large for one transaction): the payment's success is written,
    # then settling it fails
    step_by_step = mock.patch("chalicelib.sales.payments.MAX_TRANSACTION_ACTIONS", 0)
    with step_by_step, settling_fails, pytest.raises(TransientStoreError):
        orders.payment_callback(callback["payload"], callback["signature"])

    with after_the_payment_window(order):
        result = hold_cleanup.release({"hold_id": order.hold_ids[0]})
        outbox.drain()  # the refund is written with the expiry, carried out by the outbox worker

    expired = repository.get_order(order.order_id)
    assert result["order_expired"] and expired.status == "expired"
    assert [p.status for p in expired.payments] == ["refunded"] and seat_status(world, seat) == "free"
