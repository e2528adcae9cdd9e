"""The cart screen in headless Chromium: from a seat "in a cart" on a performance's live stock, the
operator opens the cart (its owner, places, total, when its holds lapse); once checked out, the cart names
the order it became and links to it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_admin_layout import DESKTOP, open_page, settled
from tests.e2e.test_shop_purchase import (
    check_out,
    free_row_start,
    guest,
    hold,
    open_cart,
    performance_with_free_seats,
)


@pytest.fixture
def script_errors() -> list[str]:
    return []


def test_an_operator_opens_a_cart_from_the_live_stock_and_then_its_order(browser, stack, api, script_errors):
    performance, _ = performance_with_free_seats(api, stack, 4)
    seat = free_row_start(api, stack, performance["id"])
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    hold(api, stack, token, cart_id, {"performance_id": performance["id"], "seat_ids": [seat]})
    page = open_page(browser, stack, script_errors, DESKTOP)
    page.goto(page.url.split("#")[0] + f"#/events/{performance['event']['id']}/{performance['id']}")
    settled(page)

    page.locator(f"#plan-svg circle[data-seat='{seat}']").click()
    page.locator("#plan-svg-hover [data-action=holder]", has_text=cart_id).click()
    expect(page).to_have_url(re.compile(rf"#/carts/{cart_id}$"))
    settled(page)
    detail = page.locator("#cart-detail")
    expect(detail.locator("#cart-id-shown")).to_have_text(cart_id)
    expect(detail.locator("#cart-summary [data-testid=status]")).to_have_text("Open")
    expect(detail.locator("#cart-summary")).to_contain_text("Guest (no account)")
    expect(detail.locator("#cart-expires")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d \(.+/.+\)$"))
    expect(detail.locator(f"#cart-lines tr[data-seat='{seat}']")).to_have_count(1)
    expect(detail.locator("#cart-total")).to_have_text(re.compile(r"^\d+\.\d\d [A-Z]{3}$"))

    order = check_out(api, stack, token, cart_id, {"email": "carla.e2e@example.com", "name": "Carla E2E"})
    page.reload()
    settled(page)
    expect(detail.locator("#cart-summary [data-testid=status]")).to_have_text("Ordered")
    detail.locator("#cart-order").click()
    expect(page).to_have_url(re.compile(rf"#/orders/{order['order_id']}$"))
    settled(page)
    expect(page.locator("#order-reference")).to_have_text(order["order_id"])
    assert script_errors == []
    page.context.close()
