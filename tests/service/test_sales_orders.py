"""Checkout, payment and the order's life: card, vouchers, credit, reservation, cancel, refund, expiry."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.db.stock import AreaCounterItem, SeatItem, seat_pk, seat_sk
from chalicelib.errors import (
    Conflict,
    HoldExpired,
    InsufficientBalance,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from chalicelib.inventory import service as inventory
from chalicelib.mail import service as mail
from chalicelib.outbox import service as outbox
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.sales import backoffice, carts, orders, payments, repository, ticket_repository, tickets
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.shop import service as shop
from chalicelib.workflows import hold_cleanup
from tests.shop_world import World, build_world

ORG = "demo"
GUEST = Buyer(ORG, "guest-ann")
SHOPPER = Buyer(ORG, "shopper-1", shopper_id="shopper-1", email="bob@example.com", name="Bob")
DETAILS = CheckoutRequest(email="ann@example.com", name="Ann")


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def seat_status(world: World, seat_id: str) -> str:
    shards = catalog.get(ORG, "performance", world.performance_id).state["shards"]
    return SeatItem.get(
        seat_pk(world.performance_id, seat_id, shards), seat_sk(seat_id), consistent_read=True
    ).status


def pit_free() -> int:
    return sum(int(item.free) for item in AreaCounterItem.scan(AreaCounterItem.sk.startswith("AREA#")))


def cart_with(world: World, buyer: Buyer, *seats: str, pit: int = 0, pos: str = "WEB1") -> str:
    cart = carts.open_cart(ORG, pos, buyer)
    if seats:
        carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
    if pit:
        carts.add_to_cart(
            ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, area="PIT", quantity=pit)
        )
    return cart.cart_id


def card_callback(order, outcome: str = "succeeded") -> dict:
    card = next(p for p in reversed(order.payments) if p.method == "card" and p.redirect_url)
    return SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], outcome)


def pay(order, outcome: str = "succeeded"):
    callback = card_callback(order, outcome)
    return orders.payment_callback(callback["payload"], callback["signature"])


def test_a_card_checkout_waits_for_the_payment_then_sells_the_seats_and_issues_tickets(world):
    seat = world.seat("L", "B", 4)
    cart_id = cart_with(world, GUEST, seat, pit=1)

    order = orders.checkout(ORG, cart_id, GUEST, DETAILS)

    assert order.status == "pending_payment" and order.total == 5000
    assert [p.method for p in order.payments] == ["card"] and order.payments[0].redirect_url
    assert seat_status(world, seat) == "held"
    paid = pay(order)
    assert paid.status == "paid" and seat_status(world, seat) == "sold"
    issued = orders.tickets_of(paid)
    assert len(issued) == 2 and {t.status for t in issued} == {"valid"}
    assert len({t.document["barcode"] for t in issued}) == 2
    assert carts.get_cart(ORG, cart_id, GUEST).status == "ordered"


def test_a_guest_gives_an_email_and_a_name(world):
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4))
    with pytest.raises(InvalidInput) as refused:
        orders.checkout(ORG, cart_id, GUEST, CheckoutRequest(name="Ann"))
    assert refused.value.details == {"field": "email"}


def test_checking_out_twice_gives_the_same_order(world):
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4))
    first = orders.checkout(ORG, cart_id, GUEST, DETAILS)
    second = orders.checkout(ORG, cart_id, GUEST, DETAILS)
    assert first.order_id == second.order_id
    assert len(repository.orders_of_buyer(ORG, GUEST.buyer_id, 10, None)[0]) == 1


def test_a_buyers_orders_page_on_and_another_buyers_cursor_is_refused(world):
    for seat in ("B-4", "B-5", "B-6"):
        orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", *seat.split("-"))), GUEST, DETAILS)
    other = Buyer(ORG, "guest-eve")
    orders.checkout(ORG, cart_with(world, other, world.seat("L", "C", 1)), other, DETAILS)

    first, cursor = orders.my_orders(ORG, GUEST, 2, None)
    rest, _ = orders.my_orders(ORG, GUEST, 2, cursor)
    assert len(first) == 2 and len(rest) == 1
    assert {o.owner for o in first + rest} == {GUEST.buyer_id}
    with pytest.raises(InvalidInput) as refused:
        orders.my_orders(ORG, other, 2, cursor)  # Ann's place in her own orders, not Eve's
    assert refused.value.details["field"] == "cursor"


def test_an_empty_cart_or_lapsed_holds_cannot_be_checked_out(world):
    empty = carts.open_cart(ORG, "WEB1", GUEST).cart_id
    with pytest.raises(InvalidInput):
        orders.checkout(ORG, empty, GUEST, DETAILS)
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4))
    later = inventory.now_seconds() + 3600
    with clock.at(later), pytest.raises(HoldExpired):
        orders.checkout(ORG, cart_id, GUEST, DETAILS)


def test_a_replayed_or_tampered_callback_changes_nothing(world):
    order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    callback = card_callback(order)

    once = orders.payment_callback(callback["payload"], callback["signature"])
    twice = orders.payment_callback(callback["payload"], callback["signature"])

    assert once.status == twice.status == "paid" and twice.version == once.version
    forged = json.loads(callback["payload"]) | {"amount": 1}
    with pytest.raises(InvalidInput):
        orders.payment_callback(json.dumps(forged), callback["signature"])


def test_a_declined_card_keeps_the_seats_and_another_attempt_can_pay(world):
    seat = world.seat("L", "B", 4)
    order = orders.checkout(ORG, cart_with(world, GUEST, seat), GUEST, DETAILS)

    declined = pay(order, "declined")
    assert declined.status == "pending_payment" and declined.payments[0].status == "declined"
    assert seat_status(world, seat) == "held"

    retry = orders.pay_online(ORG, order.order_id, GUEST)
    assert [p.status for p in retry.payments] == ["declined", "pending"]
    assert pay(retry).status == "paid" and seat_status(world, seat) == "sold"


def test_above_the_payment_ceiling_the_order_is_a_reservation_held_until_its_deadline(organisation):
    world = build_world(
        pos={"payment_ceiling": 5000, "guest_reservations": True}, web={"reservation_days": 2}
    )
    seats = (world.seat("L", "B", 4), world.seat("L", "B", 5))

    order = orders.checkout(ORG, cart_with(world, GUEST, *seats), GUEST, DETAILS)

    assert order.status == "reservation" and order.payments == [] and order.total == 6000
    hold = inventory.get_hold(order.hold_ids[0])
    assert hold.expires_at == order.deadline and hold.order_id == order.order_id
    assert order.deadline >= inventory.now_seconds() + 2 * 86400 - 5
    paid = pay(orders.pay_online(ORG, order.order_id, GUEST))
    assert paid.status == "paid" and [seat_status(world, s) for s in seats] == ["sold", "sold"]


def test_a_reservation_expires_with_its_hold_and_the_seats_go_back(organisation):
    world = build_world(pos={"payment_ceiling": 0, "guest_reservations": True}, web={"reservation_days": 1})
    seat = world.seat("L", "B", 4)
    order = orders.checkout(ORG, cart_with(world, GUEST, seat, pit=2), GUEST, DETAILS)

    later = order.deadline + 1
    with clock.at(later):
        found = inventory.find_expired_holds(10)
        results = [hold_cleanup.release({"hold_id": hold_id}) for hold_id in found]

    assert sorted(r["order_expired"] for r in results) == [False, True]  # its other hold ends with it
    assert repository.get_order(order.order_id).status == "expired"
    assert seat_status(world, seat) == "free" and pit_free() == 20
    with pytest.raises(InvalidTransition):
        orders.pay_online(ORG, order.order_id, GUEST)


def test_a_buyer_cancels_a_reservation_and_the_seats_are_free_again(organisation):
    world = build_world(pos={"payment_ceiling": 0, "guest_reservations": True})
    seat = world.seat("L", "B", 4)
    order = orders.checkout(ORG, cart_with(world, GUEST, seat), GUEST, DETAILS)

    cancelled = orders.cancel_by_buyer(ORG, order.order_id, GUEST)

    assert cancelled.status == "cancelled" and seat_status(world, seat) == "free"
    with pytest.raises(InvalidTransition):
        orders.cancel_by_buyer(ORG, order.order_id, GUEST)


def test_a_channel_can_keep_reservation_cancellation_at_the_box_office(organisation):
    world = build_world(
        pos={"payment_ceiling": 0, "guest_reservations": True}, web={"reservations_cancellable_online": False}
    )
    order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    with pytest.raises(PermissionDenied):
        orders.cancel_by_buyer(ORG, order.order_id, GUEST)


def test_a_gift_voucher_pays_part_and_keeps_its_remaining_balance(world):
    voucher = backoffice.create_voucher(ORG, 8000, "EUR", None, None)
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4), world.seat("L", "B", 5))
    first = orders.checkout(
        ORG, cart_id, GUEST, CheckoutRequest(**vars(DETAILS) | {"gift_vouchers": (voucher["code"],)})
    )
    assert first.status == "paid" and backoffice.get_voucher(ORG, voucher["code"])["balance"] == 2000

    second_cart = cart_with(world, GUEST, world.seat("R", "B", 4))
    second = orders.checkout(
        ORG, second_cart, GUEST, CheckoutRequest(**vars(DETAILS) | {"gift_vouchers": (voucher["code"],)})
    )
    assert [(p.method, p.amount, p.status) for p in second.payments] == [
        ("gift_voucher", 2000, "succeeded"),
        ("card", 1000, "pending"),
    ]
    assert backoffice.get_voucher(ORG, voucher["code"])["balance"] == 0
    assert pay(second).status == "paid"


def test_an_unknown_or_used_up_voucher_is_refused_and_nothing_is_ordered(world):
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4))
    with pytest.raises(InvalidInput) as refused:
        orders.checkout(ORG, cart_id, GUEST, CheckoutRequest(**vars(DETAILS) | {"gift_vouchers": ("NOPE",)}))
    assert refused.value.details["field"] == "gift_vouchers"
    assert carts.get_cart(ORG, cart_id, GUEST).status == "open"


def test_voucher_and_credit_balance_together_pay_the_whole_order(world):
    voucher = backoffice.create_voucher(ORG, 1000, "EUR", None, "GIFT-TEN")
    repository.add_credit(ORG, SHOPPER.buyer_id, 5000, "seed", "2026-01-01", "test")
    cart_id = cart_with(world, SHOPPER, world.seat("L", "B", 4))

    order = orders.checkout(
        ORG, cart_id, SHOPPER, CheckoutRequest(gift_vouchers=("GIFT-TEN",), use_credit_balance=True)
    )

    assert [(p.method, p.amount) for p in order.payments] == [
        ("gift_voucher", 1000),
        ("credit_balance", 2000),
    ]
    assert order.status == "paid" and order.email == "bob@example.com"
    assert repository.credit_balance(ORG, SHOPPER.buyer_id) == 3000
    assert voucher["balance"] == 1000 and backoffice.get_voucher(ORG, "GIFT-TEN")["balance"] == 0


def test_a_guest_has_no_credit_balance(world):
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4))
    with pytest.raises(InvalidInput) as refused:
        orders.checkout(ORG, cart_id, GUEST, CheckoutRequest(**vars(DETAILS) | {"use_credit_balance": True}))
    assert refused.value.details["field"] == "use_credit_balance"


def test_a_voucher_spent_meanwhile_fails_the_checkout_whole(world):
    backoffice.create_voucher(ORG, 1000, "EUR", None, "GIFT-RACE")
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4))
    real = repository.get_voucher

    def stale(org_id, code):  # read before another order spent it
        return {**real(org_id, code), "balance": 1000}

    other = cart_with(world, Buyer(ORG, "guest-eve"), world.seat("R", "B", 4))
    orders.checkout(
        ORG,
        other,
        Buyer(ORG, "guest-eve"),
        CheckoutRequest(**vars(DETAILS) | {"gift_vouchers": ("GIFT-RACE",)}),
    )
    with mock.patch.object(repository, "get_voucher", side_effect=stale), pytest.raises(InsufficientBalance):
        orders.checkout(
            ORG, cart_id, GUEST, CheckoutRequest(**vars(DETAILS) | {"gift_vouchers": ("GIFT-RACE",)})
        )
    assert carts.get_cart(ORG, cart_id, GUEST).status == "open"


def test_an_operator_cancels_a_paid_order_refunding_the_credit_balance(world):
    seat = world.seat("L", "B", 4)
    order = pay(orders.checkout(ORG, cart_with(world, SHOPPER, seat, pit=1), SHOPPER, CheckoutRequest()))

    cancelled = orders.cancel_by_operator(ORG, order.order_id, "admin", "credit_balance")

    assert cancelled.status == "cancelled" and seat_status(world, seat) == "free" and pit_free() == 20
    assert {t.status for t in orders.tickets_of(cancelled)} == {"cancelled"}
    assert repository.credit_balance(ORG, SHOPPER.buyer_id) == 5000
    assert cancelled.refunds[0]["to"] == "credit_balance"
    with pytest.raises(InvalidTransition):
        orders.cancel_by_operator(ORG, order.order_id, "admin", "credit_balance")
    assert repository.credit_balance(ORG, SHOPPER.buyer_id) == 5000


def test_a_guest_order_is_refunded_to_the_card_not_to_a_credit_balance(world):
    order = pay(orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS))
    with pytest.raises(InvalidInput):
        orders.cancel_by_operator(ORG, order.order_id, "admin", "credit_balance")
    cancelled = orders.cancel_by_operator(ORG, order.order_id, "admin", "card")
    assert cancelled.payments[0].status == "succeeded"  # the refund is written, for the outbox
    assert [(r["to"], r["status"]) for r in cancelled.refunds] == [("card", "pending")]

    outbox.drain()

    refunded = repository.get_order(order.order_id)
    assert refunded.payments[0].status == "refunded"
    assert [(r["to"], r["status"]) for r in refunded.refunds] == [("card", "done")]


def test_a_shopper_cannot_cancel_a_paid_order_online(world):
    order = pay(orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS))
    with pytest.raises(PermissionDenied):
        orders.cancel_by_buyer(ORG, order.order_id, GUEST)


def test_a_payment_back_after_the_seats_went_to_someone_else_is_refunded(world):
    seat = world.seat("L", "B", 4)
    order = orders.checkout(ORG, cart_with(world, GUEST, seat), GUEST, DETAILS)
    later = order.deadline + 1
    with (
        clock.at(later),
    ):
        shop.clear_cache()
        cart_with(world, Buyer(ORG, "guest-eve"), seat)

    result = pay(order)
    outbox.drain()

    assert result.status == "cancelled"
    assert repository.get_order(order.order_id).payments[0].status == "refunded"
    assert seat_status(world, seat) == "held"  # still Eve's


def test_orders_are_their_buyers_only(world):
    order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    eve = Buyer(ORG, "guest-eve")
    for action in (
        lambda: orders.get_order(ORG, order.order_id, eve),
        lambda: orders.pay_online(ORG, order.order_id, eve),
        lambda: orders.cancel_by_buyer(ORG, order.order_id, eve),
        lambda: orders.checkout(ORG, order.cart_id, eve, DETAILS),
        lambda: orders.order_for_operator("other-org", order.order_id),
    ):
        with pytest.raises(NotFound):
            action()
    assert orders.my_orders(ORG, eve, 10, None) == ([], None)


def test_operators_find_orders_by_reference_email_status_and_performance(world):
    order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    assert [o.order_id for o in backoffice.search_orders(ORG, reference=order.order_id.lower())] == [
        order.order_id
    ]
    assert [o.order_id for o in backoffice.search_orders(ORG, email="ANN@")] == [order.order_id]
    assert backoffice.search_orders(ORG, status="paid") == []
    assert len(backoffice.search_orders(ORG, performance_id=world.performance_id)) == 1
    assert backoffice.search_orders(ORG, performance_id="other") == []


def test_ticket_control_admits_once_and_names_every_refusal(world):
    order = pay(orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4), pit=1), GUEST, DETAILS))
    first, second = orders.tickets_of(order)
    barcode = first.document["barcode"]

    assert tickets.scan(ORG, barcode, world.performance_id, "A", "gate-1").result == "valid"
    again = tickets.scan(ORG, barcode, world.performance_id, "B", "gate-2")
    assert again.result == "already_used" and again.used_at
    assert (
        tickets.scan(ORG, barcode[:-1] + ("A" if barcode[-1] != "A" else "B"), None, None, "x").result
        == "unknown"
    )
    assert tickets.scan("other-org", second.document["barcode"], None, None, "x").result == "unknown"
    assert (
        tickets.scan(ORG, second.document["barcode"], "other-show", None, "x").result == "wrong_performance"
    )
    orders.cancel_by_operator(ORG, order.order_id, "admin", "none")
    assert tickets.scan(ORG, second.document["barcode"], None, None, "x").result == "cancelled"
    scans = ticket_repository.get_ticket(first.ticket_id).scans
    assert [(s["result"], s.get("admitted", True)) for s in scans] == [
        ("valid", True),
        ("already_used", False),
    ]


def test_the_ticket_pdf_has_a_page_per_ticket(world):
    order = pay(orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4), pit=2), GUEST, DETAILS))
    pdf = tickets.ticket_pdf(order, orders.tickets_of(order))
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 3


def test_card_attempts_are_limited_so_seats_are_not_held_for_ever(world):
    order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    for _ in range(orders.MAX_CARD_ATTEMPTS - 1):
        pay(order, "declined")
        order = orders.pay_online(ORG, order.order_id, GUEST)
    pay(order, "declined")
    with pytest.raises(Conflict) as refused:
        orders.pay_online(ORG, order.order_id, GUEST)
    assert refused.value.details["max_attempts"] == orders.MAX_CARD_ATTEMPTS


def test_a_late_replay_of_the_payment_never_resets_a_scanned_ticket(world):
    order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    callback = card_callback(order)
    paid = orders.payment_callback(callback["payload"], callback["signature"])
    barcode = orders.tickets_of(paid)[0].document["barcode"]
    assert tickets.scan(ORG, barcode, None, None, "gate").result == "valid"

    ticket_repository.put_tickets(payments.issued_tickets(paid))  # what a concurrent settle would write again
    orders.payment_callback(callback["payload"], callback["signature"])

    assert tickets.scan(ORG, barcode, None, None, "gate").result == "already_used"


def test_a_confirmation_whose_tickets_were_cancelled_before_it_went_is_not_sent(world):
    order = pay(orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS))
    orders.cancel_by_operator(ORG, order.order_id, "admin", "card")

    outbox.drain()

    emails, _ = mail.list_outbox(ORG, reference=order.order_id)
    [confirmation] = [e for e in emails if e.kind == "order_confirmation"]
    assert confirmation.status == "obsolete" and "cancelled" in confirmation.error


def test_operators_search_orders_by_the_organisations_day_not_the_utc_day(world):
    """00:30 in Paris on 3 December is 23:30 UTC on 2 December: the order is the 3rd's for the box office."""
    from datetime import UTC, date, datetime

    from chalicelib import clock as the_clock
    from chalicelib.catalog import organisation

    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    with the_clock.at(late):
        order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    with the_clock.at(datetime(2026, 12, 3, 12, 0, tzinfo=UTC)):
        on_the_3rd = backoffice.search_orders(ORG, day_from=date(2026, 12, 3), day_to=date(2026, 12, 3))
        on_the_2nd = backoffice.search_orders(ORG, day_from=date(2026, 12, 2), day_to=date(2026, 12, 2))
        assert [o.order_id for o in on_the_3rd] == [order.order_id] and on_the_2nd == []
        organisation.set_time_zone(ORG, "America/New_York")  # 18:30 on the 2nd there
        assert [
            o.order_id
            for o in backoffice.search_orders(ORG, day_from=date(2026, 12, 2), day_to=date(2026, 12, 2))
        ] == [order.order_id]


def test_a_reservation_checked_out_twice_at_once_makes_one_order_and_both_answers_name_it(organisation):
    """The second request read the cart before the first wrote: its transaction fails on the cart's
    condition, whatever position DynamoDB reports it at (the order and its emails are puts, sent
    before the cart's update), and it answers the first request's order."""
    world = build_world(pos={"payment_ceiling": 0, "guest_reservations": True})
    cart_id = cart_with(world, GUEST, world.seat("L", "B", 4))
    stale = carts.get_cart(ORG, cart_id, GUEST)

    first = orders.checkout(ORG, cart_id, GUEST, DETAILS)
    with mock.patch.object(carts, "get_cart", return_value=stale):
        second = orders.checkout(ORG, cart_id, GUEST, DETAILS)

    assert first.status == "reservation" and second.order_id == first.order_id
    assert [o.order_id for o in repository.orders_of_day(ORG, first.created_at[:10])] == [first.order_id]
