"""The producer space: a producer sees its own events only, their availability per quota from the
stock, their takings from the figures, and the buyers who agreed to be contacted."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from chalicelib.auth import repository as accounts
from chalicelib.auth import service as auth
from chalicelib.auth import shoppers
from chalicelib.auth.model import Shopper
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.errors import PermissionDenied
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.reports import service as figures
from chalicelib.sales import carts, orders
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.shop import service as shop
from chalicelib.spaces import cultural_contacts, producer
from tests.service.test_stock_helpers import open_in_process
from tests.shop_world import World, build_world
from tests.shopper_accounts import link_relay

ORG = "demo"


@dataclass
class Producers:
    world: World
    other: World  # another event, produced by another company
    a: str  # companies producing the world's event
    b: str
    c: str  # produces the other event only
    relay_a: Shopper
    relay_c: Shopper


def _company(code: str, kind: str) -> str:
    return catalog.create(
        ORG, "company", k.CompanySpec(code=code, name=f"Prod {code}", company_type_id=kind)
    ).id


def _produced_by(world: World, *companies: str) -> str:
    event_id = catalog.get(ORG, "performance", world.performance_id).data["event_id"]
    event = catalog.get(ORG, "event", event_id)
    catalog.replace(
        ORG, "event", event_id, k.EventSpec(**{**event.data, "producer_company_ids": list(companies)}), None
    )
    return event_id


def relay_of(company: str, code: str) -> Shopper:
    """A shop account acting for a new relay contact of the company (an invitation accepted)."""
    email = f"{code.lower()}@producer.example"
    spec = k.ContactSpec(code=code, name=f"Relay {code}", email=email, company_id=company, relay=True)
    link_relay(ORG, email, catalog.create(ORG, "contact", spec).id)
    return shoppers.profile(ORG, accounts.find_shopper_by_email(ORG, email)[0].shopper_id)


def another_event(world: World) -> World:
    """A performance of another event, on the same layout, open for sale."""
    performance = catalog.get(ORG, "performance", world.performance_id).data
    event = catalog.get(ORG, "event", performance["event_id"]).data
    event_id = catalog.create(ORG, "event", k.EventSpec(**{**event, "code": "NUT", "name": "Nutcracker"})).id
    spec = k.PerformanceSpec(**{**performance, "event_id": event_id, "code": "NUT1"})
    built = replace(world.built, performance_id=catalog.create(ORG, "performance", spec).id)
    open_in_process(built)
    shop.clear_cache()
    return replace(world, built=built)


def build_producers() -> Producers:
    world = build_world()
    other = another_event(world)
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="PROD", name="Producer")).id
    a, b, c = (_company(code, kind) for code in ("A", "B", "C"))
    _produced_by(world, a, b)
    _produced_by(other, c)
    return Producers(world, other, a, b, c, relay_of(a, "RA"), relay_of(c, "RC"))


def event_of(world: World) -> str:
    return catalog.get(ORG, "performance", world.performance_id).data["event_id"]


def customer(email: str, name: str, *, consent: bool) -> Buyer:
    shopper = auth.register_shopper(ORG, email, name, "customer-password")[2]
    shoppers.update_profile(
        ORG,
        shopper.shopper_id,
        {"phone": "+33 6 12 34 56 78", "language": "fr", "cultural_contact_consent": consent},
    )
    return Buyer(ORG, shopper.shopper_id, shopper.shopper_id, email, name)


def bought(world: World, buyer: Buyer, *seats: str, pit: int = 0, pos: str = "WEB1", paid: bool = True):
    cart = carts.open_cart(ORG, pos, buyer)
    if seats:
        carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
    if pit:
        carts.add_to_cart(
            ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, area="PIT", quantity=pit)
        )
    request = CheckoutRequest() if buyer.shopper_id else CheckoutRequest(email="g@example.com", name="G")
    order = orders.checkout(ORG, cart.cart_id, buyer, request)
    if paid:
        card = next(p for p in reversed(order.payments) if p.method == "card" and p.redirect_url)
        callback = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
        order = orders.payment_callback(callback["payload"], callback["signature"])
    figures.count_order(order.order_id)
    return order


@pytest.fixture
def p(organisation) -> Producers:
    return build_producers()


def test_a_producer_relay_sees_only_the_events_its_company_produces(p):
    assert producer.producer_company(p.relay_a) == p.a
    mine = producer.events(ORG, p.a)

    assert [e["event_id"] for e in mine] == [event_of(p.world)]
    (perf,) = mine[0]["performances"]
    assert perf["performance_id"] == p.world.performance_id
    assert perf["starts_at"][19:] in ("+01:00", "+02:00")  # the venue's clock, with its offset
    assert [e["event_id"] for e in producer.events(ORG, p.c)] == [event_of(p.other)]


def test_each_of_an_events_producers_sees_it(p):
    assert [e["event_id"] for e in producer.events(ORG, p.b)] == [event_of(p.world)]


def test_a_producer_reading_another_producers_event_is_refused_not_answered_empty(p):
    for report in (producer.availability, producer.takings, cultural_contacts.cultural_contacts):
        with pytest.raises(PermissionDenied) as refused:
            report(ORG, p.c, event_of(p.world))
        assert refused.value.details["reason"] == "not_your_event"


def test_an_unknown_event_is_refused_as_not_yours(p):
    with pytest.raises(PermissionDenied) as refused:
        producer.availability(ORG, p.a, "no-such-event")
    assert refused.value.details["reason"] == "not_your_event"


def test_a_shopper_who_is_no_producers_relay_has_no_producer_space(p):
    plain = auth.register_shopper(ORG, "plain@example.com", "Plain", "plain-password")[2]
    with pytest.raises(PermissionDenied) as refused:
        producer.producer_company(plain)
    assert refused.value.details["reason"] == "not_a_producer"


def test_availability_counts_free_held_and_sold_places_per_quota(p):
    world = p.world
    ann = customer("ann@example.com", "Ann", consent=True)
    bought(world, ann, world.seat("L", "B", 1), world.seat("L", "B", 2), pit=3)
    bought(world, ann, world.seat("R", "C", 5), paid=False)  # waiting for its card payment: held

    report = producer.availability(ORG, p.a, event_of(world))

    web = world.built.quotas["WEB"]
    seated = next(r for r in report["rows"] if r["quota_id"] == web and r["kind"] == "seated")
    # rows B and C of two blocks of 10 seats are the web quota
    assert (seated["capacity"], seated["sold"], seated["held"], seated["free"]) == (40, 2, 1, 37)
    box = next(r for r in report["rows"] if r["quota_id"] == world.built.quotas["BOX"])
    assert (box["capacity"], box["free"], box["taken"]) == (20, 20, 0)
    pit = next(r for r in report["rows"] if r["kind"] == "standing")
    assert (pit["capacity"], pit["free"], pit["taken"]) == (20, 17, 3)
    assert report["totals"] == {"capacity": 80, "free": 74, "taken": 6}


def test_takings_are_per_performance_seat_category_and_audience_net_of_cancellations(p):
    world = p.world
    ann = customer("ann@example.com", "Ann", consent=True)
    bought(world, ann, world.seat("L", "B", 1), pit=1)
    cancelled = bought(world, ann, world.seat("L", "B", 2))
    orders.cancel_by_operator(ORG, cancelled.order_id, "admin", "card")
    figures.count_order(cancelled.order_id)

    report = producer.takings(ORG, p.b, event_of(world))

    assert [(r["category"], r["audience"], r["tickets"], r["amount"]) for r in report["rows"]] == [
        ("CAT2", "Full price", 1, 3000),
        ("PIT", "Full price", 1, 2000),
    ]
    assert report["by_performance"] == [
        {
            "performance_id": world.performance_id,
            "performance": report["rows"][0]["performance"],
            "tickets": 2,
            "amount": 5000,
        }
    ]
    assert report["totals"] == {"tickets": 2, "amount": 5000}
    assert report["currency"] == "EUR"


def test_cultural_contacts_are_the_events_buyers_who_agreed_to_be_contacted(p):
    world = p.world
    ann = customer("ann@example.com", "Ann", consent=True)
    bob = customer("bob@example.com", "Bob", consent=False)
    bought(world, ann, world.seat("L", "B", 1), world.seat("L", "B", 2))
    bought(world, bob, world.seat("L", "B", 3))
    bought(world, Buyer(ORG, "guest-zed"), world.seat("L", "B", 4))
    cara = customer("cara@example.com", "Cara", consent=True)
    bought(p.other, cara, p.other.seat("L", "B", 1))  # another producer's event

    report = cultural_contacts.cultural_contacts(ORG, p.a, event_of(world))

    assert [(r["email"], r["tickets"], r["phone"], r["language"]) for r in report["rows"]] == [
        ("ann@example.com", 2, "+33 6 12 34 56 78", "fr")
    ]
    assert report["rows"][0]["performance_ids"] == [world.performance_id]
    assert report["rows"][0]["consent_at"]


def test_a_buyer_of_standing_places_only_is_a_cultural_contact_until_the_order_is_cancelled(p):
    world = p.world
    dan = customer("dan@example.com", "Dan", consent=True)
    order = bought(world, dan, pit=2)

    listed = cultural_contacts.cultural_contacts(ORG, p.a, event_of(world))["rows"]
    orders.cancel_by_operator(ORG, order.order_id, "admin", "card")
    figures.count_order(order.order_id)
    after = cultural_contacts.cultural_contacts(ORG, p.a, event_of(world))["rows"]

    assert [(r["email"], r["tickets"], r["performance_ids"]) for r in listed] == [
        ("dan@example.com", 2, [world.performance_id])
    ]
    assert after == []


def test_withdrawing_consent_takes_the_buyer_off_the_list(p):
    world = p.world
    ann = customer("ann@example.com", "Ann", consent=True)
    bought(world, ann, world.seat("L", "B", 1))
    shoppers.update_profile(ORG, ann.shopper_id, {"cultural_contact_consent": False})

    assert cultural_contacts.cultural_contacts(ORG, p.a, event_of(world))["rows"] == []


def test_the_operators_picker_lists_every_producing_company(p):
    found = producer.producer_companies(ORG)
    assert [(c["name"], c["events"]) for c in found] == [("Prod A", 1), ("Prod B", 1), ("Prod C", 1)]


def test_a_producer_whose_company_account_is_suspended_has_no_producer_space(p):
    company = catalog.get(ORG, "company", p.a)
    suspended = k.CompanySpec(**{**company.data, "account_status": "suspended"})
    catalog.replace(ORG, "company", p.a, suspended, None)

    with pytest.raises(PermissionDenied) as refused:
        producer.producer_company(p.relay_a)
    assert refused.value.details["reason"] == "company_account_not_accepted"
