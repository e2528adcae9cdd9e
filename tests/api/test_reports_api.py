"""Reports over the back-office API: figures after a sale and a cancellation, CSV, bad filters, rights."""

from __future__ import annotations

import pytest

from app import app
from chalicelib.api import reports as reports_api
from tests.service.test_figures_service import GUEST, carry_out, checkout, pay
from tests.shop_world import build_world

# Until app.py registers the blueprint (the lead's line), the tests serve it themselves.
if "/backoffice/reports/sales" not in app.routes:
    app.register_blueprint(reports_api.blueprint)

ORG = "demo"


@pytest.fixture
def world(api):
    return build_world()


def operator_with(api, admin: str, login: str, rights: dict) -> str:
    api.call("POST", "/backoffice/roles", {"name": login, "rights": rights}, token=admin)
    body = {"login": login, "name": login, "password": f"{login}-password", "roles": [login]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login(login, f"{login}-password")


def test_after_a_purchase_and_a_cancellation_the_reports_and_the_home_show_them(api, world):
    admin = api.login()
    kept = pay(checkout(world, GUEST, world.seat("L", "B", 4)))
    gone = pay(checkout(world, GUEST, world.seat("L", "B", 5), world.seat("L", "B", 6)))
    cancelled = api.call(
        "POST", f"/backoffice/orders/{gone.order_id}/cancel", {"refund": "card"}, token=admin
    )
    assert cancelled.status_code == 200, cancelled.json_body
    carry_out(kept.order_id, gone.order_id)

    sales = api.call("GET", "/backoffice/reports/sales", token=admin)
    assert sales.status_code == 200 and sales.json_body["totals"] == {"tickets": 1, "amount": 3000}
    takings = api.call("GET", "/backoffice/reports/takings", token=admin).json_body
    assert takings["totals"] == {"received": 9000, "refunded": 6000, "net": 3000}
    home = api.call("GET", "/backoffice/dashboard", token=admin).json_body
    assert home["today"]["tickets"] == 1 and home["today"]["amount"] == 3000 and len(home["days"]) == 30
    assert set(home["to_act_on"]["outbox"]) == {"failed", "dead"}  # moto's SES refuses the sender here


def test_a_report_comes_as_csv_with_a_header_line(api, world):
    admin = api.login()
    carry_out(pay(checkout(world, GUEST, world.seat("L", "B", 4))).order_id)

    path = f"/backoffice/reports/sales?format=csv&performance_id={world.performance_id}"
    response = api.http.get(path, headers={"Authorization": f"Bearer {admin}"})

    assert response.status_code == 200, response.body
    assert {k.lower(): v for k, v in response.headers.items()}["content-type"].startswith("text/csv")
    header, row = response.body.decode().strip().split("\r\n")
    assert header.startswith("performance_id,performance,") and row.endswith(",1,3000")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("day_from=2026-02-01&day_to=2026-01-01", "day_from"),
        ("day_from=2024-01-01&day_to=2026-01-01", "day_from"),
        ("day_from=yesterday", "day_from"),
        ("performance_id=nope", "performance_id"),
        ("season_id=nope", "season_id"),
        ("format=xml", "format"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(api, world, query, field):
    response = api.call("GET", f"/backoffice/reports/sales?{query}", token=api.login())
    assert response.status_code == 422, response.json_body
    body = response.json_body
    named = body["details"].get("field") or [f["field"] for f in body["details"].get("fields", [])]
    assert field in named, body


def test_takings_and_the_gauge_say_which_filters_they_need(api, world):
    admin = api.login()
    takings = api.call("GET", f"/backoffice/reports/takings?event_id={world.performance_id}", token=admin)
    gauge = api.call("GET", "/backoffice/reports/gauge", token=admin)
    assert takings.status_code == 422 and takings.json_body["details"]["field"] == "event_id"
    assert gauge.status_code == 422 and gauge.json_body["details"]["field"] == "performance_id"


def test_an_operator_without_reports_read_gets_403(api, world):
    cashier = operator_with(api, api.login(), "cashier", {"orders": ["read", "create"]})
    for path in ("/backoffice/reports/sales", "/backoffice/reports/gauge", "/backoffice/dashboard"):
        response = api.call("GET", path, token=cashier)
        assert response.status_code == 403 and response.json_body["details"]["right"] == "reports:read"


def test_the_home_leaves_out_what_the_operator_may_not_open(api, world):
    reader = operator_with(api, api.login(), "analyst", {"reports": ["read"]})
    act = api.call("GET", "/backoffice/dashboard", token=reader).json_body["to_act_on"]
    assert act == {"reservations_expiring": None, "options": None, "failed_runs": None, "outbox": None}
