"""The Distributors screens in headless Chromium, against the local stack and its demo: an operator sets
up a distributor interface on an external sales channel (its password written once, then only "set"),
maps an event and imports a mapping CSV (a refused file's problems are listed by line, then a good file
is imported); and each distributors screen and tab opens at desktop and phone size without a script or
console error."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.support import ARTIFACTS, open_page
from tests.e2e.test_admin_layout import DESKTOP, PHONE
from tests.e2e.test_admin_options import go, idle, log_in

INTERFACES = "/backoffice/distributors/interfaces"
TABS = ("general", "mappings", "sheet", "schedules", "runs", "exports", "reconciliation")


@pytest.fixture
def page(browser, stack):
    with open_page(browser, stack.admin_url, viewport=DESKTOP, accept_downloads=True) as page:
        yield page


def created(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def external_channel(api, token: str, suffix: str) -> tuple[dict, dict]:
    """A new external sales channel and its point of sale (one interface per channel)."""
    channel = created(
        api.post(
            "/backoffice/sales-channels",
            {"code": f"E2E-{suffix}", "name": f"Distributor E2E {suffix}", "type": "external"},
            token=token,
        )
    )
    point = created(
        api.post(
            "/backoffice/points-of-sale",
            {"channel_id": channel["id"], "code": f"E2E-{suffix}", "name": f"Distributor E2E {suffix}"},
            token=token,
        )
    )
    return channel, point


def first(api, token: str, path: str, **params) -> dict:
    response = api.get(path, token=token, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items, path
    return items[0]


def test_an_operator_sets_up_an_interface_maps_an_event_and_imports_a_mapping_file(
    page, stack, api, admin_token
):
    suffix = uuid.uuid4().hex[:6].upper()
    channel, point = external_channel(api, admin_token, suffix)
    contact = first(api, admin_token, "/backoffice/contacts")
    event = first(api, admin_token, "/backoffice/events")
    category = first(api, admin_token, "/backoffice/seat-categories")
    name = f"NTJ E2E {suffix}"

    # The interface, created on the page: its password is sent once and never shown again.
    log_in(page, stack, stack.admin_login, stack.admin_password)
    go(page, "distributors")
    page.click("#distributor-new")
    page.fill("#distributor-name", name)
    page.select_option("#distributor-channel", channel["id"])
    page.select_option("#distributor-contact", contact["id"])
    page.select_option("#distributor-pos", point["id"])
    page.check("#distributor-deferred")
    page.select_option("#distributor-adapter", "http")
    page.fill("#distributor-url", "https://distributor.example/api")
    page.fill("#distributor-login", "DUMMY")
    page.fill("#distributor-password", "s3cret-e2e")
    page.fill("#distributor-alerts", "ops-e2e@example.org")
    page.click("#distributor-save")
    expect(page.locator("#notice")).to_have_text(f"Interface {name} created.")
    row = page.locator("#distributors-table tr", has_text=name)
    expect(row.get_by_test_id("password-set")).to_have_text("Set")
    expect(row.get_by_test_id("status")).to_have_text("Active")
    interface_id = row.get_attribute("data-id")
    stored = api.get(f"{INTERFACES}/{interface_id}", token=admin_token).json()
    assert stored["connection"] == {
        "adapter": "http",
        "url": "https://distributor.example/api",
        "login": "DUMMY",
        "password_set": True,
    }
    assert (stored["deferred_account"], stored["alert_recipients"]) == (True, ["ops-e2e@example.org"])
    assert "s3cret-e2e" not in page.content()

    # Its Mappings tab: the event of its season mapped by hand.
    row.locator("a[data-action=open]").click()
    idle(page)
    page.click("#distributor-tabs [data-tab=mappings]")
    idle(page)
    page.select_option("#distributor-mapping-season", event["season_id"])
    idle(page)
    page.select_option("#distributor-mapping-new-kind", "event")
    expect(page.locator(f"#distributor-mapping-our option[value='{event['id']}']")).to_have_count(1)
    page.select_option("#distributor-mapping-our", event["id"])
    page.fill("#distributor-mapping-distributor-id", f"EV-{suffix}")
    page.click("#distributor-mapping-create")
    expect(page.locator("#notice")).to_contain_text(f"to EV-{suffix} created")
    mapped = page.locator(f"#distributor-mappings-table tr[data-our-id='{event['id']}']")
    expect(mapped.locator("[data-col=distributor_id]")).to_have_text(f"EV-{suffix}")

    # A file with a bad line is refused whole, its problems named by line; the corrected file imports.
    bad = f"kind,our_code,distributor_id\nseat_category,{category['code']},CAT-{suffix}\nnot_a_kind,X,Y\n"
    page.set_input_files(
        "#distributor-mapping-file",
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode()}],
    )
    page.click("#distributor-mapping-import-submit")
    expect(page.locator("#distributor-mapping-import-error")).to_contain_text("nothing was imported")
    expect(page.locator("#distributor-import-problems tr[data-line='3']")).to_contain_text("kind")
    expect(page.locator("#distributor-mappings-table tr[data-kind=seat_category]")).to_have_count(0)
    good = f"kind,our_code,distributor_id\nseat_category,{category['code']},CAT-{suffix}\n"
    page.set_input_files(
        "#distributor-mapping-file",
        files=[{"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()}],
    )
    page.click("#distributor-mapping-import-submit")
    expect(page.locator("#distributor-mapping-import-counts")).to_have_text(
        "good.csv: 1 created, 0 changed, 0 unchanged."
    )
    imported = page.locator(f"#distributor-mappings-table tr[data-our-id='{category['id']}']")
    expect(imported.locator("[data-col=distributor_id]")).to_have_text(f"CAT-{suffix}")
    listed = api.get(
        f"{INTERFACES}/{interface_id}/mappings", token=admin_token, params={"season_id": event["season_id"]}
    ).json()["items"]
    assert sorted((m["kind"], m["distributor_id"]) for m in listed) == [
        ("event", f"EV-{suffix}"),
        ("seat_category", f"CAT-{suffix}"),
    ]

    # The season's mappings download as the import's CSV.
    with page.expect_download() as download:
        page.click("#distributor-mapping-export")
    text = download.value.path().read_text()
    assert text.splitlines()[0] == "kind,our_id,our_code,distributor_id"
    assert f"EV-{suffix}" in text and f"CAT-{suffix}" in text
    page.screenshot(path=ARTIFACTS / "admin-distributor-mappings.png", full_page=True)
    assert page.script_errors == []


def test_an_operator_edits_an_interface_keeping_its_password_and_schedules_a_reintegration(
    page, stack, api, admin_token
):
    suffix = uuid.uuid4().hex[:6].upper()
    channel, point = external_channel(api, admin_token, suffix)
    body = {
        "name": f"NTJ schedule {suffix}",
        "channel_id": channel["id"],
        "connection": {"adapter": "http", "url": "https://d.example/api", "login": "L", "password": "pw-1"},
        "contact_id": first(api, admin_token, "/backoffice/contacts")["id"],
        "point_of_sale_id": point["id"],
    }
    interface = created(api.post(INTERFACES, body, token=admin_token))
    log_in(page, stack, stack.admin_login, stack.admin_password)
    page.goto(page.url.split("#")[0] + f"#/distributors/{interface['id']}/general")
    idle(page)

    # Edited without typing a password: the one set is kept (the form only says it is set).
    page.click("#distributor-edit")
    expect(page.locator("#distributor-password-state")).to_contain_text("A password is set")
    expect(page.locator("#distributor-password")).to_have_value("")
    page.select_option("#distributor-policy", "accept_distributor_price")
    page.select_option("#distributor-status", "suspended")
    page.click("#distributor-save")
    expect(page.locator("#notice")).to_have_text(f"Interface {body['name']} saved.")
    expect(page.locator("#distributor-summary [data-key=Password]")).to_have_text("Set (never shown)")
    stored = api.get(f"{INTERFACES}/{interface['id']}", token=admin_token).json()
    assert (stored["reseller_price_policy"], stored["status"], stored["connection"]["password_set"]) == (
        "accept_distributor_price",
        "suspended",
        True,
    )

    # Active again (a suspended interface runs nothing, and takes no schedule).
    page.click("#distributor-edit")
    page.select_option("#distributor-status", "active")
    page.click("#distributor-save")
    expect(page.locator("#distributor-summary [data-key=Status]")).to_have_text("Active")

    # A sales reintegration every 15 minutes over performances from 30 days before them.
    page.click("#distributor-tabs [data-tab=schedules]")
    idle(page)
    page.click("#distributor-schedule-new")
    page.select_option("#distributor-schedule-function", "sales_reintegration")
    page.fill("#distributor-schedule-name", "Every quarter")
    page.fill("#distributor-schedule-every", "15")
    page.select_option("#distributor-schedule-unit", "minutes")
    # A reintegration takes every sale the distributor reports: no window or performance filter.
    expect(page.locator("#distributor-schedule-window")).to_be_hidden()
    expect(page.locator("#distributor-schedule-event")).to_be_hidden()
    page.fill("#distributor-schedule-batch", "200")
    page.click("#distributor-schedule-save")
    expect(page.locator("#notice")).to_have_text("Schedule created.")
    row = page.locator("#distributor-schedules-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("15 minutes")

    # An allotment export every day, over performances from 30 days before them.
    page.click("#distributor-schedule-new")
    page.select_option("#distributor-schedule-function", "allotment_export")
    expect(page.locator("#distributor-schedule-file")).to_be_hidden()
    page.fill("#distributor-schedule-every", "1")
    page.select_option("#distributor-schedule-unit", "days")
    page.select_option("#distributor-schedule-window", "days")
    page.fill("#distributor-schedule-before", "30")
    page.click("#distributor-schedule-save")
    expect(page.locator("#notice")).to_have_text("Schedule created.")
    expect(row).to_have_count(2)
    expect(page.locator("#distributor-schedules-table tbody")).to_contain_text(
        "from 30 days before a performance"
    )
    schedules = api.get(f"{INTERFACES}/{interface['id']}/schedules", token=admin_token).json()["items"]
    assert sorted(
        (
            s["function"],
            s["every"],
            s["unit"],
            (s["window"] or {}).get("days_before"),
            s["batch_size"],
            s["enabled"],
        )
        for s in schedules
    ) == [
        ("allotment_export", 1, "days", 30, None, True),
        ("sales_reintegration", 15, "minutes", None, 200, True),
    ]
    assert page.script_errors == []


def on_sale_performance(api, token: str) -> dict:
    response = api.get("/backoffice/performances", token=token, params={"limit": 200})
    assert response.status_code == 200, response.text
    now = datetime.now(UTC)
    found = [
        p
        for p in response.json()["items"]
        if (p.get("state") or {}).get("status") == "on_sale" and datetime.fromisoformat(p["starts_at"]) > now
    ]
    assert found, "the demo has performances on sale to come"
    return min(found, key=lambda p: p["starts_at"])


# What the stock screen does with a stock change's answer (the module's own calls, on a bare page).
OFFER_EXPORT = """async ([performanceId, suggested]) => {
  const prompt = await import(new URL("admin/distributors-export-prompt.js", location.href).href);
  const problems = [];
  const ctx = {
    can: () => true, signal: new AbortController().signal, showError: (e) => problems.push(e.message),
    notify: (text) => {
      const notice = document.getElementById("notice");
      notice.textContent = text;
      notice.hidden = false;
    },
  };
  const card = prompt.exportStatus(ctx, performanceId);
  document.getElementById("screen").append(card.node);
  window.offered = prompt.offerExport(ctx, suggested, card).then((done) => ({ done, problems }));
}"""


def demo_distributor(api, token: str) -> dict:
    """The interface of the demo's external channel DIST (its quota DISTRIB has seats on the plan):
    the demo's own when it has one, else a file interface made here."""
    channels = api.get("/backoffice/sales-channels", token=token, params={"type": "external", "limit": 200})
    channel = next(c for c in channels.json()["items"] if c["code"] == "DIST")
    interfaces = api.get(INTERFACES, token=token).json()["items"]
    mine = next((i for i in interfaces if i["channel_id"] == channel["id"]), None)
    if mine is not None:
        return mine
    body = {
        "name": "TicketHub",
        "channel_id": channel["id"],
        "connection": {"adapter": "file", "url": "", "login": ""},
        "contact_id": first(api, token, "/backoffice/contacts")["id"],
        "point_of_sale_id": first(api, token, "/backoffice/points-of-sale", channel_id=channel["id"])["id"],
    }
    return created(api.post(INTERFACES, body, token=token))


