"""The local stack fires the interfaces' schedules that moto's EventBridge Scheduler only stores: at their
start date, then once a period, with their input; a disabled or deleted schedule no longer."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3

from chalicelib import clock
from chalicelib.distributors import runs, schedules
from infra.local import workflows
from infra.local.schedules import ScheduleLoop, rate_seconds
from tests.service.test_distributor_runs import ORG, make_interface
from tests.workflows.test_distributor_runs import flaky, machine  # noqa: F401 - fixtures

START = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


def test_rates_read_from_expressions():
    assert [
        rate_seconds(e) for e in ("rate(1 minute)", "rate(15 minutes)", "rate(2 hours)", "rate(1 day)")
    ] == [
        60,
        900,
        7200,
        86400,
    ]
    assert rate_seconds("cron(0 8 * * ? *)") is None


def test_an_interface_schedule_fires_at_its_start_then_each_period_and_its_run_happens(machine, flaky):  # noqa: F811
    interface_id = make_interface()
    spec = schedules.ScheduleSpec(
        function="allotment_export", every=15, unit="minutes", next_start=START, performance_ids=["P1"]
    )
    with clock.at(datetime(2029, 12, 31, tzinfo=UTC)):
        schedule = schedules.create(ORG, interface_id, spec)
    loop = ScheduleLoop(
        machine.client, {}, schedules=(), say=lambda text: None, scheduler=boto3.client("scheduler")
    )
    start = START.timestamp()

    assert loop.fire_interface_schedules(wall=start - 60) == []  # seen: due at its start
    assert loop.fire_interface_schedules(wall=start - 1) == []
    [fired] = loop.fire_interface_schedules(wall=start + 1)
    assert workflows.wait_for_execution(machine.client, fired.execution_arn, 120)["status"] == "SUCCEEDED"
    assert loop.fire_interface_schedules(wall=start + 600) == []
    [again] = loop.fire_interface_schedules(wall=start + 901)
    workflows.wait_for_execution(machine.client, again.execution_arn, 120)

    assert fired.schedule == again.schedule == schedule.name and fired.error is None
    made = runs.history(ORG, interface_id)
    assert {(r.trigger, r.schedule_id, r.status) for r in made} == {
        ("schedule", schedule.schedule_id, "succeeded")
    }
    assert len(made) == 2

    with clock.at(datetime(2029, 12, 31, tzinfo=UTC)):
        schedules.replace(
            ORG, interface_id, schedule.schedule_id, spec.model_copy(update={"enabled": False}), None
        )
    assert loop.fire_interface_schedules(wall=start + 5000) == []
    schedules.delete(ORG, interface_id, schedule.schedule_id, None)
    assert loop.fire_interface_schedules(wall=start + 9000) == []
    assert boto3.client("scheduler").list_schedules(GroupName=schedules.group_name())["Schedules"] == []
