"""A move told which quotas its seats come from changes only the seats still in them when written: a
seat an operator moved to another quota meanwhile stays there and is refused as "other quota"."""

from __future__ import annotations

import pytest

from chalicelib.catalog.seating import Selection
from chalicelib.db.stock import seat_pk, seat_sk
from chalicelib.errors import InvalidInput, SeatUnavailable
from chalicelib.inventory import service as inventory
from chalicelib.inventory import stock
from chalicelib.inventory.model import SeatRef
from chalicelib.inventory.stock_model import MOVE
from tests.service.test_stock_helpers import build_performance, open_in_process


@pytest.fixture
def opened(aws):
    """Rows A (box office) and B, C (internet) of blocks L and R: 60 seats."""
    built = build_performance()
    open_in_process(built)
    return built


def quota_of(built, seat_id: str) -> str | None:
    seats = stock.live_seats(built.org_id, built.performance_id)["seats"]
    return next(s.get("quota_id") for s in seats if s["seat_id"] == seat_id)


def move(built, seat_ids, to: str, from_quotas: frozenset[str] | None):
    selection = Selection(seat_ids=tuple(seat_ids))
    return stock.change_seats(
        built.org_id, built.performance_id, selection, MOVE, to, from_quotas=from_quotas
    )


def test_up_to_a_hundred_seats_a_seat_in_another_quota_refuses_the_move_and_is_named(opened):
    box, web, grp = (opened.quotas[q] for q in ("BOX", "WEB", "GRP"))
    seats = ["STALLS-L-B-1", "STALLS-L-B-2", "STALLS-L-A-1"]  # A-1 is the box office's

    with pytest.raises(SeatUnavailable) as caught:
        move(opened, seats, grp, frozenset({web}))

    assert caught.value.details["refused"] == [{"seat_id": "STALLS-L-A-1", "reason": "other quota"}]
    assert [quota_of(opened, s) for s in seats] == [web, web, box]


def test_over_a_hundred_seats_a_seat_in_another_quota_stays_and_the_others_move(opened, monkeypatch):
    """Chunks of 100 seats in production; of 8 here, as moto copies its tables in every transaction."""
    monkeypatch.setattr(stock, "TRANSACTION_ITEMS", 8)
    box, web, grp = (opened.quotas[q] for q in ("BOX", "WEB", "GRP"))
    internet = [f"STALLS-L-{row}-{n}" for row in "BC" for n in range(1, 11)]
    # an operator moved two of them to the box office after the caller read them as internet seats
    move(opened, ["STALLS-L-B-5", "STALLS-L-C-9"], box, None)

    report = move(opened, internet, grp, frozenset({web}))

    assert report.changed == 18
    assert sorted(report.refused, key=lambda r: r["seat_id"]) == [
        {"seat_id": "STALLS-L-B-5", "reason": "other quota"},
        {"seat_id": "STALLS-L-C-9", "reason": "other quota"},
    ]
    quotas = {seat: quota_of(opened, seat) for seat in internet}
    assert (quotas["STALLS-L-B-5"], quotas["STALLS-L-C-9"]) == (box, box)
    assert sorted(q for s, q in quotas.items() if s not in ("STALLS-L-B-5", "STALLS-L-C-9")) == [grp] * 18


def test_a_seat_in_one_of_several_quotas_moves(opened):
    box, web, grp = (opened.quotas[q] for q in ("BOX", "WEB", "GRP"))

    report = move(opened, ["STALLS-R-A-1", "STALLS-R-B-1"], grp, frozenset({box, web}))

    assert (report.changed, report.refused) == (2, [])
    assert [quota_of(opened, s) for s in ("STALLS-R-A-1", "STALLS-R-B-1")] == [grp, grp]


def test_a_seat_already_in_the_target_quota_is_unchanged_not_refused(opened):
    box, web = opened.quotas["BOX"], opened.quotas["WEB"]

    report = move(opened, ["STALLS-R-A-2", "STALLS-R-B-2"], box, frozenset({web}))

    assert (report.changed, report.unchanged, report.refused) == (1, ["STALLS-R-A-2"], [])
    assert quota_of(opened, "STALLS-R-B-2") == box


def test_a_held_seat_still_in_the_quota_is_refused_as_held(opened):
    web, grp = opened.quotas["WEB"], opened.quotas["GRP"]
    held = SeatRef(seat_pk(opened.performance_id, "STALLS-R-C-3", 1), seat_sk("STALLS-R-C-3"))
    inventory.place_hold(opened.org_id, opened.performance_id, "cart-1", [held], 600)

    with pytest.raises(SeatUnavailable) as caught:
        move(opened, ["STALLS-R-C-3", "STALLS-R-C-4"], grp, frozenset({web}))

    assert caught.value.details["refused"] == [{"seat_id": "STALLS-R-C-3", "reason": "held"}]


def test_an_empty_set_of_source_quotas_is_refused(opened):
    with pytest.raises(InvalidInput) as caught:
        move(opened, ["STALLS-R-B-1"], opened.quotas["GRP"], frozenset())

    assert caught.value.details == {"field": "from_quotas"}
    assert quota_of(opened, "STALLS-R-B-1") == opened.quotas["WEB"]
