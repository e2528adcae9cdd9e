"""The catalog's back-office routes: every kind through one set of rules."""

from __future__ import annotations

import pytest

from chalicelib.auth import service as auth
from chalicelib.auth.model import Role
from tests.fixtures import ORG

SEASON = {"code": "2026-27", "name": "Season 2026-2027", "starts_on": "2026-09-01", "ends_on": "2027-07-15"}
ACTIVITY = {"code": "LIVE", "name": "Live shows", "options_allowed": True}


@pytest.fixture
def admin(api):
    return api.login()


def create(api, token, plural, body):
    response = api.call("POST", f"/backoffice/{plural}", body, token=token)
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_a_season_is_created_read_and_listed(api, admin):
    created = create(api, admin, "seasons", SEASON)

    assert created["version"] == 1
    assert api.call("GET", f"/backoffice/seasons/{created['id']}", token=admin).json_body == created
    listed = api.call("GET", "/backoffice/seasons", token=admin).json_body
    assert listed == {"items": [created], "next_cursor": None}


def test_rules_of_a_kind_are_checked_and_named(api, admin):
    backwards = {**SEASON, "ends_on": "2026-01-01"}

    response = api.call("POST", "/backoffice/seasons", backwards, token=admin)

    assert response.status_code == 422
    assert "ends_on must not be before starts_on" in response.json_body["message"]


def test_codes_are_unique_per_kind(api, admin):
    create(api, admin, "seasons", SEASON)

    again = api.call("POST", "/backoffice/seasons", {**SEASON, "name": "Other"}, token=admin)

    assert again.status_code == 409
    assert again.json_body["details"] == {"field": "code"}


def test_a_reference_to_a_missing_item_is_refused_naming_the_field(api, admin):
    season = create(api, admin, "seasons", SEASON)
    event = {"season_id": season["id"], "activity_id": "nope", "code": "HAMLET", "name": "Hamlet"}

    response = api.call("POST", "/backoffice/events", event, token=admin)

    assert response.status_code == 422
    assert response.json_body["details"]["field"] == "activity_id"
    assert api.call("GET", "/backoffice/events", token=admin).json_body["items"] == []


def test_list_filters_and_pages_with_a_cursor(api, admin):
    season = create(api, admin, "seasons", SEASON)
    activity = create(api, admin, "activities", ACTIVITY)
    other = create(api, admin, "seasons", {**SEASON, "code": "2027-28"})
    for n in range(5):
        body = {
            "season_id": season["id"],
            "activity_id": activity["id"],
            "code": f"E{n}",
            "name": f"Event {n}",
        }
        create(api, admin, "events", body)
    create(
        api,
        admin,
        "events",
        {"season_id": other["id"], "activity_id": activity["id"], "code": "X", "name": "X"},
    )

    first = api.call("GET", f"/backoffice/events?season_id={season['id']}&limit=3", token=admin).json_body
    second = api.call(
        "GET",
        f"/backoffice/events?season_id={season['id']}&limit=3&cursor={first['next_cursor']}",
        token=admin,
    ).json_body

    codes = [e["code"] for e in first["items"] + second["items"]]
    assert sorted(codes) == ["E0", "E1", "E2", "E3", "E4"]
    assert len(first["items"]) == 3


def test_replace_needs_the_current_version_when_one_is_given(api, admin):
    season = create(api, admin, "seasons", SEASON)
    path = f"/backoffice/seasons/{season['id']}"

    changed = api.call("PUT", f"{path}?version=1", {**SEASON, "name": "Renamed"}, token=admin)
    stale = api.call("PUT", f"{path}?version=1", {**SEASON, "name": "Lost update"}, token=admin)

    assert changed.status_code == 200
    assert changed.json_body["version"] == 2
    assert stale.status_code == 409
    assert stale.json_body["code"] == "version_conflict"
    assert api.call("GET", path, token=admin).json_body["name"] == "Renamed"


def test_changing_a_code_frees_the_old_one(api, admin):
    season = create(api, admin, "seasons", SEASON)

    api.call("PUT", f"/backoffice/seasons/{season['id']}", {**SEASON, "code": "NEW"}, token=admin)

    assert api.call("POST", "/backoffice/seasons", SEASON, token=admin).status_code == 201
    assert api.call("POST", "/backoffice/seasons", {**SEASON, "code": "NEW"}, token=admin).status_code == 409


