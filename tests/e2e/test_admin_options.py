"""The admin page's options screens in headless Chromium, against the local stack and its demo: a school's
relay requests an option over the shop API; the operator finds it, places it, validates it and follows
it to its reservation order, then reads the option report (table, chart, CSV); an operator records a
request and walks it through refusal and the waiting list; the customers and option settings screens;
who sees the options menus."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import ARTIFACTS, open_page

PRO = "PRO"  # the demo's company point of sale, with an option profile (at least 10 places a category)
REMARK = "Class 2B, E2E trip"
# The demo's activity closes options 7 days before a performance: ask for dates well after that.
OPTION_CUT_OFF = timedelta(days=8)


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url, accept_downloads=True) as page:
        yield page


def shop(stack) -> str:
    return f"/shop/{stack.org}"


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


def relay_token(api, stack) -> str:
    response = api.post(
        f"{shop(stack)}/account/login", {"email": stack.relay_email, "password": stack.relay_password}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def option_dates(api, stack) -> list[dict]:
    """The company point of sale's performances still open to options, latest first."""
    response = api.get(f"{shop(stack)}/pos/{PRO}/performances")
    assert response.status_code == 200, response.text
    latest = datetime.now(UTC) + OPTION_CUT_OFF
    dates = [p for p in response.json()["items"] if datetime.fromisoformat(p["starts_at"]) > latest]
    assert len(dates) >= 2, "the demo needs two performances more than 8 days ahead"
    return sorted(dates, key=lambda p: p["starts_at"], reverse=True)


def category_id(api, stack, performance_id: str, name: str) -> str:
    detail = api.get(f"{shop(stack)}/pos/{PRO}/performances/{performance_id}").json()
    return next(p["seat_category_id"] for p in detail["prices"] if p["name"] == name)


def option_row(page: Page, option_id: str):
    return page.locator(f"#options-table tr[data-option='{option_id}']")


def state_of(locator):
    return locator.locator("[data-testid=state]")


