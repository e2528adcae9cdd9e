"""Reconciliation: per performance and quota, our allocated / sold / returned places beside the counts the
distributor reported, their differences and the fix proposed (export again, reintegrate, a mapping)."""

from __future__ import annotations

import pytest

from chalicelib.catalog.seating import Selection
from chalicelib.distributors import mappings, reconciliation, release, reported_counts
from chalicelib.distributors.adapters import DistributorCounts
from chalicelib.distributors.model import MappingKind
from chalicelib.errors import NotFound
from chalicelib.inventory import service as inventory
from chalicelib.inventory import stock
from tests.service.test_distributor_release import (
    ReleaseWorld,
    at,
    build_release_world,
    hold_seats,
    take_places,
)

ORG = "demo"


@pytest.fixture
def world(organisation, monkeypatch) -> ReleaseWorld:
    """The distributor's quota on the Paris performance: 4 seats (one sold, one blocked) and 10
    standing places (2 sold); the performance mapped to EX-P1. Sold counts from the stock."""
    monkeypatch.setattr(reconciliation, "integrated_counts_reader", lambda: None)
    monkeypatch.setattr(reconciliation, "last_exports_reader", lambda: None)
    monkeypatch.setattr(reconciliation, "pending_reader", lambda: None)
    w = build_release_world()
    p = w.paris
    with at("2027-01-05T10:00:00"):
        inventory.sell_hold(hold_seats(p, ["STALLS-R-B-2"], "order"), "order-1")
        stock.change_seats(ORG, p, Selection(seat_ids=("STALLS-R-B-3",)), "block")
        inventory.sell_hold(take_places(p, w.w.quota, 2), "order-2")
    mappings.create_mapping(ORG, w.interface_id, w.w.season, MappingKind.PERFORMANCE, p, "EX-P1")
    return w


def report(w: ReleaseWorld, *counts: tuple[str, int, int]) -> None:
    with at("2027-01-06T09:00:00"):
        reported_counts.save(ORG, w.interface_id, [DistributorCounts(*c) for c in counts])


def rows(w: ReleaseWorld, performance_id: str | None = None) -> list[dict]:
    with at("2027-01-06T10:00:00"):
        return reconciliation.table(ORG, w.interface_id, performance_id)


def test_our_counts_beside_the_distributors_agreeing(world):
    w = world
    report(w, ("EX-P1", 13, 3))

    [row] = rows(w)

    assert (row["performance_id"], row["quota_id"], row["distributor_performance_id"]) == (
        w.paris,
        w.w.quota,
        "EX-P1",
    )
    assert row["starts_at_local"] == "2027-01-15T20:00:00+01:00"
    assert row["ours"] == {
        "allocated": 13,  # 3 seats (the blocked one is not exported) and 10 places
        "sold": 3,
        "returned": 0,
        "free": 10,
        "held": 0,
        "blocked": 1,
        "seats": 3,
        "places": 10,
    }
    assert row["theirs"] == {
        "distributor_performance_id": "EX-P1",
        "allocated": 13,
        "sold": 3,
        "reported_at": "2027-01-06T09:00:00+00:00",
    }
    assert row["differences"] == {"allocated": 0, "sold": 0}
    assert row["compared"]["sold_source"] == "stock"
    assert row["fix"] == "none"


def test_more_sold_there_than_integrated_proposes_a_reintegration(world):
    report(world, ("EX-P1", 13, 5))

    [row] = rows(world)

    assert (row["differences"], row["fix"]) == ({"allocated": 0, "sold": 2}, "reintegrate")
    assert "2 more sold" in row["reason"]


def test_fewer_sold_there_proposes_bringing_in_the_cancellation(world):
    report(world, ("EX-P1", 13, 2))

    [row] = rows(world)

    assert (row["differences"]["sold"], row["fix"]) == (-1, "reintegrate")


def test_another_allocation_there_proposes_exporting_again(world):
    report(world, ("EX-P1", 14, 3))  # it still holds the seat we blocked since

    [row] = rows(world)

    assert (row["differences"], row["fix"]) == ({"allocated": 1, "sold": 0}, "export_again")


def test_an_unmapped_performance_and_an_unknown_distributor_id_propose_a_mapping(world):
    w = world
    mapping = mappings.list_mappings(ORG, w.interface_id, w.w.season, "performance")[0]
    mappings.delete_mapping(ORG, w.interface_id, mapping.id, None)
    report(w, ("EX-P1", 13, 3))

    ours, unmatched = rows(w)

    assert (ours["performance_id"], ours["distributor_performance_id"], ours["theirs"], ours["fix"]) == (
        w.paris,
        None,
        None,
        "mapping",
    )
    assert (unmatched["performance_id"], unmatched["theirs"]["sold"], unmatched["fix"]) == (
        None,
        3,
        "mapping",
    )
    # asked for one performance, the distributor's other ids are not listed
    assert [r["performance_id"] for r in rows(w, w.paris)] == [w.paris]


