"""The five defects found by walking an option's whole life: a shared order, the venue, the payment
date, a cancelled refusal and fallback dates of another show."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.errors import InvalidInput
from chalicelib.inventory import service as inventory
from chalicelib.options import model as m
from chalicelib.options import service as options
from chalicelib.options.service import LineIn, RequestIn
from chalicelib.sales import repository as sales
from tests.service.test_options import activity_settings, held_by, requested
from tests.shop_world import World, build_world

ORG = "demo"


@pytest.fixture
def world(organisation) -> World:
    built = build_world()
    activity_settings(built, options_allowed=True, options_count_against_availability=True)
    return built


@pytest.fixture
def contact(world) -> str:
    spec = k.ContactSpec(code="ANNE", name="Anne", email="anne@lycee.example")
    return catalog.create(ORG, "contact", spec).id


def placed(world: World, contact: str, quantity: int, payment_date: str | None = None) -> options.Option:
    option = requested(world, contact, quantity)
    lines = [LineIn(world.category("CAT2"), quantity)]
    return options.place(ORG, option.option_id, "admin", None, lines, payment_date=payment_date)


def another_performance(world: World, *, same_event: bool) -> str:
    performance = catalog.get(ORG, "performance", world.performance_id).data
    event_id = performance["event_id"]
    if not same_event:
        event = catalog.get(ORG, "event", event_id).data
        spec = k.EventSpec(**{**event, "code": "NUT", "name": "The Nutcracker"})
        event_id = catalog.create(ORG, "event", spec).id
    code = "LATER" if same_event else "NUT1"
    spec = k.PerformanceSpec(**{**performance, "event_id": event_id, "code": code})
    return catalog.create(ORG, "performance", spec).id


def test_cancelling_one_validation_takes_only_its_lines_out_of_a_shared_order(world, contact):
    first, second = placed(world, contact, 2), placed(world, contact, 3)
    outcomes = options.validate(ORG, [first.option_id, second.option_id], "admin")
    order_id = outcomes[0].order_id
    assert order_id and outcomes[1].order_id == order_id

    back = options.cancel_validation(ORG, first.option_id, "admin")

    order = sales.get_order(order_id)
    assert order.status == "reservation" and len(order.lines) == 3 and order.total == 3 * 3000
    assert back.state == m.PLACED and back.order_id is None and len(held_by(first.option_id)) == 2
    assert all(hold.order_id is None for hold in inventory.get_holds(back.placed[0].hold_ids))
    other = options.get(ORG, second.option_id)
    assert other.state == m.VALIDATED and "cancel_validation" in m.allowed_actions(options.situation(other))

    options.cancel_validation(ORG, second.option_id, "admin")

    assert sales.get_order(order_id).status == "cancelled" and len(held_by(second.option_id)) == 3


def test_an_options_order_lines_name_the_venue(world, contact):
    option = placed(world, contact, 2)
    order_id = options.validate(ORG, [option.option_id], "admin")[0].order_id
    assert {line.venue for line in sales.get_order(order_id).lines} == {"Venue, Hall"}


def test_the_payment_date_of_the_placement_is_the_reservations_deadline(world, contact):
    # The world's venue names no zone: it is in Paris, and the payment day is Paris's day.
    paris = ZoneInfo("Europe/Paris")
    day = (clock.now().astimezone(paris) + timedelta(days=2)).date()
    option = placed(world, contact, 2, payment_date=day.isoformat())
    end_of_day = int(datetime.combine(day, time(23, 59, 59), tzinfo=paris).timestamp())
    assert option.deadline > end_of_day  # the option's own deadline is not the payment date

    order_id = options.validate(ORG, [option.option_id], "admin")[0].order_id

    assert datetime.fromtimestamp(end_of_day, UTC).hour in (21, 22)  # 23:59:59 in Paris, not in UTC
    assert sales.get_order(order_id).deadline == end_of_day
    assert {h.expires_at for h in inventory.get_holds(option.placed[0].hold_ids)} == {end_of_day}


def test_a_payment_date_already_past_is_refused_naming_the_field(world, contact):
    yesterday = (clock.now().astimezone(ZoneInfo("Europe/Paris")) - timedelta(days=1)).date().isoformat()
    with pytest.raises(InvalidInput) as refused:
        placed(world, contact, 2, payment_date=yesterday)
    assert refused.value.details["field"] == "payment_date"


def test_cancelling_the_refusal_of_a_request_holds_its_places_again(world, contact):
    option = requested(world, contact, 6)
    assert len(held_by(option.option_id)) == 6
    options.refuse(ORG, option.option_id, "admin")
    assert held_by(option.option_id) == []

    back = options.cancel_refusal(ORG, option.option_id, "admin")

    assert back.state == m.REQUESTED and len(held_by(option.option_id)) == 6
    assert sum(line.quantity for line in back.request_holds) == 6


def test_a_fallback_date_of_another_show_is_refused_naming_the_field(world, contact):
    other_show = another_performance(world, same_event=False)
    request = RequestIn(world.performance_id, {world.category("CAT2"): 2}, (other_show,))
    with pytest.raises(InvalidInput) as refused:
        options.request_for_contact(ORG, "admin", contact, request)
    assert refused.value.details["field"] == "fallback_performance_ids"

    same_show = another_performance(world, same_event=True)
    request = RequestIn(world.performance_id, {world.category("CAT2"): 2}, (same_show,))
    assert options.request_for_contact(ORG, "admin", contact, request).fallback_performance_ids == [same_show]


def test_an_option_put_on_the_waiting_list_is_flagged_at_once_when_its_places_are_free(world, contact):
    option = requested(world, contact, 4)
    options.refuse(ORG, option.option_id, "admin")  # its 4 places go back: they are free now

    waiting = options.put_on_waiting_list(ORG, option.option_id, "admin")

    assert waiting.state == m.WAITING_LIST and waiting.flagged_fits is True
