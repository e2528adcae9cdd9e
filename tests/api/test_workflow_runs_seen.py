"""An operator sees the sweeps' runs and the runs about their own organisation; failures on their own."""

from __future__ import annotations

from chalicelib.runs import service as runs
from tests.fixtures import ORG

RUNS = "/backoffice/workflows/{}/runs"


def test_an_organisations_performance_openings_are_listed_for_its_operators_only(api):
    at = "2026-11-01T10:00:00+00:00"
    runs.record_run("open-performance", "ours", "succeeded", at, {"seats": 9}, scope=ORG)
    runs.record_run("open-performance", "theirs", "succeeded", "2026-11-01T10:05:00+00:00", {}, scope="other")

    listed = api.call("GET", RUNS.format("open-performance"), token=api.login()).json_body

    assert [run["execution"] for run in listed] == ["ours"]
    assert listed[0]["summary"] == {"seats": 9}


def test_sweeps_and_own_runs_are_merged_newest_first(api):
    runs.record_run("hold-cleanup", "sweep", "succeeded", "2026-11-01T10:00:00+00:00", {})
    runs.record_run("hold-cleanup", "own", "succeeded", "2026-11-01T10:01:00+00:00", {}, scope=ORG)

    listed = api.call("GET", RUNS.format("hold-cleanup"), token=api.login()).json_body

    assert [run["execution"] for run in listed] == ["own", "sweep"]


def test_the_failures_filter_lists_failed_runs_only_even_behind_many_quiet_ones(api):
    runs.record_run("hold-cleanup", "broke", "failed", "2026-11-01T09:00:00+00:00", {}, error="Boom")
    for minute in range(30):
        at = f"2026-11-01T10:{minute:02}:00+00:00"
        runs.record_run("hold-cleanup", f"quiet-{minute}", "succeeded", at, {})

    path = RUNS.format("hold-cleanup") + "?status=failed&limit=5"
    failed = api.call("GET", path, token=api.login()).json_body

    assert [(run["execution"], run["error"]) for run in failed] == [("broke", "Boom")]


def test_an_unknown_status_filter_is_a_422_naming_the_field(api):
    answer = api.call("GET", RUNS.format("hold-cleanup") + "?status=exploded", token=api.login())

    assert answer.status_code == 422
    assert "status" in str(answer.json_body["details"])