def test_an_item_in_use_cannot_be_deleted(api, admin):
    season = create(api, admin, "seasons", SEASON)
    activity = create(api, admin, "activities", ACTIVITY)
    event = create(
        api,
        admin,
        "events",
        {"season_id": season["id"], "activity_id": activity["id"], "code": "E", "name": "E"},
    )

    refused = api.call("DELETE", f"/backoffice/seasons/{season['id']}", token=admin)

    assert refused.status_code == 409
    assert refused.json_body["details"]["used_by"] == [
        {"kind": "event", "id": event["id"], "field": "season_id"}
    ]
    assert api.call("DELETE", f"/backoffice/events/{event['id']}", token=admin).status_code == 204
    assert api.call("DELETE", f"/backoffice/seasons/{season['id']}", token=admin).status_code == 204


def test_price_grid_names_existing_categories_once_per_cell(api, admin):
    category = create(
        api, admin, "seat-categories", {"code": "C1", "name": "Cat 1", "rank": 1, "colour": "#aa0000"}
    )
    audience = create(api, admin, "audience-categories", {"code": "PUB", "name": "Public"})
    full = create(
        api,
        admin,
        "audience-subcategories",
        {"audience_category_id": audience["id"], "code": "FULL", "name": "Full"},
    )
    price = {"seat_category_id": category["id"], "audience_subcategory_id": full["id"], "amount": 4500}

    twice = api.call(
        "POST", "/backoffice/price-grids", {"code": "G", "name": "G", "prices": [price, price]}, token=admin
    )
    ghost = api.call(
        "POST",
        "/backoffice/price-grids",
        {"code": "G", "name": "G", "prices": [{**price, "seat_category_id": "x"}]},
        token=admin,
    )
    grid = create(api, admin, "price-grids", {"code": "G", "name": "G", "prices": [price]})

    assert twice.status_code == ghost.status_code == 422
    assert ghost.json_body["details"]["field"] == "prices[].seat_category_id"
    assert grid["prices"] == [price]
    in_use = api.call("DELETE", f"/backoffice/seat-categories/{category['id']}", token=admin)
    assert in_use.status_code == 409


def test_external_quota_belongs_to_exactly_one_channel(api, admin):
    response = api.call(
        "POST", "/backoffice/quotas", {"code": "DIST", "name": "Distributor", "type": "external"}, token=admin
    )

    assert response.status_code == 422


def test_catalog_rights_are_checked_per_action(api, admin):
    auth.save_role(ORG, Role("reader", {"catalog": ["read"]}), create=True)
    auth.create_operator(ORG, "reader", "Reader", "reader-password", ["reader"])
    reader = api.login("reader", "reader-password")
    season = create(api, admin, "seasons", SEASON)

    assert api.call("GET", "/backoffice/seasons", token=reader).status_code == 200
    assert api.call("POST", "/backoffice/seasons", {**SEASON, "code": "B"}, token=reader).status_code == 403
    assert api.call("PUT", f"/backoffice/seasons/{season['id']}", SEASON, token=reader).status_code == 403
    assert api.call("DELETE", f"/backoffice/seasons/{season['id']}", token=reader).status_code == 403


def test_another_organisation_cannot_see_or_reference_my_items(api, admin):
    season = create(api, admin, "seasons", SEASON)
    auth.create_organisation("other", "Other Hall", "boss", "boss-password")
    boss = api.login("boss", "boss-password", org="other")
    activity = create(api, boss, "activities", ACTIVITY)

    assert api.call("GET", f"/backoffice/seasons/{season['id']}", token=boss).status_code == 404
    event = {"season_id": season["id"], "activity_id": activity["id"], "code": "E", "name": "E"}
    assert api.call("POST", "/backoffice/events", event, token=boss).status_code == 422


def test_a_bad_cursor_is_refused(api, admin):
    response = api.call("GET", "/backoffice/seasons?cursor=garbage", token=admin)

    assert response.status_code == 422
    assert response.json_body["details"]["field"] == "cursor"
