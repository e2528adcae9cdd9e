"""Reports on the admin page print a time on the venue's clock with its offset from UTC."""

from __future__ import annotations

import pytest

from tests.unit.test_admin_time_zones import NODE, call

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


@pytest.mark.parametrize(
    ("iso", "zone", "shown"),
    [
        ("2026-12-12T19:00:00Z", "Europe/Paris", "2026-12-12 20:00 +01:00"),
        ("2026-07-01T18:00:00+00:00", "Europe/Paris", "2026-07-01 20:00 +02:00"),
        ("2027-03-17T00:00:00Z", "America/New_York", "2027-03-16 20:00 -04:00"),
        ("2026-12-12T14:30:00Z", "Asia/Kolkata", "2026-12-12 20:00 +05:30"),
        ("2026-12-12T19:00:00Z", "UTC", "2026-12-12 19:00 +00:00"),
    ],
)
def test_a_report_time_names_its_offset(iso, zone, shown):
    assert call("localStamp", iso, zone) == shown


def test_an_instant_given_with_another_offset_is_shown_on_the_venue_clock():
    assert call("localStamp", "2026-12-12T15:00:00-05:00", "Europe/Paris") == "2026-12-12 21:00 +01:00"
