""" "Payable within N days" ends at the end of the venue's local day, across daylight saving and zones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.catalog import zones


def until(moment: datetime, days: int, zone: str) -> str:
    return zones.end_of_local_day_after(moment, days, zone).isoformat()


@pytest.mark.parametrize(
    ("reserved_at", "end"),
    [
        # Thursday 25 March 2027 10:00 CET; clocks go forward on Sunday 28: the end is CEST's midnight.
        (datetime(2027, 3, 25, 9, 0, tzinfo=UTC), "2027-03-28T21:59:59+00:00"),
        # Thursday 22 October 2026 10:00 CEST; clocks go back on Sunday 25: the end is CET's midnight.
        (datetime(2026, 10, 22, 8, 0, tzinfo=UTC), "2026-10-25T22:59:59+00:00"),
    ],
)
def test_three_days_across_a_change_end_at_midnight_in_paris(reserved_at, end):
    assert until(reserved_at, 3, "Europe/Paris") == end


def test_the_days_are_counted_from_the_venues_day_not_utcs():
    # 23:30 in Paris on 1 December is 22:30 UTC the same day; 00:30 in Paris on the 2nd is the 1st in UTC.
    assert until(datetime(2026, 12, 1, 22, 30, tzinfo=UTC), 1, "Europe/Paris") == "2026-12-02T22:59:59+00:00"
    assert until(datetime(2026, 12, 1, 23, 30, tzinfo=UTC), 1, "Europe/Paris") == "2026-12-03T22:59:59+00:00"


def test_a_venue_in_new_york_ends_at_midnight_there():
    # 21:00 EST on Friday 12 March 2027 is 02:00 UTC on the 13th; New York changes on the 14th.
    end = zones.end_of_local_day_after(datetime(2027, 3, 13, 2, 0, tzinfo=UTC), 3, "America/New_York")

    assert end.isoformat() == "2027-03-16T03:59:59+00:00"
    assert zones.local_text(end, "America/New_York") == "Mon 15 Mar 2027, 23:59 (America/New_York)"


def test_a_reports_stamp_names_the_local_offset():
    assert zones.local_stamp("2026-12-12T19:00:00Z", "Europe/Paris") == "2026-12-12 20:00 +01:00"
    assert zones.local_stamp("2026-07-01T18:00:00+00:00", "Europe/Paris") == "2026-07-01 20:00 +02:00"
    assert zones.local_stamp("2026-07-01T18:00:00+00:00", "UTC") == "2026-07-01 18:00 +00:00"
