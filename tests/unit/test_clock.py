"""The one clock: code asks it for now; tests stand it still or move it, and it comes back after."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from chalicelib import clock


def test_the_clock_stands_at_the_moment_a_test_sets_and_comes_back_after(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 2_000_000.5)
    with clock.at(1_000):
        assert clock.seconds() == 1_000
        assert clock.now() == datetime.fromtimestamp(1_000, UTC)
        assert clock.iso() == "1970-01-01T00:16:40+00:00"

    assert clock.timestamp() == 2_000_000.5  # the real clock again


def test_a_moved_clock_runs_ahead_by_the_given_seconds_and_nests():
    with clock.at(1_000), clock.moved(60):
        assert clock.seconds() == 1_060
        with clock.moved(-120):
            assert clock.seconds() == 940
        assert clock.seconds() == 1_060


def test_a_datetime_sets_the_clock_as_well_as_epoch_seconds():
    moment = datetime(2027, 3, 1, 20, 30, tzinfo=UTC)

    with clock.at(moment):
        assert clock.now() == moment and clock.seconds() == int(moment.timestamp())
