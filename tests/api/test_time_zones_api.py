"""A venue's time zone over the API: named and checked on the venue, the shop answers local times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.catalog import repository as catalog_repository
from chalicelib.shop import service
from tests.service.test_shop_reads import build_shop, performance

SHOP = "/shop/demo/pos/WEB/performances"
SUMMER_EVENING = datetime(2030, 7, 1, 18, 0, tzinfo=UTC)  # 20:00 in Paris (CEST, +02:00)
WINTER_EVENING = datetime(2030, 12, 2, 19, 30, tzinfo=UTC)  # 20:30 in Paris (CET, +01:00)


@pytest.fixture
def shop(api, monkeypatch):
    build_shop(monkeypatch)
    yield api
    service.clear_cache()


def test_a_venue_with_an_unknown_time_zone_is_refused_naming_the_field(api):
    admin = api.login()
    venue = {"code": "V2", "name": "Elsewhere", "timezone": "Europe/Atlantis"}

    response = api.call("POST", "/backoffice/venues", venue, token=admin)

    assert response.status_code == 422
    fields = [f["field"] for f in response.json_body["details"]["fields"]]
    assert fields == ["timezone"]
    assert "Europe/Atlantis" in response.json_body["message"]


def test_a_venue_keeps_the_zone_it_is_given_and_defaults_to_paris(api):
    admin = api.login()

    lyon = api.call("POST", "/backoffice/venues", {"code": "LY", "name": "Lyon"}, token=admin).json_body
    montreal = api.call(
        "POST",
        "/backoffice/venues",
        {"code": "MTL", "name": "Montréal", "timezone": "America/Toronto"},
        token=admin,
    ).json_body

    assert (lyon["timezone"], montreal["timezone"]) == ("Europe/Paris", "America/Toronto")


def test_the_shop_answers_the_venue_zone_and_the_local_start_with_its_offset(shop):
    performance("summer", starts_at=SUMMER_EVENING)
    performance("winter", starts_at=WINTER_EVENING)

    items = {i["id"]: i for i in shop.call("GET", SHOP).json_body["items"]}
    one = shop.call("GET", f"{SHOP}/summer").json_body

    assert items["summer"]["timezone"] == "Europe/Paris"
    assert items["summer"]["starts_at_local"] == "2030-07-01T20:00:00+02:00"
    assert items["winter"]["starts_at_local"] == "2030-12-02T20:30:00+01:00"
    assert datetime.fromisoformat(items["summer"]["starts_at"]) == SUMMER_EVENING
    assert (one["timezone"], one["starts_at_local"]) == ("Europe/Paris", "2030-07-01T20:00:00+02:00")


def test_a_venue_stored_before_venues_had_a_zone_reads_as_paris(shop):
    stored = catalog_repository.get("demo", "venue", "venue")
    data = {key: value for key, value in stored.data.items() if key != "timezone"}
    catalog_repository.replace("demo", stored, data, None)
    performance("summer", starts_at=SUMMER_EVENING)

    [item] = shop.call("GET", SHOP).json_body["items"]

    assert (item["timezone"], item["starts_at_local"]) == ("Europe/Paris", "2030-07-01T20:00:00+02:00")


def test_a_venue_in_another_zone_shows_its_own_local_time(shop):
    admin = shop.login()
    venue = shop.call("GET", "/backoffice/venues/venue", token=admin).json_body
    spec = {"code": venue["code"], "name": venue["name"], "timezone": "America/New_York"}
    assert shop.call("PUT", "/backoffice/venues/venue", spec, token=admin).status_code == 200
    performance("summer", starts_at=SUMMER_EVENING)

    [item] = shop.call("GET", SHOP).json_body["items"]

    assert (item["timezone"], item["starts_at_local"]) == ("America/New_York", "2030-07-01T14:00:00-04:00")
