"""The admin page's season tickets screen in headless Chromium, against the local stack and its demo: an
operator sets up the seed's "Season ticket with 4 performances" (on sale, same seat, subscriber quality,
seat category upgrade / downgrade allowed but refused on one line, prices from the events' grids less
10 %), is told which field is wrong when the maximum is below the minimum, finds it listed by season and
status, opens it again as saved, and sees its subscriptions (none yet)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import ARTIFACTS, open_page
from tests.e2e.test_admin_accessibility import violations
from tests.e2e.test_admin_options import go, idle, log_in
from tests.e2e.test_shop_purchase import check_out, get_order, guest, open_cart, pay_through_the_api, shop


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url, bypass_csp=True) as page:  # axe is injected
        yield page


def items(api, token: str, plural: str, **filters) -> list[dict]:
    response = api.get(f"/backoffice/{plural}", token=token, params={"limit": 200, **filters})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def by_code(found: list[dict], code: str) -> dict:
    return next(item for item in found if item["code"] == code)


def set_up_line(page: Page, index: int, event: dict, performances: list[dict], override: str) -> None:
    line = page.locator("fieldset.season-ticket-line").nth(index)
    line.locator("select[id$='-event']").select_option(event["id"])
    expect(line.locator("input[id$='-name']")).to_have_value(event["name"])  # taken from the event
    for performance in performances:
        line.locator(f"input[value='{performance['id']}']").check()
    line.locator(f"input[name$='-category_change'][value='{override}']").check()
    line.locator("button[id$='-fill']").click()  # the event's prices less 10 %


def test_an_operator_sets_up_the_season_ticket_with_4_performances(page, stack, api, admin_token):
    season = by_code(items(api, admin_token, "seasons"), "2026-2027")
    events = {e["code"]: e for e in items(api, admin_token, "events", season_id=season["id"])}
    cyrano, nutcracker = events["CYRANO"], events["NUTCRACKER"]
    performances = {
        code: sorted(
            items(api, admin_token, "performances", event_id=events[code]["id"]), key=lambda p: p["code"]
        )
        for code in ("CYRANO", "NUTCRACKER")
    }
    loyalty = by_code(items(api, admin_token, "indicators"), "LOYALTY")
    cat2 = by_code(items(api, admin_token, "seat-categories"), "CAT2")
    full = by_code(items(api, admin_token, "audience-subcategories"), "FULL")
    grid = next(g for g in items(api, admin_token, "price-grids") if g["id"] == cyrano["price_grid_id"])
    cyrano_cat2_full = next(
        p["amount"]
        for p in grid["prices"]
        if (p["seat_category_id"], p["audience_subcategory_id"]) == (cat2["id"], full["id"])
    )
    suffix = uuid.uuid4().hex[:6].upper()
    code, name = f"ST4-{suffix}", f"Season ticket with 4 performances {suffix}"

    log_in(page, stack, stack.admin_login, stack.admin_password)
    expect(page.locator("details[data-group=catalog] [data-nav=season-tickets]")).to_have_count(1)
    go(page, "season-tickets")
    page.click("#season-tickets-new")
    expect(page).to_have_url(re.compile(r"#/season-tickets/new$"))
    idle(page)

    # General, then the seed's Parameter tab.
    page.fill("#st-code", code)
    page.fill("#st-name", name)
    page.select_option("#st-season", season["id"])
    page.select_option("#st-status", "on_sale")
    expect(page.locator("#st-price-type")).to_contain_text("Calculated price")
    page.check("#st-grant_subscriber-yes")
    page.select_option("#st-indicator", loyalty["id"])
    page.select_option("#st-level", "SUBSCRIBER")
    page.fill("#st-min_lines", "3")
    page.fill("#st-max_lines", "2")
    page.check("#st-same_seat-yes")
    expect(page.locator("#st-multi_season-no")).to_be_checked()
    expect(page.locator("#st-automatic_renewal-no")).to_be_checked()
    page.check("#st-allow_category_change-yes")

    # Lines: Cyrano's three evenings inherit the product's setting; The Nutcracker's line says no.
    set_up_line(page, 0, cyrano, performances["CYRANO"], "inherit")
    first = page.locator("fieldset.season-ticket-line").nth(0)
    label = first.locator(f"label[for$='-perf-{performances['CYRANO'][0]['id']}']")
    expect(label).to_contain_text("20:00 (Europe/Paris)")  # the venue's clock, not the browser's
    price = first.locator(f"input[data-category='{cat2['id']}'][data-sub='{full['id']}']")
    expect(price).to_have_value(f"{cyrano_cat2_full * 9 / 1000:.2f}")
    page.click("#st-add-line")
    set_up_line(page, 1, nutcracker, performances["NUTCRACKER"][:1], "no")

    # The maximum below the minimum: the API's refusal is shown on that field.
    page.click("#st-save")
    expect(page.locator("#season-ticket-error")).to_contain_text("max_lines must not be less than min_lines")
    expect(page.locator("#st-max_lines")).to_have_attribute("aria-invalid", "true")
    page.fill("#st-min_lines", "1")
    page.fill("#st-max_lines", "2")
    assert violations(page) == []
    page.screenshot(path=ARTIFACTS / "admin-season-ticket-editor.png", full_page=True)
    page.click("#st-save")
    expect(page).to_have_url(re.compile(r"#/season-tickets$"))
    idle(page)

    # Listed by season and status, with the category-change setting and its override.
    page.select_option("#season-tickets-season", season["id"])
    page.select_option("#season-tickets-status", "on_sale")
    row = page.locator(f"#season-tickets-table tr[data-code='{code}']")
    expect(row.locator("[data-testid=status]")).to_have_text("On sale")
    expect(row.locator("td[data-col=range]")).to_have_text("1\u20132")
    expect(row.locator("td[data-col=change]")).to_have_text(f"Yes ({nutcracker['name']}: no)")
    page.select_option("#season-tickets-status", "draft")
    expect(row).to_have_count(0)
    page.select_option("#season-tickets-status", "")

    saved = by_code(items(api, admin_token, "season-tickets", season_id=season["id"]), code)
    assert (saved["status"], saved["price_type"], saved["min_lines"], saved["max_lines"]) == (
        "on_sale",
        "computed",
        1,
        2,
    )
    assert (
        saved["same_seat"],
        saved["allow_category_change"],
        saved["multi_season"],
        saved["automatic_renewal"],
    ) == (
        True,
        True,
        False,
        False,
    )
    assert (saved["grant_subscriber"], saved["subscriber_indicator_id"], saved["subscriber_level_id"]) == (
        True,
        loyalty["id"],
        "SUBSCRIBER",
    )
    assert [
        (line["id"], line["event_id"], line["category_change"], line["choice"]) for line in saved["lines"]
    ] == [
        ("CYRANO", cyrano["id"], "inherit", "optional"),
        ("NUTCRACKER", nutcracker["id"], "no", "optional"),
    ]
    assert saved["lines"][0]["performance_ids"] == [p["id"] for p in performances["CYRANO"]]
    assert saved["lines"][1]["performance_ids"] == [performances["NUTCRACKER"][0]["id"]]
    less = {
        (p["seat_category_id"], p["audience_subcategory_id"]): p["amount"] * 9 // 10 for p in grid["prices"]
    }
    assert {
        (p["seat_category_id"], p["audience_subcategory_id"]): p["amount"]
        for p in saved["lines"][0]["prices"]
    } == less

    # Opened again, the form shows what was saved; its subscriptions are listed (none yet).
    row.locator("[data-action=edit]").click()
    idle(page)
    expect(page.locator("#st-code")).to_have_value(code)
    expect(page.locator("#st-same_seat-yes")).to_be_checked()
    second = page.locator("fieldset.season-ticket-line").nth(1)
    expect(second.locator("input[name$='-category_change'][value='no']")).to_be_checked()
    expect(second.locator(f"input[value='{performances['NUTCRACKER'][1]['id']}']")).not_to_be_checked()
    page.click("#st-head a")
    expect(page).to_have_url(re.compile(rf"#/season-tickets/{saved['id']}/subscriptions$"))
    idle(page)
    expect(page.locator("#screen-title")).to_have_text(f"Subscriptions · {name}")
    expect(page.locator("[data-testid=empty], #subscriptions-table").first).to_be_visible()
    assert violations(page) == []
    assert page.script_errors == []

    # Cyrano's last evening sells out in Cat 2; a shopper buys the season ticket over the API with the
    # alternative the shop offers for that evening, pays once and gets a ticket per performance.
    last = performances["CYRANO"][-1]
    blocked = sold_out_in(api, admin_token, last["id"], cat2["id"])
    try:
        bought = buy_with_alternative(api, stack, saved, last, performances["NUTCRACKER"][0], cat2, full)
    finally:
        unblock(api, admin_token, last["id"], blocked)
    assert bought["status"] == "paid"
    categories = {line["performance_id"]: line["category_id"] for line in bought["lines"]}
    assert categories[performances["NUTCRACKER"][0]["id"]] == cat2["id"]
    assert categories[last["id"]] != cat2["id"]
    assert {line["package"]["season_ticket_id"] for line in bought["lines"]} == {saved["id"]}


def sold_out_in(api, token: str, performance_id: str, category_id: str) -> list[str]:
    """Block every free seat of the category (as an operator does on the plan); the seats blocked."""
    seats = api.get(f"/backoffice/performances/{performance_id}/stock/seats", token=token).json()["seats"]
    free = [s["seat_id"] for s in seats if s["category_id"] == category_id and s["status"] == "free"]
    answer = api.post(
        f"/backoffice/performances/{performance_id}/stock/block",
        {"selection": {"seat_ids": free}},
        token=token,
    )
    assert answer.status_code == 200, answer.text
    return free


def unblock(api, token: str, performance_id: str, seat_ids: list[str]) -> None:
    body = {"selection": {"seat_ids": seat_ids}}
    answer = api.post(f"/backoffice/performances/{performance_id}/stock/unblock", body, token=token)
    assert answer.status_code == 200, answer.text


def buy_with_alternative(
    api, stack, product: dict, full_one: dict, other: dict, cat2: dict, audience: dict
) -> dict:
    base = f"{shop(stack)}/pos/WEB/season-tickets/{product['id']}"
    query = {"audience_subcategory_id": audience["id"], "seat_category_id": cat2["id"], "quantity": 1}
    offer = api.get(base, params=query)
    assert offer.status_code == 200, offer.text
    shown = {p["performance_id"]: p for line in offer.json()["lines"] for p in line["performances"]}
    sold_out = shown[full_one["id"]]
    assert sold_out["status"] == "full" and "full, choose an alternative" in sold_out["message"], sold_out
    alternative = sold_out["alternatives"][0]
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    body = {
        "season_ticket_id": product["id"],
        "audience_subcategory_id": audience["id"],
        "seat_category_id": cat2["id"],
        "performances": [
            {
                "line_id": "CYRANO",
                "performance_id": full_one["id"],
                "seat_category_id": alternative["seat_category_id"],
            },
            {"line_id": "NUTCRACKER", "performance_id": other["id"]},
        ],
    }
    held = api.post(f"{shop(stack)}/carts/{cart_id}/season-tickets", body, token=token)
    assert held.status_code == 201, held.text
    assert held.json()["totals"]["tickets"] == shown[other["id"]]["unit_price"] + alternative["unit_price"]
    order = check_out(api, stack, token, cart_id)
    pay_through_the_api(api, order)
    return get_order(api, stack, token, order["order_id"])
