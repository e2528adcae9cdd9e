"""The export prompt after an operator changes a distributor's seats, and the seed's two-step move:
seats go from one distributor to another only by taking them away (and blocking them) with an export,
then giving them (and unblocking them) with another; the one-step move is refused."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog.seating import Selection
from chalicelib.distributors import allotment_export, export_pending, service
from chalicelib.distributors.model import InterfaceSpec
from chalicelib.errors import Conflict
from chalicelib.inventory import stock
from tests.service.test_distributor_export import map_everything, written_allotment
from tests.service.test_distributor_export import world as world  # the fixture
from tests.service.test_distributor_mappings import DistributorWorld

ORG = "demo"


def second_distributor(w: DistributorWorld) -> tuple[str, str]:
    """Ticketnet: its own external channel, quota and interface, mapped; (interface id, quota id)."""
    channel = catalog.create(
        ORG, "sales_channel", k.SalesChannelSpec(code="TKN", name="Ticketnet", type="external")
    ).id
    quota_spec = k.QuotaSpec(code="TKNQ", name="Ticketnet", type="external", channel_ids=[channel])
    quota = catalog.create(ORG, "quota", quota_spec).id
    pos_spec = k.PointOfSaleSpec(channel_id=channel, code="TKNPOS", name="TKN")
    pos = catalog.create(ORG, "point_of_sale", pos_spec).id
    spec = InterfaceSpec(
        name="NTJ Ticketnet",
        channel_id=channel,
        connection={"adapter": "file"},
        contact_id=catalog.get_by_code(ORG, "contact", "FNAC").id,
        point_of_sale_id=pos,
    )
    interface = service.create_interface(ORG, spec)
    map_everything(w, interface.id)
    return interface.id, quota


def change(performance: str, seat_ids: list[str], what: str, quota: str | None = None) -> list[dict]:
    """The stock change path as integrated: check, change, note; answers the exports suggested."""
    before = export_pending.check_stock_change(ORG, performance, seat_ids, what, quota)
    report = stock.change_seats(ORG, performance, Selection(seat_ids=tuple(seat_ids)), what, quota)
    return export_pending.note_stock_change(
        ORG,
        performance,
        before,
        what,
        quota,
        skipped=[*report.unchanged, *(r["seat_id"] for r in report.refused)],
    )


@pytest.fixture
def two(world):
    tkn, tkn_quota = second_distributor(world.w)
    box = catalog.get_by_code(ORG, "quota", "BOXQ").id
    return world, tkn, tkn_quota, box


def seats_in(interface_id: str, version: int) -> list[str]:
    _, allotment = written_allotment(interface_id, version)
    return [p.seat_id for p in allotment.places if p.seat_id]


def test_blocking_a_distributors_seats_suggests_its_export_and_marks_it_pending(two):
    w, _, _, _ = two
    p1 = w.performance

    suggested = change(p1, ["STALLS-R-B-1"], "block")
    nothing = change(p1, ["STALLS-L-A-1"], "block")  # the box office's seat: no distributor's

    assert suggested == [{"interface_id": w.interface_id, "name": "NTJ FNAC", "performance_id": p1}]
    assert nothing == []
    assert export_pending.pending_performances(ORG, w.interface_id) == [p1]
    sent = allotment_export.export(ORG, w.interface_id)
    assert sent["status"] == "sent"
    assert export_pending.pending_performances(ORG, w.interface_id) == []
    assert "STALLS-R-B-1" not in seats_in(w.interface_id, sent["version"])


def test_a_seat_already_blocked_suggests_nothing(two):
    w, _, _, _ = two
    change(w.performance, ["STALLS-R-B-1"], "block")
    allotment_export.export(ORG, w.interface_id)

    assert change(w.performance, ["STALLS-R-B-1"], "block") == []
    assert export_pending.pending_performances(ORG, w.interface_id) == []


def test_moving_standing_places_out_of_a_distributors_quota_suggests_its_export(two):
    w, _, _, box = two
    before = export_pending.check_stock_change(
        ORG, w.performance, [], "move", box, seats_before=export_pending.places_before("PIT", w.w.quota)
    )
    stock.move_places(ORG, w.performance, "PIT", w.w.quota, box, 4)

    suggested = export_pending.note_stock_change(ORG, w.performance, before, "move", box)

    assert [s["interface_id"] for s in suggested] == [w.interface_id]
    sent = allotment_export.export(ORG, w.interface_id)
    assert sent["places"] == 4 + 6


def test_seats_go_from_one_distributor_to_another_in_two_steps_only(two):
    w, tkn, tkn_quota, box = two
    p1, seats = w.performance, ["STALLS-R-B-1", "STALLS-R-B-2"]

    with pytest.raises(Conflict) as one_step:
        change(p1, seats, "move", tkn_quota)
    assert one_step.value.details["reason"] == "two_step_move"
    assert (one_step.value.details["from_interface"], one_step.value.details["to_interface"]) == (
        "NTJ FNAC",
        "NTJ Ticketnet",
    )
    assert "block" in one_step.value.details["steps"][0] and "unblock" in one_step.value.details["steps"][1]

    # 1. take them away from FNAC and block them
    taken = change(p1, seats, "move", box)
    change(p1, seats, "block")
    assert [s["interface_id"] for s in taken] == [w.interface_id]
    # giving them to Ticketnet before FNAC's export is refused
    change(p1, seats, "unblock")
    with pytest.raises(Conflict) as early:
        change(p1, seats, "move", tkn_quota)
    assert (early.value.details["reason"], early.value.details["interface_id"]) == (
        "export_pending",
        w.interface_id,
    )
    fnac = allotment_export.export(ORG, w.interface_id)
    assert fnac["status"] == "sent" and not set(seats) & set(seats_in(w.interface_id, fnac["version"]))

    # 2. give them to Ticketnet (they were unblocked), export its allotment
    given = change(p1, seats, "move", tkn_quota)

    assert given == [{"interface_id": tkn, "name": "NTJ Ticketnet", "performance_id": p1}]
    ticketnet = allotment_export.export(ORG, tkn)
    assert ticketnet["status"] == "sent" and seats_in(tkn, ticketnet["version"]) == seats


def test_giving_a_distributor_seats_no_distributor_had_takes_one_step(two):
    w, tkn, tkn_quota, _ = two
    change(w.performance, ["STALLS-L-A-1"], "move", tkn_quota)  # from the box office: Ticketnet's now

    assert export_pending.pending_performances(ORG, tkn) == [w.performance]
    assert export_pending.pending_performances(ORG, w.interface_id) == []
