"""Option deadlines in days keep their local wall time at the venue across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import clock
from chalicelib.catalog import repository, zones
from chalicelib.options import rules

ORG = "demo"
PARIS = "Europe/Paris"


def show(performance_id: str, starts_at: str, *, zone: str | None = PARIS, before: int = 0, after: int = 10):
    """A performance of an activity with its option settings, in a venue of `zone` (None: no zone stored)."""
    suffix = performance_id
    activity = {
        "code": f"A-{suffix}",
        "name": "Live",
        "options_allowed": True,
        "confirm_days_before_performance": before,
        "confirm_days_after_placing": after,
    }
    venue = {"code": f"V-{suffix}", "name": "Venue", **({"timezone": zone} if zone else {})}
    items = (
        ("activity", f"act-{suffix}", activity),
        ("event", f"ev-{suffix}", {"code": f"E-{suffix}", "name": "Cyrano", "activity_id": f"act-{suffix}"}),
        ("venue", f"ven-{suffix}", venue),
        ("hall", f"hall-{suffix}", {"code": f"H-{suffix}", "name": "Main", "venue_id": f"ven-{suffix}"}),
        (
            "performance",
            performance_id,
            {"code": suffix, "event_id": f"ev-{suffix}", "hall_id": f"hall-{suffix}", "starts_at": starts_at},
        ),
    )
    for kind, item_id, data in items:
        repository.create(ORG, kind, item_id, data, {})
    return performance_id


def local(epoch: int, zone: str = PARIS) -> str:
    return zones.local_text(epoch, zone)


def test_a_cut_off_days_before_a_show_after_the_spring_change_stays_at_the_show_local_hour(organisation):
    # 20:00 CEST on Tuesday 30 March 2027; the clocks went forward on Sunday 28 March.
    performance = show("spring", "2027-03-30T18:00:00+00:00", before=5)

    cut_off = rules.request_deadline(ORG, performance)

    assert local(cut_off) == "Thu 25 Mar 2027, 20:00 (Europe/Paris)"
    assert cut_off == int(datetime(2027, 3, 25, 19, 0, tzinfo=UTC).timestamp())


def test_a_cut_off_days_before_a_show_after_the_autumn_change_stays_at_the_show_local_hour(organisation):
    # 20:00 CET on Tuesday 27 October 2026; the clocks went back on Sunday 25 October.
    performance = show("autumn", "2026-10-27T19:00:00+00:00", before=3)

    assert local(rules.request_deadline(ORG, performance)) == "Sat 24 Oct 2026, 20:00 (Europe/Paris)"


def test_days_after_placing_across_the_spring_change_keep_the_local_hour_of_the_placing(organisation):
    performance = show("placing", "2027-05-01T18:00:00+00:00", before=2, after=10)
    placed_at = datetime(2027, 3, 26, 9, 15, tzinfo=UTC)  # 10:15 CET, before the change

    with clock.at(placed_at):
        deadline = rules.placement_deadline(ORG, performance)

    assert local(deadline) == "Mon 5 Apr 2027, 10:15 (Europe/Paris)"


def test_days_after_placing_never_pass_the_cut_off_before_the_show(organisation):
    performance = show("close", "2026-10-27T19:00:00+00:00", before=1, after=10)

    with clock.at(datetime(2026, 10, 20, 8, 0, tzinfo=UTC)):
        deadline = rules.placement_deadline(ORG, performance)

    assert local(deadline) == "Mon 26 Oct 2026, 20:00 (Europe/Paris)"


def test_a_venue_in_another_zone_keeps_its_own_local_hour(organisation):
    # New York changes on 14 March 2027: 20:00 EDT on 16 March is 00:00 UTC on the 17th.
    performance = show("ny", "2027-03-17T00:00:00+00:00", zone="America/New_York", before=7)

    cut_off = rules.request_deadline(ORG, performance)

    assert local(cut_off, "America/New_York") == "Tue 9 Mar 2027, 20:00 (America/New_York)"
    assert cut_off == int(datetime(2027, 3, 10, 1, 0, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("zone", [None, PARIS])
def test_a_venue_without_a_zone_counts_in_the_default_zone(organisation, zone):
    performance = show(f"old-{zone is None}", "2027-03-30T18:00:00+00:00", zone=zone, before=5)

    assert local(rules.request_deadline(ORG, performance)) == "Thu 25 Mar 2027, 20:00 (Europe/Paris)"
