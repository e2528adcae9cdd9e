"""After a rebuild switches, the generations it supersedes are deleted: their cells and the orders'
contributions, once each; the figures reports show do not change."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.db.reports import ContributionItem, FigureItem
from chalicelib.reports import service, statements
from chalicelib.reports.selection import Filters
from chalicelib.sales import orders, tickets
from tests.service.test_figures_service import GUEST, ORG, carry_out, checkout, pay
from tests.shop_world import World, build_world


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def history(world) -> list[str]:
    """A sale with a scan, and a sale cancelled with a card refund: cells of every family."""
    kept = pay(checkout(world, GUEST, world.seat("L", "B", 4), pit=1))
    gone = pay(checkout(world, GUEST, world.seat("L", "B", 5)))
    orders.cancel_by_operator(ORG, gone.order_id, "admin", "card")
    first = orders.tickets_of(kept)[0]
    tickets.scan(ORG, first.document["barcode"], world.performance_id, "north", "gate-1")
    carry_out(kept.order_id, gone.order_id)
    return sorted({kept.created_at[:10], gone.created_at[:10]})


def stored(generation: int) -> dict[str, int]:
    """How many items of one generation the table holds: cells and contributions."""
    cells = FigureItem.scan(FigureItem.pk.startswith(f"FIG#{ORG}#{generation}#"))
    contributions = ContributionItem.scan(ContributionItem.sk == f"GEN#{generation}")
    return {"cells": sum(1 for _ in cells), "contributions": sum(1 for _ in contributions)}


def rebuild(days: list[str]) -> tuple[int, list[int]]:
    """What the figures-rebuild workflow does: count, switch, then delete what is superseded."""
    generation = service.begin_rebuild(ORG)
    service.rebuild_days(ORG, generation, days)
    assert service.finish_rebuild(ORG, generation)
    superseded = service.superseded(ORG, generation)
    service.prune_days(ORG, superseded, days)
    service.prune_cells(ORG, generation, superseded, date.fromisoformat(days[0]))
    return generation, superseded


def reports(world) -> dict:
    only = Filters(performance_id=world.performance_id)
    return {
        "sales": statements.sales(ORG, Filters()),
        "takings": statements.takings(ORG, Filters()),
        "entries": statements.entries(ORG, only),
    }


def test_a_rebuild_deletes_the_generation_it_supersedes_and_the_reports_stay_the_same(world):
    days = history(world)
    before = reports(world)
    kept = stored(0)
    assert kept["cells"] > 0 and kept["contributions"] == 2

    generation, superseded = rebuild(days)

    assert (generation, superseded) == (1, [0])
    assert stored(0) == {"cells": 0, "contributions": 0}
    assert stored(1)["contributions"] == 2 and stored(1)["cells"] > 0
    assert reports(world) == before


def test_the_next_rebuild_deletes_only_the_generation_it_supersedes(world):
    days = history(world)
    rebuild(days)

    assert rebuild(days) == (2, [1])
    assert stored(1) == {"cells": 0, "contributions": 0}
    later = pay(checkout(world, GUEST, world.seat("R", "C", 1)))
    carry_out(later.order_id)  # counted into the current generation, which nothing deleted
    assert statements.sales(ORG, Filters())["totals"] == {"tickets": 3, "amount": 8000}


def test_a_generation_that_is_not_current_supersedes_nothing(world):
    history(world)
    begun = service.begin_rebuild(ORG)  # written to, not switched to

    assert service.superseded(ORG, begun) == []
    assert service.prune_days(ORG, [], ["2026-01-01"]) == {"orders": 0}
    assert stored(0)["contributions"] == 2
