"""Options from request to order against moto: settings, placement on stock, refusals, the waiting
list, validation into a reservation, expiry."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.db.stock import SeatItem
from chalicelib.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied, SeatUnavailable
from chalicelib.inventory import service as inventory
from chalicelib.options import model as m
from chalicelib.options import service as options
from chalicelib.options.service import LineIn, RequestIn
from chalicelib.sales import repository as sales
from chalicelib.workflows import option_expiry
from tests.shop_world import World, build_world
from tests.shopper_accounts import link_relay

ORG = "demo"


def activity_settings(world: World, **settings) -> None:
    performance = catalog.get(ORG, "performance", world.performance_id).data
    event = catalog.get(ORG, "event", performance["event_id"]).data
    activity = catalog.get(ORG, "activity", event["activity_id"])
    catalog.replace(ORG, "activity", activity.id, k.ActivitySpec(**{**activity.data, **settings}), None)


@pytest.fixture
def world(organisation) -> World:
    built = build_world()
    activity_settings(built, options_allowed=True, options_count_against_availability=True)
    return built


@pytest.fixture
def contact(world) -> str:
    school = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="SCHOOL", name="School")).id
    company = catalog.create(
        ORG, "company", k.CompanySpec(code="LYC", name="Lycée", company_type_id=school)
    ).id
    spec = k.ContactSpec(code="ANNE", name="Anne", email="anne@lycee.example", company_id=company, relay=True)
    contact_id = catalog.create(ORG, "contact", spec).id
    link_relay(ORG, "anne@lycee.example", contact_id)  # her shop account, invited and accepted
    return contact_id


def held_by(option_id: str) -> list[str]:
    return sorted(
        s.seat_id
        for s in SeatItem.scan(SeatItem.sk.startswith("SEAT#"), consistent_read=True)
        if s.status == "held" and s.hold_id and inventory.get_hold(s.hold_id).owner == f"option-{option_id}"
    )


def requested(world: World, contact: str, quantity: int = 6) -> options.Option:
    request = RequestIn(world.performance_id, {world.category("CAT2"): quantity}, remark="Class of 6")
    return options.request_for_contact(ORG, "admin", contact, request)


def test_a_request_is_numbered_and_counted_against_availability_holds_its_places(world, contact):
    first, second = requested(world, contact), requested(world, contact)
    assert (first.number, second.number) == (1, 2)
    assert first.state == m.REQUESTED and first.requested == {world.category("CAT2"): 6}
    assert len(held_by(first.option_id)) == 6 and len(held_by(second.option_id)) == 6

    options.withdraw(ORG, "anne@lycee.example", first.option_id)
    assert held_by(first.option_id) == []


def test_placing_swaps_the_requests_places_for_the_granted_ones(world, contact):
    option = requested(world, contact, 6)
    placed = options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), 4)])
    assert placed.request_holds == [] and len(held_by(option.option_id)) == 4


def test_a_request_not_counted_against_availability_holds_nothing(world, contact):
    activity_settings(world, options_allowed=True, options_count_against_availability=False)
    assert held_by(requested(world, contact).option_id) == []


def test_counted_options_overbook_by_the_activitys_percent_and_take_seats_when_validated(organisation):
    world = build_world(rows=2, per_row=5)  # 10 web seats in Cat 2
    activity_settings(
        world,
        options_allowed=True,
        options_count_against_availability=True,
        overbooking_allowed=True,
        overbooking_percent=20,
    )
    contact = catalog.create(ORG, "contact", k.ContactSpec(code="A", name="A", email="a@l.example")).id
    full, extra, beyond = (
        requested(world, contact, 10),
        requested(world, contact, 2),
        requested(world, contact, 1),
    )
    options.place(ORG, full.option_id, "admin", None, [LineIn(world.category("CAT2"), 10)])

    overbooked = options.place(ORG, extra.option_id, "admin", None, [LineIn(world.category("CAT2"), 2)])
    assert [(p.quantity, bool(p.hold_ids)) for p in overbooked.placed] == [(2, False)]
    with pytest.raises(Conflict) as refused:
        options.place(ORG, beyond.option_id, "admin", None, [LineIn(world.category("CAT2"), 1)])
    assert refused.value.details["allowed"] == 2
    assert options.validate(ORG, [extra.option_id], "admin")[0].ok is False  # no seat for it yet

    options.refuse(ORG, full.option_id, "admin")
    outcome = options.validate(ORG, [extra.option_id], "admin")[0]
    assert outcome.ok and len(held_by(extra.option_id)) == 2


def test_placing_takes_the_granted_seats_and_refusing_gives_them_back(world, contact):
    option = requested(world, contact)

    placed = options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), 4)])

    assert placed.state == m.PLACED and placed.placed_quantity == 4
    assert len(held_by(option.option_id)) == 4
    refused = options.refuse(ORG, option.option_id, "admin")
    assert refused.state == m.REFUSAL_PENDING and held_by(option.option_id) == []
    back = options.cancel_refusal(ORG, option.option_id, "admin")
    assert back.state == m.PLACED and len(held_by(option.option_id)) == 4


def test_a_placement_beyond_free_stock_is_refused_and_takes_nothing(world, contact):
    option = requested(world, contact, 50)
    with pytest.raises(SeatUnavailable):
        options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), 50)])
    assert held_by(option.option_id) == [] and options.get(ORG, option.option_id).state == m.REQUESTED


def test_other_categories_only_one_up_and_when_accepted(world, contact):
    option = requested(world, contact)
    with pytest.raises(InvalidInput):
        options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT1"), 4)])
    upgrade = options.request_for_contact(
        ORG,
        "admin",
        contact,
        RequestIn(world.performance_id, {world.category("CAT2"): 2}, accept_upgrade=True),
    )
    assert (
        options.place(ORG, upgrade.option_id, "admin", None, [LineIn(world.category("CAT1"), 2)]).state
        == m.PLACED
    )


def test_validating_makes_one_reservation_per_contact_with_the_held_seats(world, contact):
    first, second = requested(world, contact, 2), requested(world, contact, 3)
    for option, n in ((first, 2), (second, 3)):
        options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), n)])
    refused = requested(world, contact, 1)
    options.refuse(ORG, refused.option_id, "admin")

    outcomes = options.validate(ORG, [first.option_id, second.option_id, refused.option_id], "admin")

    assert {o.option_id: o.state for o in outcomes} == {
        first.option_id: m.VALIDATED,
        second.option_id: m.VALIDATED,
        refused.option_id: m.REFUSED,
    }
    order_ids = {o.order_id for o in outcomes if o.order_id}
    assert len(order_ids) == 1
    order = sales.get_order(order_ids.pop())
    assert order.status == "reservation" and len(order.lines) == 5 and order.total == 5 * 3000
    assert len(held_by(first.option_id) + held_by(second.option_id)) == 5


def test_a_validation_is_cancelled_while_its_order_is_not_taken_up_and_a_firm_option_stays(world, contact):
    option = requested(world, contact, 2)
    options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), 2)])
    options.validate(ORG, [option.option_id], "admin")

    back = options.cancel_validation(ORG, option.option_id, "admin")
    assert back.state == m.PLACED and back.order_id is None and len(held_by(option.option_id)) == 2

    options.validate(ORG, [option.option_id], "admin")
    options.firm(ORG, option.option_id, "admin")
    with pytest.raises(InvalidTransition):
        options.cancel_validation(ORG, option.option_id, "admin")


def test_the_waiting_list_and_back(world, contact):
    option = requested(world, contact)
    options.refuse(ORG, option.option_id, "admin")
    waiting = options.put_on_waiting_list(ORG, option.option_id, "admin")
    assert waiting.state == m.WAITING_LIST
    assert [o.option_id for o in options.flag_waiting_options(ORG, world.performance_id)] == [
        option.option_id
    ]
    assert options.get(ORG, option.option_id).flagged_fits is True
    assert options.back_to_refused(ORG, option.option_id, "admin").state == m.REFUSAL_PENDING
    with pytest.raises(InvalidTransition):
        options.firm(ORG, option.option_id, "admin")


def test_options_not_counted_against_availability_hold_nothing_until_validated(organisation):
    world = build_world()
    activity_settings(world, options_allowed=True, options_count_against_availability=False)
    school = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="SCHOOL", name="School")).id
    company = catalog.create(
        ORG, "company", k.CompanySpec(code="LYC", name="Lycée", company_type_id=school)
    ).id
    contact = catalog.create(
        ORG, "contact", k.ContactSpec(code="A", name="A", email="a@l.example", company_id=company)
    ).id
    option = requested(world, contact, 4)
    options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), 4)])
    assert held_by(option.option_id) == []
    outcome = options.validate(ORG, [option.option_id], "admin")[0]
    assert outcome.ok, outcome.error
    assert len(held_by(option.option_id)) == 4


def test_overbooking_lets_unheld_placements_exceed_free_places_by_its_percent(organisation):
    world = build_world(rows=2, per_row=5)  # 10 web seats in Cat 2
    activity_settings(
        world, options_allowed=True, overbooking_allowed=True, overbooking_percent=20
    )  # not counted against availability
    contact = catalog.create(ORG, "contact", k.ContactSpec(code="A", name="A", email="a@l.example")).id
    first, second = requested(world, contact, 10), requested(world, contact, 3)
    options.place(ORG, first.option_id, "admin", None, [LineIn(world.category("CAT2"), 10)])
    options.place(ORG, second.option_id, "admin", None, [LineIn(world.category("CAT2"), 2)])  # 12 = 10 + 20%
    third = requested(world, contact, 1)
    with pytest.raises(Conflict) as refused:
        options.place(ORG, third.option_id, "admin", None, [LineIn(world.category("CAT2"), 1)])
    assert refused.value.details["allowed"] == 12


def test_settings_refuse_options_where_they_are_not_allowed(world, contact):
    activity_settings(world, options_allowed=False)
    with pytest.raises(PermissionDenied):
        requested(world, contact)


def test_limitation_tables_cap_a_company_types_options(world, contact):
    school = catalog.all_items(ORG, "company_type")[0].id
    spec = k.OptionLimitationSpec(
        code="SCH", name="Schools", company_type_ids=[school], max_places_per_option=5
    )
    catalog.create(ORG, "option_limitation", spec)
    with pytest.raises(InvalidInput) as refused:
        requested(world, contact, 6)
    assert refused.value.details["max"] == 5


def test_online_requests_follow_the_channels_profile(world, contact):
    channel = world.channels["WEB1"]
    profile = k.SeatOptionProfileSpec(
        code="GRP",
        name="Groups",
        channel_ids=[channel],
        starts_on="2026-01-01",
        ends_on="2030-12-31",
        minimum_quantity=5,
        payment_date="2030-01-15",
        validated=True,
    )
    catalog.create(ORG, "seat_option_profile", profile)
    small = RequestIn(world.performance_id, {world.category("CAT2"): 4})
    with pytest.raises(InvalidInput) as refused:
        options.request_online(ORG, "WEB1", "anne@lycee.example", small)
    assert refused.value.details["minimum"] == 5
    with pytest.raises(PermissionDenied):  # not a relay
        options.request_online(
            ORG, "WEB1", "someone@else.example", RequestIn(world.performance_id, {world.category("CAT2"): 5})
        )
    option = options.request_online(
        ORG, "WEB1", "anne@lycee.example", RequestIn(world.performance_id, {world.category("CAT2"): 5})
    )
    assert (
        option.created_by.startswith("contact:")
        and options.my_options(ORG, "anne@lycee.example")[0].number == 1
    )
    assert option.payment_date == "2030-01-15"  # from the channel's profile
    edited = options.edit_request(
        ORG,
        "anne@lycee.example",
        option.option_id,
        RequestIn(world.performance_id, {world.category("CAT2"): 7}),
    )
    assert edited.requested == {world.category("CAT2"): 7}
    # an operator's direct option ignores the profile's minimum
    direct = options.direct(ORG, "admin", contact, world.performance_id, [LineIn(world.category("CAT2"), 1)])
    assert direct.state == m.PLACED


def test_a_lapsed_option_expires_through_the_workflow_task_and_its_seats_return(world, contact):
    option = requested(world, contact, 2)
    placed = options.place(ORG, option.option_id, "admin", None, [LineIn(world.category("CAT2"), 2)])
    later = placed.deadline + 1
    with clock.at(later):
        found = option_expiry.find({"limit": 10})
        results = [option_expiry.expire({"option_id": o}) for o in found["option_ids"]]
        again = option_expiry.find({"limit": 10})
    assert found["option_ids"] == [option.option_id] and results == [
        {"option_id": option.option_id, "expired": True}
    ]
    assert again["option_ids"] == []
    assert options.get(ORG, option.option_id).state == m.EXPIRED and held_by(option.option_id) == []


def test_duplicate_makes_a_new_request_like_the_source(world, contact):
    option = requested(world, contact, 3)
    copy = options.duplicate(ORG, option.option_id, "admin")
    assert (
        copy.option_id != option.option_id
        and copy.requested == option.requested
        and copy.state == m.REQUESTED
    )


def test_a_waiting_option_is_flagged_when_a_refusal_frees_enough_places(organisation):
    world = build_world(rows=2, per_row=3)  # 6 web seats in Cat 2
    activity_settings(world, options_allowed=True, options_count_against_availability=True)
    contact = catalog.create(ORG, "contact", k.ContactSpec(code="A", name="A", email="a@l.example")).id
    big = requested(world, contact, 6)
    options.place(ORG, big.option_id, "admin", None, [LineIn(world.category("CAT2"), 6)])
    waiting = requested(world, contact, 4)
    options.refuse(ORG, waiting.option_id, "admin")
    options.put_on_waiting_list(ORG, waiting.option_id, "admin")
    assert options.flag_waiting_options(ORG, world.performance_id) == []

    options.refuse(ORG, big.option_id, "admin")

    assert options.get(ORG, waiting.option_id).flagged_fits is True
