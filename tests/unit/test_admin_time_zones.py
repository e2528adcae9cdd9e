"""The admin page's time formatter (chalicelib/admin/time-zones.js) shows and reads the venue's wall clock."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[2] / "chalicelib" / "admin" / "time-zones.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def call(function: str, *args) -> str:
    script = (
        f"import * as zones from {json.dumps(MODULE.as_uri())};"
        f"console.log(JSON.stringify(zones.{function}(...{json.dumps(args)})));"
    )
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


def test_a_time_is_shown_on_the_venue_clock_whatever_the_browser_zone():
    assert call("localTime", "2026-12-12T19:00:00Z", "Europe/Paris") == "2026-12-12 20:00"
    assert (
        call("localTimeLabelled", "2027-07-01T18:00:00Z", "Europe/Paris") == "2027-07-01 20:00 (Europe/Paris)"
    )
    assert call("localTimeLabelled", "2027-07-01T18:00:00Z", "America/New_York") == (
        "2027-07-01 14:00 (America/New_York)"
    )
    assert call("shortLocalTime", "2026-12-09T19:00:00Z", "Europe/Paris") == "9 Dec 20:00"


def test_a_zone_the_browser_does_not_know_is_shown_in_utc_and_says_so():
    assert call("localTimeLabelled", "2026-12-12T19:00:00Z", "Mars/Olympus") == "2026-12-12 19:00 (UTC)"


@pytest.mark.parametrize(
    ("typed", "zone", "instant"),
    [
        ("2026-12-12T20:00", "Europe/Paris", "2026-12-12T19:00:00Z"),
        ("2027-03-30T20:00", "Europe/Paris", "2027-03-30T18:00:00Z"),
        ("2027-03-28T02:30", "Europe/Paris", "2027-03-28T01:30:00Z"),  # skipped: 03:30 CEST
        ("2026-10-25T02:30", "Europe/Paris", "2026-10-25T00:30:00Z"),  # repeated: the first, CEST
        ("2027-03-16T20:00", "America/New_York", "2027-03-17T00:00:00Z"),
    ],
)
def test_a_time_typed_on_the_venue_clock_is_the_instant_it_reads_there(typed, zone, instant):
    assert call("fromZoneInput", typed, zone) == instant
    shown = typed.replace("T02:30", "T03:30") if typed.startswith("2027-03-28") else typed
    assert call("toZoneInput", instant, zone) == shown
