"""axe-core (from npm, injected here) on every admin screen at desktop and phone sizes: no critical or
serious violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.test_admin_layout import DESKTOP, PHONE, settled

AXE = Path(__file__).resolve().parents[2] / "infra" / "local" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("critical", "serious")
# Screens reached from another one: a performance's list and stock, a plan, an option, an order.
PERFORMANCES = "#/events >> #events-table [data-action=performances]"
DEEP = {
    "performances": PERFORMANCES,
    "stock": f"{PERFORMANCES} >> #performances-table [data-action=stock]",
    "option": "#/options >> #options-table [data-action=open]",
    "order": "#/orders >> #orders-table tr[data-order] button",
    "plan": "#/seating-plans >> [data-action=open]",
}

VIOLATIONS = """async () => {
  const found = await axe.run(document, { resultTypes: ["violations"] });
  return found.violations.filter((v) => ["critical", "serious"].includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}"""


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(request, browser, stack):
    # The page's CSP refuses any script but its own: this context lets the test inject axe.
    context = browser.new_context(viewport=request.param, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(stack.admin_url)
    page.fill("#org", stack.org)
    page.fill("#login", stack.admin_login)
    page.fill("#password", stack.admin_password)
    page.click("#login-submit")
    page.wait_for_selector("#welcome")
    yield page
    context.close()


def violations(page: Page) -> list[str]:
    settled(page)
    page.wait_for_load_state("networkidle")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(VIOLATIONS)


def open_deep(page: Page, steps: str) -> bool:
    """Follow the steps; False when a list has nothing to open (the demo has no order until one is bought)."""
    first, *clicks = steps.split(" >> ")
    page.goto(page.url.split("#")[0] + first)
    settled(page)
    for selector in clicks:
        # The hash change starts the next screen a moment later: wait for what to click to appear, not
        # for the previous screen's idle state, which would read an empty list.
        target = page.locator(selector).first
        try:
            target.wait_for(state="visible", timeout=10_000)
        except PlaywrightTimeout:
            return False
        target.click()
        settled(page)
    return True


def test_the_login_form_has_no_serious_violation(browser, stack):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(stack.admin_url)
    page.wait_for_selector("#login-submit")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(VIOLATIONS)
    context.close()
    assert found == []


def test_no_screen_has_a_critical_or_serious_violation(page):
    screens = page.locator("[data-nav]").evaluate_all("links => links.map((a) => a.dataset.nav)")
    found = {}

    def check(name: str) -> bool:
        if problems := violations(page):
            found[name] = problems
        return True

    for screen in screens:
        page.goto(page.url.split("#")[0] + f"#/{screen}")
        check(screen)
    opened = [name for name, steps in DEEP.items() if open_deep(page, steps) and check(name)]

    assert len(screens) >= 20
    assert {"performances", "stock", "option", "plan"} <= set(opened)
    assert found == {}
