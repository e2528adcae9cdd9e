"""How a card purchase is written: the order once at checkout, with its payment page and its seats kept
for the payment; the payment's success once, with the seats sold, the tickets and the confirmation. A
hold that ends meanwhile leaves nothing half-written."""

from __future__ import annotations

from dataclasses import asdict
from unittest import mock

import pytest

from chalicelib.config import settings
from chalicelib.db.sales import OrderItem, order_key
from chalicelib.errors import HoldExpired
from chalicelib.inventory import service as inventory
from chalicelib.mail import service as mail_service
from chalicelib.outbox import repository as outbox_store
from chalicelib.outbox import service as outbox
from chalicelib.sales import carts, orders, repository, ticket_repository
from chalicelib.sales.carts import HoldRequest
from chalicelib.sales.order_store import tickets_of
from infra.local.mail import verify_sender
from tests.service.test_hold_lifetime import seat_status
from tests.service.test_order_holds import BUYER, DETAILS, ORG, card_callback, ordered
from tests.shop_world import World, build_world


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def test_a_card_checkout_writes_its_order_once_with_its_payment_page_and_its_seats_kept(world):
    order = ordered(world, world.seat("L", "B", 4))

    stored = repository.get_order(order.order_id)
    card = next(p for p in stored.payments if p.method == "card")
    hold = inventory.get_hold(stored.hold_ids[0])
    assert stored.version == 1  # written once: never rewritten to add its payment page
    assert card.redirect_url and "session=" in card.redirect_url
    assert hold.expires_at == stored.deadline and hold.order_id == stored.order_id


def test_a_hold_that_ends_while_the_order_is_placed_leaves_no_order_and_the_cart_open(world):
    cart = carts.open_cart(ORG, "WEB1", BUYER)
    carts.add_to_cart(
        ORG, cart.cart_id, BUYER, HoldRequest(world.performance_id, seat_ids=(world.seat("L", "B", 5),))
    )
    read_before = carts.live_holds(carts.get_cart(ORG, cart.cart_id, BUYER))
    inventory.release_hold(read_before[0].hold_id)  # hold-cleanup, between the checkout's read and its write

    with (
        mock.patch.object(carts, "live_holds", return_value=read_before),
        pytest.raises(HoldExpired) as refused,
    ):
        orders.checkout(ORG, cart.cart_id, BUYER, DETAILS)

    after = repository.get_cart(cart.cart_id)
    assert refused.value.details == {"hold_id": read_before[0].hold_id}
    assert after.status == "open" and after.order_id is None


def test_a_card_payment_is_written_once_with_the_seats_sold_the_tickets_and_the_confirmation(world):
    seat = world.seat("L", "B", 6)
    order = ordered(world, seat)
    callback = card_callback(order)

    paid = orders.payment_callback(callback["payload"], callback["signature"])

    stored = repository.get_order(order.order_id)
    assert stored.status == "paid" and stored.version == 2  # checkout's write, then this one
    assert [(p.status, p.redirect_url) for p in stored.payments if p.method == "card"] == [
        ("succeeded", None)
    ]
    assert seat_status(world, seat) == "sold" and inventory.get_hold(stored.hold_ids[0]).is_sold
    assert [t.status for t in tickets_of(stored)] == ["valid"]
    kinds = sorted(item.kind for item in outbox_store.read(outbox_store.due(outbox.now(), 50)))
    assert "order_confirmation" in kinds
    assert paid.status == "paid"
    # a replay changes nothing
    again = orders.payment_callback(callback["payload"], callback["signature"])
    assert again.status == "paid" and repository.get_order(order.order_id).version == 2


def test_an_order_reads_back_as_written_and_as_an_older_version_wrote_it(world):
    order = ordered(world, world.seat("L", "B", 7))
    stored = repository.get_order(order.order_id)
    assert stored == order  # its attributes are left out of its packed document, and put back

    item = OrderItem.get(*order_key(order.order_id))
    old = asdict(stored)
    old.pop("version")
    item.packed = old  # every field in the document, None ones included, as before
    item.save()

    assert repository.get_order(order.order_id) == stored


def test_the_worker_reads_a_paid_order_once_for_its_confirmation_and_its_figures(world, monkeypatch):
    mail_service._sesv2.cache_clear()
    verify_sender(None, settings().region, settings().mail_from)
    order = ordered(world, world.seat("L", "B", 7))
    callback = card_callback(order)
    orders.payment_callback(callback["payload"], callback["signature"])
    due = outbox_store.due(outbox.now(), 50)
    effects = sorted(item.effect for item in outbox_store.read(due))
    reads: list[str] = []
    for store, name in ((repository, "get_order"), (ticket_repository, "get_tickets")):
        real = getattr(store, name)
        counted = lambda *a, _real=real, _name=name: reads.append(_name) or _real(*a)  # noqa: E731
        monkeypatch.setattr(store, name, counted)

    drained = outbox.carry_out_all(due)

    assert effects == ["email", "figures"] and drained.carried_out == 2
    assert reads == ["get_order", "get_tickets"]  # once between the two items, not once each
    again = outbox.carry_out_all(due)  # a new batch reads again (and finds both done)
    assert again.skipped == 2
