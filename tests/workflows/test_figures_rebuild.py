"""The figures-rebuild state machine, run by moto's interpreter over the real ASL file."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import timedelta

import boto3
import pytest
from moto import mock_aws

from chalicelib import clock, config
from chalicelib.db.reports import FigureItem, figure_pk
from chalicelib.db.tables import TABLES, create_tables
from chalicelib.reports import model, service, statements
from chalicelib.reports.selection import Filters
from chalicelib.runs import service as runs
from chalicelib.sales import orders, tickets
from chalicelib.workflows import catalogue, figures_rebuild
from infra.local import workflows
from tests.service.test_figures_service import GUEST, carry_out, checkout, pay
from tests.shop_world import build_world

ORG = "demo"
MACHINE = catalogue.StateMachine(
    name="figures-rebuild",
    functions={"FiguresRebuildFunctionArn": "figures_rebuild"},
    title="Figures rebuild",
    description="Recounts the sales figures from the orders.",
    manual_start=False,
)


def recent() -> dict:
    """The last 40 days (two chunks of days): the orders here are all made today. The default, three
    years back, is 4,380 index queries per pass, slow on moto; `test_by_default_...` checks that range."""
    return {"org_id": ORG, "day_from": (clock.now().date() - timedelta(days=40)).isoformat()}


def test_by_default_a_rebuild_walks_1095_days_back_in_chunks_of_31_days(monkeypatch):
    monkeypatch.setattr(figures_rebuild.figures, "begin_rebuild", lambda org_id: 7)

    begun = figures_rebuild.begin({"org_id": ORG, "day_to": "2026-12-31"})

    chunks = begun["chunks"]
    # the orders index is by UTC day: the organisation's 31 December may end on 1 January, UTC
    assert begun["first"] == chunks[0]["first"] == "2024-01-01" and chunks[-1]["last"] == "2027-01-01"
    assert all(a["last"] < b["first"] for a, b in itertools.pairwise(chunks))
    assert len(chunks) == 36 and begun["generation"] == 7


@pytest.fixture
def rebuild(monkeypatch):
    """moto with every table and the app's state machines, the rebuild among them (wired here until
    app.py and the catalogue list it)."""
    config.reset()
    functions = {**workflows.app_functions(), "figures_rebuild": figures_rebuild.handle}
    machines = (*(m for m in workflows.STATE_MACHINES if m.name != MACHINE.name), MACHINE)
    monkeypatch.setattr(workflows, "STATE_MACHINES", machines)
    workflows.install_lambda_dispatch(functions, "guichet-test-")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), workflows.fast_retries():
        for table in TABLES:
            table._connection = None
        create_tables(boto3.client("dynamodb"))
        from chalicelib.auth import service as auth

        auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")
        arns = workflows.deploy(boto3.Session(), "guichet-test-", sorted(functions))
        client = boto3.client("stepfunctions")

        def run(payload: dict) -> dict:
            started = client.start_execution(
                stateMachineArn=arns[MACHINE.name], name=f"test-{uuid.uuid4().hex}", input=json.dumps(payload)
            )
            return workflows.wait_for_execution(client, started["executionArn"])

        yield run


def reports(world) -> dict:
    only = Filters(performance_id=world.performance_id)
    return {
        "sales": statements.sales(ORG, Filters()),
        "takings": statements.takings(ORG, Filters()),
        "partners": statements.partners(ORG, Filters()),
        "entries": statements.entries(ORG, only),
        "gauge": statements.gauge(ORG, only),
    }


def history(world) -> None:
    kept = pay(checkout(world, GUEST, world.seat("L", "B", 4), pit=2))
    gone = pay(checkout(world, GUEST, world.seat("L", "B", 5)))
    orders.cancel_by_operator(ORG, gone.order_id, "admin", "card")
    first = orders.tickets_of(kept)[0]
    tickets.scan(ORG, first.document["barcode"], world.performance_id, "north", "gate-1")
    carry_out(kept.order_id, gone.order_id)


def test_a_rebuild_gives_the_same_figures_and_mends_figures_that_drifted(rebuild):
    world = build_world()
    history(world)
    before = reports(world)
    assert before["sales"]["totals"] == {"tickets": 3, "amount": 7000}
    # a count lost or applied twice: the figures drift from the orders
    cell = FigureItem(figure_pk(ORG, 0, model.PERFORMANCE, world.performance_id, 0), "N#x#y#z#w")
    cell.update(actions=[FigureItem.tickets.add(5), FigureItem.amount.add(100)])
    assert reports(world)["sales"]["totals"] == {"tickets": 8, "amount": 7100}

    execution = rebuild(recent())

    assert execution["status"] == "SUCCEEDED", execution
    assert service.generation(ORG) == 1
    after = reports(world)
    assert after == before
    [run] = runs.runs_seen_by(ORG, "figures-rebuild")
    assert run.status == "succeeded" and run.summary["orders"] == 2 and run.summary["switched"] is True


def test_a_second_rebuild_changes_nothing_and_later_sales_count_in_the_new_figures(rebuild):
    world = build_world()
    history(world)
    before = reports(world)

    assert rebuild(recent())["status"] == "SUCCEEDED"
    assert rebuild(recent())["status"] == "SUCCEEDED"
    assert service.generation(ORG) == 2 and reports(world) == before

    later = pay(checkout(world, GUEST, world.seat("R", "C", 1)))
    carry_out(later.order_id)
    assert reports(world)["sales"]["totals"] == {"tickets": 4, "amount": 10000}


def test_a_bad_input_fails_the_run_and_records_why(rebuild):
    execution = rebuild({"org_id": ORG, "day_from": "2026-02-01", "day_to": "2026-01-01"})

    assert execution["status"] == "FAILED"
    [run] = runs.list_runs("figures-rebuild")
    assert run.status == "failed" and run.error == "ValueError"


def test_orders_changed_during_a_rebuild_count_in_both_generations(rebuild):
    world = build_world()
    history(world)
    generation = service.begin_rebuild(ORG)  # a rebuild has begun and not yet switched
    late = pay(checkout(world, GUEST, world.seat("R", "C", 2)))
    carry_out(late.order_id)
    cells = service.repository.read_cells(
        ORG, generation, model.PERFORMANCE, world.performance_id, "S#", "S#~"
    )
    assert sum(c["tickets"] for c in cells.values()) == 1  # the new generation has it already
    assert statements.sales(ORG, Filters())["totals"] == {"tickets": 4, "amount": 10000}  # and the current
    service.rebuild_days(ORG, generation, [late.created_at[:10]])
    service.finish_rebuild(ORG, generation)
    assert statements.sales(ORG, Filters())["totals"] == {"tickets": 4, "amount": 10000}
