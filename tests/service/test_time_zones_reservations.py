"""A reservation is payable until the end of the venue's day N days on, across daylight saving and zones."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import clock
from chalicelib.catalog import repository as catalog_repository
from chalicelib.sales import orders
from tests.service.test_sales_orders import DETAILS, GUEST, cart_with
from tests.shop_world import World, build_world

ORG = "demo"


def reserving(days: int, zone: str | None = None) -> World:
    world = build_world(
        pos={"payment_ceiling": 0, "guest_reservations": True}, web={"reservation_days": days}
    )
    performance = catalog_repository.get(ORG, "performance", world.performance_id)
    later = {**performance.data, "starts_at": "2027-06-01T18:00:00+00:00"}
    catalog_repository.replace(ORG, performance, later, None)
    if zone:
        hall = catalog_repository.get(ORG, "hall", performance.data["hall_id"])
        venue = catalog_repository.get(ORG, "venue", hall.data["venue_id"])
        catalog_repository.replace(ORG, venue, {**venue.data, "timezone": zone}, None)
    return world


def deadline_at(world: World, moment: datetime) -> str:
    with clock.at(moment):
        order = orders.checkout(ORG, cart_with(world, GUEST, world.seat("L", "B", 4)), GUEST, DETAILS)
    assert order.status == "reservation"
    return datetime.fromtimestamp(order.deadline, UTC).isoformat()


def test_three_days_across_the_spring_change_end_at_midnight_in_paris(organisation):
    # Thursday 25 March 2027, 10:00 CET; the clocks go forward on Sunday 28.
    world = reserving(3)

    assert deadline_at(world, datetime(2027, 3, 25, 9, 0, tzinfo=UTC)) == "2027-03-28T21:59:59+00:00"


def test_three_days_across_the_autumn_change_end_at_midnight_in_paris(organisation):
    # Thursday 28 October 2027, 10:00 CEST; the clocks go back on Sunday 31.
    world = reserving(3)
    performance = catalog_repository.get(ORG, "performance", world.performance_id)
    catalog_repository.replace(
        ORG, performance, {**performance.data, "starts_at": "2027-12-01T19:00:00Z"}, None
    )

    assert deadline_at(world, datetime(2027, 10, 28, 8, 0, tzinfo=UTC)) == "2027-10-31T22:59:59+00:00"


def test_the_days_count_from_the_venues_day(organisation):
    # 00:30 on Friday 26 March in Paris is still Thursday 25 in UTC: one day on is Saturday 27 in Paris.
    world = reserving(1)

    assert deadline_at(world, datetime(2027, 3, 25, 23, 30, tzinfo=UTC)) == "2027-03-27T22:59:59+00:00"


def test_a_venue_in_new_york_ends_at_midnight_there(organisation):
    # Friday 12 March 2027, 21:00 EST (02:00 UTC on the 13th); New York changes on Sunday 14.
    world = reserving(3, "America/New_York")

    assert deadline_at(world, datetime(2027, 3, 13, 2, 0, tzinfo=UTC)) == "2027-03-16T03:59:59+00:00"


def test_never_after_the_performance_begins(organisation):
    world = reserving(365)

    assert deadline_at(world, datetime(2027, 3, 25, 9, 0, tzinfo=UTC)) == "2027-06-01T18:00:00+00:00"
