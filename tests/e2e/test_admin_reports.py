"""The admin Home and the Sales report in headless Chromium: after two purchases over HTTP and the
cancellation of one of them, both show the sale kept and not the one cancelled, in tickets and amounts."""

from __future__ import annotations

import re
import time
from collections import defaultdict

import pytest
from playwright.sync_api import expect

from tests.e2e.support import ARTIFACTS, open_page
from tests.e2e.test_admin_orders import go, idle, log_in
from tests.e2e.test_shop_purchase import (
    POS,
    check_out,
    guest,
    hold,
    open_cart,
    pay_through_the_api,
    performance_with_free_seats,
    shop,
)

WORKER_SECONDS = 20  # the outbox worker runs every second locally; counting an order takes one pass


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url) as page:
        yield page


def free_row_starts(api, stack, performance_id: str, count: int) -> list[str]:
    """The first seats of `count` rows entirely on sale, from one read of the seat map (which the shop
    keeps for a few seconds: a second read right after a purchase may still offer the seat bought)."""
    seat_map = api.get(f"{shop(stack)}/pos/{POS}/performances/{performance_id}/seats").json()
    position = {name: n for n, name in enumerate(seat_map["fields"])}
    rows = defaultdict(list)
    for block in seat_map["blocks"]:
        for seat in block["seats"]:
            rows[(block.get("zone"), block.get("block"), seat[position["row"]])].append(seat)
    starts = [
        min(row, key=lambda seat: int(seat[position["number"]]))[position["seat_id"]]
        for row in rows.values()
        if len(row) >= 4 and all(seat[position["available"]] for seat in row)
    ]
    assert len(starts) >= count, f"performance {performance_id} has {len(starts)} rows entirely on sale"
    return starts[:count]


def buy_one_seat(api, stack, performance_id: str, seat: str, email: str) -> dict:
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    hold(api, stack, token, cart_id, {"performance_id": performance_id, "seat_ids": [seat]})
    order = check_out(api, stack, token, cart_id, {"email": email, "name": "Reports E2E"})
    pay_through_the_api(api, order)
    return order


def sales_totals(api, token: str, performance_id: str) -> dict:
    answer = api.get("/backoffice/reports/sales", token=token, params={"performance_id": performance_id})
    assert answer.status_code == 200, answer.text
    return answer.json()["totals"]


def totals_once_counted(api, token: str, performance_id: str, expected: dict) -> dict:
    """The performance's sales totals once the outbox worker has counted the orders into the figures."""
    deadline = time.monotonic() + WORKER_SECONDS
    while True:
        totals = sales_totals(api, token, performance_id)
        if totals == expected or time.monotonic() > deadline:
            return totals
        time.sleep(0.5)


def dashboard(api, token: str) -> dict:
    answer = api.get("/backoffice/dashboard", token=token)
    assert answer.status_code == 200, answer.text
    return answer.json()


def plus(figures: dict, tickets: int, amount: int) -> dict:
    return {"tickets": figures["tickets"] + tickets, "amount": figures["amount"] + amount}


def euros(cents: int) -> str:
    return f"{cents / 100:.2f}"  # as the admin page's centsText writes amounts


def test_home_and_sales_report_show_a_purchase_and_not_the_order_cancelled(page, stack, api, admin_token):
    performance, _ = performance_with_free_seats(api, stack, 4)
    performance_id = performance["id"]
    before = sales_totals(api, admin_token, performance_id)
    today_before = dashboard(api, admin_token)["today"]

    one, other = free_row_starts(api, stack, performance_id, 2)
    kept = buy_one_seat(api, stack, performance_id, one, "kept.reports@example.com")
    gone = buy_one_seat(api, stack, performance_id, other, "gone.reports@example.com")
    both = plus(before, 2, kept["tickets_total"] + gone["tickets_total"])
    assert totals_once_counted(api, admin_token, performance_id, both) == both  # both counted first
    cancel = f"/backoffice/orders/{gone['order_id']}/cancel"
    cancelled = api.post(cancel, {"refund": "card"}, token=admin_token)
    assert cancelled.status_code == 200, cancelled.text
    net = plus(before, 1, kept["tickets_total"])
    assert totals_once_counted(api, admin_token, performance_id, net) == net  # then the cancellation
    today = dashboard(api, admin_token)["today"]
    assert {k: today[k] for k in ("tickets", "amount")} == plus(today_before, 1, kept["tickets_total"])

    # Home: today's tickets and amount, and today's column of the 30-day chart and its table.
    log_in(page, stack, stack.admin_login, stack.admin_password)
    idle(page)
    expect(page.locator("[data-testid=today-tickets] strong")).to_have_text(str(today["tickets"]))
    expect(page.locator("[data-testid=today-amount] strong")).to_have_text(euros(today["amount"]))
    column = page.locator(f"#home-days-chart g[data-label='{today['day'][5:]}']")
    expect(column).to_have_attribute("data-value", str(today["tickets"]))
    last_day = page.locator("#home-days-table tbody tr").last
    expect(last_day.locator("td[data-col=day]")).to_have_text(today["day"])
    expect(last_day.locator("td[data-col=tickets]")).to_have_text(str(today["tickets"]))
    page.screenshot(path=ARTIFACTS / "admin-reports-home.png", full_page=True)

    # The Sales report of the performance, reached from the home's link: the net figures in its totals.
    page.click("[data-testid=home-reports-link]")
    expect(page).to_have_url(re.compile(r"#/reports$"))
    idle(page)
    page.select_option("#reports-performance", performance_id)
    page.click("#reports-show")
    totals = page.locator("[data-testid=report-rows-totals]")
    expect(totals.locator("td[data-col=tickets]")).to_have_text(str(net["tickets"]))
    expect(totals.locator("td[data-col=amount]")).to_have_text(euros(net["amount"]))
    expect(page.locator("#report-chart")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "admin-reports-sales.png", full_page=True)

    # A link straight to the report, filtered, shows the same.
    go(page, "orders")
    page.goto(f"{stack.admin_url}#/reports?report=sales&performance_id={performance_id}")
    idle(page)
    expect(page.locator("#reports-performance")).to_have_value(performance_id)
    expect(totals.locator("td[data-col=tickets]")).to_have_text(str(net["tickets"]))
    assert page.script_errors == []