def test_admin_places_and_validates_a_relays_option_then_follows_it_to_its_reservation(
    page, stack, api, admin_token
):
    performance, fallback = option_dates(api, stack)[:2]
    cat2 = category_id(api, stack, performance["id"], "Cat 2")
    asked = api.post(
        f"{shop(stack)}/pos/{PRO}/options",
        {
            "performance_id": performance["id"],
            "quantities": {cat2: 12},
            "fallback_performance_ids": [fallback["id"]],
            "remark": REMARK,
        },
        token=relay_token(api, stack),
    )
    assert asked.status_code == 201, asked.text
    option_id, number = asked.json()["option_id"], asked.json()["number"]
    log_in(page, stack, stack.admin_login, stack.admin_password)

    go(page, "options")
    page.select_option("#options-performance", performance["id"])
    page.click("#options-search-submit")
    row = option_row(page, option_id)
    expect(row).to_have_count(1)
    expect(state_of(row)).to_have_text("Requested")
    expect(row).to_contain_text("Anne Martin")
    expect(row.locator("td[data-col=requested]")).to_have_text("12")
    expect(page.locator("#options-act-validate")).to_be_disabled()  # nothing selected yet
    page.screenshot(path=ARTIFACTS / "admin-options-list.png", full_page=True)

    # The detail: the request as the relay made it, nothing granted yet.
    row.locator("[data-action=open]").click()
    detail = page.locator("#option-detail")
    expect(detail).to_be_visible()
    expect(page).to_have_url(re.compile(rf"#/options/{option_id}$"))
    request = detail.locator("#option-request")
    expect(request).to_contain_text("Lycée Victor Hugo")
    expect(request).to_contain_text(REMARK)
    expect(request.locator(f"#option-requested li[data-category='{cat2}']")).to_have_text("Cat 2: 12")
    expect(request.locator(f"#option-fallbacks li[data-performance='{fallback['id']}']")).to_have_count(1)
    expect(detail.locator("#option-not-placed")).to_be_visible()

    # Place 10 of the 12 places asked, on the requested date.
    expect(page.locator("#option-place-performance")).to_have_value(performance["id"])
    expect(page.locator("#option-place-category-0")).to_have_value(cat2)
    page.fill("#option-place-quantity-0", "10")
    page.click("#option-place-submit")
    expect(state_of(request)).to_have_text("Placed")
    expect(page.locator("#option-detail-title")).to_be_focused()  # not lost with the form it left
    expect(page).to_have_title(re.compile(r"^Option · No\. \d+ · guichet$"))
    placed = detail.locator(f"#option-placed-lines tr[data-category='{cat2}']")
    expect(placed.locator("td[data-col=quantity]")).to_have_text("10")
    expect(detail.locator("#option-confirmation [data-key=order]")).to_have_text("Not ordered yet")
    expect(page.locator("#option-place-form")).to_have_attribute("data-mode", "modify")
    expect(row.locator("td[data-col=placed]")).to_have_text("10")
    page.screenshot(path=ARTIFACTS / "admin-options-placed.png", full_page=True)

    # Its PDF summary opens in a new tab (fetched with the token, shown from a blob URL).
    with page.expect_popup() as popup:
        page.click("#option-print")
    popup.value.wait_for_url(re.compile(r"^blob:"))
    popup.value.close()

    # Validate it from the list: the buttons follow the selected option's allowed actions.
    row.locator("input.pick").check()
    # The page, not a tooltip, says why an action is unavailable.
    why = rf"Make firm \(not possible for option {number}\)"
    expect(page.locator("#options-selection")).to_have_text(
        re.compile(rf"^Option {number} selected\. Unavailable: .*{why}")
    )
    expect(page.locator("#options-act-validate")).to_be_enabled()
    expect(page.locator("#options-act-refuse")).to_be_enabled()
    expect(page.locator("#options-act-cancel_validation")).to_be_disabled()
    expect(page.locator("#options-act-firm")).to_be_disabled()
    page.click("#options-act-validate")
    expect(state_of(row)).to_have_text("Validated")
    expect(state_of(request)).to_have_text("Validated")
    order_link = detail.locator("#option-order-link")
    expect(order_link).to_be_visible()
    order_id = order_link.inner_text()
    expect(detail.locator("#option-history")).to_contain_text(order_id)
    expect(page.locator("#options-act-validate")).to_be_disabled()
    expect(page.locator("#options-act-cancel_validation")).to_be_enabled()
    expect(page.locator("#options-act-firm")).to_be_enabled()
    expect(page.locator("#option-place")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "admin-options-validated.png", full_page=True)
    answer = api.get(f"/backoffice/options/{option_id}", token=admin_token).json()
    assert (answer["state"], answer["order_id"]) == ("validated", order_id)

    # The order link opens the Orders screen on the reservation: its 10 seats.
    order_link.click()
    expect(page).to_have_url(re.compile(rf"#/orders/{order_id}$"))
    idle(page)
    expect(page.locator("#order-reference")).to_have_text(order_id)
    expect(page.locator("#order-summary [data-testid=status]")).to_have_text("Reservation")
    expect(page.locator("#order-summary")).to_contain_text(stack.relay_email)
    expect(page.locator("#order-lines tbody tr")).to_have_count(10)
    page.screenshot(path=ARTIFACTS / "admin-options-order.png", full_page=True)

    # The option report: the 10 places are ordered, in the table, its totals, the chart and the CSV.
    go(page, "option-report")
    page.select_option("#report-performance", performance["id"])
    page.click("#report-show")
    line = page.locator(
        f"#report-table tbody tr[data-performance='{performance['id']}'][data-category='{cat2}']"
    )
    expect(line.locator("td[data-col=ordered]")).to_have_text("10")
    expect(line.locator("td[data-col=placed]")).to_have_text("0")
    expect(page.locator("#report-totals td[data-col=ordered]")).to_have_text("10")
    bar = page.locator(f"#report-chart g[data-group='{performance['id']}|{cat2}'] rect[data-kind=ordered]")
    expect(bar).to_have_attribute("data-value", "10")
    with page.expect_download() as download:
        page.click("#report-csv")
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv_text.startswith("performance_id,"), csv_text
    assert any(
        row.startswith(performance["id"]) and row.endswith(f"{cat2},Cat 2,0,0,10")
        for row in csv_text.splitlines()
    ), csv_text
    page.screenshot(path=ARTIFACTS / "admin-options-report.png", full_page=True)
    assert page.script_errors == []


def test_an_operator_records_a_request_and_walks_it_through_refusal_and_the_waiting_list(
    page, stack, api, admin_token
):
    performance = option_dates(api, stack)[1]
    cat3 = category_id(api, stack, performance["id"], "Cat 3")
    log_in(page, stack, stack.admin_login, stack.admin_password)
    go(page, "options")

    page.click("#options-act-new")
    page.select_option("#option-new-contact", label="Anne Martin · Lycée Victor Hugo (relay)")
    page.select_option("#option-new-performance", performance["id"])
    page.fill(f"#option-new-qty-{cat3}", "70")  # the demo's schools hold 60 places an option at most
    page.click("#option-new-submit")
    expect(page.locator("#option-new-error")).to_contain_text("At most 60 places per option")
    page.fill(f"#option-new-qty-{cat3}", "20")
    page.check("#option-new-upgrade")
    page.fill("#option-new-remark", "Asked by phone")
    page.click("#option-new-submit")
    detail = page.locator("#option-detail")
    expect(detail.locator("#option-request [data-key=channel]")).to_have_text("Back office")
    expect(detail.locator("#option-request [data-key=accept_upgrade]")).to_have_text("Yes")
    expect(state_of(detail.locator("#option-request"))).to_have_text("Requested")
    option_id = page.url.rsplit("/", 1)[1]
    number = api.get(f"/backoffice/options/{option_id}", token=admin_token).json()["number"]
    row = option_row(page, option_id)
    row.locator("input.pick").check()

    def act(action: str, state: str, enabled: tuple[str, ...], disabled: tuple[str, ...]) -> None:
        page.click(f"#options-act-{action}")
        expect(state_of(row)).to_have_text(state)
        for name in enabled:
            expect(page.locator(f"#options-act-{name}")).to_be_enabled()
        for name in disabled:
            expect(page.locator(f"#options-act-{name}")).to_be_disabled()

    expect(page.locator("#options-act-validate")).to_be_disabled()  # a request is placed before validated
    act("refuse", "Refusal pending", ("cancel_refusal", "put_on_waiting_list", "validate"), ("refuse",))
    act("put_on_waiting_list", "Waiting list", ("back_to_refused",), ("put_on_waiting_list", "validate"))
    page.screenshot(path=ARTIFACTS / "admin-options-waiting-list.png", full_page=True)
    act("back_to_refused", "Refusal pending", ("cancel_refusal",), ("back_to_refused",))
    act("cancel_refusal", "Requested", ("refuse",), ("cancel_refusal", "validate"))
    history = detail.locator("#option-history li")
    expect(history).to_have_count(5)

    # A duplicate is a new request like this one.
    page.click("#options-act-duplicate")
    expect(page.locator("#option-detail-title")).to_contain_text(f"Option {number + 1}")
    expect(detail.locator("#option-history")).to_contain_text(f"duplicate of option {number}")
    page.fill("#options-number", str(number + 1))
    page.click("#options-search-submit")
    expect(page.locator("#options-table tbody tr")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "admin-options-duplicate.png", full_page=True)
    assert page.script_errors == []


