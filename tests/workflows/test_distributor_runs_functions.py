"""The distributor-run state machine on moto's interpreter with the real functions: an allotment export
of the performances on sale (the release first), a sales file taken in line ranges, a file interface's
inbox pulled, and the simulated distributor's counts read and kept for the reconciliation."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.distributors import connections, export_store, files, reported_counts, runs
from chalicelib.distributors.run_model import Function, RunParameters
from chalicelib.sales import repository
from tests.service.test_distributor_export import BEFORE_THE_SHOW, map_everything
from tests.service.test_distributor_mappings import build_distributor_world as build_export_world
from tests.service.test_distributor_sales_files import HEADER, row
from tests.service.test_distributor_sales_world import build_distributor_world as build_sales_world
from tests.workflows.test_distributor_runs import ORG, machine  # noqa: F401 - fixture


def finished(machine, run) -> dict:  # noqa: F811
    assert machine.wait(run.run_id)["status"] == "SUCCEEDED"
    return runs.get(ORG, run.run_id).as_dict()


def contact_orders(world) -> list:
    return repository.orders_of_buyer(ORG, f"contact-{world.contact_id}", 500, None)[0]


def test_an_export_run_sends_the_allotment_of_the_performances_on_sale(machine):  # noqa: F811
    with clock.at(BEFORE_THE_SHOW):
        world = build_export_world()
        map_everything(world)
        run = runs.start(ORG, world.interface_id, Function.ALLOTMENT_EXPORT, RunParameters(), "admin")
        done = finished(machine, run)

    assert done["status"] == "succeeded", done
    assert done["counts"]["performances"] == 1 and done["counts"]["places"] == 14  # 4 seats, 10 places
    assert done["counts"]["released_performances"] == 0
    exported = list(files.list_names(files.key(ORG, world.interface_id, files.EXPORTS)))
    assert sorted(name.rsplit(".", 1)[-1] for name in exported) == ["csv", "json"]
    assert export_store.next_version(ORG, world.interface_id) == 2


def test_an_export_run_with_a_missing_mapping_fails_with_mapping_errors(machine):  # noqa: F811
    with clock.at(BEFORE_THE_SHOW):
        world = build_export_world()
        run = runs.start(ORG, world.interface_id, Function.ALLOTMENT_EXPORT, RunParameters(), "admin")
        done = finished(machine, run)

    assert done["status"] == "failed"
    assert set(done["errors_by_category"]) == {"mapping"}
    assert done["first_error"]["category"] == "mapping"


def test_a_sales_file_is_taken_in_line_ranges_each_bad_line_an_error_of_its_category(machine):  # noqa: F811
    world = build_sales_world()
    text = "\n".join(
        [HEADER, row("S1"), row("S2"), row("S3", perf="UNKNOWN"), row("S4"), row("S5", price="x")]
    )
    key = files.key(ORG, world.interface_id, files.INBOX, "sales.csv")
    files.put_text(key, text)

    run = runs.start(
        ORG,
        world.interface_id,
        Function.SALES_REINTEGRATION,
        RunParameters(file_key=key, batch_size=2),
        "admin",
    )
    done = finished(machine, run)

    assert done["status"] == "partly_failed"
    assert done["batches"] == {"total": 3, "failed": 0}
    assert (done["counts"]["read"], done["counts"]["integrated"], done["counts"]["failed"]) == (5, 3, 2)
    assert done["errors_by_category"] == {"mapping": 1, "external": 1}
    assert len(contact_orders(world)) == 3
    assert files.exists(files.key(ORG, world.interface_id, files.TAKEN, "sales.csv"))


def test_a_reintegration_run_of_a_file_interface_takes_its_inbox(machine):  # noqa: F811
    world = build_sales_world()
    for name, sale in (("a.csv", "S1"), ("b.csv", "S2")):
        files.put_text(files.key(ORG, world.interface_id, files.INBOX, name), "\n".join([HEADER, row(sale)]))

    run = runs.start(
        ORG, world.interface_id, Function.SALES_REINTEGRATION, RunParameters(batch_size=1), "admin"
    )
    done = finished(machine, run)

    assert done["status"] == "succeeded", done
    assert done["counts"]["integrated"] == 2
    assert len(contact_orders(world)) == 2


@pytest.fixture
def simulated():
    with connections.simulated_transport():
        yield


def test_a_counts_run_reads_the_simulated_distributors_counts_and_keeps_them(machine, simulated):  # noqa: F811
    from chalicelib.distributors import mappings, service
    from chalicelib.distributors.model import InterfaceSpec
    from tests.service.test_distributor_simulator import LOGIN, PASSWORD, allotment, seat

    world = build_sales_world()
    current = service.get_interface(ORG, world.interface_id)
    spec = InterfaceSpec.model_validate(
        {
            **current.data,
            "connection": {"adapter": "simulated", "url": "", "login": LOGIN, "password": PASSWORD},
        }
    )
    service.replace_interface(ORG, world.interface_id, spec, None)
    interface = service.get_interface(ORG, world.interface_id)
    connections.adapter_for(ORG, interface).export_allotment(
        allotment(world.interface_id, 1, seat("D-PERF", 1), seat("D-PERF", 2), seat("D-PERF", 3))
    )
    unmapped = "no-such-performance"

    run = runs.start(
        ORG,
        world.interface_id,
        Function.COUNTS,
        RunParameters(performance_ids=[world.performance_id, unmapped]),
        "admin",
    )
    done = finished(machine, run)

    assert done["status"] == "partly_failed"
    assert done["counts"] == {"performances": 2, "counts_read": 1}
    assert done["errors_by_category"] == {"mapping": 1}
    kept = reported_counts.reported(ORG, world.interface_id, "D-PERF")
    assert (kept.allocated, kept.sold) == (3, 0)
    assert mappings.list_mappings(ORG, world.interface_id, None, "performance")


def test_an_export_run_releases_the_unsold_allotment_due_first_then_exports_what_is_left(machine):  # noqa: F811
    from chalicelib.catalog import service as catalog
    from chalicelib.distributors import service
    from chalicelib.distributors.model import InterfaceSpec

    with clock.at(BEFORE_THE_SHOW):  # 45 days before P1
        world = build_export_world()
        map_everything(world)
        current = service.get_interface(ORG, world.interface_id)
        box = catalog.get_by_code(ORG, "quota", "BOXQ").id
        spec = InterfaceSpec.model_validate(
            {**current.data, "release_days_before": 60, "release_to_quota_id": box}
        )
        service.replace_interface(ORG, world.interface_id, spec, None)
        run = runs.start(ORG, world.interface_id, Function.ALLOTMENT_EXPORT, RunParameters(), "admin")
        done = finished(machine, run)

    assert done["status"] == "succeeded", done
    assert done["counts"]["released_performances"] == 1
    assert done["counts"]["released_seats"] == 14  # its 4 seats and 10 standing places
    assert (done["counts"]["performances"], done["counts"]["places"]) == (1, 0)


def test_a_scheduled_reintegration_brings_in_what_the_simulated_distributor_sold(machine, simulated):  # noqa: F811
    import boto3

    from chalicelib.distributors import schedules, service, simulator
    from chalicelib.distributors.model import InterfaceSpec
    from tests.service.test_distributor_simulator import LOGIN, PASSWORD, allotment, standing

    world = build_sales_world()
    current = service.get_interface(ORG, world.interface_id)
    connection = {"adapter": "simulated", "url": "", "login": LOGIN, "password": PASSWORD}
    service.replace_interface(
        ORG,
        world.interface_id,
        InterfaceSpec.model_validate({**current.data, "connection": connection}),
        None,
    )
    interface = service.get_interface(ORG, world.interface_id)
    connections.adapter_for(ORG, interface).export_allotment(
        allotment(world.interface_id, 1, standing("D-PERF", 5))
    )
    simulator.sell(ORG, world.interface_id, "D-PERF", 2, "D-FULL", price=2000, seat_category="D-PIT")
    simulator.sell(ORG, world.interface_id, "D-PERF", 1, "D-YOUNG", price=1000, seat_category="D-PIT")
    spec = schedules.ScheduleSpec(function="sales_reintegration", every=5, unit="minutes", batch_size=2)
    schedule = schedules.create(ORG, world.interface_id, spec)
    target = boto3.client("scheduler").get_schedule(Name=schedule.name, GroupName=schedules.group_name())[
        "Target"
    ]

    import json

    execution = machine.start(json.loads(target["Input"]))

    assert execution["status"] == "SUCCEEDED"
    [run] = runs.history(ORG, world.interface_id)
    assert (run.trigger, run.status.value) == ("schedule", "succeeded")
    assert (run.counts["read"], run.counts["integrated"]) == (3, 3)
    assert run.batches["total"] == 2  # two pulls of 2 lines; the third batch was not needed
    lines = [line for order in contact_orders(world) for line in order.lines]
    assert len(lines) == 3  # the 3 places sold there are ours as sold
