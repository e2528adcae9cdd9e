"""An operator's working day in Chromium: titles that say where one is, lists in order, deadlines that
stand out, a changed form that is not lost by a stray click, focus kept, and workflow history that informs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_admin_layout import DESKTOP, open_page, settled


@pytest.fixture
def script_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser, stack, script_errors):
    page = open_page(browser, stack, script_errors, DESKTOP)
    yield page
    page.context.close()


def go(page: Page, route: str) -> None:
    page.goto(page.url.split("#")[0] + f"#/{route}")
    settled(page)


def test_a_performances_stock_says_which_show_and_when_in_its_title(page, script_errors):
    go(page, "events")
    page.locator("#events-table tr[data-code=CYRANO] [data-action=performances]").click()
    expect(page).to_have_title("Performances · Cyrano de Bergerac · guichet")
    expect(page.locator("#performances-table td[data-col=starts_at]")).to_have_count(3)
    starts = page.locator("#performances-table td[data-col=starts_at]").all_inner_texts()
    assert starts == sorted(starts)  # in time order, not in the order they were stored

    page.locator("#performances-table [data-action=stock]").first.click()

    when = r"\d{1,2} [A-Z][a-z]{2} \d\d:\d\d"  # 9 Dec 20:00
    expect(page).to_have_title(re.compile(rf"^Stock · Cyrano de Bergerac · {when} · guichet$"))
    expect(page.locator("#screen-title")).to_have_text(re.compile(r"^Stock · "))
    assert script_errors == []


def test_option_deadlines_say_how_long_is_left_and_expiring_soon_keeps_the_close_ones(page, script_errors):
    go(page, "options")
    deadlines = page.locator("#options-table td[data-col=deadline] time")
    expect(deadlines.first).to_have_text(re.compile(r"^(expires in|expired) .+\("))

    page.check("#options-expiring-soon")
    page.click("#options-search-submit")

    # The demo's deadlines are weeks away: the filter leaves none of them (or only close ones).
    expect(page.locator("#options-table td[data-col=deadline] time:not([data-soon])")).to_have_count(0)
    assert script_errors == []


def test_leaving_a_changed_form_asks_first_and_staying_keeps_what_was_typed(page, script_errors):
    go(page, "seasons")
    page.click("#seasons-new")
    page.fill("#seasons-form [name=code]", "half-typed")

    page.click("[data-nav=activities]")
    expect(page.locator("#confirm-dialog")).to_be_visible()
    page.click("#confirm-no")

    expect(page).to_have_url(re.compile(r"#/seasons$"))
    expect(page.locator("#seasons-form [name=code]")).to_have_value("half-typed")
    page.click("[data-nav=activities]")
    page.click("#confirm-yes")
    expect(page).to_have_url(re.compile(r"#/activities$"))
    assert script_errors == []


def test_after_saving_and_deleting_the_keyboard_stays_on_the_list(page, script_errors):
    go(page, "seasons")
    page.click("#seasons-new")
    page.fill("#seasons-form [name=code]", "focus-kept")
    page.fill("#seasons-form [name=name]", "Focus kept")
    page.fill("#seasons-form [name=starts_on]", "2031-09-01")
    page.fill("#seasons-form [name=ends_on]", "2032-06-30")
    page.click("#seasons-save")
    row = page.locator("#seasons-table tr[data-code=focus-kept]")
    expect(row.locator("td.actions button").first).to_be_focused()

    row.locator("[data-action=delete]").click()
    page.click("#confirm-yes")

    expect(row).to_have_count(0)
    focused = page.evaluate("document.activeElement.closest('#seasons-table, section.crud') !== null")
    assert focused, page.evaluate("document.activeElement.outerHTML")
    assert script_errors == []


def contrast(page: Page, selector: str) -> float:
    return page.evaluate(
        """(selector) => {
          const rgb = (text) => text.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map((c) => c / 255)
            .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
            .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
          const ring = lum(rgb(getComputedStyle(document.activeElement).outlineColor));
          const page = lum(rgb(getComputedStyle(document.querySelector(selector)).backgroundColor));
          return (Math.max(ring, page) + 0.05) / (Math.min(ring, page) + 0.05);
        }""",
        selector,
    )


def test_the_focus_ring_stands_out_three_to_one_on_the_page_and_on_the_top_bar(page, script_errors):
    go(page, "seasons")
    page.focus("#seasons-new")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
    assert contrast(page, "body") >= 3
    assert contrast(page, ".card") >= 3

    page.focus("#logout")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert contrast(page, ".topbar") >= 3
    assert script_errors == []


def test_workflow_history_folds_quiet_runs_and_lists_the_openings(page, script_errors):
    go(page, "workflows")
    cleanup = page.locator("section[data-workflow=hold-cleanup]")
    openings = page.locator("section[data-workflow=open-performance]")

    expect(cleanup.locator("tr.quiet").first).to_contain_text("changed nothing")
    quiet = int(cleanup.locator("tr.quiet").first.get_attribute("data-quiet"))
    assert quiet >= 2
    expect(openings.locator("tr[data-execution]").first).to_be_visible()

    cleanup.locator("[data-action=failures]").check()

    expect(cleanup.locator("[data-testid=no-runs]")).to_have_text("No failed runs.")
    assert script_errors == []
