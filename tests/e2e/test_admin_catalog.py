"""The admin page's catalog screens in headless Chromium: an operator imports a seating plan, assigns
seats on the drawn plan, creates an event and a performance, opens it for sale and changes its stock."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import ARTIFACTS, open_page

BLOCKS, ROWS, SEATS_PER_ROW = 3, 5, 10
SEATS = BLOCKS * ROWS * SEATS_PER_ROW
OPENING_TIMEOUT_MS = 45_000


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url) as page:
        yield page


def plan_csv(category_of_block: dict[int, str], quota_of_block: dict[int, str]) -> str:
    """3 blocks side by side, 5 rows x 10 seats each, with the default layout's category and quota columns."""
    lines = ["zone,block,row,number,x,y,category,quota"]
    for block in range(1, BLOCKS + 1):
        for row in range(1, ROWS + 1):
            for number in range(1, SEATS_PER_ROW + 1):
                x = (block - 1) * 130 + number * 10
                y = row * 10
                category, quota = category_of_block[block], quota_of_block.get(block, "")
                lines.append(f"Z,{block},{row},{number},{x},{y},{category},{quota}")
    return "\n".join(lines) + "\n"


def created(api, token, plural: str, body: dict) -> dict:
    response = api.post(f"/backoffice/{plural}", body, token=token)
    assert response.status_code == 201, response.text
    return response.json()


def idle(page: Page) -> None:
    """The screen has finished rendering (admin.js sets aria-busy=false)."""
    expect(page.locator("#screen")).to_have_attribute("aria-busy", "false")


def go(page: Page, screen: str) -> None:
    page.click(f"[data-nav={screen}]")
    expect(page).to_have_url(re.compile(rf"#/{screen}$"))
    idle(page)


