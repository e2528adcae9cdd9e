"""A venue's local time: shown with its zone, and deadlines that keep their wall time across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from chalicelib.catalog import kinds as k
from chalicelib.catalog import zones

PARIS = "Europe/Paris"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_time_is_shown_in_the_venue_local_time_with_its_zone():
    assert zones.local_text(utc(2026, 12, 12, 19, 0), PARIS) == "Sat 12 Dec 2026, 20:00 (Europe/Paris)"
    assert zones.local_text("2027-07-01T18:30:00+00:00", PARIS) == "Thu 1 Jul 2027, 20:30 (Europe/Paris)"
    assert zones.local_text(utc(2026, 12, 12, 19, 0), "America/New_York") == (
        "Sat 12 Dec 2026, 14:00 (America/New_York)"
    )


def test_the_local_iso_text_carries_the_offset_of_the_season():
    assert zones.local_iso(utc(2026, 12, 12, 19, 0), PARIS) == "2026-12-12T20:00:00+01:00"
    assert zones.local_iso(utc(2027, 7, 1, 18, 0), PARIS) == "2027-07-01T20:00:00+02:00"
    assert zones.local_iso("2027-07-01T18:00:00", PARIS) == "2027-07-01T20:00:00+02:00"  # no offset: UTC
    assert zones.local_iso(int(utc(2027, 7, 1, 18, 0).timestamp()), PARIS) == "2027-07-01T20:00:00+02:00"


def test_days_before_a_performance_after_the_spring_change_keep_the_local_hour():
    starts = utc(2027, 3, 30, 18, 0)  # 20:00 CEST, two days after the clocks went forward

    deadline = zones.days_before_local(starts, 3, PARIS)

    assert zones.local_text(deadline, PARIS) == "Sat 27 Mar 2027, 20:00 (Europe/Paris)"
    assert deadline == utc(2027, 3, 27, 19, 0)
    assert starts - timedelta(days=3) != deadline  # 72 hours earlier would read 19:00 at the venue


def test_days_before_a_performance_after_the_autumn_change_keep_the_local_hour():
    starts = utc(2026, 10, 27, 19, 0)  # 20:00 CET, two days after the clocks went back

    deadline = zones.days_before_local(starts, 5, PARIS)

    assert zones.local_text(deadline, PARIS) == "Thu 22 Oct 2026, 20:00 (Europe/Paris)"
    assert deadline == utc(2026, 10, 22, 18, 0)


def test_days_after_an_action_across_the_spring_change_keep_the_local_hour():
    placed = utc(2027, 3, 26, 9, 15)  # 10:15 CET

    assert zones.local_text(zones.days_after_local(placed, 10, PARIS), PARIS) == (
        "Mon 5 Apr 2027, 10:15 (Europe/Paris)"
    )


def test_a_wall_time_skipped_in_spring_falls_after_the_skip_and_a_repeated_one_on_its_first_pass():
    skipped = zones.days_before_local(utc(2027, 4, 4, 0, 30), 7, PARIS)  # 02:30 CEST on 4 April
    repeated = zones.days_before_local(utc(2026, 11, 1, 1, 30), 7, PARIS)  # 02:30 CET on 1 November

    assert zones.local_text(skipped, PARIS) == "Sun 28 Mar 2027, 03:30 (Europe/Paris)"
    assert repeated == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, the first of the two 02:30s


def test_the_end_of_a_local_day_follows_the_offset_of_that_day():
    assert zones.end_of_local_day(date(2027, 3, 28), PARIS) == utc(2027, 3, 28, 21, 59, 59)
    assert zones.end_of_local_day(date(2026, 10, 25), PARIS) == utc(2026, 10, 25, 22, 59, 59)
    assert zones.local_date(utc(2026, 12, 12, 23, 30), PARIS) == date(2026, 12, 13)


@pytest.mark.parametrize("name", ["Europe/Atlantis", "", "paris", "../etc/passwd", "Europe/Paris "])
def test_an_unknown_zone_is_refused(name):
    with pytest.raises(ValueError, match="not an IANA time zone"):
        zones.check_zone(name)


def test_a_venue_names_a_known_zone_and_defaults_to_paris():
    assert k.VenueSpec(code="V", name="Venue").timezone == PARIS
    assert k.VenueSpec(code="V", name="Venue", timezone="America/Toronto").timezone == "America/Toronto"
    with pytest.raises(ValidationError) as refused:
        k.VenueSpec(code="V", name="Venue", timezone="Mars/Olympus")
    assert refused.value.errors()[0]["loc"] == ("timezone",)


def test_a_venue_stored_without_a_zone_reads_as_paris():
    assert zones.zone_of_venue({"code": "OLD", "name": "Old venue"}) == PARIS
    assert zones.zone_of_venue({"timezone": "Asia/Tokyo"}) == "Asia/Tokyo"


def test_a_performance_zone_is_its_venue_zone_through_its_hall():
    items = {("hall", "h"): {"venue_id": "v"}, ("venue", "v"): {"timezone": "Europe/London"}}

    zone = zones.zone_of_performance({"hall_id": "h"}, lambda kind, item_id: items[(kind, item_id)])

    assert zone == "Europe/London"
