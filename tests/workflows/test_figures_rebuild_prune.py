"""The figures-rebuild state machine deletes the generation it supersedes once it has switched."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.reports import service
from chalicelib.runs import service as runs
from tests.service.test_figures_prune import stored
from tests.shop_world import build_world
from tests.workflows.test_figures_rebuild import ORG, history, rebuild, reports  # noqa: F401


def test_a_rebuild_run_deletes_the_superseded_figures_and_says_so(rebuild):  # noqa: F811
    world = build_world()
    history(world)
    before = reports(world)
    assert stored(0)["contributions"] == 2

    today = clock.now().date().isoformat()  # one chunk of days: the history's
    assert rebuild({"org_id": ORG, "day_from": today, "day_to": today})["status"] == "SUCCEEDED"

    assert service.generation(ORG) == 1
    assert stored(0) == {"cells": 0, "contributions": 0}
    assert reports(world) == before
    [run] = runs.runs_seen_by(ORG, "figures-rebuild")
    assert run.summary["generations_deleted"] == 1 and run.summary["cells_deleted"] > 0