def drag_over(page: Page, selector: str, shift: bool = False) -> None:
    """Drag a rectangle around an element of the drawn plan (a block's <g>)."""
    box = page.locator(selector).bounding_box()
    assert box, selector
    if shift:
        page.keyboard.down("Shift")
    page.mouse.move(box["x"] - 4, box["y"] - 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    page.mouse.move(box["x"] + box["width"] + 4, box["y"] + box["height"] + 4, steps=4)
    page.mouse.up()
    if shift:
        page.keyboard.up("Shift")


def summary_quota(page: Page, quota_id: str):
    return page.locator(f"[data-testid=summary-quotas] tr[data-quota='{quota_id}'] td")


def stock_cell(page: Page, category_id: str, quota_id: str, status: str):
    row = page.locator(
        f"[data-testid=stock-counts] tbody tr[data-category='{category_id}'][data-quota='{quota_id}']"
    )
    return row.locator(f"td[data-status={status}]")


def total(page: Page, status: str):
    return page.locator(f"[data-testid=stock-counts] tr[data-total] td[data-status={status}]")


def test_operator_imports_a_plan_opens_a_performance_and_changes_its_stock(
    page, stack, api, admin_token, tmp_path
):
    started = time.monotonic()
    token = admin_token
    venue = created(api, token, "venues", {"code": "E2E-VENUE", "name": "E2E venue"})
    hall = created(api, token, "halls", {"venue_id": venue["id"], "code": "E2E-HALL", "name": "E2E hall"})
    created(
        api,
        token,
        "seasons",
        {"code": "E2E-SEASON", "name": "E2E season", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
    )
    created(api, token, "activities", {"code": "E2E-ACT", "name": "E2E activity"})
    cat_b = created(
        api, token, "seat-categories", {"code": "E2EB", "name": "E2E cat B", "rank": 2, "colour": "#e67e22"}
    )
    box_quota = created(api, token, "quotas", {"code": "E2EBOX", "name": "E2E box office"})

    page.fill("#org", stack.org)
    page.fill("#login", stack.admin_login)
    page.fill("#password", stack.admin_password)
    page.click("#login-submit")
    expect(page.locator("#whoami")).to_contain_text(f"({stack.admin_login})")

    # A seat category and a quota made with the generic list + form screens.
    go(page, "seat-categories")
    page.click("#seat-categories-new")
    page.fill("#seat-categories-f-code", "E2EA")
    page.fill("#seat-categories-f-name", "E2E cat A")
    page.fill("#seat-categories-f-rank", "1")
    page.fill("#seat-categories-f-colour", "#c0392b")
    page.click("#seat-categories-save")
    cat_a_row = page.locator("#seat-categories-table tr[data-code=E2EA]")
    expect(cat_a_row).to_contain_text("E2E cat A")
    cat_a = cat_a_row.get_attribute("data-id")
    go(page, "quotas")
    page.click("#quotas-new")
    page.fill("#quotas-f-code", "E2EGRP")
    page.fill("#quotas-f-name", "E2E groups")
    page.select_option("#quotas-f-type", "group")
    page.click("#quotas-save")
    grp_row = page.locator("#quotas-table tr[data-code=E2EGRP]")
    expect(grp_row).to_contain_text("Group")
    grp_quota = grp_row.get_attribute("data-id")

    # Import the plan from a picked CSV file, with its default layout.
    csv_file = tmp_path / "e2e-plan.csv"
    csv_file.write_text(plan_csv({1: "E2EA", 2: "E2EA", 3: "E2EB"}, {1: "E2EBOX"}))
    go(page, "seating-plans")
    page.select_option("#plan-hall", hall["id"])
    page.fill("#plan-code", "E2E-PLAN")
    page.fill("#plan-name", "E2E plan")
    page.set_input_files("#plan-file", str(csv_file))
    expect(page.locator("#plan-content")).to_have_value(re.compile(r"^zone,block,row"))
    expect(page.locator("#plan-with-layout")).to_be_checked()
    page.fill("#plan-layout-code", "E2E-LAYOUT")
    page.fill("#plan-layout-name", "E2E layout")
    page.click("#plan-import-submit")
    expect(page.locator("#plan-head")).to_contain_text(f"{SEATS} seats in {BLOCKS} blocks")
    idle(page)
    expect(page.locator("#plan-svg circle.seat")).to_have_count(SEATS)
    expect(page.locator("[data-testid=layout-summary] [data-count=assigned] td")).to_have_text(str(SEATS))
    expect(summary_quota(page, box_quota["id"])).to_have_text("50")

    # Drag a rectangle over block 3 and put it in the groups quota.
    page.check("input[name=plan-colour-by][value=quota]")
    drag_over(page, "#plan-svg g.plan-block[data-block='3']")
    expect(page.locator("[data-testid=selection]")).to_have_attribute("data-count", "50")
    page.select_option("#assign-quota", grp_quota)
    page.click("#assign-quota-submit")
    expect(page.locator("#assign-result")).to_have_text("50 of 50 seats changed.")
    expect(summary_quota(page, grp_quota)).to_have_text("50")
    expect(summary_quota(page, "")).to_have_text("50")
    page.screenshot(path=ARTIFACTS / "admin-catalog-plan.png", full_page=True)

    # An event and its performance, opened for sale.
    go(page, "events")
    page.click("#events-new")
    page.select_option("#events-f-season_id", label="E2E season (E2E-SEASON)")
    page.select_option("#events-f-activity_id", label="E2E activity (E2E-ACT)")
    page.fill("#events-f-code", "E2E-EVENT")
    page.fill("#events-f-name", "E2E event")
    page.click("#events-save")
    page.click("#events-table tr[data-code=E2E-EVENT] [data-action=performances]")
    idle(page)
    expect(page.locator("#event-head")).to_contain_text("E2E event")
    page.click("#performances-new")
    page.fill("#performances-f-code", "E2E-PERF")
    page.fill("#performances-f-starts_at", "2027-03-01T20:00")
    page.select_option("#performances-f-hall_id", hall["id"])
    page.select_option("#performances-f-layout_id", label="E2E layout (E2E-LAYOUT)")
    page.click("#performances-save")
    row = page.locator("#performances-table tr[data-code=E2E-PERF]")
    expect(row.locator("[data-testid=performance-status]")).to_have_attribute("data-status", "draft")
    row.locator("[data-action=open]").click()
    expect(row.locator("[data-testid=performance-status]")).to_have_attribute(
        "data-status", "on_sale", timeout=OPENING_TIMEOUT_MS
    )
    page.screenshot(path=ARTIFACTS / "admin-catalog-performances.png", full_page=True)

    # Its stock: every seat free; move block 2 to the groups quota, then block three seats.
    page.locator("#performances-table tr[data-code=E2E-PERF] [data-action=stock]").click()
    idle(page)
    expect(total(page, "total")).to_have_text(str(SEATS))
    expect(total(page, "free")).to_have_text(str(SEATS))
    expect(stock_cell(page, cat_a, grp_quota, "free")).to_have_count(0)
    drag_over(page, "#plan-svg g.plan-block[data-block='2']")
    expect(page.locator("[data-testid=selection]")).to_have_attribute("data-count", "50")
    page.select_option("#move-quota", grp_quota)
    page.click("#stock-move")
    expect(page.locator("#stock-result")).to_have_text("50 seats moved.")
    expect(stock_cell(page, cat_a, grp_quota, "free")).to_have_text("50")
    expect(stock_cell(page, cat_b["id"], grp_quota, "free")).to_have_text("50")

    seats = page.locator("#plan-svg g.plan-block[data-block='1'] circle.seat")
    seats.nth(0).click()
    seats.nth(1).click(modifiers=["Shift"])
    seats.nth(2).click(modifiers=["Shift"])
    expect(page.locator("[data-testid=selection]")).to_have_attribute("data-count", "3")
    page.click("#stock-block")
    expect(page.locator("#stock-result")).to_have_text("3 seats blocked.")
    expect(total(page, "blocked")).to_have_text("3")
    expect(total(page, "free")).to_have_text(str(SEATS - 3))
    expect(stock_cell(page, cat_a, box_quota["id"], "blocked")).to_have_text("3")
    page.check("input[name=stock-colour-by][value=status]")
    expect(page.locator("[data-testid=legend] li[data-key=blocked] [data-testid=legend-count]")).to_have_text(
        "3"
    )
    page.screenshot(path=ARTIFACTS / "admin-catalog-stock.png", full_page=True)

    assert page.script_errors == []
    assert time.monotonic() - started < 60
