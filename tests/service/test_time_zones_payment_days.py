"""An option's payment date is a day at the venue: it ends at 23:59:59 on the venue's clock, across
daylight-saving changes and in any zone, and "today" and the performance's day are the venue's days."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import clock
from chalicelib.errors import InvalidInput
from chalicelib.options import rules
from tests.service.test_time_zones_deadlines import local, show

NEW_YORK = "America/New_York"


def utc(epoch: int | None) -> str:
    assert epoch is not None
    return datetime.fromtimestamp(epoch, UTC).isoformat()


@pytest.mark.parametrize(
    ("day", "end"),
    [
        ("2027-03-27", "2027-03-27T22:59:59+00:00"),  # the last day of winter time (CET, +01:00)
        ("2027-03-28", "2027-03-28T21:59:59+00:00"),  # clocks go forward that night: CEST, +02:00
    ],
)
def test_a_payment_day_around_the_spring_change_ends_at_midnight_in_paris(organisation, day, end):
    performance = show(f"pay-spring-{day}", "2027-04-10T18:00:00+00:00")

    deadline = rules.payment_deadline("demo", performance, day)

    assert utc(deadline) == end
    assert local(deadline).endswith("23:59 (Europe/Paris)")


@pytest.mark.parametrize(
    ("day", "end"),
    [
        ("2026-10-24", "2026-10-24T21:59:59+00:00"),  # the last day of summer time (CEST, +02:00)
        ("2026-10-25", "2026-10-25T22:59:59+00:00"),  # clocks went back that morning: CET, +01:00
    ],
)
def test_a_payment_day_around_the_autumn_change_ends_at_midnight_in_paris(organisation, day, end):
    performance = show(f"pay-autumn-{day}", "2026-11-10T19:00:00+00:00")

    assert utc(rules.payment_deadline("demo", performance, day)) == end


@pytest.mark.parametrize(
    ("day", "end"),
    [
        ("2027-03-13", "2027-03-14T04:59:59+00:00"),  # EST, -05:00
        ("2027-03-14", "2027-03-15T03:59:59+00:00"),  # New York changes that morning: EDT, -04:00
    ],
)
def test_a_payment_day_in_new_york_ends_at_midnight_in_new_york(organisation, day, end):
    performance = show(f"pay-ny-{day}", "2027-03-17T00:00:00+00:00", zone=NEW_YORK)  # 20:00 EDT, 16th

    deadline = rules.payment_deadline("demo", performance, day)

    assert utc(deadline) == end
    assert local(deadline, NEW_YORK).endswith("23:59 (America/New_York)")


def test_the_payment_day_of_the_performance_ends_when_it_begins(organisation):
    performance = show("pay-ny-day", "2027-03-17T00:00:00+00:00", zone=NEW_YORK)

    assert utc(rules.payment_deadline("demo", performance, "2027-03-16")) == "2027-03-17T00:00:00+00:00"


def test_the_performance_day_is_the_venues_day(organisation):
    # 00:00 UTC on the 17th is still the 16th in New York: the 17th is after the performance there.
    performance = show("pay-ny-after", "2027-03-17T00:00:00+00:00", zone=NEW_YORK)

    with clock.at(datetime(2027, 3, 1, 12, 0, tzinfo=UTC)):
        rules.check_payment_date("demo", performance, "2027-03-16")
        with pytest.raises(InvalidInput) as refused:
            rules.check_payment_date("demo", performance, "2027-03-17")

    assert refused.value.details["field"] == "payment_date"
    assert refused.value.details["performance_day"] == "2027-03-16"


def test_today_is_the_venues_day(organisation):
    performance = show("pay-ny-today", "2027-03-17T00:00:00+00:00", zone=NEW_YORK)

    # 22:00 on 9 March in New York is already 10 March in UTC: the 9th is still payable there.
    with clock.at(datetime(2027, 3, 10, 3, 0, tzinfo=UTC)):
        rules.check_payment_date("demo", performance, "2027-03-09")
        with pytest.raises(InvalidInput) as refused:
            rules.check_payment_date("demo", performance, "2027-03-08")

    assert refused.value.details == {"field": "payment_date", "value": "2027-03-08"}