def test_the_plan_offers_to_export_and_shows_the_last_export(page, stack, api, admin_token):
    interface = demo_distributor(api, admin_token)
    performance = on_sale_performance(api, admin_token)
    suggested = [
        {"interface_id": interface["id"], "name": interface["name"], "performance_id": performance["id"]}
    ]

    log_in(page, stack, stack.admin_login, stack.admin_password)
    go(page, "distributors")
    page.evaluate(OFFER_EXPORT, [performance["id"], suggested])

    # The seed's question; "Not now" is the other answer.
    dialog = page.locator("#distributor-export-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Export the allotment now?")
    expect(dialog.locator("input[name=interface]")).to_be_checked()
    card = page.locator(f"#distributor-plan-exports li[data-interface='{interface['id']}']")
    # The last export, if any (the demo exports its distributor's allotment), else "never exported".
    expect(card).to_contain_text(interface["name"])
    page.click("#distributor-export-yes")

    outcome = page.evaluate("window.offered")  # once the export answered
    assert outcome["problems"] == [], outcome
    expect(page.locator("#notice")).to_contain_text(f"to {interface['name']}: version")
    result = outcome["done"][0]["result"]
    assert result["performances"] == [performance["id"]] and result["status"] in ("sent", "failed"), result
    # The card shows that export: its version and status, and the first error of a failed one.
    version = "\u2013" if result["version"] is None else result["version"]  # none: failed before one
    expect(card.get_by_test_id("export-version")).to_have_text(f"v{version}")
    expect(card.get_by_test_id("status")).to_have_attribute("data-status", result["status"])
    exports = api.get(
        f"{INTERFACES}/{interface['id']}/exports",
        token=admin_token,
        params={"performance_id": performance["id"]},
    ).json()["items"]
    assert [(e["version"], e["status"], e["places"]) for e in exports] == [
        (result["version"], result["status"], result["places"])
    ]
    if result["status"] == "failed":  # e.g. the demo's seats not mapped for this distributor yet
        expect(card.locator(".hint")).to_contain_text(f"[{result['errors'][0]['category']}]")

    # The interface's Exports tab lists it; its Reconciliation tab has the performance's rows and fix.
    page.goto(page.url.split("#")[0] + f"#/distributors/{interface['id']}/exports")
    idle(page)
    exported = page.locator(f"#distributor-exports-table tr[data-performance='{performance['id']}']")
    expect(exported).to_have_attribute("data-status", result["status"])
    page.goto(page.url.split("#")[0] + f"#/distributors/{interface['id']}/reconciliation")
    idle(page)
    rows = page.locator(f"#distributor-reconciliation-table tr[data-performance='{performance['id']}']")
    expect(rows.first).to_be_visible()
    fix = rows.first.get_attribute("data-fix")
    assert fix in ("export_again", "reintegrate", "mapping", "none"), fix
    expect(rows.first.get_by_test_id("reason")).not_to_be_empty()
    expect(rows.first.locator("[data-action=fix]")).to_have_count(0 if fix == "none" else 1)
    page.screenshot(path=ARTIFACTS / "admin-distributor-reconciliation.png", full_page=True)
    assert page.script_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_distributors_screen_opens_without_a_script_or_console_error(
    browser, stack, api, admin_token, viewport
):
    interfaces = api.get(INTERFACES, token=admin_token).json()["items"]
    if not interfaces:  # the demo may have none yet
        suffix = uuid.uuid4().hex[:6].upper()
        channel, point = external_channel(api, admin_token, suffix)
        body = {
            "name": f"NTJ screens {suffix}",
            "channel_id": channel["id"],
            "connection": {"adapter": "file", "url": "", "login": ""},
            "contact_id": first(api, admin_token, "/backoffice/contacts")["id"],
            "point_of_sale_id": point["id"],
        }
        interfaces = [created(api.post(INTERFACES, body, token=admin_token))]
    interface_id = interfaces[0]["id"]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: console {m.text}"))
    page.goto(stack.admin_url)
    log_in(page, stack, stack.admin_login, stack.admin_password)
    routes = ["distributors", *(f"distributors/{interface_id}/{tab}" for tab in TABS)]
    drawn = {}
    for route in routes:
        page.goto(page.url.split("#")[0] + f"#/{route}")
        idle(page)
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("error").filter(visible=True)).to_have_count(0)
        drawn[route] = page.locator("#screen").inner_text()[:80]
        shot = f"admin-distributors-{route.split('/')[-1]}-{viewport['width']}.png"
        page.screenshot(path=ARTIFACTS / shot, full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (route, width)
    context.close()

    assert all(drawn.values()), drawn
    assert errors == []
