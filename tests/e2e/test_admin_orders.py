"""The admin page's sales screens in headless Chromium: an operator finds an order bought over HTTP, sees
its detail, sees its seat drawn as sold on the performance's live stock (and a seat in a cart as held),
finds the confirmation in the email outbox, and cancels an order with a refund; who sees the menu."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import ARTIFACTS, confirmation_once_sent, open_page
from tests.e2e.test_shop_purchase import (
    check_out,
    free_row_start,
    guest,
    hold,
    open_cart,
    pay_through_the_api,
    performance_with_free_seats,
    shop,
)

LIVE_POLL_TIMEOUT_MS = 15_000  # the stock screen reads the live stock every 10 s


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url) as page:
        yield page


def log_in(page: Page, stack, login: str, password: str) -> None:
    page.fill("#org", stack.org)
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#login-submit")
    expect(page.locator("#whoami")).to_contain_text(f"({login})")


def idle(page: Page) -> None:
    expect(page.locator("#screen")).to_have_attribute("aria-busy", "false")


def go(page: Page, screen: str) -> None:
    page.click(f"[data-nav={screen}]")
    expect(page).to_have_url(re.compile(rf"#/{screen}$"))
    idle(page)


def bought_seat(api, stack, buyer: dict) -> tuple[dict, str, str]:
    """A paid order for one seat chosen on the plan: (order, performance id, seat id)."""
    performance, _ = performance_with_free_seats(api, stack, 4)
    seat = free_row_start(api, stack, performance["id"])
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    hold(api, stack, token, cart_id, {"performance_id": performance["id"], "seat_ids": [seat]})
    order = check_out(api, stack, token, cart_id, buyer)
    pay_through_the_api(api, order)
    return order, performance["id"], seat


def find_order(page: Page, order_id: str) -> None:
    page.fill("#orders-reference", order_id)
    page.click("#orders-search-submit")
    row = page.locator(f"#orders-table tr[data-order='{order_id}']")
    expect(row).to_have_count(1)
    row.locator("[data-action=open]").click()
    expect(page.locator("#order-detail")).to_be_visible()
    expect(page.locator("#order-reference")).to_have_text(order_id)


def seat_on_plan(page: Page, seat_id: str):
    return page.locator(f"#plan-svg circle.seat[data-seat='{seat_id}']")


def test_admin_finds_an_order_sees_its_seat_sold_on_the_live_plan_and_its_confirmation(
    page, stack, api, admin_token
):
    buyer = {"email": "olga.e2e@example.com", "name": "Olga E2E"}
    order, performance_id, seat = bought_seat(api, stack, buyer)
    order_id = order["order_id"]
    confirmation_once_sent(api, admin_token, order_id)  # the outbox worker sends it a moment later
    log_in(page, stack, stack.admin_login, stack.admin_password)

    go(page, "orders")
    find_order(page, order_id)
    detail = page.locator("#order-detail")
    expect(page.locator(f"#orders-table tr[data-order='{order_id}'] [data-testid=status]")).to_have_text(
        "Paid"
    )
    expect(detail.locator("#order-summary")).to_contain_text(buyer["email"])
    expect(detail.locator(f"#order-lines tr[data-seat='{seat}']")).to_have_count(1)
    expect(detail.locator("#order-payments tr[data-method=card] [data-testid=status]")).to_have_text(
        "Succeeded"
    )
    ticket = detail.locator(f"#order-tickets tr[data-seat='{seat}']")
    expect(ticket.locator("[data-testid=status]")).to_have_text("Valid")
    expect(ticket.locator("code.barcode")).not_to_be_empty()
    expect(detail.locator("#order-emails tr[data-kind=order_confirmation]")).to_contain_text("sent")
    expect(detail.locator("#order-history")).to_contain_text("paid")
    expect(detail.locator("#order-cancel-submit")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"#/orders/{order_id}$"))
    page.screenshot(path=ARTIFACTS / "admin-orders-detail.png", full_page=True)

    # The performance's live stock: the seat bought is drawn as sold.
    detail.locator(f"#order-lines tr[data-seat='{seat}'] [data-action=stock]").click()
    expect(page).to_have_url(re.compile(rf"#/events/[^/]+/{performance_id}$"))
    idle(page)
    expect(seat_on_plan(page, seat)).to_have_attribute("data-status", "sold")
    expect(seat_on_plan(page, seat)).to_have_class(re.compile(r"\bk2\b"))  # STATUSES[2] is sold's colour
    sold = page.locator("[data-testid=live-counts] li[data-status=sold] [data-testid=live-count]")
    assert int(sold.inner_text()) >= 1

    # A seat put in someone's cart shows as held at the next read (every 10 s), then free once released.
    other_seat = free_row_start(api, stack, performance_id)
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    hold(api, stack, token, cart_id, {"performance_id": performance_id, "seat_ids": [other_seat]})
    expect(seat_on_plan(page, other_seat)).to_have_attribute(
        "data-status", "held", timeout=LIVE_POLL_TIMEOUT_MS
    )
    page.screenshot(path=ARTIFACTS / "admin-orders-live-stock.png", full_page=True)
    released = api.request("DELETE", f"{shop(stack)}/carts/{cart_id}", token)
    assert released.status_code in (200, 204), released.text
    page.click("#stock-refresh")
    expect(seat_on_plan(page, other_seat)).to_have_attribute("data-status", "free")
    expect(seat_on_plan(page, seat)).to_have_attribute("data-status", "sold")

    # The email outbox, filtered by the order's reference.
    go(page, "emails")
    page.fill("#emails-reference", order_id)
    page.click("#emails-show")
    rows = page.locator("#emails-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(buyer["email"])
    expect(rows.first.locator("[data-testid=status]")).to_have_text("sent")
    page.screenshot(path=ARTIFACTS / "admin-orders-emails.png", full_page=True)
    assert page.script_errors == []


def test_admin_cancels_a_paid_order_and_its_ticket_stops_being_valid(page, stack, api, admin_token):
    buyer = {"email": "piet.e2e@example.com", "name": "Piet E2E"}
    order, _, seat = bought_seat(api, stack, buyer)
    order_id = order["order_id"]
    log_in(page, stack, stack.admin_login, stack.admin_password)
    page.goto(f"{stack.admin_url}#/orders/{order_id}")  # a link straight to the order opens it
    idle(page)
    expect(page.locator("#order-reference")).to_have_text(order_id)

    page.check("#order-refund-card")
    page.click("#order-cancel-submit")
    expect(page.locator("#confirm-text")).to_contain_text(order_id)
    expect(page.locator("#confirm-no")).to_have_text("Keep the order")
    page.click("#confirm-yes")
    detail = page.locator("#order-detail")
    expect(detail.locator("#order-summary [data-testid=status]")).to_have_text("Cancelled")
    expect(detail.locator(f"#order-tickets tr[data-seat='{seat}'] [data-testid=status]")).to_have_text(
        "Cancelled"
    )
    expect(detail.locator("#order-refunds")).to_contain_text("Card")
    # the outbox worker refunds the card a moment after the cancellation; the screen follows it
    expect(detail.locator("#order-payments tr[data-method=card] [data-testid=status]")).to_have_text(
        "Refunded", timeout=20_000
    )
    expect(detail.locator("#order-cancel")).to_have_count(0)
    expect(page.locator(f"#orders-table tr[data-order='{order_id}'] [data-testid=status]")).to_have_text(
        "Cancelled"
    )
    expect(page.locator("#confirm-no")).to_have_text("Cancel")
    page.screenshot(path=ARTIFACTS / "admin-orders-cancelled.png", full_page=True)

    answer = api.get(f"/backoffice/orders/{order_id}", token=admin_token).json()
    assert answer["order"]["status"] == "cancelled" and answer["tickets"][0]["status"] == "cancelled"
    assert page.script_errors == []


def test_the_cashier_reads_orders_but_cannot_cancel_them(page, stack, api):
    order, _, _ = bought_seat(api, stack, {"email": "cash.e2e@example.com", "name": "Cash E2E"})
    log_in(page, stack, stack.cashier_login, stack.cashier_password)
    go(page, "orders")
    find_order(page, order["order_id"])
    expect(page.locator("#order-tickets tbody tr")).to_have_count(1)
    expect(page.locator("#order-cancel-submit")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "admin-orders-cashier.png", full_page=True)
    assert page.script_errors == []


def test_an_operator_without_orders_rights_gets_no_orders_menu(page, stack, api, admin_token):
    # The demo's cashier reads every area but operators, orders included: this one reads the catalog only.
    role = api.post(
        "/backoffice/roles",
        {"name": "e2e-catalog-reader", "rights": {"catalog": ["read"]}},
        token=admin_token,
    )
    assert role.status_code in (201, 409), role.text
    operator = {
        "login": "e2e-catalog-reader",
        "name": "Catalog reader",
        "password": "catalog-reader-password",
        "roles": ["e2e-catalog-reader"],
    }
    created = api.post("/backoffice/operators", operator, token=admin_token)
    assert created.status_code in (201, 409), created.text
    log_in(page, stack, operator["login"], operator["password"])

    expect(page.locator("[data-nav=events]")).to_be_visible()
    for screen in ("orders", "emails", "gift-vouchers", "ticket-control"):
        expect(page.locator(f"[data-nav={screen}]")).to_have_count(0)
    page.goto(f"{stack.admin_url}#/orders")
    expect(page.locator("[data-testid=forbidden]")).to_contain_text("orders: read")
    page.screenshot(path=ARTIFACTS / "admin-orders-forbidden.png", full_page=True)
    assert page.script_errors == []


def test_admin_controls_a_ticket_and_issues_then_looks_up_a_gift_voucher(page, stack, api, admin_token):
    order, performance_id, _ = bought_seat(api, stack, {"email": "gate.e2e@example.com", "name": "Gate E2E"})
    barcode = api.get(f"/backoffice/orders/{order['order_id']}", token=admin_token).json()["tickets"][0][
        "barcode"
    ]
    log_in(page, stack, stack.admin_login, stack.admin_password)

    go(page, "ticket-control")
    page.select_option("#scan-performance", performance_id)
    page.fill("#scan-gate", "North")
    page.fill("#scan-barcode", barcode)
    page.press("#scan-barcode", "Enter")
    expect(page.locator("#scan-result")).to_have_attribute("data-result", "valid")
    expect(page.locator("[data-testid=scan-verdict]")).to_have_text("Valid: let them in")
    expect(page.locator("#scan-barcode")).to_have_value("")
    page.fill("#scan-barcode", barcode)
    page.click("#scan-submit")
    expect(page.locator("#scan-result")).to_have_attribute("data-result", "already_used")
    expect(page.locator("#scan-recent li")).to_have_count(2)
    page.screenshot(path=ARTIFACTS / "admin-ticket-control.png", full_page=True)

    go(page, "gift-vouchers")
    page.fill("#voucher-amount", "25")
    page.click("#voucher-issue-submit")
    expect(page.locator("#voucher-balance")).to_have_text("25.00 EUR")
    code = page.locator("#voucher-code-shown").inner_text()
    assert re.fullmatch(r"GV-[A-Z0-9]{12}", code), code
    go(page, "gift-vouchers")
    page.fill("#voucher-find-code", code.lower())
    page.click("#voucher-find-submit")
    expect(page.locator("#voucher-code-shown")).to_have_text(code)
    expect(page.locator("#voucher-uses")).to_have_text("Not used yet.")
    page.fill("#voucher-find-code", "GV-NOSUCHCODE1")
    page.click("#voucher-find-submit")
    expect(page.locator("#voucher-find-error")).to_contain_text("does not exist")
    page.screenshot(path=ARTIFACTS / "admin-gift-vouchers.png", full_page=True)
    assert page.script_errors == []
