"""The admin page's advantages, promo codes and single-use codes screens in headless Chromium, against the
local stack and its demo: an operator sets up a partner-code advantage step by step and puts it in
operation, creates a promo code and puts it in operation; codes of a single-use-code advantage are
generated, tracked and one is revoked with a reason."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import ARTIFACTS, open_page
from tests.e2e.test_admin_accessibility import violations
from tests.e2e.test_admin_layout import DESKTOP, PHONE, settled
from tests.e2e.test_admin_options import go, idle, log_in
from tests.e2e.test_shop_advantages import buy_with_codes, performance_of


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url) as page:
        yield page


def items(api, token: str, plural: str, **filters) -> list[dict]:
    response = api.get(f"/backoffice/{plural}", token=token, params={"limit": 200, **filters})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def by_code(found: list[dict], code: str) -> dict:
    return next(item for item in found if item["code"] == code)


def demo_catalog(api, token: str) -> dict:
    season = by_code(items(api, token, "seasons"), "2026-2027")
    events = items(api, token, "events", season_id=season["id"])
    return {
        "season": season,
        "event": sorted(events, key=lambda e: e["code"])[0],
        "full": by_code(items(api, token, "audience-subcategories"), "FULL"),
        "reduced": by_code(items(api, token, "audience-subcategories"), "REDUCED"),
        "web": by_code(items(api, token, "sales-channels"), "WEB"),
    }


def listed(api, token: str, kind: str) -> list[dict]:
    response = api.get(f"/backoffice/{kind}", token=token)
    assert response.status_code == 200, response.text
    return response.json()[kind.replace("-", "_")]


def next_step(page: Page, number: int, title: str) -> None:
    page.click("#advantage-next")
    expect(page.locator("#advantage-step-title")).to_have_text(re.compile(rf"^Step {number} of 7: {title}$"))
    expect(page.locator(f"#advantage-steps [data-step='{number}']")).to_have_attribute("aria-current", "step")


def test_an_operator_sets_up_a_partner_advantage_and_a_promo_code_and_puts_both_in_operation(
    page, stack, api, admin_token
):
    demo = demo_catalog(api, admin_token)
    suffix = uuid.uuid4().hex[:6].upper()
    name, access_code, promo = f"Partner night {suffix}", f"PARTNER-{suffix}", f"E2E{suffix}"
    log_in(page, stack, stack.admin_login, stack.admin_password)
    go(page, "advantages")
    page.click("#advantages-new")
    expect(page).to_have_url(re.compile(r"#/advantages/new$"))
    idle(page)

    # 1. General: a step cannot be left with its required fields empty.
    expect(page.locator("#advantage-step-title")).to_have_text("Step 1 of 7: General")
    page.click("#advantage-next")
    expect(page.locator("#advantage-error")).to_contain_text("Please correct the fields")
    expect(page.locator("#adv-public-name")).to_have_attribute("aria-invalid", "true")
    page.fill("#adv-public-name", name)
    page.fill("#adv-description", "For the readers of our partner's magazine")
    page.select_option("#adv-season", demo["season"]["id"])
    expect(page.locator("#adv-family")).to_have_value("single_entry")

    # 2. The events and performances it applies to.
    next_step(page, 2, "Events and performances")
    page.check(f"#adv-event-{demo['event']['id']}")
    expect(page.locator("#adv-performances legend")).to_have_text(f"Performances of {demo['event']['name']}")

    # 3. Prices: 5.00 off the full price on every event, 20 % off the reduced price; then a draft is saved.
    next_step(page, 3, "Prices")
    full = f"[data-scope=all][data-sub='{demo['full']['id']}']"
    reduced = f"[data-scope=all][data-sub='{demo['reduced']['id']}']"
    page.select_option(f"select{reduced}", "percent_off")
    page.fill(f"input{reduced}", "120")
    page.click("#advantage-next")
    expect(page.locator("#advantage-error")).to_contain_text("a whole percent from 1 to 100")
    page.fill(f"input{reduced}", "20")
    page.select_option(f"select{full}", "amount_off")
    page.fill(f"input{full}", "5")
    page.click("#advantage-save")
    expect(page.locator("#advantage-head")).to_contain_text("Draft")
    expect(page).to_have_url(re.compile(r"#/advantages/[\w.-]+$"))
    draft = next(a for a in listed(api, admin_token, "advantages") if a["public_name"] == name)
    assert (draft["state"], draft["target"]["type"]) == ("draft", "general_public")

    # 4. Channels and validity: the public website, until the performance's start plus 30 minutes.
    next_step(page, 4, "Channels and validity")
    page.check(f"#adv-channels input[value='{demo['web']['id']}']")
    page.check("#adv-eos-performance_start_plus_tolerance")
    page.fill("#adv-tolerance", "30")

    # 5. Quota and caps.
    next_step(page, 5, "Quota and caps")
    page.fill("#adv-quota", "50")
    page.fill("#adv-max-order", "4")

    # 6. Target: the partner's shared access code.
    next_step(page, 6, "Target")
    page.check("#adv-target-partner")
    page.fill("#adv-access-code", access_code.lower())

    # 7. Review, then put in operation.
    next_step(page, 7, "Review")
    review = page.locator("#advantage-review")
    expect(review.locator("dd[data-key=Target]")).to_have_text(f"Partner access code: {access_code}")
    expect(review.locator("dd[data-key='End of sale']")).to_contain_text("(30 min)")
    expect(review.locator("dd[data-key=Prices]")).to_contain_text("Percent off 20 %")
    page.screenshot(path=ARTIFACTS / "admin-advantage-review.png", full_page=True)
    page.click("#advantage-operate")
    expect(page).to_have_url(re.compile(r"#/advantages$"))
    idle(page)
    row = page.locator(f"#advantages-table tr[data-id='{draft['advantage_id']}']")
    expect(row.locator("[data-testid=state]")).to_have_text("In operation")
    expect(row.locator("td[data-col=target_type]")).to_have_text("Partner access code")

    advantage = api.get(f"/backoffice/advantages/{draft['advantage_id']}", token=admin_token).json()
    assert advantage["state"] == "in_operation"
    assert {key: value for key, value in advantage["target"].items() if value} == {
        "type": "partner",
        "access_code": access_code,
    }
    assert advantage["event_ids"] == [demo["event"]["id"]]
    assert sorted(
        (p["audience_subcategory_id"], p["event_id"], p["rule"]["kind"], p["rule"]["value"])
        for p in advantage["prices"]
    ) == sorted(
        [(demo["full"]["id"], None, "amount_off", 500), (demo["reduced"]["id"], None, "percent_off", 20)]
    )
    assert advantage["channel_ids"] == [demo["web"]["id"]]
    assert advantage["end_of_sale"] == {"rule": "performance_start_plus_tolerance", "tolerance_minutes": 30}
    assert (advantage["quota"], advantage["max_per_order"], advantage["max_per_customer"]) == (50, 4, None)

    # A promo code: 10 % off a basket of at least 20.00, at most 100 uses.
    go(page, "promo-codes")
    page.click("#promo-codes-new")
    page.fill("#promo-code", promo.lower())
    page.fill("#promo-public-name", f"Autumn {suffix}")
    page.check("#promo-kind-percent_off")
    page.fill("#promo-discount-value", "10")
    page.fill("#promo-minimum", "20")
    page.fill("#promo-max-uses", "100")
    page.check(f"#promo-channels input[value='{demo['web']['id']}']")
    page.click("#promo-code-save")
    promo_row = page.locator(f"#promo-codes-table tr[data-code='{promo}']")
    expect(promo_row.locator("[data-testid=state]")).to_have_text("Draft")
    expect(promo_row.locator("td[data-col=discount_text]")).to_have_text("10 % off")
    expect(promo_row.locator("td[data-col=minimum_text]")).to_have_text("20.00")
    promo_row.locator("[data-action=operate]").click()
    page.click("#confirm-yes")
    expect(promo_row.locator("[data-testid=state]")).to_have_text("In operation")
    expect(promo_row.locator("[data-action=delete]")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "admin-promo-codes.png", full_page=True)

    found = next(p for p in listed(api, admin_token, "promo-codes") if p["code"] == promo)
    assert (found["state"], found["discount"], found["minimum_basket"], found["max_uses"]) == (
        "in_operation",
        {"kind": "percent_off", "value": 10},
        2000,
        100,
    )
    assert found["channel_ids"] == [demo["web"]["id"]]

    # A shopper applies both over the API and pays the discounted total; the lists show the use.
    performance = performance_of(api, stack, demo["event"]["id"])
    buy_with_codes(api, stack, performance["id"], access_code, promo, demo["full"]["id"])
    go(page, "advantages")
    idle(page)
    expect(row.locator("td[data-col=quota_text]")).to_have_text("2 taken / 50")
    go(page, "promo-codes")
    idle(page)
    expect(promo_row.locator("td[data-col=uses_text]")).to_have_text("1 / 100")
    assert page.script_errors == []


def test_an_operator_generates_tracks_and_revokes_single_use_codes(page, stack, api, admin_token):
    demo = demo_catalog(api, admin_token)
    body = {
        "season_id": demo["season"]["id"],
        "event_ids": [demo["event"]["id"]],
        "prices": [
            {"audience_subcategory_id": demo["full"]["id"], "rule": {"kind": "percent_off", "value": 50}}
        ],
        "public_name": f"Company codes {uuid.uuid4().hex[:6]}",
        "target": {"type": "single_use_codes"},
    }
    created = api.post("/backoffice/advantages", body, token=admin_token)
    assert created.status_code == 201, created.text
    ident = created.json()["advantage_id"]
    log_in(page, stack, stack.admin_login, stack.admin_password)
    page.goto(f"{stack.admin_url}#/single-use-codes?advantage={ident}")
    idle(page)
    expect(page.locator("#codes-advantage")).to_have_value(ident)

    page.fill("#codes-count", "5")
    page.click("#codes-generate")
    expect(page.locator("#codes-generate-result")).to_contain_text("5 codes generated")
    page.click("#codes-filter-show")
    rows = page.locator("#codes-table tbody tr")
    expect(rows).to_have_count(5)
    first = rows.first.get_attribute("data-code")
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}", first)

    rows.first.locator("input.pick").check()
    expect(page.locator("#codes-selection")).to_have_text("1 code selected.")
    page.fill("#codes-revoke-reason", "Leaked on a forum")
    page.click("#codes-revoke-selected")
    page.click("#confirm-yes")
    expect(page.locator("#codes-revoke-outcome")).to_contain_text("1 of 1 code revoked")
    revoked = page.locator(f"#codes-table tr[data-code='{first}']")
    expect(revoked.locator("[data-testid=code-state]")).to_have_text("Revoked")
    expect(revoked.locator("td[data-col=revoked_reason]")).to_have_text("Leaked on a forum")
    page.screenshot(path=ARTIFACTS / "admin-single-use-codes.png", full_page=True)

    codes = api.get(f"/backoffice/advantages/{ident}/codes", token=admin_token).json()["codes"]
    assert sorted(c["state"] for c in codes) == ["free"] * 4 + ["revoked"]
    assert page.script_errors == []


def single_use_advantage(api, token: str, demo: dict) -> str:
    body = {
        "season_id": demo["season"]["id"],
        "event_ids": [demo["event"]["id"]],
        "prices": [
            {"audience_subcategory_id": demo["full"]["id"], "rule": {"kind": "percent_off", "value": 50}}
        ],
        "public_name": f"Company codes {uuid.uuid4().hex[:6]}",
        "target": {"type": "single_use_codes"},
    }
    created = api.post("/backoffice/advantages", body, token=token)
    assert created.status_code == 201, created.text
    return created.json()["advantage_id"]


def test_a_large_batch_shows_its_progress_then_is_downloaded_sent_counted_and_revoked(
    browser, stack, api, admin_token
):
    demo = demo_catalog(api, admin_token)
    ident = single_use_advantage(api, admin_token, demo)
    contact = by_code(items(api, admin_token, "contacts"), "ANNE-MARTIN")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(stack.admin_url)
    log_in(page, stack, stack.admin_login, stack.admin_password)
    page.goto(f"{stack.admin_url}#/single-use-codes?advantage={ident}")
    idle(page)

    # More than 1,000 codes: made in the background, its progress polled and shown.
    page.fill("#codes-count", "1200")
    page.select_option("#codes-contact", contact["id"])
    page.click("#codes-generate")
    expect(page.locator("#codes-progress")).to_be_visible()
    expect(page.locator("#codes-progress-text")).to_have_text("1200 / 1200 generated · ready", timeout=90_000)
    expect(page.locator("#codes-progress")).to_have_attribute("max", "1200")
    batch = page.locator("#codes-batches-table tbody tr[data-status=ready]")
    expect(batch).to_have_count(1)
    batch_id = batch.get_attribute("data-batch")
    expect(batch.locator("td[data-col=contact]")).to_contain_text("Anne Martin")

    with page.expect_download() as download:
        batch.locator("[data-action=download]").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1201 and lines[0].startswith("code"), lines[:2]

    batch.locator("[data-action=send]").click()
    expect(page.locator("#codes-send-form select")).to_have_value(contact["id"])
    page.click("#codes-send")
    expect(batch.locator("td[data-col=sent]")).to_contain_text(contact["email"])

    # The dashboard: the batch's figures, its funnel and the totals.
    page.click("#codes-dashboard-show")
    row = page.locator("#codes-dashboard-table tbody tr", has_text=batch_id)
    expect(row.locator("td[data-col=generated]")).to_have_text("1200")
    expect(row.locator("td[data-col=available]")).to_have_text("1200")
    expect(
        page.locator(f"#codes-funnel g[data-batch='{batch_id}'] g[data-stage=generated] rect")
    ).to_have_attribute("data-value", "1200")
    expect(page.locator("[data-testid=codes-dashboard-table-totals] td[data-col=generated]")).to_have_text(
        "1200"
    )

    # A code's detail, then the whole batch revoked a page at a time.
    first = page.locator("#codes-table tbody tr").first
    code = first.get_attribute("data-code")
    first.locator("[data-action=detail]").click()
    expect(page.locator("#code-detail-title")).to_have_text(f"Code {code}")
    expect(page.locator("#code-detail dd[data-key=Batch]")).to_have_text(batch_id)
    page.fill("#codes-revoke-reason", "Contract ended")
    page.select_option("#codes-revoke-batch", batch_id)
    page.click("#codes-revoke-batch-submit")
    page.click("#confirm-yes")
    expect(page.locator("#codes-revoke-outcome")).to_contain_text(
        "1200 of 1200 codes revoked", timeout=60_000
    )
    expect(row.locator("td[data-col=revoked]")).to_have_text("1200")  # the dashboard follows
    expect(page.locator("#code-detail")).to_be_empty()  # the code shown changed: no stale detail
    page.screenshot(path=ARTIFACTS / "admin-single-use-codes-batch.png", full_page=True)
    figures = api.get("/backoffice/code-dashboard", token=admin_token, params={"advantage_id": ident}).json()
    assert (figures["totals"]["generated"], figures["totals"]["revoked"], figures["totals"]["available"]) == (
        1200,
        1200,
        0,
    )
    context.close()
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_step_of_the_set_up_and_the_codes_screens_have_no_serious_violation(
    browser, stack, api, admin_token, viewport
):
    ident = single_use_advantage(api, admin_token, demo_catalog(api, admin_token))
    made = api.post(f"/backoffice/advantages/{ident}/codes", {"count": 3}, token=admin_token)
    assert made.status_code == 201, made.text
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # lets the test inject axe
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(stack.admin_url)
    log_in(page, stack, stack.admin_login, stack.admin_password)
    page.goto(f"{stack.admin_url}#/advantages/new")
    found = {}
    for number in range(1, 8):
        page.locator(f"#advantage-steps [data-step='{number}']").click()
        expect(page.locator("#advantage-step-title")).to_contain_text(f"Step {number} of 7")
        if number == 1:  # later steps need a season and an event
            page.fill("#adv-public-name", "Axe")
            page.select_option("#adv-season", index=1)
        if number == 2:
            page.locator("#adv-events input").first.check()
        if number == 3:
            page.locator("#adv-prices-all select").first.select_option("amount_off")
            page.locator("#adv-prices-all input").first.fill("1")
        if number == 6:
            page.check("#adv-target-indicator")
        if problems := violations(page):
            found[f"step {number}"] = problems
        if number == 6:  # its indicator and level were checked; the review needs a complete target
            page.check("#adv-target-general_public")
    page.goto(f"{stack.admin_url}#/promo-codes")
    expect(page.locator("#confirm-text")).to_contain_text("changes that are not saved")  # nothing was saved
    page.click("#confirm-yes")
    settled(page)
    page.click("#promo-codes-new")
    if problems := violations(page):
        found["promo code form"] = problems
    page.goto(f"{stack.admin_url}#/single-use-codes?advantage={ident}")
    settled(page)
    page.click("#codes-dashboard-show")
    expect(page.locator("#codes-funnel")).to_be_visible()
    page.locator("#codes-table [data-action=detail]").first.click()
    expect(page.locator("#code-detail-title")).to_be_visible()
    if problems := violations(page):
        found["single-use codes"] = problems
    context.close()
    assert found == {}