def test_the_customers_and_option_settings_screens_show_the_demo_rules(page, stack):
    log_in(page, stack, stack.admin_login, stack.admin_password)
    go(page, "customers")
    contact = page.locator("#contacts-table tr[data-code=ANNE-MARTIN]")
    expect(contact.locator("td[data-col=relay]")).to_have_text("Yes")
    expect(contact.locator("td[data-col=company_id]")).to_contain_text("Lycée Victor Hugo")
    expect(
        page.locator("#companies-table tr[data-code=LYCEE-HUGO] td[data-col=company_type_id]")
    ).to_contain_text("School")
    page.screenshot(path=ARTIFACTS / "admin-options-customers.png", full_page=True)

    go(page, "option-settings")
    limitation = page.locator("#option-limitations-table tr[data-code=SCHOOLS]")
    expect(limitation.locator("td[data-col=max_places_per_option]")).to_have_text("60")
    profile = page.locator("#seat-option-profiles-table tr[data-code=GROUPS-PRO]")
    expect(profile.locator("td[data-col=minimum_quantity]")).to_have_text("10")
    expect(profile.locator("td[data-col=validated]")).to_have_text("Yes")
    expect(profile.locator("td[data-col=channel_ids]")).to_contain_text("(PRO)")
    page.screenshot(path=ARTIFACTS / "admin-options-settings.png", full_page=True)

    # A contact's options, from the customers screen.
    go(page, "customers")
    contact.locator("[data-action=options]").click()
    expect(page).to_have_url(re.compile(r"#/options\?contact_id="))
    idle(page)
    expect(page.locator("#options-contact")).not_to_have_value("")
    assert page.script_errors == []


def operator(api, admin_token: str, login: str, rights: dict) -> dict:
    role = api.post("/backoffice/roles", {"name": login, "rights": rights}, token=admin_token)
    assert role.status_code in (201, 409), role.text
    body = {"login": login, "name": login, "password": f"{login}-password", "roles": [login]}
    created = api.post("/backoffice/operators", body, token=admin_token)
    assert created.status_code in (201, 409), created.text
    return body


def test_an_operator_without_options_rights_gets_no_options_menu(page, stack, api, admin_token):
    who = operator(api, admin_token, "e2e-no-options", {"catalog": ["read"], "orders": ["read"]})
    log_in(page, stack, who["login"], who["password"])
    expect(page.locator("[data-nav=orders]")).to_be_visible()
    for screen in ("options", "option-report", "option-settings", "customers"):
        expect(page.locator(f"[data-nav={screen}]")).to_have_count(0)
    page.goto(f"{stack.admin_url}#/options")
    expect(page.locator("[data-testid=forbidden]")).to_contain_text("options: read")
    page.screenshot(path=ARTIFACTS / "admin-options-forbidden.png", full_page=True)
    assert page.script_errors == []


def test_an_options_reader_sees_options_but_no_action_buttons(page, stack, api, admin_token):
    rights = {"options": ["read"], "catalog": ["read"], "contacts": ["read"]}
    who = operator(api, admin_token, "e2e-options-reader", rights)
    log_in(page, stack, who["login"], who["password"])
    go(page, "options")
    toolbar = page.locator("#options-actions")
    for action in ("refuse", "validate", "firm", "new", "direct", "duplicate", "email"):
        expect(toolbar.locator(f"[data-action={action}]")).to_have_count(0)
    expect(toolbar.locator("[data-action=print]")).to_be_visible()
    expect(toolbar.locator("[data-action=report]")).to_be_visible()
    assert page.script_errors == []
