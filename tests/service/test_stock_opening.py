"""Opening a performance for sale builds its stock exactly from its layout, once."""

from __future__ import annotations

from collections import Counter

import pytest

from chalicelib.catalog import service as catalog
from chalicelib.db.stock import STOCK_SHARD_SEATS, AreaCounterItem, SeatItem, seat_pk, shard_count
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.inventory import stock, stock_opening
from chalicelib.inventory.stock_model import area_shares
from chalicelib.workflows import open_performance
from tests.service.test_stock_helpers import build_performance, open_in_process, plan_blocks


def not_the_tenth(seat, block):
    """Seat 10 of every row has no category: it is not for sale."""
    if seat.number == "10":
        return None
    return ("CAT1", "BOX") if seat.row == "A" else ("CAT2", None if seat.row == "C" else "WEB")


def seat_items():
    return list(SeatItem.scan(SeatItem.sk.startswith("SEAT#")))


def state_of(built):
    return catalog.get(built.org_id, "performance", built.performance_id).state


def test_opening_writes_one_free_seat_per_seat_with_a_category(aws):
    built = build_performance(assign=not_the_tenth)

    summary = open_in_process(built)

    seats = {item.seat_id: item for item in seat_items()}
    assert set(seats) == set(built.assigned) and len(seats) == 54
    assert not [s for s in built.seat_ids if s.endswith("-10") and s in seats]
    seat = seats["STALLS-R-B-3"]
    assert (seat.zone, seat.block, seat.row, seat.number, seat.x, seat.y) == ("STALLS", "R", "B", "3", 3, 1)
    assert (seat.category_id, seat.quota_id, seat.status) == (
        built.categories["CAT2"],
        built.quotas["WEB"],
        "free",
    )
    assert seats["STALLS-L-C-1"].quota_id is None
    assert summary["seats_written"] == 54 and summary["outcome"] == "opened"


def test_stock_counts_follow_the_layout_per_category_quota_and_status(aws):
    built = build_performance(assign=not_the_tenth)
    open_in_process(built)

    counts = stock.stock_counts(built.org_id, built.performance_id)

    cat1, cat2 = built.categories["CAT1"], built.categories["CAT2"]
    assert counts["seats"] == sorted(
        [
            {"category_id": cat1, "quota_id": built.quotas["BOX"], "status": "free", "seats": 18},
            {"category_id": cat2, "quota_id": built.quotas["WEB"], "status": "free", "seats": 18},
            {"category_id": cat2, "quota_id": None, "status": "free", "seats": 18},
        ],
        key=lambda c: (c["category_id"], c["quota_id"] or "", c["status"]),
    )
    assert counts["status"] == "on_sale" and counts["seat_count"] == 54


def test_performance_records_its_status_shards_and_capacity(aws):
    built = build_performance(areas={"BOX": 700, "WEB": 300})

    open_in_process(built)

    state = state_of(built)
    assert state["status"] == "on_sale"
    assert (state["shards"], state["seat_count"], state["capacity"]) == (1, 60, 1060)
    assert state["opened_at"]


def test_standing_places_are_split_into_counters_per_quota(aws):
    built = build_performance(areas={"BOX": 1200, "WEB": 300})

    open_in_process(built)

    counters = sorted(
        (c.quota_id, int(c.counter), int(c.capacity), int(c.free))
        for c in AreaCounterItem.scan(AreaCounterItem.sk.startswith("AREA#"))
    )
    box, web = built.quotas["BOX"], built.quotas["WEB"]
    assert counters == sorted(
        [(box, 0, 400, 400), (box, 1, 400, 400), (box, 2, 400, 400), (web, 0, 300, 300)]
    )
    areas = stock.stock_counts(built.org_id, built.performance_id)["areas"]
    assert {(a["quota_id"], a["capacity"], a["free"]) for a in areas} == {(box, 1200, 1200), (web, 300, 300)}


