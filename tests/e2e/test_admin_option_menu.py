"""An option's detail groups its rarely used actions in one "More actions" menu, usable by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_admin_layout import DESKTOP, open_page, settled


def test_an_options_rare_actions_sit_in_one_menu_that_escape_closes(browser, stack):
    errors: list[str] = []
    page = open_page(browser, stack, errors, DESKTOP)
    page.goto(page.url.split("#")[0] + "#/options")
    settled(page)
    page.wait_for_load_state("networkidle")
    if not page.locator("#options-table [data-action=open]").count():
        pytest.skip("the demo has no option to open")
    page.locator("#options-table [data-action=open]").first.click()
    settled(page)

    toggle = page.locator("#option-actions-toggle")
    expect(toggle).to_have_text(re.compile(r"^More actions \(\d+\)$"))
    items = page.locator("#option-actions-menu .action-menu-items button")
    expect(items.first).to_be_hidden()
    expect(page.locator("#option-print")).to_be_visible()  # the everyday actions stay in view

    toggle.focus()
    page.keyboard.press("Enter")
    expect(items.first).to_be_visible()
    assert items.count() == int(re.search(r"\d+", toggle.inner_text()).group())
    items.first.focus()
    page.keyboard.press("Escape")

    expect(items.first).to_be_hidden()
    expect(toggle).to_be_focused()
    assert errors == []
    page.context.close()