def test_reintegrations_counts_are_ours_once_reintegration_counts_them(world, monkeypatch):
    w = world
    asked = []

    def sold_counts(org_id, interface_id, performance_id):
        asked.append((org_id, interface_id, performance_id))
        return {"sold": 4, "returned": 1}

    monkeypatch.setattr(reconciliation, "integrated_counts_reader", lambda: sold_counts)
    report(w, ("EX-P1", 13, 4))

    [row] = rows(w)

    assert asked == [(ORG, w.interface_id, w.paris)]
    assert (row["ours"]["sold"], row["ours"]["returned"]) == (4, 1)
    assert row["compared"]["sold_source"] == "reintegration"
    assert row["fix"] == "none"


def test_without_their_counts_the_last_export_tells_whether_to_export_again(world, monkeypatch):
    w = world
    exports = {"value": []}
    monkeypatch.setattr(
        reconciliation, "last_exports_reader", lambda: lambda org, interface: exports["value"]
    )

    [never] = rows(w)
    exports["value"] = [{"performance_id": w.paris, "version": 3, "at": "x", "status": "sent", "places": 14}]
    [stale] = rows(w)
    exports["value"][0]["places"] = 13
    [current] = rows(w)
    monkeypatch.setattr(reconciliation, "pending_reader", lambda: lambda org, interface: [w.paris])
    [pending] = rows(w)

    assert (never["fix"], never["reason"]) == ("export_again", "Never exported to the distributor")
    assert (stale["fix"], stale["last_export"]["version"]) == ("export_again", 3)
    assert (current["fix"], current["theirs"]) == ("none", None)
    assert (pending["fix"], pending["last_export"]["pending"]) == ("export_again", True)


def test_a_release_shows_on_the_row_and_lowers_what_we_would_export(world):
    w = world
    with at("2027-01-12T08:00:00"):
        release.release_due(ORG, w.interface_id)
    report(w, ("EX-P1", 13, 3))

    [row] = rows(w)

    assert (row["released"]["seats"], row["released"]["places"]) == (2, 8)
    assert row["ours"]["allocated"] == 3  # the sold seat and the 2 sold places stay the distributor's
    assert (row["differences"]["allocated"], row["fix"]) == (10, "export_again")


def test_counts_are_kept_per_performance_the_latest_wins_and_bad_records_are_external_errors(world):
    w = world
    with at("2027-01-06T09:00:00"):
        answer = reported_counts.save(
            ORG,
            w.interface_id,
            [
                DistributorCounts("EX-P1", 10, 1),
                DistributorCounts("EX-P1", 13, 3),
                DistributorCounts("EX-P2", -1, 0),
                DistributorCounts("", 1, 0),
            ],
        )

    assert answer["saved"] == 1
    assert [e["category"] for e in answer["errors"]] == ["external", "external"]
    assert "allocated" in answer["errors"][0]["message"]
    kept = reported_counts.all_reported(ORG, w.interface_id)
    assert list(kept) == ["EX-P1"] and (kept["EX-P1"].allocated, kept["EX-P1"].sold) == (13, 3)


def test_an_unknown_performance_is_refused_by_name(world):
    with pytest.raises(NotFound) as refused:
        rows(world, "nope")
    assert refused.value.details["field"] == "performance_id"


def test_the_exports_and_reintegrations_own_records_are_read(world, monkeypatch):
    """Without stand-ins: a failed export (the seat categories are not mapped) is the last export, and
    nothing reintegrated yet counts as nothing sold through the distributor."""
    from chalicelib.distributors import allotment_export

    w = world
    monkeypatch.undo()
    with at("2027-01-06T08:00:00"):
        exported = allotment_export.export(ORG, w.interface_id, [w.paris], by="tester")

    [row] = rows(w)

    assert exported["status"] == "failed"
    assert (row["last_export"]["status"], row["last_export"]["at"]) == ("failed", exported["at"])
    assert (row["fix"], row["reason"]) == ("export_again", f"The last export ({exported['at']}) failed")
    assert (row["compared"]["sold_source"], row["ours"]["sold"], row["ours"]["returned"]) == (
        "reintegration",
        0,
        0,
    )


def test_a_quota_emptied_since_the_last_export_still_shows_and_proposes_exporting_again(
    organisation, monkeypatch
):
    w = build_release_world()
    last = [
        {
            "performance_id": w.paris,
            "version": 2,
            "at": "2027-01-02T10:00:00+00:00",
            "status": "sent",
            "places": 14,
        }
    ]
    monkeypatch.setattr(reconciliation, "integrated_counts_reader", lambda: None)
    monkeypatch.setattr(reconciliation, "last_exports_reader", lambda: lambda org, interface: last)
    monkeypatch.setattr(reconciliation, "pending_reader", lambda: None)
    mappings.create_mapping(ORG, w.interface_id, w.w.season, MappingKind.PERFORMANCE, w.paris, "EX-P1")
    with at("2027-01-05T10:00:00"):
        stock.change_seats(
            ORG, w.paris, Selection(zone="STALLS", block="R", rows=frozenset({"B"})), "move", w.box
        )
        stock.move_places(ORG, w.paris, "PIT", w.w.quota, w.box, 10)

    [row] = rows(w)

    assert (row["ours"]["allocated"], row["fix"]) == (0, "export_again")
    assert row["reason"] == "The last export sent 14 places; we would export 0"
