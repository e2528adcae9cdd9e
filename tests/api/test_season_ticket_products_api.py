"""Season-ticket products over HTTP: an operator of the season_tickets area creates, changes, lists and
deletes one; refusals name the field (lines, max_lines, an unknown event or performance); other operators
are refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from tests.fixtures import ORG

BASE = "/backoffice/season-tickets"
AREA = ["read", "create", "modify", "delete"]


def operator_with(api, admin: str, login: str, rights: dict) -> str:
    assert (
        api.call("POST", "/backoffice/roles", {"name": login, "rights": rights}, token=admin).status_code
        == 201
    )
    body = {"login": login, "name": login, "password": f"{login}-password", "roles": [login]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login(login, f"{login}-password")


def small_catalog() -> dict:
    """A season, two seat categories, two audience subcategories, two events: Carmina Burana (two
    performances) and Onegin (one)."""

    def made(kind: str, spec: k.Spec) -> str:
        return catalog.create(ORG, kind, spec).id

    season = made(
        "season",
        k.SeasonSpec(code="2027", name="2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31)),
    )
    activity = made("activity", k.ActivitySpec(code="LIVE", name="Live"))
    hall = made(
        "hall", k.HallSpec(venue_id=made("venue", k.VenueSpec(code="V", name="Venue")), code="H", name="Hall")
    )
    plan = made("seating_plan", k.SeatingPlanSpec(hall_id=hall, code="P", name="Plan"))
    layout = made("layout", k.LayoutSpec(seating_plan_id=plan, code="L", name="Layout"))
    categories = {
        code: made("seat_category", k.SeatCategorySpec(code=code, name=code, rank=rank, colour="#123456"))
        for rank, code in enumerate(("CAT2", "CAT6"), start=1)
    }
    audience = made("audience_category", k.AudienceCategorySpec(code="PUB", name="Public"))
    subcategories = {
        code: made(
            "audience_subcategory",
            k.AudienceSubcategorySpec(audience_category_id=audience, code=code, name=code),
        )
        for code in ("FULL", "YOUNG")
    }
    events, performances = {}, {}
    for code, count in (("CARMINA", 2), ("ONEGIN", 1)):
        events[code] = made(
            "event", k.EventSpec(season_id=season, activity_id=activity, code=code, name=code)
        )
        for n in range(1, count + 1):
            spec = k.PerformanceSpec(
                event_id=events[code],
                hall_id=hall,
                layout_id=layout,
                code=f"{code}-{n}",
                starts_at=datetime.fromisoformat(f"2027-10-0{n}T19:30:00+02:00"),
            )
            performances[f"{code}-{n}"] = made("performance", spec)
    return {
        "season": season,
        "categories": categories,
        "subcategories": subcategories,
        "events": events,
        "performances": performances,
    }


def line(world: dict, ident: str, event: str, performances: list[str], **extra) -> dict:
    prices = [
        {
            "seat_category_id": world["categories"][cat],
            "audience_subcategory_id": world["subcategories"][sub],
            "amount": amount,
        }
        for (cat, sub), amount in {
            ("CAT2", "FULL"): 3600,
            ("CAT6", "FULL"): 900,
            ("CAT6", "YOUNG"): 700,
        }.items()
    ]
    return {
        "id": ident,
        "name": event.title(),
        "event_id": world["events"][event],
        "performance_ids": [world["performances"][p] for p in performances],
        "prices": prices,
        **extra,
    }


def product(world: dict, **extra) -> dict:
    return {
        "season_id": world["season"],
        "code": "ST4",
        "name": "Season ticket with 4 performances",
        "status": "on_sale",
        "min_lines": 1,
        "max_lines": 2,
        "same_seat": True,
        "allow_category_change": True,
        "lines": [
            line(world, "CARMINA", "CARMINA", ["CARMINA-1", "CARMINA-2"]),
            line(world, "ONEGIN", "ONEGIN", ["ONEGIN-1"], category_change="no", choice="mandatory"),
        ],
        **extra,
    }


@pytest.fixture
def world(api) -> dict:
    return small_catalog()


def test_an_operator_of_the_area_creates_changes_lists_and_deletes_a_season_ticket(api, world):
    admin = api.login()
    token = operator_with(api, admin, "subscriptions", {"season_tickets": AREA})
    created = api.call("POST", BASE, product(world), token=token)
    assert created.status_code == 201, created.json_body
    item = created.json_body
    assert (item["price_type"], item["allow_category_change"], item["same_seat"]) == ("computed", True, True)
    assert [(li["id"], li["category_change"], li["choice"]) for li in item["lines"]] == [
        ("CARMINA", "inherit", "optional"),
        ("ONEGIN", "no", "mandatory"),
    ]

    changed_lines = [{**item["lines"][0], "category_change": "yes"}, item["lines"][1]]
    body = product(world, allow_category_change=False, lines=changed_lines)
    replaced = api.call("PUT", f"{BASE}/{item['id']}?version=1", body, token=token)
    assert replaced.status_code == 200, replaced.json_body
    assert replaced.json_body["allow_category_change"] is False
    assert replaced.json_body["lines"][0]["category_change"] == "yes"
    stale = api.call("PUT", f"{BASE}/{item['id']}?version=1", body, token=token)
    assert stale.status_code == 409

    draft = api.call(
        "POST", BASE, product(world, code="DRAFT", status="draft", lines=[body["lines"][0]]), token=token
    )
    assert draft.status_code == 201, draft.json_body
    on_sale = api.call("GET", f"{BASE}?season_id={world['season']}&status=on_sale", token=token).json_body
    assert [found["code"] for found in on_sale["items"]] == ["ST4"]
    everything = api.call("GET", f"{BASE}?season_id={world['season']}", token=token).json_body
    assert sorted(found["code"] for found in everything["items"]) == ["DRAFT", "ST4"]

    assert api.call("DELETE", f"{BASE}/{item['id']}?version=2", token=token).status_code == 204
    assert api.call("GET", f"{BASE}/{item['id']}", token=token).status_code == 404


def refusal_field(response) -> list[str]:
    details = response.json_body.get("details", {})
    return [f["field"] for f in details.get("fields", [])] or [details.get("field")]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"min_lines": 3, "max_lines": 2}, "max_lines", "must not be less than min_lines"),
        ({"min_lines": 3}, "lines", "min_lines is more than the product's lines"),
        ({"max_lines": 0}, "max_lines", "greater than or equal to 1"),
        ({"price_type": "fixed"}, "price_type", ""),
        ({"grant_subscriber": True}, "body", "grant_subscriber needs subscriber_indicator_id"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(api, world, change, field, reason):
    response = api.call("POST", BASE, product(world, **change), token=api.login())
    assert response.status_code == 422, response.json_body
    assert field in refusal_field(response)
    assert reason in response.json_body["message"]


def test_two_lines_of_one_id_or_one_performance_in_two_lines_are_refused_on_lines(api, world):
    admin = api.login()
    same_id = product(world)
    same_id["lines"][1]["id"] = "carmina"
    twice = product(world)
    twice["lines"][1]["performance_ids"].append(world["performances"]["CARMINA-2"])
    for body, reason in ((same_id, "two lines have the same id: carmina"), (twice, "offered by two lines")):
        response = api.call("POST", BASE, body, token=admin)
        assert response.status_code == 422, response.json_body
        assert refusal_field(response) == ["lines"] and reason in response.json_body["message"]
    repeated = product(world)
    repeated["lines"][0]["performance_ids"] *= 2
    response = api.call("POST", BASE, repeated, token=admin)
    assert response.status_code == 422 and refusal_field(response) == ["lines.0"]


@pytest.mark.parametrize(
    ("path", "field"),
    [("event_id", "lines[].event_id"), ("performance_ids", "lines[].performance_ids")],
)
def test_an_unknown_event_or_performance_is_refused_naming_the_field(api, world, path, field):
    body = product(world)
    body["lines"][1][path] = ["GONE"] if path == "performance_ids" else "GONE"
    response = api.call("POST", BASE, body, token=api.login())
    assert response.status_code == 422, response.json_body
    assert response.json_body["details"]["field"] == field
    assert response.json_body["details"]["missing"][0]["id"] == "GONE"
    assert api.call("GET", BASE, token=api.login()).json_body["items"] == []


def test_an_operator_without_the_area_is_refused_and_a_reader_cannot_write(api, world):
    admin = api.login()
    ident = api.call("POST", BASE, product(world), token=admin).json_body["id"]
    catalog_only = operator_with(api, admin, "catalog", {"catalog": AREA})
    reader = operator_with(api, admin, "reader", {"season_tickets": ["read"]})
    for method, path, body in [
        ("GET", BASE, None),
        ("GET", f"{BASE}/{ident}", None),
        ("POST", BASE, product(world, code="OTHER")),
        ("PUT", f"{BASE}/{ident}", product(world)),
        ("DELETE", f"{BASE}/{ident}", None),
    ]:
        refused = api.call(method, path, body, token=catalog_only)
        assert refused.status_code == 403 and refused.json_body["code"] == "permission_denied", (method, path)
    assert api.call("GET", f"{BASE}/{ident}", token=reader).status_code == 200
    assert api.call("POST", BASE, product(world, code="OTHER"), token=reader).status_code == 403
    assert api.call("DELETE", f"{BASE}/{ident}", token=reader).status_code == 403
    assert api.call("GET", f"{BASE}/{ident}", token=admin).json_body["version"] == 1
