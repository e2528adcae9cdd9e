"""Order lines are built once: a ticket of every origin (the shop, an option's reservation, the box
office taking it up) names its venue and hall."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.options import service as options
from chalicelib.options.service import LineIn, RequestIn
from chalicelib.sales import box_office, orders, repository
from tests.service.test_options import activity_settings
from tests.service.test_sales_orders import DETAILS, GUEST, cart_with, pay
from tests.shop_world import World, build_world

ORG = "demo"
WHERE = "Venue, Hall"


@pytest.fixture
def world(organisation) -> World:
    built = build_world()
    activity_settings(built, options_allowed=True, options_count_against_availability=True)
    return built


def venues(order) -> set[str]:
    tickets = orders.tickets_of(order)
    assert len(tickets) == len(order.lines) > 0
    return {line.venue for line in order.lines} | {t.document["venue"] for t in tickets}


def test_a_ticket_bought_in_the_shop_names_its_venue(world):
    order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4), pit=1), GUEST, DETAILS)
    assert venues(pay(order)) == {WHERE}


def test_a_ticket_of_an_option_taken_up_at_the_box_office_names_its_venue(world):
    contact = catalog.create(ORG, "contact", k.ContactSpec(code="A", name="A", email="a@l.example")).id
    request = RequestIn(world.performance_id, {world.category("CAT2"): 2})
    option = options.request_for_contact(ORG, "admin", contact, request)
    options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), 2)])
    order_id = options.validate(ORG, [option.option_id], "admin")[0].order_id
    assert {line.venue for line in repository.get_order(order_id).lines} == {WHERE}

    paid = box_office.take_up(ORG, order_id, box_office.CASH, "cashier")

    assert paid.status == "paid" and venues(paid) == {WHERE}
    assert options.get(ORG, option.option_id).state == "taken_up"
