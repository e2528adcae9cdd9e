"""The admin page in headless Chromium (Debian's, never a downloaded one), logged in through its form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import ARTIFACTS


@pytest.fixture
def script_errors() -> list[str]:
    """Uncaught errors of the page's scripts."""
    return []


@pytest.fixture
def page(browser, stack, script_errors):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(stack.admin_url)
    yield page
    context.close()


def log_in(page: Page, org: str, login: str, password: str) -> None:
    page.fill("#org", org)
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#login-submit")


def test_admin_logs_in_sees_operators_and_logs_out(page, stack, script_errors):
    log_in(page, stack.org, stack.admin_login, stack.admin_password)

    expect(page.locator("#whoami")).to_contain_text(f"({stack.admin_login})")
    page.click("[data-nav=operators]")
    expect(page).to_have_url(re.compile(r"#/operators$"))
    expect(page.locator("#screen")).to_contain_text(stack.cashier_login)
    page.screenshot(path=ARTIFACTS / "admin-operators.png", full_page=True)
    page.click("#logout")
    expect(page.locator("#login-submit")).to_be_visible()
    expect(page.locator("#whoami")).to_have_text("")
    assert script_errors == []


def test_wrong_password_shows_the_login_error(page, stack, script_errors):
    log_in(page, stack.org, stack.admin_login, "not-the-password")

    expect(page.locator("#login-error")).to_be_visible()
    expect(page.locator("#login-error")).not_to_be_empty()
    expect(page.locator("#whoami")).to_have_text("")
    page.screenshot(path=ARTIFACTS / "admin-wrong-password.png", full_page=True)
    assert script_errors == []


def test_restricted_operator_gets_no_operators_menu(page, stack, script_errors):
    log_in(page, stack.org, stack.cashier_login, stack.cashier_password)

    expect(page.locator("#whoami")).to_contain_text(f"({stack.cashier_login})")
    expect(page.locator("[data-nav=workflows]")).to_be_visible()
    expect(page.locator("[data-nav=operators]")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "admin-restricted.png", full_page=True)
    assert script_errors == []
