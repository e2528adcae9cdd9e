"""A stock read builds seats from the blocks' layout parts and reads only the seats no longer as opened:
it must show exactly what reading every seat shows."""

from __future__ import annotations

import pytest

from chalicelib.db.stock import BlockMarkerItem, SeatItem, StockTable
from chalicelib.inventory import service as inventory
from chalicelib.inventory import stock, stock_layout, stock_reads, stock_view
from chalicelib.inventory.stock_model import BLOCK, MOVE, UNBLOCK
from chalicelib.inventory.stock_repository import built_pk
from tests.service.test_stock_changes import ref, row
from tests.service.test_stock_helpers import build_performance, open_in_process

SHARDS = 1


@pytest.fixture
def opened(aws):
    built = build_performance()
    open_in_process(built)
    stock_view.clear()
    return built


def every_seat_read(built) -> list:
    """The slow read the layout parts stand in for: every attribute of every seat, from the shards."""
    same: dict = {}
    return sorted(s for n in range(SHARDS) for s in stock_reads.seats_of_shard(built.performance_id, n, same))


def drawn(built) -> list:
    return sorted(stock_reads.seats_to_draw(built.performance_id, SHARDS))


def change(built, selection, what, quota=None):
    return stock.change_seats(built.org_id, built.performance_id, selection, what, quota)


def by_id(seats) -> dict:
    return {s.seat_id: s for s in seats}


def test_a_freshly_opened_hall_reads_the_same_from_its_layout_parts(opened):
    assert stock_reads.opened_seats(opened.performance_id, SHARDS) is not None

    assert drawn(opened) == every_seat_read(opened)


def test_held_blocked_and_moved_seats_read_as_the_seats_say(opened):
    inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", [ref(opened, "STALLS-L-B-4")], 600)
    change(opened, row("R", "B"), BLOCK)
    change(opened, row("L", "A", 1, 3), MOVE, opened.quotas["GRP"])

    seats = by_id(drawn(opened))

    assert seats["STALLS-L-B-4"].status == "held" and seats["STALLS-L-B-4"].hold_expires_at
    assert seats["STALLS-R-B-1"].status == "blocked"
    assert seats["STALLS-L-A-2"].quota_id == opened.quotas["GRP"] and seats["STALLS-L-A-2"].status == "free"
    assert seats["STALLS-L-A-4"].quota_id == opened.quotas["BOX"]
    assert list(seats.values()) == every_seat_read(opened)


def test_a_seat_moved_back_to_its_first_quota_or_unblocked_reads_as_it_is_now(opened):
    change(opened, row("L", "A", 1, 1), MOVE, opened.quotas["GRP"])
    change(opened, row("L", "A", 1, 1), MOVE, opened.quotas["BOX"])
    change(opened, row("R", "C"), BLOCK)
    change(opened, row("R", "C"), UNBLOCK)

    seats = by_id(drawn(opened))

    assert seats["STALLS-L-A-1"].quota_id == opened.quotas["BOX"]
    assert seats["STALLS-R-C-1"].status == "free"
    assert list(seats.values()) == every_seat_read(opened)


def test_the_pickers_view_sees_a_hold_placed_after_it_read(opened, monkeypatch):
    before = by_id(inventory.view_seats(opened.org_id, opened.performance_id, SHARDS))
    inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", [ref(opened, "STALLS-R-A-2")], 600)
    monkeypatch.setattr(stock_view, "SHARD_SECONDS", 0.0)

    after = by_id(inventory.view_seats(opened.org_id, opened.performance_id, SHARDS))

    assert before["STALLS-R-A-2"].status == "free" and after["STALLS-R-A-2"].status == "held"


def test_a_performance_opened_without_layout_parts_is_read_seat_by_seat(opened):
    for item in StockTable.query(built_pk(opened.performance_id)):
        if "#LAYOUT#" in item.sk:
            item.delete()
    inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", [ref(opened, "STALLS-L-B-4")], 600)

    assert stock_reads.opened_seats(opened.performance_id, SHARDS) is None
    seats = by_id(drawn(opened))
    assert seats["STALLS-L-B-4"].status == "held"
    assert list(seats.values()) == every_seat_read(opened)


def test_a_block_marker_without_its_layout_count_sends_the_read_to_the_shards(opened):
    blocks = BlockMarkerItem.query(built_pk(opened.performance_id), StockTable.sk.startswith("BLOCK#"))
    marker = next(item for item in blocks if "#LAYOUT#" not in item.sk)
    StockTable(marker.pk, marker.sk).save()  # as an opening written before layout parts existed

    assert stock_reads.opened_seats(opened.performance_id, SHARDS) is None
    assert drawn(opened) == every_seat_read(opened)
    assert len(drawn(opened)) == SeatItem.count(
        f"PERF#{opened.performance_id}#S0", SeatItem.sk.startswith("SEAT#")
    )


def test_a_block_in_several_parts_reads_whole_and_one_missing_part_sends_the_read_to_the_shards(
    aws, monkeypatch
):
    monkeypatch.setattr(stock_layout, "PART_SEATS", 7)
    built = build_performance()
    open_in_process(built)
    parts = [item for item in StockTable.query(built_pk(built.performance_id)) if "#LAYOUT#1" in item.sk]

    assert parts and drawn(built) == every_seat_read(built)
    parts[0].delete()
    assert stock_reads.opened_seats(built.performance_id, SHARDS) is None
    assert drawn(built) == every_seat_read(built)
