"""The admin page in Chromium: a menu by task, screens loaded when opened, and a layout that fits a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import ARTIFACTS

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def script_errors() -> list[str]:
    return []


def open_page(browser, stack, script_errors, viewport) -> Page:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(stack.admin_url)
    page.fill("#org", stack.org)
    page.fill("#login", stack.admin_login)
    page.fill("#password", stack.admin_password)
    page.click("#login-submit")
    expect(page.locator("#whoami")).to_contain_text(f"({stack.admin_login})")
    return page


@pytest.fixture
def desktop(browser, stack, script_errors):
    page = open_page(browser, stack, script_errors, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser, stack, script_errors):
    page = open_page(browser, stack, script_errors, PHONE)
    yield page
    page.context.close()


def settled(page: Page) -> None:
    expect(page.locator("#screen")).to_have_attribute("aria-busy", "false")


def test_a_screen_module_is_fetched_only_when_its_screen_is_opened(desktop, script_errors):
    fetched: list[str] = []
    desktop.on("request", lambda request: fetched.append(request.url))

    desktop.click("[data-nav=orders]")
    settled(desktop)

    assert any(url.endswith("/views-orders.js") for url in fetched)
    assert not any(url.endswith("/views-options.js") for url in fetched)
    assert script_errors == []


def test_the_menu_groups_screens_by_task_and_a_group_folds(desktop, script_errors):
    groups = desktop.locator("#nav-list details[data-group] > summary")
    expect(groups).to_have_text(
        ["Sales", "Catalog", "Distribution", "Customers", "Advantages & codes", "Administration"]
    )
    expect(desktop.locator("details[data-group=sales] [data-nav=orders]")).to_be_visible()
    expect(desktop.locator("details[data-group=offers] [data-nav=advantages]")).to_be_visible()
    expect(desktop.locator("details[data-group=administration] [data-nav=operators]")).to_be_visible()

    desktop.click("details[data-group=catalog] > summary")

    expect(desktop.locator("[data-nav=events]")).to_be_hidden()
    desktop.reload()
    expect(desktop.locator("[data-nav=orders]")).to_be_visible()
    expect(desktop.locator("[data-nav=events]")).to_be_hidden()  # the fold is remembered
    assert script_errors == []


def test_on_a_phone_the_menu_waits_behind_its_button(phone, script_errors):
    expect(phone.locator("[data-nav=orders]")).to_be_hidden()

    phone.click("#nav-toggle")
    phone.click("[data-nav=seasons]")

    expect(phone).to_have_url(re.compile(r"#/seasons$"))
    expect(phone.locator("[data-nav=orders]")).to_be_hidden()
    expect(phone.locator("#nav-toggle")).to_have_attribute("aria-expanded", "false")
    assert script_errors == []


def test_a_list_on_a_phone_shows_each_row_as_a_card_with_its_actions_in_view(phone, script_errors):
    phone.goto(phone.url.split("#")[0] + "#/seasons")
    settled(phone)
    edit = phone.locator("table [data-action=edit]").first
    expect(edit).to_be_visible()

    box = edit.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert phone.locator("table.as-cards td[data-label=Name]").count() > 0
    assert script_errors == []


def test_no_screen_scrolls_sideways_on_a_phone(phone, script_errors):
    phone.click("#nav-toggle")
    screens = phone.locator("[data-nav]").evaluate_all("links => links.map((a) => a.dataset.nav)")
    overflowing = {}
    for screen in screens:
        phone.goto(phone.url.split("#")[0] + f"#/{screen}")
        settled(phone)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            overflowing[screen] = width
            phone.screenshot(path=ARTIFACTS / f"phone-{screen}.png", full_page=True)

    assert len(screens) >= 20
    assert overflowing == {}
    assert script_errors == []
