"""Workflows on the running stack: started from the API, and by the schedule loop on its own."""

from __future__ import annotations

import time

RUNS = "/backoffice/workflows/hold-cleanup/runs"


def wait_for_runs(api, token, matches, timeout=30.0):
    """Poll the runs until one satisfies `matches`; returns all runs seen last."""
    deadline = time.monotonic() + timeout
    while True:
        response = api.get(RUNS, token=token)
        assert response.status_code == 200, response.text
        runs = response.json()
        if any(matches(run) for run in runs) or time.monotonic() > deadline:
            return runs
        time.sleep(0.3)


def test_starting_hold_cleanup_records_a_run(api, admin_token):
    started = api.post("/backoffice/workflows/hold-cleanup/executions", token=admin_token)

    assert started.status_code == 202, started.text
    execution = started.json()["execution_arn"].rsplit(":", 1)[-1]
    runs = wait_for_runs(api, admin_token, lambda run: run["execution"] == execution)
    run = next(run for run in runs if run["execution"] == execution)
    assert run["status"] == "succeeded"
    assert run["summary"] == {
        "holds_found": 0,
        "holds_released": 0,
        "seats_freed": 0,
        "places_freed": 0,
        "orders_expired": 0,
    }


def test_unknown_workflow_cannot_be_started(api, admin_token):
    response = api.post("/backoffice/workflows/no-such-flow/executions", token=admin_token)

    assert response.status_code == 404
    assert response.json()["details"]["known"] == [
        "hold-cleanup",
        "open-performance",
        "option-expiry",
        "queue-admitter",
        "reconciler",
        "figures-rebuild",
        "code-batches",
        "waiting-list-offers",
        "distributor-run",
    ]


def test_restricted_operator_cannot_start_a_workflow(api, cashier_token):
    response = api.post("/backoffice/workflows/hold-cleanup/executions", token=cashier_token)

    assert response.status_code == 403


def test_schedule_starts_runs_by_itself(api, admin_token, stack):
    # The loop fires hold-cleanup every 60 s / SCHEDULE_SPEEDUP; nobody starts these by hand.
    def scheduled(run):
        return run["execution"].startswith("hold-cleanup-every-minute-")

    runs = wait_for_runs(api, admin_token, scheduled, timeout=20)

    assert any(scheduled(run) for run in runs), runs
    assert all(fired.error is None for fired in stack.schedule_starts)
