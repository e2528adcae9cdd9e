"""The shop's plain rules: sales windows, sellable quotas, free seats, counting, prices, seat map rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.shop.model import (
    SEAT_FIELDS,
    AreaStock,
    Channel,
    MapSeat,
    PriceCell,
    Quota,
    SeatCategory,
    SeatStock,
    Showing,
    count_free,
    in_sales_window,
    is_on_sale,
    page_after,
    parse_time,
    price_matrix,
    quota_is_sellable,
    seat_is_free,
    seat_map_blocks,
    sellable_quotas,
)

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
EPOCH = 1_000_000
WEB = Channel("web", "internet_b2c", frozenset({"q-web"}), "map", 8)


def quota(quota_id: str, *channels: str, exclusive: bool = False, type_: str = "other") -> Quota:
    return Quota(quota_id, type_, exclusive, frozenset(channels))


def showing(**changes) -> Showing:
    values = {
        "id": "p1",
        "code": "P1",
        "event_id": "e1",
        "hall_id": "h1",
        "layout_id": "l1",
        "starts_at": NOW + timedelta(days=10),
        "sales_open_at": NOW - timedelta(days=1),
        "sales_close_at": NOW + timedelta(days=9),
        "status": "on_sale",
    }
    return Showing(**{**values, **changes})


def test_a_sales_window_includes_its_opening_and_excludes_its_closing():
    assert in_sales_window(NOW, NOW, NOW + timedelta(seconds=1))
    assert not in_sales_window(NOW, NOW - timedelta(hours=1), NOW)


def test_a_missing_bound_leaves_that_side_of_the_window_open():
    assert in_sales_window(NOW, None, None)
    assert in_sales_window(NOW, None, NOW + timedelta(seconds=1))
    assert not in_sales_window(NOW, NOW + timedelta(seconds=1), None)


@pytest.mark.parametrize(
    ("changes", "event_status", "expected"),
    [
        ({}, "published", True),
        ({"status": "draft"}, "published", False),
        ({"status": "closed"}, "published", False),
        ({}, "draft", False),
        ({}, "cancelled", False),
        ({"sales_open_at": NOW + timedelta(minutes=1)}, "published", False),
        ({"sales_close_at": NOW}, "published", False),
        ({"sales_open_at": None, "sales_close_at": None}, "published", True),
        ({"starts_at": NOW, "sales_open_at": None, "sales_close_at": None}, "published", False),
    ],
)
def test_a_performance_is_on_sale_when_opened_published_in_its_window_and_still_to_come(
    changes, event_status, expected
):
    assert is_on_sale(showing(**changes), event_status, NOW) is expected


def test_a_channel_sells_the_quotas_it_lists_and_those_that_name_it():
    assert quota_is_sellable(WEB, quota("q-web"))
    assert quota_is_sellable(WEB, quota("q-named", "web"))
    assert not quota_is_sellable(WEB, quota("q-other", "box"))


def test_an_exclusive_quota_of_another_channel_is_never_sellable_even_when_listed():
    listed = Channel("web", "internet_b2c", frozenset({"q-groups"}), "map", 8)

    assert not quota_is_sellable(listed, quota("q-groups", "b2b", exclusive=True))
    assert quota_is_sellable(listed, quota("q-groups", "b2b", "web", exclusive=True))
    assert quota_is_sellable(listed, quota("q-groups", exclusive=True))


def test_an_external_quota_is_sold_only_by_the_channel_it_names():
    listed = Channel("web", "internet_b2c", frozenset({"q-dist"}), "map", 8)

    assert not quota_is_sellable(listed, quota("q-dist", "dist", type_="external"))


def test_stock_in_no_quota_is_open_to_every_shop_channel_but_unknown_quotas_are_not():
    sellable = sellable_quotas(WEB, [quota("q-web"), quota("q-box", "box")])

    assert sellable.quota_ids == {"q-web"}
    assert sellable.allows(None)
    assert not sellable.allows("q-box")
    assert not sellable.allows("q-deleted")


def test_an_external_channel_is_not_a_shop():
    assert WEB.is_shop
    assert not Channel("dist", "external", frozenset(), "no_plan", 10).is_shop


@pytest.mark.parametrize(
    ("status", "expires_at", "free"),
    [
        ("free", None, True),
        ("held", EPOCH - 1, True),
        ("held", EPOCH, True),
        ("held", EPOCH + 1, False),
        ("held", None, False),
        ("sold", None, False),
        ("blocked", None, False),
        (None, None, False),
    ],
)
def test_a_seat_is_free_when_free_or_held_by_an_expired_hold(status, expires_at, free):
    assert seat_is_free(status, expires_at, EPOCH) is free


def test_free_places_count_only_sellable_quotas_and_expired_holds():
    seats = [
        SeatStock("c1", "q-web", "free", None),
        SeatStock("c1", "q-web", "held", EPOCH - 5),
        SeatStock("c1", "q-web", "held", EPOCH + 5),
        SeatStock("c1", "q-box", "free", None),
        SeatStock("c2", None, "free", None),
        SeatStock(None, "q-web", "free", None),
    ]

    count = count_free(seats, [], sellable_quotas(WEB, [quota("q-web"), quota("q-box", "box")]), EPOCH)

    assert count.seats == {"c1": 2, "c2": 1}


def test_a_sold_out_category_still_appears_with_nothing_free():
    count = count_free([SeatStock("c1", None, "sold", None)], [], sellable_quotas(WEB, []), EPOCH)

    assert count.categories() == ["c1"]
    assert count.seats == {"c1": 0}


def test_standing_places_are_summed_per_area_from_its_sellable_counters():
    areas = [
        AreaStock("PIT", "q-web", "c3", 120),
        AreaStock("PIT", "q-web", "c3", 80),
        AreaStock("PIT", "q-box", "c3", 500),
        AreaStock("BALC", None, "c3", 10),
    ]

    count = count_free([], areas, sellable_quotas(WEB, [quota("q-web"), quota("q-box", "box")]), EPOCH)

    assert count.areas == {("PIT", "c3"): 200, ("BALC", "c3"): 10}
    assert count.standing == {"c3": 210}


def test_prices_come_per_category_best_rank_first_with_dearest_audience_first():
    categories = {
        "c1": SeatCategory("c1", "Cat 1", "#aa0000", 1),
        "c2": SeatCategory("c2", "Cat 2", "#00aa00", 2),
    }
    audiences = {"full": "Full price", "young": "Under 26"}
    cells = [
        PriceCell("c2", "full", 3000),
        PriceCell("c1", "young", 2500),
        PriceCell("c1", "full", 4500),
        PriceCell("c1", "ghost", 1),
        PriceCell("c9", "full", 1),
    ]

    matrix = price_matrix(cells, categories, audiences)

    assert [(row.seat_category_id, row.colour, row.rank) for row in matrix] == [
        ("c1", "#aa0000", 1),
        ("c2", "#00aa00", 2),
    ]
    assert [(p.name, p.amount) for p in matrix[0].prices] == [("Full price", 4500), ("Under 26", 2500)]


def map_seat(seat_id: str, row: str, number: str, **changes) -> MapSeat:
    values = dict(
        seat_id=seat_id,
        zone="STALLS",
        block="A",
        row=row,
        number=number,
        x=1.0,
        y=2.0,
        category_id="c1",
        accessible=False,
        quota_id="q-web",
        status="free",
        hold_expires_at=None,
    )
    return MapSeat(**{**values, **changes})


def test_seat_map_rows_follow_the_fields_in_natural_order_and_carry_no_quota_or_hold():
    seats = [
        map_seat("A-10-1", "10", "1"),
        map_seat("A-2-10", "2", "10", status="held", hold_expires_at=EPOCH + 60),
        map_seat("A-2-9", "2", "9", quota_id="q-box"),
        map_seat("B-1-1", "1", "1", block="B", status="held", hold_expires_at=EPOCH - 60),
    ]

    blocks = seat_map_blocks(seats, sellable_quotas(WEB, [quota("q-web")]), EPOCH)

    assert [(b.zone, b.block) for b in blocks] == [("STALLS", "A"), ("STALLS", "B")]
    assert SEAT_FIELDS == ("seat_id", "row", "number", "x", "y", "category_id", "accessible", "available")
    assert blocks[0].seats == [
        ("A-2-9", "2", "9", 1.0, 2.0, "c1", False, False),
        ("A-2-10", "2", "10", 1.0, 2.0, "c1", False, False),
        ("A-10-1", "10", "1", 1.0, 2.0, "c1", False, True),
    ]
    assert blocks[1].seats[0][-1] is True
    assert all(len(row) == len(SEAT_FIELDS) for block in blocks for row in block.seats)


def test_pages_follow_start_time_then_id_and_continue_after_the_cursor():
    later = NOW + timedelta(days=20)
    showings = [showing(id="b", starts_at=later), showing(id="a", starts_at=later), showing(id="z")]

    first, more = page_after(showings, None, 2)
    rest, after_rest = page_after(showings, (first[-1].starts_at, first[-1].id), 2)

    assert [s.id for s in first] == ["z", "a"]
    assert more
    assert [s.id for s in rest] == ["b"]
    assert not after_rest


def test_a_time_stored_without_an_offset_is_utc():
    assert parse_time("2026-10-01T20:00:00") == datetime(2026, 10, 1, 20, tzinfo=UTC)
    assert parse_time("2026-10-01T22:00:00+02:00") == datetime(2026, 10, 1, 20, tzinfo=UTC)
    assert parse_time(None) is None