def test_a_standing_area_sharing_more_places_than_it_holds_is_refused():
    with pytest.raises(InvalidInput, match="shares 150 places but holds 100"):
        area_shares({"PIT": 100}, [{"area": "PIT", "seat_category_id": "c", "quotas": {"a": 100, "b": 50}}])
    with pytest.raises(InvalidInput, match="plan lacks"):
        area_shares({}, [{"area": "PIT", "seat_category_id": "c", "quotas": {"a": 1}}])


def test_opening_again_changes_nothing_and_says_so(aws):
    built = build_performance()
    open_in_process(built)
    before = {(i.pk, i.sk, i.status) for i in seat_items()}

    again = open_in_process(built, execution="exec-2")

    assert again["already_open"] is True and again["outcome"] == "already open"
    assert {(i.pk, i.sk, i.status) for i in seat_items()} == before


def test_a_resumed_opening_skips_the_blocks_already_written(aws):
    built = build_performance()
    base = {"org_id": built.org_id, "performance_id": built.performance_id, "execution": "exec-1"}
    prepared = open_performance.handle({**base, "action": "prepare"})
    ids = {name: prepared[name] for name in ("plan_id", "layout_id", "shards")}
    open_performance.handle({**base, **ids, **prepared["blocks"][0], "action": "write_block"})
    stock_opening.fail(
        built.org_id, built.performance_id, "exec-1", "2026-11-01T10:00:00Z", {"Error": "Boom"}
    )
    assert state_of(built)["status"] == "open_failed"

    summary = open_in_process(built, execution="exec-2")

    assert (summary["blocks_skipped"], summary["blocks_written"], summary["seats_written"]) == (1, 1, 30)
    assert len(list(seat_items())) == 60
    assert state_of(built)["status"] == "on_sale"


def test_two_openings_cannot_run_at_once(aws):
    built = build_performance()
    stock_opening.prepare(built.org_id, built.performance_id, "exec-1")

    with pytest.raises(Conflict):
        stock_opening.prepare(built.org_id, built.performance_id, "exec-2")

    assert stock_opening.prepare(built.org_id, built.performance_id, "exec-1")["shards"] == 1
    outcome = stock_opening.fail(built.org_id, built.performance_id, "exec-2", "2026-11-01T10:00:00Z", {})
    assert outcome["reset"] is False
    assert state_of(built)["opening_execution"] == "exec-1"


def test_a_layout_naming_a_deleted_quota_is_refused_and_the_performance_stays_draft(aws):
    built = build_performance()
    catalog.delete(built.org_id, "quota", built.quotas["WEB"], None)

    with pytest.raises(InvalidInput, match="unknown quota"):
        stock_opening.prepare(built.org_id, built.performance_id, "exec-1")

    assert state_of(built)["status"] == "draft"


def test_blocks_are_not_written_unless_the_performance_is_opening(aws):
    built = build_performance()

    with pytest.raises(Conflict, match="not opening"):
        stock_opening.write_block(
            built.org_id, built.performance_id, built.plan_id, built.layout_id, 1, "STALLS", "L"
        )

    assert list(seat_items()) == []


def test_twenty_thousand_seats_spread_evenly_over_their_shard_keys():
    seat_ids = [s.seat_id for b in plan_blocks([("Z", f"B{n}") for n in range(40)], 20, 25) for s in b.seats]
    shards = shard_count(len(seat_ids))

    per_key = Counter(seat_pk("perf", seat_id, shards) for seat_id in seat_ids)

    assert len(seat_ids) == 20_000 and shards == 20 and len(per_key) == shards
    assert max(per_key.values()) <= STOCK_SHARD_SEATS * 1.2


def test_an_opened_performance_puts_its_seats_on_every_shard(aws):
    built = build_performance(blocks=tuple(("Z", f"B{n}") for n in range(5)), rows=10, per_row=25)

    open_in_process(built)

    per_key = Counter(item.pk for item in seat_items())
    assert state_of(built)["shards"] == 2 == len(per_key)
    assert sum(per_key.values()) == 1250
    assert max(per_key.values()) <= 1250 / 2 * 1.2
