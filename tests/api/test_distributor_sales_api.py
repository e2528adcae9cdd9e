"""Sales reintegration over HTTP: sale lines sent as JSON answered line by line, a sales file uploaded
(integrated at once when small, kept in the inbox for a run when big), the reintegrated lines listed;
every route needs its `distributors` right; bad input is refused naming the field."""

from __future__ import annotations

import pytest

from app import app
from chalicelib.api import distributor_sales
from chalicelib.distributors import sales_files
from tests.api.test_customers_api import operator_with
from tests.service.test_distributor_sales_world import build_distributor_world

INTERFACES = "/backoffice/distributors/interfaces"
HEADER = (
    "external_sale_id,line,distributor_performance_id,distributor_seat_category_id,"
    "distributor_audience_subcategory_id,price,seat,cancelled"
)

if not any(path.startswith(INTERFACES + "/{interface_id}/sales") for path in app.routes):
    app.register_blueprint(distributor_sales.blueprint)  # until app.py registers the blueprint


@pytest.fixture
def world(api):
    return build_distributor_world()


def line(sale_id: str, seat: str | None = None, **changes) -> dict:
    return {
        "external_sale_id": sale_id,
        "line": "1",
        "distributor_performance_id": "D-PERF",
        "distributor_seat_category_id": "D-CAT2",
        "distributor_audience_subcategory_id": "D-FULL",
        "price": 3000,
        "seat": seat,
        **changes,
    }


def test_sale_lines_are_answered_one_by_one_and_listed(api, world):
    admin = api.login()
    path = f"{INTERFACES}/{world.interface_id}/sales"
    body = {"lines": [line("S1", world.seat("L", "C", 1)), line("S2", distributor_performance_id="NOPE")]}

    answer = api.call("POST", path, body, token=admin)
    replay = api.call("POST", path, {"lines": body["lines"][:1]}, token=admin)

    assert answer.status_code == 200, answer.json_body
    outcomes = answer.json_body["outcomes"]
    assert [(o["status"], o["category"]) for o in outcomes] == [("integrated", None), ("failed", "mapping")]
    assert outcomes[1]["reason"] == "missing_mapping" and answer.json_body["errors_by_category"] == {
        "mapping": 1
    }
    assert replay.json_body["outcomes"][0]["status"] == "already_integrated"
    listed = api.call("GET", f"{path}?status=integrated", token=admin).json_body
    assert [(i["external_sale_id"], i["order_id"]) for i in listed["items"]] == [
        ("S1", outcomes[0]["order_id"])
    ]


def test_bad_sale_lines_are_refused_naming_the_field(api, world):
    admin = api.login()
    path = f"{INTERFACES}/{world.interface_id}/sales"

    missing = api.call("POST", path, {"lines": [{**line("S1"), "price": None}]}, token=admin)
    hashed = api.call("POST", path, {"lines": [line("S#1")]}, token=admin)
    too_many = api.call("POST", path, {"lines": [line(f"S{n}") for n in range(1001)]}, token=admin)

    assert (
        missing.status_code == 422 and missing.json_body["details"]["fields"][0]["field"] == "lines.0.price"
    )
    assert hashed.json_body["details"]["fields"][0]["field"] == "lines.0.external_sale_id"
    assert too_many.status_code == 422 and too_many.json_body["details"]["fields"][0]["field"] == "lines"


def test_a_small_file_is_integrated_at_once_and_a_big_one_kept_for_a_run(api, world):
    admin = api.login()
    path = f"{INTERFACES}/{world.interface_id}/sales-files"
    small = "\n".join([HEADER, f"F1,1,D-PERF,D-CAT2,D-FULL,3000,{world.seat('L', 'C', 2)},", "F2,1,D-PERF"])
    big = "\n".join([HEADER, *(f"B{n},1,UNKNOWN,D-CAT2,D-FULL,3000,," for n in range(1500))])

    now = api.http.post(f"{path}?name=small.csv", body=small, headers={"Authorization": f"Bearer {admin}"})
    later = api.http.post(f"{path}?name=big.csv", body=big, headers={"Authorization": f"Bearer {admin}"})
    bad_name = api.http.post(f"{path}?name=../x", body=small, headers={"Authorization": f"Bearer {admin}"})
    not_sales = api.http.post(
        f"{path}?name=x.csv", body="a,b\n1,2", headers={"Authorization": f"Bearer {admin}"}
    )

    assert now.status_code == 200, now.json_body
    assert (now.json_body["integrated"], now.json_body["errors"][0]["file_line"]) == (1, 3)
    assert later.status_code == 202 and later.json_body["lines"] == 1500
    assert sales_files.inbox_files("demo", world.interface_id) == [later.json_body["key"]]
    assert bad_name.status_code == 422 and bad_name.json_body["details"]["fields"][0]["field"] == "name"
    assert not_sales.status_code == 422 and not_sales.json_body["details"]["field"] == "body"


def test_every_route_needs_its_distributors_right(api, world):
    admin = api.login()
    reader = operator_with(api, admin, "reader", {"distributors": ["read"]})
    stranger = operator_with(api, admin, "stranger", {"catalog": ["read"]})
    path = f"{INTERFACES}/{world.interface_id}/sales"

    assert api.call("GET", path, token=stranger).status_code == 403
    assert api.call("GET", path, token=reader).status_code == 200
    assert api.call("POST", path, {"lines": [line("S1")]}, token=reader).status_code == 403
    assert api.call("POST", f"{path[:-6]}/sales-files?name=a.csv", token=reader).status_code == 403
    assert api.call("GET", f"{INTERFACES}/nope/sales", token=admin).status_code == 404
