"""Seating plan and layout routes: import (20,000 seats in one request), export, seats, assignments."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from chalicelib.auth import service as auth
from chalicelib.auth.model import Role
from tests.fixtures import ORG

HEADER = "zone,block,row,number,x,y,rank,accessible"


def grid_csv(blocks: int = 2, rows: int = 2, seats: int = 5) -> str:
    lines = [HEADER]
    for b in range(blocks):
        lines.extend(
            f"Stalls,B{b},R{r},{n},{b * 60 + n},{r * 2},{r + 1},{'true' if n == 1 else 'false'}"
            for r in range(rows)
            for n in range(1, seats + 1)
        )
    return "\n".join(lines) + "\n"


@pytest.fixture
def admin(api):
    return api.login()


def create(api, token, plural, body):
    response = api.call("POST", f"/backoffice/{plural}", body, token=token)
    assert response.status_code == 201, response.json_body
    return response.json_body


@pytest.fixture
def hall(api, admin):
    venue = create(api, admin, "venues", {"code": "V", "name": "Venue"})
    return create(api, admin, "halls", {"venue_id": venue["id"], "code": "H", "name": "Hall"})["id"]


@pytest.fixture
def category(api, admin):
    return create(
        api, admin, "seat-categories", {"code": "C1", "name": "Cat 1", "rank": 1, "colour": "#aa0000"}
    )


def import_body(hall_id: str, content=None, **extra) -> dict:
    content = grid_csv() if content is None else content
    return {"hall_id": hall_id, "code": "MAIN", "name": "Main", "format": "csv", "content": content, **extra}


def import_plan(api, token, body):
    response = api.call("POST", "/backoffice/seating-plans/import", body, token=token)
    assert response.status_code == 201, response.json_body
    return response.json_body


def operator_with(api, login: str, actions: list[str]) -> str:
    auth.save_role(ORG, Role(login, {"catalog": actions}), create=True)
    auth.create_operator(ORG, login, login.title(), f"{login}-password", [login])
    return api.login(login, f"{login}-password")


def test_a_twenty_thousand_seat_plan_imports_in_one_request(api, admin, hall, capsys):
    content = grid_csv(blocks=10, rows=40, seats=50)

    started = time.perf_counter()
    response = api.call("POST", "/backoffice/seating-plans/import", import_body(hall, content), token=admin)
    elapsed = time.perf_counter() - started

    assert response.status_code == 201, response.json_body
    state = response.json_body["plan"]["state"]
    assert (state["seat_count"], state["block_count"]) == (20_000, 10)
    assert {block["seat_count"] for block in state["blocks"]} == {2_000}
    seats = api.call(
        "GET", f"/backoffice/seating-plans/{response.json_body['plan']['id']}/seats", token=admin
    )
    assert sum(len(block["seats"]) for block in seats.json_body["blocks"]) == 20_000
    with capsys.disabled():
        print(
            f"\n20,000-seat plan ({len(content):,} bytes of CSV) imported through the API in {elapsed:.2f}s"
        )


def test_a_json_plan_with_areas_imports_and_exports_as_it_came(api, admin, hall):
    document = {
        "blocks": [{"zone": "A", "block": "B", "seats": [{"row": "1", "number": "1", "x": 0.5, "y": 2}]}],
        "areas": [{"code": "PIT", "name": "Pit", "capacity": 300}],
    }
    plan = import_plan(api, admin, import_body(hall, document, format="json"))["plan"]

    exported = api.call("GET", f"/backoffice/seating-plans/{plan['id']}/export?format=json", token=admin)

    assert exported.json_body == {
        "blocks": [
            {
                "zone": "A",
                "block": "B",
                "seats": [{"row": "1", "number": "1", "x": 0.5, "y": 2, "rank": 100, "accessible": False}],
            }
        ],
        "areas": [{"code": "PIT", "name": "Pit", "capacity": 300}],
    }


def test_a_standing_area_is_placed_on_the_plan_with_all_four_coordinates_or_none(api, admin, hall):
    placed = {"code": "PIT", "name": "Pit", "capacity": 300, "x": -600, "y": 20, "width": 1200, "height": 200}
    seats = [{"zone": "A", "block": "B", "seats": [{"row": "1", "number": "1", "x": 0.5, "y": 2}]}]
    plan = import_plan(api, admin, import_body(hall, {"blocks": seats, "areas": [placed]}, format="json"))

    read = api.call("GET", f"/backoffice/seating-plans/{plan['plan']['id']}", token=admin).json_body
    assert read["areas"] == [placed]

    half = {**placed, "code": "PIT2"}
    del half["height"]
    refused = api.call(
        "POST", "/backoffice/seating-plans/import",
        import_body(hall, {"blocks": seats, "areas": [half]}, format="json", code="MAIN3"), token=admin,
    )
    assert refused.status_code == 422 and "height is missing" in json.dumps(refused.json_body)


def test_a_csv_export_is_a_csv_file_that_imports_back_to_the_same_seats(api, admin, hall):
    plan = import_plan(api, admin, import_body(hall))["plan"]

    exported = api.call("GET", f"/backoffice/seating-plans/{plan['id']}/export", token=admin)
    text = exported.body.decode()
    again = import_plan(api, admin, import_body(hall, text, code="MAIN2"))["plan"]

    assert exported.headers["Content-Type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(text))) == HEADER.split(",")
    first = api.call("GET", f"/backoffice/seating-plans/{plan['id']}/seats", token=admin).json_body
    second = api.call("GET", f"/backoffice/seating-plans/{again['id']}/seats", token=admin).json_body
    assert first == second


def test_a_bad_plan_is_refused_naming_the_line_and_field(api, admin, hall):
    content = grid_csv() + "Stalls,B0,R0,1,0,0,1,false\nStalls,B9,R0,1,north,0,1,false\n"

    response = api.call("POST", "/backoffice/seating-plans/import", import_body(hall, content), token=admin)

    assert response.status_code == 422
    assert response.json_body["details"]["fields"] == [
        {"field": "line 22", "reason": "seat Stalls-B0-R0-1 is already at line 2"},
        {"field": "line 23: x", "reason": "'north' is not a number"},
    ]
    assert api.call("GET", "/backoffice/seating-plans", token=admin).json_body["items"] == []


def test_import_body_fields_are_checked(api, admin, hall):
    dict_for_csv = api.call(
        "POST", "/backoffice/seating-plans/import", import_body(hall, {"blocks": []}), token=admin
    )
    unknown = api.call("POST", "/backoffice/seating-plans/import", import_body(hall, price=3), token=admin)
    empty = api.call("POST", "/backoffice/seating-plans/import", import_body(hall, HEADER), token=admin)

    assert dict_for_csv.status_code == unknown.status_code == empty.status_code == 422
    assert unknown.json_body["details"]["fields"][0]["field"] == "price"
    assert empty.json_body["details"]["fields"] == [
        {"field": "content", "reason": "the plan has no seats and no standing areas"}
    ]


def test_an_import_may_create_the_plans_layout_from_category_codes(api, admin, hall, category):
    content = "zone,block,row,number,x,y,category\nA,B,1,1,0,0,C1\nA,B,1,2,1,0,\n"
    body = import_body(hall, content, layout={"code": "DEFAULT", "name": "Default"})

    imported = import_plan(api, admin, body)

    layout = imported["layout"]
    assert layout["seating_plan_id"] == imported["plan"]["id"]
    summary = api.call("GET", f"/backoffice/layouts/{layout['id']}/summary", token=admin).json_body
    assert (summary["assigned"], summary["unassigned"]) == (1, 1)


@pytest.fixture
def layout(api, admin, hall):
    plan = import_plan(api, admin, import_body(hall))["plan"]
    return create(api, admin, "layouts", {"seating_plan_id": plan["id"], "code": "L", "name": "Layout"})


def test_seats_are_assigned_by_selection_and_read_back(api, admin, layout, category):
    path = f"/backoffice/layouts/{layout['id']}/assignments"
    body = {"seat_category_id": category["id"], "selection": {"block": "B1", "rows": ["R0"], "to_number": 3}}

    response = api.call("POST", path, body, token=admin)

    assert response.status_code == 200, response.json_body
    assert response.json_body == {
        "selected": 3,
        "changed": 3,
        "skipped": 0,
        "seat_categories": [
            {"seat_category_id": category["id"], "change": 3},
            {"seat_category_id": None, "change": -3},
        ],
        "quotas": [{"quota_id": None, "change": 3}],
    }
    blocks = api.call("GET", path, token=admin).json_body["blocks"]
    assert blocks == [
        {
            "zone": "Stalls",
            "block": "B1",
            "seats": {
                f"Stalls-B1-R0-{n}": {"seat_category_id": category["id"], "quota_id": None} for n in (1, 2, 3)
            },
        }
    ]


def test_an_assignment_must_set_something_and_select_one_way(api, admin, layout, category):
    path = f"/backoffice/layouts/{layout['id']}/assignments"

    nothing = api.call("POST", path, {"selection": {"all": True}}, token=admin)
    mixed = api.call(
        "POST",
        path,
        {"seat_category_id": category["id"], "selection": {"all": True, "zone": "A"}},
        token=admin,
    )
    ghost = api.call("POST", path, {"seat_category_id": "nope", "selection": {"all": True}}, token=admin)

    assert nothing.status_code == mixed.status_code == ghost.status_code == 422
    assert ghost.json_body["details"]["field"] == "seat_category_id"


def test_unknown_plans_and_layouts_are_not_found(api, admin):
    assert api.call("GET", "/backoffice/seating-plans/nope/seats", token=admin).status_code == 404
    assert api.call("GET", "/backoffice/seating-plans/nope/export", token=admin).status_code == 404
    assert api.call("GET", "/backoffice/layouts/nope/summary", token=admin).status_code == 404
    body = {"seat_category_id": None, "selection": {"all": True}}
    assert api.call("POST", "/backoffice/layouts/nope/assignments", body, token=admin).status_code == 404


def test_layout_areas_written_through_the_catalog_routes_are_checked(api, admin, hall, category):
    areas = [{"code": "PIT", "name": "Pit", "capacity": 50}]
    plan = import_plan(api, admin, import_body(hall, areas=areas))["plan"]
    quota = create(api, admin, "quotas", {"code": "Q", "name": "Q"})
    layout = {"seating_plan_id": plan["id"], "code": "L", "name": "L"}
    area = {"area": "PIT", "seat_category_id": category["id"], "quotas": {quota["id"]: 60}}

    too_many = api.call("POST", "/backoffice/layouts", {**layout, "areas": [area]}, token=admin)
    wrong_area = api.call(
        "POST", "/backoffice/layouts", {**layout, "areas": [{**area, "area": "X"}]}, token=admin
    )
    fits = api.call(
        "POST",
        "/backoffice/layouts",
        {**layout, "areas": [{**area, "quotas": {quota["id"]: 50}}]},
        token=admin,
    )

    assert too_many.status_code == wrong_area.status_code == 422
    assert too_many.json_body["details"]["fields"][0]["field"] == "areas[0].quotas"
    assert wrong_area.json_body["details"]["fields"][0]["field"] == "areas[0].area"
    assert fits.status_code == 201


def test_rights_are_read_create_and_modify(api, admin, hall, layout, category):
    reader = operator_with(api, "reader", ["read"])
    modifier = operator_with(api, "modifier", ["read", "modify"])
    plan_id = layout["seating_plan_id"]
    assign = {"seat_category_id": category["id"], "selection": {"all": True}}
    path = f"/backoffice/layouts/{layout['id']}/assignments"

    assert api.call("GET", f"/backoffice/seating-plans/{plan_id}/seats", token=reader).status_code == 200
    assert api.call("GET", path, token=reader).status_code == 200
    assert (
        api.call(
            "POST", "/backoffice/seating-plans/import", import_body(hall, code="X"), token=reader
        ).status_code
        == 403
    )
    assert api.call("POST", path, assign, token=reader).status_code == 403
    assert (
        api.call(
            "POST", "/backoffice/seating-plans/import", import_body(hall, code="X"), token=modifier
        ).status_code
        == 403
    )
    assert api.call("POST", path, assign, token=modifier).status_code == 200


def test_another_organisation_cannot_see_or_assign_my_plans(api, admin, layout, category):
    auth.create_organisation("other", "Other Hall", "boss", "boss-password")
    boss = api.login("boss", "boss-password", org="other")
    theirs = create(
        api, boss, "seat-categories", {"code": "C1", "name": "Cat 1", "rank": 1, "colour": "#00aa00"}
    )
    plan_id = layout["seating_plan_id"]

    assert api.call("GET", f"/backoffice/seating-plans/{plan_id}/seats", token=boss).status_code == 404
    assert api.call("GET", f"/backoffice/seating-plans/{plan_id}/export", token=boss).status_code == 404
    assert api.call("GET", f"/backoffice/layouts/{layout['id']}/assignments", token=boss).status_code == 404
    body = {"seat_category_id": theirs["id"], "selection": {"all": True}}
    assert (
        api.call("POST", f"/backoffice/layouts/{layout['id']}/assignments", body, token=boss).status_code
        == 404
    )
    mine = {"seat_category_id": theirs["id"], "selection": {"all": True}}
    refused = api.call("POST", f"/backoffice/layouts/{layout['id']}/assignments", mine, token=admin)
    assert refused.status_code == 422
