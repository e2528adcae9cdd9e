"""In a browser on another continent, the admin page shows report times on the venue's clock with the
offset, and the times tied to no venue (runs, the outbox) on the organisation's clock, labelled."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_admin_layout import DESKTOP, settled

BROWSER_ZONE = "America/Los_Angeles"  # neither the demo venue's zone nor the organisation's


@pytest.fixture
def script_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser, stack, script_errors):
    context = browser.new_context(viewport=DESKTOP, timezone_id=BROWSER_ZONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(stack.admin_url)
    page.fill("#org", stack.org)
    page.fill("#login", stack.admin_login)
    page.fill("#password", stack.admin_password)
    page.click("#login-submit")
    expect(page.locator("#whoami")).to_contain_text(f"({stack.admin_login})")
    yield page
    context.close()


def go(page: Page, route: str) -> None:
    page.goto(page.url.split("#")[0] + f"#/{route}")
    settled(page)


def stamp(local_iso: str) -> str:
    """ "2026-12-12T20:00:00+01:00" as the admin page prints it: "2026-12-12 20:00 +01:00"."""
    return f"{local_iso[:10]} {local_iso[11:16]} {local_iso[19:]}"


def test_the_option_report_prints_each_performance_on_its_venue_clock_with_the_offset(
    page, api, admin_token, script_errors
):
    report = api.get("/backoffice/options/report", token=admin_token).json()
    assert report["rows"], "the demo seeds options: the report has rows"
    first = report["rows"][0]
    assert first["timezone"] == "Europe/Paris" and re.fullmatch(r".{19}[+-]\d\d:\d\d", first["starts_at"])

    go(page, "option-report")

    row = page.locator(f"#report-table tbody tr[data-performance='{first['performance_id']}']")
    cell = row.locator("td[data-col=starts]")
    expect(cell.first).to_have_text(stamp(first["starts_at"]))
    expect(cell.first).to_have_attribute("title", "Europe/Paris")
    assert script_errors == []


def test_workflow_runs_and_the_outbox_are_on_the_organisations_clock_and_say_so(
    page, api, admin_token, script_errors
):
    zone = api.get("/backoffice/organisation/time-zone", token=admin_token).json()["timezone"]
    assert zone != BROWSER_ZONE

    go(page, "workflows")

    openings = page.locator("section[data-workflow=open-performance]")
    expect(openings.locator("th").first).to_have_text(f"Started ({zone})")
    row = openings.locator("tr[data-execution]").first
    execution = row.get_attribute("data-execution")
    runs = api.get("/backoffice/workflows/open-performance/runs?limit=50", token=admin_token).json()
    [run] = [r for r in runs if r["execution"] == execution]
    started = row.locator("td").first
    expect(started).to_have_attribute("title", run["started_at"])
    assert started.inner_text() == page.evaluate(
        """([iso, zone]) => {
          const p = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric",
            month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
            hourCycle: "h23" }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
          return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
        }""",
        [run["started_at"], zone],
    )

    go(page, "outbox")
    expect(page.locator("#outbox-list th").first).to_have_text(f"Time ({zone})")
    assert script_errors == []


def test_the_venues_screen_shows_the_organisations_time_zone(page, api, admin_token, script_errors):
    zone = api.get("/backoffice/organisation/time-zone", token=admin_token).json()["timezone"]

    go(page, "venues")

    expect(page.locator("#organisation-timezone")).to_have_value(zone)
    page.fill("#organisation-timezone", "Europe/Atlantis")
    page.click("#organisation-zone-save")
    expect(page.locator("#organisation-zone-form [data-field=timezone]")).to_contain_text("Europe/Atlantis")
    assert api.get("/backoffice/organisation/time-zone", token=admin_token).json()["timezone"] == zone
    assert script_errors == []
