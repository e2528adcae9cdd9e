"""Account use cases that the API does not show directly."""

from __future__ import annotations

from chalicelib.auth import repository, service
from chalicelib.runs import service as runs


def test_creating_an_organisation_twice_changes_nothing(aws):
    assert service.create_organisation("demo", "Demo", "admin", "admin-password") is True
    assert service.create_organisation("demo", "Demo", "admin", "other-password") is False

    assert [o.login for o in repository.list_operators("demo")] == ["admin"]
    assert [r.name for r in repository.list_roles("demo")] == ["administrator"]
    service.log_in_operator("demo", "admin", "admin-password")


def test_a_run_record_is_written_once_and_a_replay_keeps_the_first(aws):
    _, created = runs.record_run("hold-cleanup", "exec-1", "succeeded", "2026-11-01T10:00:00Z", {"n": 1})
    again, created_again = runs.record_run(
        "hold-cleanup", "exec-1", "failed", "2026-11-01T10:00:00Z", {"n": 2}
    )

    assert (created, created_again) == (True, False)
    assert again.status == "succeeded"
    assert again.summary == {"n": 1}
    assert len(runs.list_runs("hold-cleanup")) == 1
