"""The release races an operator: seats or standing places the operator moves out of the distributor's
quota after the release read them stay where the operator put them, and the rest is released."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog.seating import Selection
from chalicelib.distributors import export_store, release
from chalicelib.inventory import stock
from chalicelib.inventory.stock_model import MOVE
from tests.service.test_distributor_release import (
    ORG,
    ReleaseWorld,
    at,
    build_release_world,
    places_of,
    seats_of,
)

RELEASE_DAY = "2027-01-12T08:00:00"


@pytest.fixture
def world(organisation) -> ReleaseWorld:
    return build_release_world()


def groups_quota() -> str:
    return catalog.create(ORG, "quota", k.QuotaSpec(code="GRPQ", name="Groups")).id


def other_distributors_quota() -> str:
    channel = catalog.create(ORG, "sales_channel", k.SalesChannelSpec(code="TM", name="TM", type="external"))
    spec = k.QuotaSpec(code="TMQ", name="TM", type="external", channel_ids=[channel.id])
    return catalog.create(ORG, "quota", spec).id


def after_first_read(monkeypatch, name: str, operator: Callable[[], None]) -> list[list[Any]]:
    """Wrap the release's read `inventory.<name>`: the operator acts right after the first read returns,
    before the release writes anything. Returns what each read found, to prove the race happened."""
    real = getattr(release.inventory, name)
    reads: list[list[Any]] = []

    def read(*args):
        found = list(real(*args))
        reads.append(found)
        if len(reads) == 1:
            operator()
        return found

    monkeypatch.setattr(release.inventory, name, read)
    return reads


@pytest.mark.parametrize("destination", [groups_quota, other_distributors_quota])
def test_a_seat_moved_away_after_the_read_stays_where_the_operator_put_it(world, monkeypatch, destination):
    w, p = world, world.paris
    elsewhere = destination()

    def operator_moves_a_seat() -> None:
        stock.change_seats(ORG, p, Selection(seat_ids=("STALLS-R-B-4",)), MOVE, elsewhere)

    reads = after_first_read(monkeypatch, "map_seats", operator_moves_a_seat)
    with at(RELEASE_DAY):
        result = release.release_due(ORG, w.interface_id)

    [read] = reads  # the release read the seat as its own and free
    assert any(s.seat_id == "STALLS-R-B-4" and s.quota_id == w.w.quota for s in read)
    assert seats_of(p, elsewhere) == {"STALLS-R-B-4": "free"}
    assert seats_of(p, w.w.quota) == {}
    box = seats_of(p, w.box)
    assert {"STALLS-R-B-1", "STALLS-R-B-2", "STALLS-R-B-3"} <= set(box)
    assert "STALLS-R-B-4" not in box
    assert result["seats"] == 3
    assert release.released(ORG, w.interface_id)[p].seats == 3
    [mark] = export_store.pending_marks(ORG, w.interface_id)
    assert mark.seats == frozenset({"STALLS-R-B-1", "STALLS-R-B-2", "STALLS-R-B-3"})


def test_standing_places_moved_away_after_the_read_stay_where_the_operator_put_them(world, monkeypatch):
    w, p = world, world.paris
    groups = groups_quota()

    def operator_moves_places() -> None:
        stock.move_places(ORG, p, "PIT", w.w.quota, groups, 4)

    reads = after_first_read(monkeypatch, "area_counters", operator_moves_places)
    with at(RELEASE_DAY):
        result = release.release_due(ORG, w.interface_id)

    # the move of the 10 places read first was refused; read again, 6 are left and move
    assert [sum(c.free for c in read if c.quota_id == w.w.quota) for read in reads] == [10, 6]
    assert places_of(p, groups) == (4, 4)
    assert places_of(p, w.w.quota) == (0, 0)
    assert places_of(p, w.box) == (46, 46)
    assert result["places"] == 6
