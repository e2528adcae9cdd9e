"""The drawn plan reads as a hall: a stage, block and row labels, and seats chosen from the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_admin_layout import DESKTOP, open_page, settled


@pytest.fixture
def script_errors() -> list[str]:
    return []


@pytest.fixture
def plan(browser, stack, script_errors):
    page = open_page(browser, stack, script_errors, DESKTOP)
    page.goto(page.url.split("#")[0] + "#/seating-plans")
    settled(page)
    page.locator("[data-action=open]").first.click()
    expect(page.locator("#plan-svg circle.seat").first).to_be_attached()
    yield page
    page.context.close()


def test_the_plan_shows_the_stage_and_names_its_blocks_and_rows(plan, script_errors):
    expect(plan.locator("#plan-svg .stage-label")).to_have_text("Stage")
    blocks = plan.locator("#plan-svg g.plan-block").count()

    expect(plan.locator("#plan-svg .block-label")).to_have_count(blocks)
    assert plan.locator("#plan-svg .row-label").count() > blocks
    assert script_errors == []


def test_seats_are_chosen_from_the_keyboard_one_or_a_whole_row(plan, script_errors):
    plan.focus("#plan-svg")
    plan.keyboard.press("ArrowRight")
    plan.keyboard.press("ArrowRight")
    expect(plan.locator("#plan-svg-hover")).to_have_text(re.compile(r"^Seat .+row"))

    plan.keyboard.press("Space")
    expect(plan.locator("#plan-svg-selection")).to_have_attribute("data-count", "1")
    plan.keyboard.press("r")

    expect(plan.locator("#plan-svg circle.cursor")).to_have_count(1)
    expect(plan.locator("#plan-svg-selection")).not_to_have_attribute("data-count", "1")
    row_size = int(plan.locator("#plan-svg-selection").get_attribute("data-count"))
    assert row_size > 1
    expect(plan.locator("#plan-svg circle.sel")).to_have_count(row_size)
    assert script_errors == []
