"""The company spaces in headless Chromium, against the local stack and its demo: a company asks for an
account over the shop; the operator accepts it on the admin page's Company accounts screen and opens its
deferred account on the Deferred accounts screen; its relay logs in with e-mail, password and contact
number, buys two tickets on account at the company point of sale PRO and gives them to two beneficiaries;
the operator invoices the period on the Deferred accounts screen and sees the invoice and the balance.
And each new screen opens at desktop and phone size without a script or console error."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.support import ARTIFACTS, open_page
from tests.e2e.test_admin_layout import DESKTOP, PHONE
from tests.e2e.test_admin_options import go, idle, log_in

POS = "PRO"
NEW_SCREENS = ("company-accounts", "deferred-accounts", "producer-space", "waiting-lists")


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url, viewport=DESKTOP) as page:
        yield page


def money(cents: int) -> str:
    """As the admin page shows an amount."""
    return f"{cents // 100}.{cents % 100:02d}"


def ask_for_an_account(api, stack, suffix: str) -> tuple[dict, str]:
    types = api.get(f"/shop/{stack.org}/company-types").json()["company_types"]
    works_council = next(t for t in types if t["code"] == "WORKS-COUNCIL")
    asked = {
        "company_name": f"CSE Ateliers E2E {suffix}",
        "address": "3 rue des Tests, 69001 Lyon",
        "company_type": works_council["id"],
        "relay_name": f"Camille E2E {suffix}",
        "email": f"camille.{suffix.lower()}@cse-e2e.example",
        "password": f"secret-{suffix}",
    }
    response = api.post(f"/shop/{stack.org}/company-accounts", asked)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "requested"
    return asked, response.json()["request_id"]


def relay_logs_in(api, stack, asked: dict, contact_number: str) -> str:
    body = {"email": asked["email"], "password": asked["password"], "contact_number": contact_number}
    wrong = api.post(f"/shop/{stack.org}/relay-login", {**body, "contact_number": "00000000"})
    response = api.post(f"/shop/{stack.org}/relay-login", body)
    assert wrong.status_code == 401, wrong.text
    assert response.status_code == 200, response.text
    assert response.json()["relay"]["contact_number"] == contact_number
    return response.json()["token"]


def two_seats_bought_on_account(api, stack, token: str) -> dict:
    shop = f"/shop/{stack.org}"
    cart = api.post(f"{shop}/pos/{POS}/carts", token=token)
    assert cart.status_code == 201, cart.text
    cart_id = cart.json()["cart_id"]
    listed = api.get(f"{shop}/pos/{POS}/performances", params={"limit": 200}, token=token).json()["items"]
    held = None
    for performance in listed:
        availability = api.get(
            f"{shop}/pos/{POS}/performances/{performance['id']}/availability", token=token
        ).json()
        category = next((c for c in availability["categories"] if c["seats_free"] >= 10), None)
        if category:
            body = {"performance_id": performance["id"], "category_id": category["seat_category_id"]}
            held = api.post(f"{shop}/carts/{cart_id}/holds", {**body, "quantity": 2}, token=token)
            break
    assert held is not None and held.status_code == 201, held and held.text
    order = api.post(
        f"{shop}/carts/{cart_id}/checkout",
        {"on_account": True},
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert order.status_code == 201, order.text
    return order.json()


def give_both_tickets(api, stack, token: str, order_id: str, suffix: str) -> list[dict]:
    base = f"/shop/{stack.org}/account/distribution/tickets"
    tickets = api.get(base, params={"order_ids": order_id}, token=token)
    assert tickets.status_code == 200, tickets.text
    given = []
    for n, ticket in enumerate(tickets.json()["tickets"], start=1):
        assert ticket["beneficiary"] is None and ticket["locked"] is None
        beneficiary = {
            "name": f"Beneficiary {n} {suffix}",
            "email": f"beneficiary{n}.{suffix.lower()}@e2e.example",
        }
        response = api.request("PUT", f"{base}/{ticket['ticket_id']}/beneficiary", token, json=beneficiary)
        assert response.status_code == 200, response.text
        given.append(response.json())
    return given


def test_a_company_asks_is_accepted_buys_on_account_distributes_and_is_invoiced(
    page, stack, api, admin_token
):
    suffix = uuid.uuid4().hex[:6].upper()
    asked, request_id = ask_for_an_account(api, stack, suffix)

    # The operator accepts the request on the Company accounts screen.
    log_in(page, stack, stack.admin_login, stack.admin_password)
    go(page, "company-accounts")
    row = page.locator(f"#company-accounts-table tr[data-request='{request_id}']")
    expect(row.get_by_test_id("status")).to_have_text("requested")
    expect(row).to_contain_text(asked["company_name"])
    row.locator("[data-action=accept]").click()
    expect(page.locator("#notice")).to_contain_text(f"{asked['company_name']} accepted: contact number")
    expect(row).to_have_count(0)  # no longer waiting
    page.select_option("#company-accounts-status", "accepted")
    idle(page)
    expect(row.get_by_test_id("status")).to_have_text("accepted")
    contact_number = row.get_by_test_id("contact-number").inner_text()
    company_id = row.get_by_test_id("company-id").inner_text()
    assert re.fullmatch(r"\d{8}", contact_number), contact_number

    # It opens the company's deferred account on the Deferred accounts screen.
    go(page, "deferred-accounts")
    page.select_option("#deferred-company", company_id)
    page.fill("#deferred-limit", "1000.00")
    page.fill("#deferred-terms", "30")
    expect(page.locator("#deferred-enabled")).to_be_checked()
    page.click("#deferred-settings-submit")
    expect(page.locator("#notice")).to_have_text("Deferred account saved.")
    account_row = page.locator(f"#deferred-accounts-table tr[data-company='{company_id}']")
    expect(account_row.locator("th")).to_have_text(asked["company_name"])
    expect(account_row.locator(".balance")).to_have_text("0.00")

    # The relay logs in with the three fields, buys two tickets on account and gives them away.
    token = relay_logs_in(api, stack, asked, contact_number)
    order = two_seats_bought_on_account(api, stack, token)
    assert order["status"] == "paid" and order["due"] == 0 and len(order["lines"]) == 2, order
    given = give_both_tickets(api, stack, token, order["order_id"], suffix)
    assert [t["beneficiary"]["name"] for t in given] == [f"Beneficiary {n} {suffix}" for n in (1, 2)]
    assert {t["barcode_revision"] for t in given} == {1}  # a new barcode for each beneficiary
    mine = api.get(f"/shop/{stack.org}/account/deferred-account", token=token).json()
    assert mine["balance"] == order["total"] and mine["available"] == 100_000 - order["total"]

    # The operator invoices the period on the Deferred accounts screen and sees the invoice.
    as_of = date.fromisoformat(api.get("/backoffice/deferred-accounts", token=admin_token).json()["as_of"])
    page.reload()
    idle(page)
    account_row = page.locator(f"#deferred-accounts-table tr[data-company='{company_id}']")
    expect(account_row.locator(".balance")).to_have_text(money(order["total"]))
    account_row.locator("button.open-account").click()
    expect(page.locator("#deferred-uninvoiced")).to_have_text(money(order["total"]))
    expect(page.locator("#deferred-entries tbody tr")).to_have_count(1)
    page.fill("#deferred-from", (as_of - timedelta(days=1)).isoformat())
    page.fill("#deferred-to", as_of.isoformat())
    page.click("#deferred-invoice-submit")

    expect(page.locator("#notice")).to_contain_text(re.compile(r"Invoice INV-\d{6} generated"))
    invoice = page.locator("#deferred-invoices tbody tr")
    expect(invoice).to_have_count(1)
    reference = invoice.locator("th").inner_text()
    assert re.fullmatch(r"INV-\d{6}", reference), reference
    expect(invoice.locator("td.invoice-status")).to_have_text("Unpaid")
    expect(invoice.locator("td.num").first).to_have_text(money(order["total"]))  # its total
    expect(page.locator("#deferred-balance")).to_have_text(money(order["total"]))
    expect(page.locator("#deferred-uninvoiced")).to_have_text("0.00")
    expect(page.locator("#deferred-entries tbody tr td").last).to_have_text(
        reference.removeprefix("INV-").lstrip("0")
    )
    page.screenshot(path=ARTIFACTS / "admin-deferred-account-invoiced.png", full_page=True)
    invoices = api.get(f"/shop/{stack.org}/account/deferred-account/invoices", token=token).json()["invoices"]
    assert [(i["reference"], i["total"], i["status"]) for i in invoices] == [
        (reference, order["total"], "unpaid")
    ]
    assert page.script_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_new_screen_opens_without_a_script_or_console_error(browser, stack, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: console {m.text}"))
    page.goto(stack.admin_url)
    log_in(page, stack, stack.admin_login, stack.admin_password)
    titles = {}
    for screen in NEW_SCREENS:
        page.goto(page.url.split("#")[0] + f"#/{screen}")
        idle(page)
        page.wait_for_load_state("networkidle")
        titles[screen] = page.locator("#screen").inner_text()[:80]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (screen, width)
    context.close()

    assert all(titles.values()), titles  # each screen drew something
    assert errors == []
