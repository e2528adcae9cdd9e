"""Operators block, unblock and move seats and standing places, never touching a held or sold seat."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.catalog.seating import Selection
from chalicelib.db.stock import SEAT_SOLD, AreaCounterItem, SeatItem, seat_pk, seat_sk
from chalicelib.errors import Conflict, InvalidInput, SeatUnavailable
from chalicelib.inventory import service as inventory
from chalicelib.inventory import stock
from chalicelib.inventory.model import SeatRef
from chalicelib.inventory.stock_model import BLOCK, MOVE, UNBLOCK
from tests.service.test_stock_helpers import build_performance, open_in_process


@pytest.fixture
def opened(aws):
    built = build_performance(areas={"BOX": 700, "WEB": 300})
    open_in_process(built)
    return built


def ref(built, seat_id: str) -> SeatRef:
    return SeatRef(seat_pk(built.performance_id, seat_id, 1), seat_sk(seat_id))


def seat(built, seat_id: str) -> SeatItem:
    key = ref(built, seat_id)
    return SeatItem.get(key.pk, key.sk, consistent_read=True)


def status(built, seat_id: str) -> str:
    return seat(built, seat_id).status


def row(block: str, letter: str, first=None, last=None) -> Selection:
    return Selection(zone="STALLS", block=block, rows=frozenset({letter}), from_number=first, to_number=last)


def change(built, selection, what, quota=None):
    return stock.change_seats(built.org_id, built.performance_id, selection, what, quota)


def test_blocking_a_row_blocks_its_free_seats(opened):
    report = change(opened, row("L", "B"), BLOCK)

    assert (report.changed, report.unchanged, report.refused) == (10, [], [])
    assert {status(opened, f"STALLS-L-B-{n}") for n in range(1, 11)} == {"blocked"}
    assert status(opened, "STALLS-L-A-1") == "free"


def test_blocking_a_held_seat_changes_nothing_and_names_it(opened):
    inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", [ref(opened, "STALLS-L-B-4")], 600)

    with pytest.raises(SeatUnavailable) as caught:
        change(opened, row("L", "B"), BLOCK)

    assert caught.value.details["refused"] == [{"seat_id": "STALLS-L-B-4", "reason": "held"}]
    assert "STALLS-L-B-4 (held)" in caught.value.message
    assert [status(opened, f"STALLS-L-B-{n}") for n in (3, 4, 5)] == ["free", "held", "free"]


def test_a_sold_seat_is_neither_blocked_nor_moved(opened):
    seat(opened, "STALLS-R-A-2").update(actions=[SeatItem.status.set(SEAT_SOLD)])
    selection = Selection(seat_ids=("STALLS-R-A-1", "STALLS-R-A-2"))

    for what, quota in ((BLOCK, None), (MOVE, opened.quotas["GRP"])):
        with pytest.raises(SeatUnavailable) as caught:
            change(opened, selection, what, quota)
        assert caught.value.details["refused"] == [{"seat_id": "STALLS-R-A-2", "reason": "sold"}]
    assert status(opened, "STALLS-R-A-1") == "free"


def test_the_seat_of_an_expired_hold_may_be_blocked(opened, monkeypatch):
    chosen = [ref(opened, "STALLS-L-A-1")]
    with clock.at(1_000):
        inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", chosen, 60)

    report = change(opened, Selection(seat_ids=("STALLS-L-A-1",)), BLOCK)

    assert report.changed == 1
    item = seat(opened, "STALLS-L-A-1")
    assert (item.status, item.hold_id) == ("blocked", None)


def test_unblocking_frees_blocked_seats_and_refuses_held_ones(opened):
    change(opened, row("R", "C", 1, 3), BLOCK)
    inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", [ref(opened, "STALLS-R-C-4")], 600)

    with pytest.raises(SeatUnavailable):
        change(opened, row("R", "C", 1, 4), UNBLOCK)
    report = change(opened, row("R", "C", 1, 3), UNBLOCK)

    assert report.changed == 3
    assert [status(opened, f"STALLS-R-C-{n}") for n in range(1, 5)] == ["free"] * 3 + ["held"]


def test_seats_already_as_asked_are_reported_unchanged_not_refused(opened):
    change(opened, row("L", "A", 1, 2), BLOCK)

    report = change(opened, row("L", "A", 1, 4), BLOCK)

    assert (report.changed, sorted(report.unchanged), report.refused) == (
        2,
        ["STALLS-L-A-1", "STALLS-L-A-2"],
        [],
    )


def test_a_seat_id_the_performance_does_not_sell_is_refused_by_name(opened):
    with pytest.raises(SeatUnavailable) as caught:
        change(opened, Selection(seat_ids=("STALLS-L-A-1", "NOPE-1")), BLOCK)

    assert caught.value.details["refused"] == [{"seat_id": "NOPE-1", "reason": "not in stock"}]


def test_a_selection_over_one_transaction_is_written_in_chunks_with_a_report(opened, monkeypatch):
    """Chunks of 100 seats in production; of 8 here, as moto copies its tables in every transaction."""
    monkeypatch.setattr(stock, "TRANSACTION_ITEMS", 8)
    held = [ref(opened, "STALLS-L-B-5"), ref(opened, "STALLS-L-C-10")]
    inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", held, 600)

    report = change(opened, Selection(zone="STALLS", block="L"), BLOCK)

    assert report.changed == 28
    assert sorted(r["seat_id"] for r in report.refused) == ["STALLS-L-B-5", "STALLS-L-C-10"]
    assert {r["reason"] for r in report.refused} == {"held"}
    counts = stock.stock_counts(opened.org_id, opened.performance_id)["seats"]
    per_status = {s: sum(c["seats"] for c in counts if c["status"] == s) for s in ("blocked", "held", "free")}
    assert per_status == {"blocked": 28, "held": 2, "free": 30}


def test_up_to_a_hundred_seats_are_one_transaction(opened, monkeypatch):
    sizes = []
    real = stock.changes.change_seats

    def spy(performance_id, shards, seat_ids, *args):
        sizes.append(len(seat_ids))
        return real(performance_id, shards, seat_ids, *args)

    monkeypatch.setattr(stock.changes, "change_seats", spy)

    change(opened, Selection(zone="STALLS", block="R"), BLOCK)

    assert sizes == [30]


def test_moving_free_seats_changes_their_quota_and_the_counts(opened):
    report = change(opened, row("L", "A", 1, 5), MOVE, opened.quotas["GRP"])

    assert report.changed == 5
    counts = stock.stock_counts(opened.org_id, opened.performance_id)["seats"]
    per_quota = {(c["quota_id"], c["status"]): c["seats"] for c in counts}
    assert per_quota[(opened.quotas["GRP"], "free")] == 5
    assert per_quota[(opened.quotas["BOX"], "free")] == 15


def test_moving_to_an_unknown_quota_is_refused(opened):
    with pytest.raises(InvalidInput):
        change(opened, row("L", "A"), MOVE, "no-such-quota")


def test_stock_changes_wait_until_the_performance_is_on_sale(aws):
    built = build_performance()

    with pytest.raises(Conflict, match="draft"):
        change(built, row("L", "A"), BLOCK)


def test_a_held_seat_counts_as_held_until_its_hold_expires(opened, monkeypatch):
    hold = inventory.place_hold(opened.org_id, opened.performance_id, "c", [ref(opened, "STALLS-L-A-1")], 60)

    def held_seats():
        counts = stock.stock_counts(opened.org_id, opened.performance_id)["seats"]
        return sum(c["seats"] for c in counts if c["status"] == "held")

    assert held_seats() == 1
    with clock.at(hold.expires_at):
        assert held_seats() == 0


def test_standing_places_move_between_quotas_by_conditional_counters(opened):
    moved = stock.move_places(
        opened.org_id, opened.performance_id, "PIT", opened.quotas["BOX"], opened.quotas["GRP"], 500
    )

    assert moved["places"] == 500
    areas = stock.stock_counts(opened.org_id, opened.performance_id)["areas"]
    free = {a["quota_id"]: (a["capacity"], a["free"]) for a in areas}
    assert free == {
        opened.quotas["BOX"]: (200, 200),
        opened.quotas["WEB"]: (300, 300),
        opened.quotas["GRP"]: (500, 500),
    }


def test_standing_places_already_taken_cannot_be_moved(opened):
    for counter in AreaCounterItem.scan(AreaCounterItem.sk.startswith(f"AREA#PIT#{opened.quotas['WEB']}#")):
        counter.update(actions=[AreaCounterItem.free.set(100)])

    with pytest.raises(SeatUnavailable, match="Only 100 free places"):
        stock.move_places(
            opened.org_id, opened.performance_id, "PIT", opened.quotas["WEB"], opened.quotas["BOX"], 150
        )
