"""Report rows name a performance by its start on its venue's clock, with the offset from UTC."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.catalog import repository as catalog_repository
from tests.service.test_figures_service import GUEST, carry_out, checkout, pay
from tests.shop_world import build_world

ORG = "demo"
SUMMER_EVENING = "2030-07-01T18:00:00+00:00"  # 20:00 in Paris, 14:00 in New York


@pytest.fixture
def world(api):
    built = build_world()
    stored = catalog_repository.get(ORG, "performance", built.performance_id)
    catalog_repository.replace(ORG, stored, {**stored.data, "starts_at": SUMMER_EVENING}, None)
    carry_out(pay(checkout(built, GUEST, built.seat("L", "B", 4))).order_id)
    return built


def move_venue(api, admin: str, performance_id: str, zone: str) -> None:
    hall_id = api.call("GET", f"/backoffice/performances/{performance_id}", token=admin).json_body["hall_id"]
    venue_id = api.call("GET", f"/backoffice/halls/{hall_id}", token=admin).json_body["venue_id"]
    venue = api.call("GET", f"/backoffice/venues/{venue_id}", token=admin).json_body
    spec = {"code": venue["code"], "name": venue["name"], "timezone": zone}
    assert api.call("PUT", f"/backoffice/venues/{venue_id}", spec, token=admin).status_code == 200


def test_a_sales_row_carries_the_local_start_with_its_offset(api, world):
    admin = api.login()

    [row] = api.call("GET", "/backoffice/reports/sales", token=admin).json_body["rows"]

    assert (row["starts_at"], row["timezone"]) == ("2030-07-01T20:00:00+02:00", "Europe/Paris")
    assert row["performance"].endswith(", 2030-07-01 20:00 +02:00")


def test_a_venue_in_new_york_prints_new_york_time_in_the_rows_and_the_csv(api, world):
    admin = api.login()
    move_venue(api, admin, world.performance_id, "America/New_York")

    [row] = api.call("GET", "/backoffice/reports/sales", token=admin).json_body["rows"]
    path = f"/backoffice/reports/sales?format=csv&performance_id={world.performance_id}"
    body = api.http.get(path, headers={"Authorization": f"Bearer {admin}"}).body.decode()
    [line] = list(csv.DictReader(io.StringIO(body)))

    assert (row["starts_at"], row["timezone"]) == ("2030-07-01T14:00:00-04:00", "America/New_York")
    assert row["performance"].endswith(", 2030-07-01 14:00 -04:00")
    assert (line["starts_at"], line["timezone"]) == ("2030-07-01T14:00:00-04:00", "America/New_York")
    assert line["performance"] == row["performance"]


def test_the_gauge_and_the_home_name_the_performance_on_its_venue_clock(api, world):
    admin = api.login()
    move_venue(api, admin, world.performance_id, "America/New_York")

    gauge = api.call(
        "GET", f"/backoffice/reports/gauge?performance_id={world.performance_id}", token=admin
    ).json_body
    home = api.call("GET", "/backoffice/dashboard", token=admin).json_body
    [coming] = [c for c in home["coming"] if c["performance_id"] == world.performance_id]

    assert gauge["rows"]
    assert all(r["performance"].endswith(", 2030-07-01 14:00 -04:00") for r in gauge["rows"])
    assert coming["starts_at_local"] == "2030-07-01T14:00:00-04:00"
    assert coming["timezone"] == "America/New_York"
    assert coming["starts_at"].startswith("2030-07-01T18:00:00")  # the instant itself stays UTC


def test_a_sale_paid_after_midnight_in_paris_counts_on_that_day_and_the_home_says_so(api):
    from datetime import UTC, datetime, timedelta

    from chalicelib import clock

    built = build_world()
    late = datetime.now(UTC).replace(hour=23, minute=30, second=0, microsecond=0)  # 00:30 or 01:30 in Paris
    paris_day, utc_day = (late + timedelta(days=1)).date().isoformat(), late.date().isoformat()
    with clock.at(late):
        carry_out(pay(checkout(built, GUEST, built.seat("L", "B", 4))).order_id)
        admin = api.login()
        home = api.call("GET", "/backoffice/dashboard", token=admin).json_body
        on_paris_day = api.call(
            "GET", f"/backoffice/reports/sales?day_from={paris_day}&day_to={paris_day}", token=admin
        ).json_body
        on_utc_day = api.call(
            "GET", f"/backoffice/reports/sales?day_from={utc_day}&day_to={utc_day}", token=admin
        ).json_body

    assert home["today"]["day"] == paris_day and home["today"]["tickets"] == 1
    assert on_paris_day["totals"]["tickets"] == 1
    assert on_utc_day["totals"]["tickets"] == 0
