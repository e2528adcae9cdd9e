"""The operator's home: today's sales, the coming performances' fill, reservations about to lapse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

from chalicelib.reports import dashboard
from tests.service.test_figures_service import GUEST, carry_out, checkout, pay
from tests.shop_world import build_world


def test_the_home_shows_today_the_fill_and_a_reservation_that_lapses_within_a_day(organisation):
    world = build_world(
        pos={"payment_ceiling": 3000, "guest_reservations": True}, web={"reservation_days": 1}
    )
    sold = pay(checkout(world, GUEST, world.seat("L", "B", 4)))
    reserved = checkout(world, GUEST, world.seat("L", "B", 5), world.seat("L", "B", 6))
    carry_out(sold.order_id, reserved.order_id)

    home = dashboard.home("demo", lambda area, action: True)

    assert home["today"] | {"day": ""} == {"day": "", "tickets": 1, "amount": 3000, "orders": 1}
    assert len(home["days"]) == 30 and home["channels"][0]["today_tickets"] == 1
    [coming] = [c for c in home["coming"] if c["performance_id"] == world.performance_id]
    cat2 = next(c for c in coming["categories"] if c["category"] == "CAT2")
    assert (cat2["sold"], cat2["held"], cat2["capacity"]) == (1, 2, 40)
    assert cat2["fill_rate"] == round(1 / 40, 4)
    # Payable for a day: until the end of the venue's next day, so it lapses within 24 h from an hour before.
    an_hour_before = datetime.fromtimestamp(reserved.deadline, UTC) - timedelta(hours=1)
    [expiring] = dashboard.expiring_reservations("demo", an_hour_before)
    assert expiring["order_id"] == reserved.order_id and expiring["places"] == 2
    assert home["to_act_on"]["reservations_expiring"] is not None  # the admin may see them
    assert home["to_act_on"]["options"] == {"to_place": 0, "past_deadline": 0, "expired": 0}


def test_a_reservation_lapsing_in_two_days_is_not_yet_to_act_on(organisation):
    world = build_world(pos={"payment_ceiling": 0, "guest_reservations": True}, web={"reservation_days": 3})
    reserved = checkout(world, GUEST, world.seat("L", "B", 6))
    carry_out(reserved.order_id)

    assert dashboard.expiring_reservations("demo", datetime.now(UTC)) == []
    later = datetime.fromtimestamp(reserved.deadline, UTC) - timedelta(hours=1)
    with mock.patch.object(dashboard, "now", return_value=later):
        assert [r["order_id"] for r in dashboard.expiring_reservations("demo", later)] == [reserved.order_id]
