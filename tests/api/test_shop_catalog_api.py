"""The public shop routes of a point of sale: shapes, refusals, and nothing said about who holds a seat."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.db.stock import seat_pk, seat_sk
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import SeatRef
from chalicelib.shop import service
from tests.service.test_shop_reads import (
    SOON,
    build_shop,
    counting_stock_queries,
    open_with_stock,
    performance,
    seat,
    standard_stock,
)

SHOP = "/shop/demo/pos/WEB/performances"


@pytest.fixture
def shop(api, monkeypatch):
    build_shop(monkeypatch)
    yield api
    service.clear_cache()


def get(api, path: str):
    return api.call("GET", path)


def test_a_shop_lists_its_performances_on_sale_with_event_hall_and_venue(shop):
    performance("p1", starts_at=SOON.replace(tzinfo=None))
    performance("hidden", status="draft")

    response = get(shop, SHOP)

    assert response.status_code == 200
    [item] = response.json_body["items"]
    assert item["id"] == "p1"
    assert item["event"] == {"id": "hamlet", "name": "Hamlet", "description": ""}
    assert item["hall"] == {"id": "hall", "name": "Salle Molière"}
    assert item["venue"] == {"id": "venue", "name": "Grand Théâtre"}
    assert (item["seat_selection"], item["max_tickets_per_performance"]) == ("map", 10)
    assert item["starts_at"].startswith(SOON.strftime("%Y-%m-%dT%H:%M:%S"))
    assert response.json_body["next_cursor"] is None


def test_the_list_pages_and_filters_by_period(shop):
    for n in range(3):
        performance(f"p{n}", starts_at=SOON + timedelta(days=n))
    since = (SOON + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    first = get(shop, f"{SHOP}?limit=2").json_body
    rest = get(shop, f"{SHOP}?limit=2&cursor={first['next_cursor']}").json_body
    later = get(shop, f"{SHOP}?from={since}").json_body

    assert [i["id"] for i in first["items"] + rest["items"]] == ["p0", "p1", "p2"]
    assert [i["id"] for i in later["items"]] == ["p1", "p2"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("from=yesterday", "from"),
        ("from=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z", "until"),
        ("event_id=%23bad", "event_id"),
        ("colour=red", "colour"),
        ("cursor=garbage", "cursor"),
    ],
)
def test_a_wrong_query_is_refused_naming_the_field(shop, query, field):
    response = get(shop, f"{SHOP}?{query}")

    assert response.status_code == 422
    body = response.json_body
    named = [f["field"] for f in body["details"].get("fields", [])] + [body["details"].get("field")]
    assert field in named


def test_a_malformed_point_of_sale_code_is_refused_naming_it(shop):
    response = get(shop, "/shop/demo/pos/-WEB/performances")

    assert response.status_code == 422
    assert response.json_body["details"]["fields"][0]["field"] == "pos_code"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/shop/demo/pos/NOPE/performances", "No point of sale NOPE in organisation demo"),
        ("/shop/nowhere/pos/WEB/performances", "No point of sale WEB in organisation nowhere"),
        (
            "/shop/demo/pos/DIST/performances",
            "Point of sale DIST sells through a distributor; it is not a shop",
        ),
    ],
)
def test_an_unknown_organisation_or_point_of_sale_or_a_distributor_is_not_found(shop, path, message):
    response = get(shop, path)

    assert response.status_code == 404
    assert response.json_body["code"] == "not_found"
    assert response.json_body["message"] == message


def test_a_performance_comes_with_its_prices_per_seat_category_and_audience(shop):
    performance("p1")

    response = get(shop, f"{SHOP}/p1")

    assert response.status_code == 200
    body = response.json_body
    assert (body["id"], body["currency"]) == ("p1", "EUR")
    assert body["prices"][0] == {
        "seat_category_id": "c1",
        "name": "Cat 1",
        "colour": "#aa0000",
        "rank": 1,
        "prices": [
            {"audience_subcategory_id": "full", "name": "Full price", "amount": 4500},
            {"audience_subcategory_id": "young", "name": "Under 26", "amount": 2500},
        ],
    }


@pytest.mark.parametrize("suffix", ["", "/availability", "/seats"])
def test_a_performance_not_on_sale_is_not_found_on_every_route(shop, suffix):
    performance("draft", status="draft")

    for item_id in ("draft", "ghost"):
        response = get(shop, f"{SHOP}/{item_id}{suffix}")
        assert response.status_code == 404
        assert response.json_body["message"] == f"Performance {item_id} is not on sale at point of sale WEB"


def test_availability_gives_free_places_per_category_and_standing_area(shop):
    standard_stock(performance("p1"))

    body = get(shop, f"{SHOP}/p1/availability").json_body

    assert body["total_free"] == 723
    assert body["categories"][0] == {
        "seat_category_id": "c1",
        "name": "Cat 1",
        "colour": "#aa0000",
        "rank": 1,
        "free": 2,
        "seats_free": 2,
        "standing_free": 0,
    }
    assert body["areas"] == [{"area": "PIT", "name": "Fosse", "seat_category_id": "c3", "free": 720}]


def test_the_seat_map_is_compact_and_never_says_who_holds_a_seat(shop):
    standard_stock(performance("p1"))
    ref = SeatRef(seat_pk("p1", "A-1-1", 2), seat_sk("A-1-1"))
    hold = inventory.place_hold("demo", "p1", "shopper-alice@example.com", [ref], timeout_seconds=600)
    service.clear_cache()

    response = get(shop, f"{SHOP}/p1/seats")

    body = response.json_body
    text = json.dumps(body)
    assert body["fields"] == ["seat_id", "row", "number", "x", "y", "category_id", "accessible", "available"]
    assert body["blocks"][0]["zone"] == "STALLS"
    assert body["blocks"][0]["seats"][0] == ["A-1-1", "1", "1", 1, 1, "c1", False, False]
    assert (body["seat_count"], body["available_count"]) == (7, 2)
    for secret in (
        hold.hold_id,
        "alice",
        "h-live",
        "h-lapsed",
        "hold",
        "quota",
        "q-web",
        "q-box",
        "q-groups",
    ):
        assert secret not in text


def test_a_point_of_sale_without_a_seating_plan_has_no_seat_map(shop):
    standard_stock(performance("p1"))

    assert get(shop, "/shop/demo/pos/NOMAP/performances/p1/seats").status_code == 404
    assert get(shop, "/shop/demo/pos/NOMAP/performances/p1/availability").status_code == 200


def test_the_seat_map_of_3000_seats_over_3_shards_takes_one_query_per_shard(shop):
    seats = [seat(f"{block}-{n // 40}-{n % 40}", block=block) for block in "ABC" for n in range(1000)]
    open_with_stock(performance("big"), seats, shards=3)

    with counting_stock_queries() as calls:
        response = get(shop, f"{SHOP}/big/seats")

    assert response.status_code == 200
    assert response.json_body["seat_count"] == response.json_body["available_count"] == 3000
    assert [b["block"] for b in response.json_body["blocks"]] == ["A", "B", "C"]
    assert len(calls) == 3 + 1  # and one for the blocks' layout parts (none here: seats read whole)
    assert all("ProjectionExpression" in call for call in calls)


def _filter_by_quantity(on: bool) -> None:
    from chalicelib.catalog import kinds as k
    from chalicelib.catalog import service as catalog

    data = catalog.get("demo", "sales_channel", "web").data
    spec = k.SalesChannelSpec(**{**data, "filter_by_quantity": on})
    catalog.replace("demo", "sales_channel", "web", spec, None)
    service.clear_cache()


def _two_performances_one_with_two_free_places() -> None:
    performance("roomy", starts_at=SOON)
    open_with_stock("roomy", [seat(f"A-1-{n}") for n in range(1, 5)])
    performance("tight", starts_at=SOON + timedelta(days=1))
    open_with_stock("tight", [seat("A-1-1"), seat("A-1-2"), seat("A-1-3", status="sold")])
    performance("gone", starts_at=SOON + timedelta(days=2))
    open_with_stock("gone", [seat("A-1-1", status="sold")])


def test_a_channel_that_filters_by_quantity_lists_only_performances_with_that_many_places_free(shop):
    _two_performances_one_with_two_free_places()
    _filter_by_quantity(True)

    three = get(shop, f"{SHOP}?quantity=3").json_body
    two = get(shop, f"{SHOP}?quantity=2").json_body
    any_place = get(shop, SHOP).json_body
    paged = get(shop, f"{SHOP}?quantity=2&limit=1").json_body
    rest = get(shop, f"{SHOP}?quantity=2&limit=1&cursor={paged['next_cursor']}").json_body

    assert [i["id"] for i in three["items"]] == ["roomy"]
    assert [i["id"] for i in two["items"]] == ["roomy", "tight"]
    assert [i["id"] for i in any_place["items"]] == ["roomy", "tight"]  # the sold-out one is not listed
    assert [i["id"] for i in paged["items"] + rest["items"]] == ["roomy", "tight"]
    assert rest["next_cursor"] is None


def test_a_channel_that_does_not_filter_lists_sold_out_performances_whatever_the_quantity(shop):
    _two_performances_one_with_two_free_places()
    _filter_by_quantity(False)

    listed = get(shop, f"{SHOP}?quantity=3").json_body

    assert [i["id"] for i in listed["items"]] == ["roomy", "tight", "gone"]


def test_a_quantity_out_of_range_is_refused_naming_it(shop):
    response = get(shop, f"{SHOP}?quantity=0")

    assert response.status_code == 422
    assert "quantity" in json.dumps(response.json_body)
