"""Runs of an interface's functions, driven through the workflow's tasks (the state machine itself runs in
tests/workflows/test_distributor_runs.py): one run per interface and function at a time, the history per
interface and for all, a run again with the same parameters, the alert emails on the first run in error
and on the recovery only, a scheduled start while a run is on recorded as skipped."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from chalicelib import clock
from chalicelib.distributors import repository, run_functions, run_store, runs
from chalicelib.distributors.categories import MappingError, TechnicalError
from chalicelib.distributors.run_model import BatchOutcome, Function, RunParameters, Window
from chalicelib.errors import Conflict, InvalidInput, TransientStoreError
from chalicelib.mail import service as mail
from chalicelib.runs import service as workflow_runs
from chalicelib.workflows import distributor_runs

ORG = "demo"
NOW = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def make_interface(name: str = "NTJ FNAC", adapter: str = "http", recipients=("ops@example.org",)) -> str:
    interface_id = hashlib.sha256(name.encode()).hexdigest()[:12]
    data = {
        "name": name,
        "type": "external_sales",
        "channel_id": "ch-" + interface_id,
        "connection": {"adapter": adapter, "url": "https://d.example", "login": "x"},
        "contact_id": "c",
        "point_of_sale_id": "p",
        "alert_recipients": list(recipients),
        "status": "active",
    }
    repository.create_interface(ORG, interface_id, data, False)
    return interface_id


class Fake:
    """A function of the test registered in the run's function table: fails while `failing` says so."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.failing: set[str] = set()  # performance ids whose batch fails
        self.technical = False

    def __call__(self, org_id, interface, batch) -> BatchOutcome:
        ids = list(batch["performance_ids"])
        self.calls.append(ids)
        if self.technical:
            raise TechnicalError("The distributor timed out")
        errors = [
            MappingError(f"{p} is not mapped", {"performance_id": p}).as_dict()
            for p in ids
            if p in self.failing
        ]
        done = [p for p in ids if p not in self.failing]
        return BatchOutcome.of({"performances": len(done), "places": 10 * len(done)}, errors, failed=not done)


@pytest.fixture
def started(monkeypatch):
    """Executions the runs asked for (not started: the test runs the tasks itself)."""
    asked: list[dict] = []

    def start_workflow(name, payload=None, execution=None):
        asked.append({"name": name, "payload": payload, "execution": execution})
        return f"arn:aws:states:eu-west-1:123456789012:execution:guichet-test-{name}:{execution}"

    monkeypatch.setattr(workflow_runs, "start_workflow", start_workflow)
    return asked


@pytest.fixture
def fake(monkeypatch):
    work = Fake()
    monkeypatch.setitem(run_functions.WORK, Function.ALLOTMENT_EXPORT, work)
    monkeypatch.setitem(run_functions.WORK, Function.COUNTS, work)
    monkeypatch.setattr(run_functions, "before_batches", lambda *args: None)
    return work


def execute(run_id: str, execution: str = "exec") -> dict:
    """The state machine's path, task by task: Begin, each batch (a technical error past its retries
    recorded as the batch's failure), Finish."""
    begun = distributor_runs.handle(
        {"action": "begin", "input": {"org_id": ORG, "interface_id": "-", "run_id": run_id}}
    )
    for batch in begun["batches"]:
        event = {"action": "batch", "org_id": ORG, "run_id": run_id, "batch": batch}
        try:
            distributor_runs.handle(event)
        except TransientStoreError as exc:
            error = {"Error": "TransientStoreError", "Cause": f'{{"errorMessage": "{exc}"}}'}
            distributor_runs.handle({**event, "action": "batch_failed", "error": error})
    return distributor_runs.handle(
        {
            "action": "finish",
            "org_id": ORG,
            "run_id": run_id,
            "execution": execution,
            "started_at": clock.iso(),
        }
    )


def alert_emails() -> list[tuple[str, str]]:
    entries, _ = mail.list_outbox(ORG, limit=50)
    return sorted((e.kind, e.to) for e in entries if e.kind.startswith("distributor_run"))


