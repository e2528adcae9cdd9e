"""Shop reads of a point of sale against moto: what is on sale, prices, free places, seat map."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import repository as catalog_repository
from chalicelib.catalog import service as catalog
from chalicelib.db.stock import AreaCounterItem, SeatItem, area_counter_sk, seat_pk, seat_sk, shard_pk
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.inventory import stock_reads
from chalicelib.shop import service

ORG = "demo"
SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
AGO = datetime.now(UTC) - timedelta(days=1)


def make(kind: str, spec: k.Spec, item_id: str) -> str:
    return catalog.create(ORG, kind, spec, item_id).id


def build_places() -> None:
    make("venue", k.VenueSpec(code="V", name="Grand Théâtre"), "venue")
    make("hall", k.HallSpec(venue_id="venue", code="H", name="Salle Molière"), "hall")
    for n, rank in (("c1", 1), ("c2", 2), ("c3", 3)):
        make("seat_category", k.SeatCategorySpec(code=n, name=f"Cat {rank}", rank=rank, colour="#aa0000"), n)
    pit = {"code": "PIT", "name": "Fosse", "capacity": 900}
    plan = k.SeatingPlanSpec(hall_id="hall", code="P", name="Plan", areas=[pit])
    catalog_repository.create(ORG, "seating_plan", "plan", plan.model_dump(mode="json"), {})
    layout = k.LayoutSpec(seating_plan_id="plan", code="L", name="Layout")
    catalog_repository.create(ORG, "layout", "layout", layout.model_dump(mode="json"), {})


CHANNELS = (  # code (also the channel id; the point of sale's code is its upper case), type, quotas, plan
    ("web", "internet_b2c", ["q-web", "q-groups"], "map"),
    ("box", "box_office", ["q-box"], "map"),
    ("b2b", "internet_company", [], "map"),
    ("dist", "external", [], "no_plan"),
    ("nomap", "internet_b2c", ["q-web"], "no_plan"),
)


def build_channels() -> None:
    """q-groups is exclusive to b2b: web lists it, yet may not sell it."""
    for code, kind, _, selection in CHANNELS:
        spec = k.SalesChannelSpec(code=code, name=code, type=kind, seat_selection=selection)
        make("sales_channel", spec, code)
        make("point_of_sale", k.PointOfSaleSpec(channel_id=code, code=code.upper(), name=code), f"pos-{code}")
    make("quota", k.QuotaSpec(code="QWEB", name="Web"), "q-web")
    make("quota", k.QuotaSpec(code="QBOX", name="Box office"), "q-box")
    make("quota", k.QuotaSpec(code="QGRP", name="Groups", exclusive=True, channel_ids=["b2b"]), "q-groups")
    for code, _, quotas, _ in CHANNELS:
        data = catalog.get(ORG, "sales_channel", code).data
        catalog.replace(ORG, "sales_channel", code, k.SalesChannelSpec(**{**data, "quota_ids": quotas}), None)


def build_prices_and_events() -> None:
    make("audience_category", k.AudienceCategorySpec(code="PUB", name="Public"), "public")
    for code, name in (("full", "Full price"), ("young", "Under 26")):
        spec = k.AudienceSubcategorySpec(audience_category_id="public", code=code, name=name)
        make("audience_subcategory", spec, code)
    for grid, prices in (
        ("grid", [("c1", "full", 4500), ("c1", "young", 2500), ("c2", "full", 3000)]),
        ("gala", [("c1", "full", 9900)]),
    ):
        cells = [{"seat_category_id": c, "audience_subcategory_id": a, "amount": x} for c, a, x in prices]
        make("price_grid", k.PriceGridSpec(code=grid, name=grid, prices=cells), grid)
    make("season", k.SeasonSpec(code="S", name="S", starts_on="2026-01-01", ends_on="2030-01-01"), "season")
    make("activity", k.ActivitySpec(code="LIVE", name="Live"), "live")
    for code, status in (("hamlet", "published"), ("draft", "draft")):
        names = {"code": code, "name": code.title(), "status": status, "price_grid_id": "grid"}
        make("event", k.EventSpec(season_id="season", activity_id="live", **names), code)


def performance(item_id: str, event="hamlet", starts_at=SOON, status="on_sale", **extra) -> str:
    places = {"hall_id": "hall", "layout_id": "layout", "code": item_id.upper()}
    make("performance", k.PerformanceSpec(event_id=event, starts_at=starts_at, **places, **extra), item_id)
    if status != "draft":
        catalog_repository.update_state(ORG, "performance", item_id, {"status": status, "shards": 1})
    return item_id


def open_with_stock(item_id: str, seats: list[dict], areas: list[dict] = (), shards: int = 1) -> None:
    """Stock as the opening workflow writes it (chalicelib/db/stock.py), and the performance on sale."""
    with SeatItem.batch_write() as batch:
        for values in seats:
            values = {"zone": "STALLS", "block": "A", "x": 1, "y": 1, "category_id": "c1", **values}
            pk, sk = seat_pk(item_id, values["seat_id"], shards), seat_sk(values["seat_id"])
            batch.save(SeatItem(pk, sk, performance_id=item_id, **values))
    for area in areas:
        pk = shard_pk(item_id, area["counter"] % shards)
        sk = area_counter_sk(area["area"], area["quota_id"], area["counter"])
        AreaCounterItem(pk, sk, performance_id=item_id, **area).save()
    state = {"status": "on_sale", "shards": shards, "seat_count": len(seats), "opened_at": 1}
    catalog_repository.update_state(ORG, "performance", item_id, {**state, "capacity": len(seats)})


def seat(seat_id: str, **values) -> dict:
    row, number = seat_id.split("-")[1:]
    return {"seat_id": seat_id, "row": row, "number": number, "quota_id": "q-web", **values}


def standard_stock(item_id: str) -> None:
    live, lapsed = int(time.time()) + 600, int(time.time()) - 60
    seats = [
        seat("A-1-1"),
        seat("A-1-2", status="held", hold_id="h-live", hold_expires_at=live),
        seat("A-1-3", status="held", hold_id="h-lapsed", hold_expires_at=lapsed),
        seat("A-1-4", status="sold"),
        seat("A-2-1", quota_id="q-box"),
        seat("A-2-2", quota_id="q-groups", category_id="c2"),
        seat("A-2-3", quota_id=None, category_id="c2", accessible=True),
    ]
    pit = {"area": "PIT", "category_id": "c3"}
    areas = [
        {**pit, "quota_id": "q-web", "counter": 0, "capacity": 500, "free": 420},
        {**pit, "quota_id": "q-web", "counter": 1, "capacity": 300, "free": 300},
        {**pit, "quota_id": "q-box", "counter": 0, "capacity": 100, "free": 100},
    ]
    open_with_stock(item_id, seats, areas, shards=2)


def build_shop(monkeypatch) -> None:
    """The catalog above."""
    service.clear_cache()
    build_places()
    build_channels()
    build_prices_and_events()


@pytest.fixture
def shop(aws, monkeypatch):
    build_shop(monkeypatch)
    yield
    service.clear_cache()


@contextmanager
def counting_stock_queries():
    """Every DynamoDB Query call made through the client PynamoDB uses for stock items."""
    events = SeatItem._get_connection().connection.client.meta.events
    calls: list[dict] = []

    def count(params, **_):
        calls.append(json.loads(params["body"]))

    events.register("before-call.dynamodb.Query", count)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb.Query", count)


def test_an_unknown_point_of_sale_or_organisation_is_not_found(shop):
    with pytest.raises(NotFound, match="No point of sale NOPE in organisation demo"):
        service.shop_front(ORG, "NOPE")
    with pytest.raises(NotFound, match="No point of sale WEB in organisation elsewhere"):
        service.shop_front("elsewhere", "WEB")


def test_a_distributors_point_of_sale_is_not_a_shop(shop):
    with pytest.raises(NotFound, match="not a shop"):
        service.shop_front(ORG, "DIST")


def test_only_performances_on_sale_now_are_listed_by_start_time(shop):
    later = performance("later", starts_at=SOON + timedelta(days=5))
    first = performance("first", sales_open_at=AGO)
    performance("draft", status="draft")
    performance("closed", sales_open_at=AGO - timedelta(days=3), sales_close_at=AGO)
    performance("not-yet", sales_open_at=SOON - timedelta(days=1))
    performance("unpublished", event="draft")
    performance("stopped", status="closed")

    offers, cursor = service.performances_on_sale(ORG, "WEB")

    assert [o.id for o in offers] == [first, later]
    assert cursor is None
    assert (offers[0].event.name, offers[0].hall.name, offers[0].venue.name) == (
        "Hamlet",
        "Salle Molière",
        "Grand Théâtre",
    )
    assert offers[0].seat_selection == "map"


def test_listing_filters_by_event_and_period_and_pages_with_a_cursor(shop):
    ids = [performance(f"p{n}", starts_at=SOON + timedelta(days=n)) for n in range(5)]

    first, cursor = service.performances_on_sale(ORG, "WEB", limit=2)
    second, end = service.performances_on_sale(ORG, "WEB", limit=2, cursor=cursor)
    window, _ = service.performances_on_sale(
        ORG, "WEB", start=SOON + timedelta(days=1), end=SOON + timedelta(days=3)
    )
    other_event, _ = service.performances_on_sale(ORG, "WEB", event_id="draft")

    assert [o.id for o in first + second] == ids[:4]
    assert end is not None
    assert [o.id for o in window] == ids[1:3]
    assert other_event == []
    with pytest.raises(InvalidInput):
        service.performances_on_sale(ORG, "WEB", cursor="garbage")


def test_a_performance_comes_with_its_own_price_grid_or_else_its_events(shop):
    performance("plain")
    performance("gala", price_grid_id="gala")

    plain = service.performance_with_prices(ORG, "WEB", "plain")
    gala = service.performance_with_prices(ORG, "WEB", "gala")

    assert plain.currency == "EUR"
    assert [(c.seat_category_id, [(p.name, p.amount) for p in c.prices]) for c in plain.prices] == [
        ("c1", [("Full price", 4500), ("Under 26", 2500)]),
        ("c2", [("Full price", 3000)]),
    ]
    assert [(c.name, c.colour, c.rank) for c in plain.prices] == [
        ("Cat 1", "#aa0000", 1),
        ("Cat 2", "#aa0000", 2),
    ]
    assert [[p.amount for p in c.prices] for c in gala.prices] == [[9900]]


@pytest.mark.parametrize("item_id", ["draft", "closed", "unpublished", "ghost"])
def test_a_performance_not_on_sale_here_is_not_found_on_every_route(shop, item_id):
    performance("draft", status="draft")
    performance("closed", sales_close_at=AGO, sales_open_at=AGO - timedelta(days=1))
    performance("unpublished", event="draft")

    for read in (service.performance_with_prices, service.availability, service.seat_map):
        with pytest.raises(NotFound, match="not on sale at point of sale WEB"):
            read(ORG, "WEB", item_id)


def test_availability_counts_sellable_quotas_expired_holds_and_standing_areas(shop):
    standard_stock(performance("p"))

    web = service.availability(ORG, "WEB", "p")
    box = service.availability(ORG, "BOX", "p")

    assert [(c.seat_category_id, c.seats_free, c.standing_free, c.free) for c in web.categories] == [
        ("c1", 2, 0, 2),
        ("c2", 1, 0, 1),
        ("c3", 0, 720, 720),
    ]
    assert [(a.area, a.name, a.free) for a in web.areas] == [("PIT", "Fosse", 720)]
    assert web.total_free == 723
    assert [(c.seat_category_id, c.free) for c in box.categories] == [("c1", 1), ("c2", 1), ("c3", 100)]


def test_seat_map_marks_a_seat_available_only_when_free_for_this_channel(shop):
    standard_stock(performance("p"))

    drawn = service.seat_map(ORG, "WEB", "p")

    rows = {row[0]: row for block in drawn.blocks for row in block.seats}
    available = {seat_id for seat_id, row in rows.items() if row[-1]}
    assert available == {"A-1-1", "A-1-3", "A-2-3"}
    assert rows["A-2-3"] == ("A-2-3", "2", "3", 1, 1, "c2", True, True)
    assert (drawn.seat_count, drawn.available_count) == (7, 3)
    assert [c.id for c in drawn.categories] == ["c1", "c2"]


def test_a_point_of_sale_without_a_seating_plan_shows_no_seat_map(shop):
    standard_stock(performance("p"))

    with pytest.raises(NotFound, match="without a seating plan"):
        service.seat_map(ORG, "NOMAP", "p")


def test_stock_is_read_with_one_paged_projected_query_per_shard(shop, monkeypatch):
    seats = [seat(f"A-{n // 50}-{n % 50}") for n in range(600)]
    open_with_stock(performance("big"), seats, shards=3)
    monkeypatch.setattr(stock_reads, "PAGE_SIZE", 100)

    with counting_stock_queries() as calls:
        drawn = service.seat_map(ORG, "WEB", "big")

    assert drawn.seat_count == 600
    shards = {
        v["S"] for c in calls for v in c["ExpressionAttributeValues"].values() if v["S"].startswith("PERF#")
    }
    # and one Query for the blocks' layout parts (none here: every seat is then read from its shard)
    assert shards == {shard_pk("big", n) for n in range(3)} | {"PERF#big#BUILT"}
    assert 7 <= len(calls) <= 3 + 600 // 100 + 1
    for call in calls:
        projected = set(call["ExpressionAttributeNames"].values())
        assert "ProjectionExpression" in call
        assert "hold_id" not in projected


def test_stock_reads_are_shared_for_a_short_while(shop, monkeypatch):
    standard_stock(performance("p"))

    with counting_stock_queries() as calls:
        service.availability(ORG, "WEB", "p")
        service.availability(ORG, "BOX", "p")
        assert len(calls) == 2
        monkeypatch.setattr(service, "CACHE_SECONDS", 0)
        service.clear_cache()
        service.availability(ORG, "WEB", "p")
        service.availability(ORG, "WEB", "p")

    assert len(calls) == 6
