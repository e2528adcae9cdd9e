"""The demo's sales history: made through the services, once, and counted into the figures."""

from __future__ import annotations

from chalicelib.reports import statements
from chalicelib.reports.selection import Filters
from chalicelib.sales import repository as sales_store
from infra.local import demo_history
from tests.shop_world import build_world

ORG = "demo"


def test_the_demo_history_sells_cancels_and_scans_and_the_reports_show_it(organisation):
    world = build_world()
    shelf = demo_history.Shelf(
        performance_ids=[world.performance_id],
        category_ids=[world.category("CAT1"), world.category("CAT2")],
        web_pos="WEB1",
        box_pos="BOX1",
    )

    made = demo_history.seed_history(ORG, shelf)

    assert made.startswith("sales history: ") and "2 cancelled" in made
    orders = sales_store.orders_of_day(ORG, statements.days(Filters())[1].isoformat())
    paid = [o for o in orders if o.status == "paid"]
    sold = sum(len(o.lines) for o in paid)
    report = statements.sales(ORG, Filters())
    assert sold > 0 and report["totals"] == {"tickets": sold, "amount": sum(o.tickets_total for o in paid)}
    assert {row["channel"] for row in report["rows"]} == {"WEB1", "BOX1"}
    entries = statements.entries(ORG, Filters(performance_id=world.performance_id))["totals"]
    assert entries["entries"] > 0
    assert demo_history.seed_history(ORG, shelf) == ""
