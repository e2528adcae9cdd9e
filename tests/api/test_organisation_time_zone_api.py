"""The organisation's time zone: read by every operator, set with catalog:modify, a new venue's default;
the back office answers a performance's start on its venue's clock, as the shop does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.shop import service
from tests.service.test_shop_reads import build_shop, performance

ZONE = "/backoffice/organisation/time-zone"
SUMMER_EVENING = datetime(2030, 7, 1, 18, 0, tzinfo=UTC)  # 20:00 in Paris (CEST, +02:00)
WINTER_EVENING = datetime(2030, 12, 2, 19, 30, tzinfo=UTC)  # 20:30 in Paris (CET, +01:00)


@pytest.fixture
def shop(api, monkeypatch):
    build_shop(monkeypatch)
    yield api
    service.clear_cache()


def operator_with(api, admin: str, login: str, rights: dict) -> str:
    api.call("POST", "/backoffice/roles", {"name": f"role-{login}", "rights": rights}, token=admin)
    body = {"login": login, "name": login, "password": "first-pass", "roles": [f"role-{login}"]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login(login, "first-pass")


def test_an_organisation_is_in_paris_until_it_says_otherwise(api):
    answer = api.call("GET", ZONE, token=api.login())

    assert answer.status_code == 200
    assert answer.json_body == {"timezone": "Europe/Paris", "version": None}


def test_the_zone_is_set_then_changed_with_its_version(api):
    admin = api.login()

    first = api.call("PUT", ZONE, {"timezone": "America/New_York"}, token=admin)
    stale = api.call("PUT", f"{ZONE}?version=7", {"timezone": "Asia/Tokyo"}, token=admin)
    second = api.call("PUT", f"{ZONE}?version=1", {"timezone": "Asia/Tokyo"}, token=admin)

    assert first.json_body == {"timezone": "America/New_York", "version": 1}
    assert stale.status_code == 409
    assert second.json_body == {"timezone": "Asia/Tokyo", "version": 2}
    assert api.call("GET", ZONE, token=admin).json_body == {"timezone": "Asia/Tokyo", "version": 2}


@pytest.mark.parametrize("bad", ["Europe/Atlantis", "", "../etc/passwd"])
def test_an_unknown_zone_is_refused_naming_the_field(api, bad):
    response = api.call("PUT", ZONE, {"timezone": bad}, token=api.login())

    assert response.status_code == 422
    assert [f["field"] for f in response.json_body["details"]["fields"]] == ["timezone"]


def test_every_operator_reads_the_zone_and_only_catalog_modify_changes_it(api):
    admin = api.login()
    seller = operator_with(api, admin, "seller", {"orders": ["read"]})

    assert api.call("GET", ZONE, token=seller).status_code == 200
    assert api.call("PUT", ZONE, {"timezone": "Asia/Tokyo"}, token=seller).status_code == 403
    assert api.call("GET", ZONE).status_code == 401


def test_a_new_venue_that_names_no_zone_is_in_the_organisations(api):
    admin = api.login()
    api.call("PUT", ZONE, {"timezone": "America/Toronto"}, token=admin)

    plain = api.call("POST", "/backoffice/venues", {"code": "MTL", "name": "Montréal"}, token=admin).json_body
    paris = {"code": "PAR", "name": "Paris", "timezone": "Europe/Paris"}
    named = api.call("POST", "/backoffice/venues", paris, token=admin).json_body

    assert (plain["timezone"], named["timezone"]) == ("America/Toronto", "Europe/Paris")


def test_replacing_a_venue_without_a_zone_keeps_its_zone(api):
    admin = api.login()
    new_york = {"code": "NY", "name": "NY", "timezone": "America/New_York"}
    created = api.call("POST", "/backoffice/venues", new_york, token=admin).json_body
    renamed_spec = {"code": "NY", "name": "Broadway"}

    renamed = api.call("PUT", f"/backoffice/venues/{created['id']}", renamed_spec, token=admin)

    assert renamed.json_body["timezone"] == "America/New_York"


def test_back_office_performances_answer_the_venue_zone_and_local_start_as_the_shop(shop):
    admin = shop.login()
    performance("summer", starts_at=SUMMER_EVENING)
    performance("winter", starts_at=WINTER_EVENING)

    page = shop.call("GET", "/backoffice/performances", token=admin).json_body
    listed = {p["id"]: p for p in page["items"]}
    one = shop.call("GET", "/backoffice/performances/winter", token=admin).json_body
    shop_one = shop.call("GET", "/shop/demo/pos/WEB/performances/winter").json_body

    assert (listed["summer"]["timezone"], listed["summer"]["starts_at_local"]) == (
        "Europe/Paris",
        "2030-07-01T20:00:00+02:00",
    )
    assert one["starts_at_local"] == "2030-12-02T20:30:00+01:00"
    assert (one["timezone"], one["starts_at_local"]) == (shop_one["timezone"], shop_one["starts_at_local"])


def test_a_performance_in_a_venue_of_another_zone_answers_that_zone(shop):
    admin = shop.login()
    venue = shop.call("GET", "/backoffice/venues/venue", token=admin).json_body
    spec = {"code": venue["code"], "name": venue["name"], "timezone": "America/New_York"}
    shop.call("PUT", "/backoffice/venues/venue", spec, token=admin)
    performance("summer", starts_at=SUMMER_EVENING)

    one = shop.call("GET", "/backoffice/performances/summer", token=admin).json_body

    assert (one["timezone"], one["starts_at_local"]) == ("America/New_York", "2030-07-01T14:00:00-04:00")