def test_a_run_in_batches_sums_up_its_counts_and_gives_its_lock_back(organisation, started, fake):
    interface_id = make_interface()
    params = RunParameters(performance_ids=["P1", "P2", "P3"], batch_size=2)

    run = runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, params, "admin")
    assert run.status == "queued" and run.execution_arn.endswith(f"drun-{run.run_id}")
    assert started == [
        {
            "name": "distributor-run",
            "payload": {"org_id": ORG, "interface_id": interface_id, "run_id": run.run_id},
            "execution": f"drun-{run.run_id}",
        }
    ]
    ended = execute(run.run_id)

    assert ended["status"] == "succeeded"
    assert fake.calls == [["P1", "P2"], ["P3"]]
    done = runs.get(ORG, run.run_id)
    assert (done.counts, done.batches, done.first_error) == (
        {"performances": 3, "places": 30},
        {"total": 2, "failed": 0},
        None,
    )
    assert done.started_at is not None and done.finished_at is not None
    assert run_store.current_lock(ORG, interface_id, Function.ALLOTMENT_EXPORT) is None
    [recorded] = workflow_runs.list_runs("distributor-run", ORG)
    assert recorded.status == "succeeded" and recorded.summary["run_id"] == run.run_id


def test_one_run_per_interface_and_function_at_a_time(organisation, started, fake):
    interface_id, other = make_interface(), make_interface("NTJ Ticketnet")
    first = runs.start(
        ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P1"]), "a"
    )

    with pytest.raises(Conflict) as refused:
        runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P2"]), "b")
    counts = runs.start(ORG, interface_id, Function.COUNTS, RunParameters(performance_ids=["P1"]), "a")
    elsewhere = runs.start(ORG, other, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P1"]), "a")

    assert refused.value.details == {
        "reason": "run_in_progress",
        "function": "allotment_export",
        "run_id": first.run_id,
    }
    assert counts.status == elsewhere.status == "queued"
    execute(first.run_id)
    again = runs.start(
        ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P2"]), "b"
    )
    assert again.status == "queued"


def test_a_dead_run_blocks_its_function_no_longer_than_the_lock_lasts(organisation, started, fake):
    interface_id = make_interface()
    with clock.at(NOW):
        runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P1"]), "a")
    with clock.at(NOW.timestamp() + 3600), pytest.raises(Conflict):
        runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P1"]), "a")
    with clock.at(NOW.timestamp() + run_store.LOCK_FOR.total_seconds() + 1):
        later = runs.start(
            ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P1"]), "a"
        )
        holder = run_store.current_lock(ORG, interface_id, Function.ALLOTMENT_EXPORT)
    assert later.status == "queued"
    dead = runs.history(ORG, interface_id)[1]
    assert dead.status == "failed" and dead.first_error["message"].startswith("RunAbandoned: The run stopped")
    assert holder == later.run_id


def test_the_history_per_interface_and_for_all_newest_first_and_a_run_again(organisation, started, fake):
    fnac, tkn = make_interface(), make_interface("NTJ Ticketnet")
    made = []
    for n, interface_id in enumerate((fnac, tkn, fnac)):
        with clock.at(NOW.timestamp() + n):
            run = runs.start(
                ORG,
                interface_id,
                Function.ALLOTMENT_EXPORT,
                RunParameters(performance_ids=[f"P{n}"], batch_size=5),
                "a",
            )
            execute(run.run_id)
            made.append(run.run_id)

    assert [r.run_id for r in runs.history(ORG)] == made[::-1]
    assert [r.run_id for r in runs.history(ORG, fnac)] == [made[2], made[0]]
    assert [r.run_id for r in runs.history(ORG, fnac, limit=1, before=made[2])] == [made[0]]
    again = runs.again(ORG, made[0], "b")
    assert (again.parameters, again.function, again.again_of, again.trigger, again.by) == (
        {"performance_ids": ["P0"], "batch_size": 5},
        "allotment_export",
        made[0],
        "again",
        "b",
    )
    assert runs.history(ORG, fnac)[0].run_id == again.run_id


def test_an_alert_on_the_first_run_in_error_and_on_the_recovery_only(organisation, started, fake):
    interface_id = make_interface(recipients=("ops@example.org", "boss@example.org"))
    params = RunParameters(performance_ids=["P1", "P2"], batch_size=1)
    outcomes = []
    for failing in (True, True, False):
        fake.technical = failing
        run = runs.start(ORG, interface_id, Function.ALLOTMENT_EXPORT, params, "a")
        outcomes.append(execute(run.run_id)["status"])

    assert outcomes == ["failed", "failed", "succeeded"]
    assert alert_emails() == [
        ("distributor_run_failing", "boss@example.org"),
        ("distributor_run_failing", "ops@example.org"),
        ("distributor_run_recovered", "boss@example.org"),
        ("distributor_run_recovered", "ops@example.org"),
    ]
    failed = runs.history(ORG, interface_id)[2]
    assert failed.errors_by_category == {"technical": 2}
    assert failed.first_error["message"] == "Batch 00000 failed: TechnicalError: The distributor timed out"


def test_a_partly_failed_run_names_its_first_error_and_counts_errors_by_category(organisation, started, fake):
    interface_id = make_interface(recipients=())
    fake.failing = {"P2"}
    run = runs.start(
        ORG,
        interface_id,
        Function.ALLOTMENT_EXPORT,
        RunParameters(performance_ids=["P1", "P2", "P3"], batch_size=1),
        "a",
    )

    assert execute(run.run_id)["status"] == "partly_failed"
    done = runs.get(ORG, run.run_id)
    assert done.errors_by_category == {"mapping": 1}
    assert done.first_error == {"category": "mapping", "message": "P2 is not mapped", "performance_id": "P2"}
    assert (done.counts["performances"], done.batches) == (2, {"total": 3, "failed": 1})
    assert alert_emails() == []  # nobody to tell


def test_a_scheduled_start_while_a_run_is_on_is_recorded_skipped(organisation, started, fake, monkeypatch):
    from chalicelib.distributors import schedules

    interface_id = make_interface()
    spec = schedules.ScheduleSpec(
        function="allotment_export", every=15, unit="minutes", performance_ids=["P1"]
    )
    schedule = schedules.Schedule(ORG, interface_id, "s1", 1, spec, NOW, NOW, NOW)
    monkeypatch.setattr(schedules, "get", lambda org, iface, sid: schedule)
    manual = runs.start(
        ORG, interface_id, Function.ALLOTMENT_EXPORT, RunParameters(performance_ids=["P1"]), "a"
    )

    scheduled = {"org_id": ORG, "interface_id": interface_id, "schedule_id": "s1"}
    skipped = distributor_runs.handle(
        {"action": "begin", "input": scheduled, "execution": "sched-1", "started_at": clock.iso()}
    )
    execute(manual.run_id)
    begun = distributor_runs.handle(
        {"action": "begin", "input": scheduled, "execution": "sched-2", "started_at": clock.iso()}
    )

    assert skipped["skipped"] is True
    assert runs.get(ORG, skipped["run_id"]).status == "skipped"
    assert runs.get(ORG, skipped["run_id"]).note == f"Run {manual.run_id} was in progress"
    assert begun["skipped"] is False and begun["batches"] == [{"key": "00000", "performance_ids": ["P1"]}]
    run = runs.get(ORG, begun["run_id"])
    assert (run.trigger, run.schedule_id, run.status) == ("schedule", "s1", "running")
    assert alert_emails() == []


def test_a_window_takes_the_performances_it_names():
    window = Window(days_before=10, days_after=1)
    assert window.takes(datetime(2026, 12, 10, tzinfo=UTC), NOW)
    assert not window.takes(datetime(2026, 12, 20, tzinfo=UTC), NOW)
    assert window.takes(datetime(2026, 12, 2, 18, tzinfo=UTC), NOW)
    assert not window.takes(datetime(2026, 12, 1, tzinfo=UTC), NOW)
    dates = Window(from_date="2027-01-01", to_date="2027-01-31")
    assert dates.takes(datetime(2027, 1, 31, 20, tzinfo=UTC), NOW)
    assert not dates.takes(datetime(2027, 2, 1, tzinfo=UTC), NOW)
    with pytest.raises(ValueError, match="to_date is before from_date"):
        Window(from_date="2027-01-31", to_date="2027-01-01")


def test_a_function_the_adapter_cannot_do_and_a_file_that_is_not_there_are_refused(organisation, started):
    file_interface = make_interface("Files", adapter="file")
    with pytest.raises(Conflict) as unsupported:
        runs.start(ORG, file_interface, Function.COUNTS, RunParameters(), "a")
    with pytest.raises(InvalidInput) as missing:
        runs.start(ORG, file_interface, Function.SALES_REINTEGRATION, RunParameters(file_key="nope.csv"), "a")
    assert unsupported.value.details["reason"] == "not_supported"
    assert missing.value.details == {"field": "file_key", "reason": "not_found"}
    assert started == []
