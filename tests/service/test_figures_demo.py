"""The demo's sales history: made through the services at past moments, once, and counted into the
figures, so that the reports and the home's 30 days show weeks of sales, cancellations and entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.reports import dashboard, statements
from chalicelib.reports.selection import Filters
from chalicelib.sales import repository as sales_store
from infra.local import demo_history
from tests.shop_world import build_world

ORG = "demo"


def every_order(days: list[str]) -> list:
    return [order for day in days for order in sales_store.orders_of_day(ORG, day)]


def test_the_demo_history_spreads_sales_cancellations_and_scans_over_weeks_and_the_reports_show_it(
    organisation,
):
    world = build_world()
    shelf = demo_history.Shelf(
        performance_ids=[world.performance_id],
        category_ids=[world.category("CAT1"), world.category("CAT2")],
        web_pos="WEB1",
        box_pos="BOX1",
        played_id=world.performance_id,
    )
    starts = datetime.fromisoformat(
        catalog.get(ORG, "performance", world.performance_id).data["starts_at"]
    ).astimezone(UTC)
    after_the_show = starts + timedelta(days=3)  # the world's performance is to come: seed as if played

    with clock.at(after_the_show):
        made = demo_history.seed_history(ORG, shelf)
        report = statements.sales(ORG, Filters(day_from=(after_the_show - timedelta(days=40)).date()))
        home = dashboard.sales_by_day(ORG, after_the_show.date())
        again = demo_history.seed_history(ORG, shelf)

    assert made.startswith("sales history over ") and "3 cancelled" in made, made
    days = [(after_the_show - timedelta(days=n)).date().isoformat() for n in range(demo_history.DAYS)]
    orders = every_order(days)
    paid = [o for o in orders if o.status == "paid"]
    assert len({o.created_at[:10] for o in orders}) >= 10  # weeks of sales, not one day
    assert sum(o.status == "cancelled" for o in orders) == 3
    sold = sum(len(o.lines) for o in paid)
    assert report["totals"] == {"tickets": sold, "amount": sum(o.tickets_total for o in paid)}
    assert len(report["by_day"]) >= 10
    assert {row["channel"] for row in report["rows"]} == {"WEB1", "BOX1"}
    assert sum(day["tickets"] > 0 for day in home["days"]) >= 5
    entries = statements.entries(ORG, Filters(performance_id=world.performance_id))
    assert 0 < entries["totals"]["entries"] <= sold
    assert {row["hour"][:10] for row in entries["rows"]} == {starts.date().isoformat()}  # at the doors
    assert again == ""
    assert len(every_order(days)) == len(orders)  # seeding again made nothing more
