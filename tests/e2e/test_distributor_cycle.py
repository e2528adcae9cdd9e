"""A distributor's whole cycle on the local stack, against the simulated distributor over HTTP (issue 13,
item 9): an operator sets up an interface on the admin page, maps it from the on-sale sheet's CSV and
exports the allotment; the distributor sells; a scheduled reintegration brings its orders in and the
plan shows the seats sold; a cancellation gives the seats back; each failure mode of the distributor
ends in a run whose errors are in the right category, with one alert email on the first failure and
one on the recovery."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from infra.local.workflows import fast_retries
from tests.e2e import distributor_support as cycle_support
from tests.e2e.distributor_support import (
    INTERFACES,
    alerts_of,
    fail,
    finished,
    ok,
    reintegrated,
    sale_lines,
    seat_states,
    sell,
)
from tests.e2e.support import ARTIFACTS
from tests.e2e.test_admin_layout import DESKTOP
from tests.e2e.test_admin_options import go, idle, log_in


@pytest.fixture(scope="module")
def cycle(api, admin_token):
    return cycle_support.prepare(api, admin_token)


@pytest.fixture
def interface(cycle, api, admin_token) -> dict:
    """The cycle's interface, mapped and exported: the page's test made it, else the API makes it."""
    if "interface" not in cycle.made:
        cycle.made["interface"] = cycle_support.make_interface(api, admin_token, cycle)
    return cycle.made["interface"]


def full_price(api, token: str, cycle, interface_id: str) -> int:
    """Our full price for the category of the quota's seats (what the distributor sells at)."""
    sheet = ok(api.get(f"{INTERFACES}/{interface_id}/on-sale-sheets/{cycle.event['id']}", token=token))
    category = seat_states(api, token, cycle.performance["id"])[cycle.seat_ids[0]]["category_id"]
    full = next(a["id"] for a in sheet["audience_subcategories"] if a["code"] == "FULL")
    return next(
        p["amount"]
        for p in sheet["prices"]
        if (p["seat_category_id"], p["audience_subcategory_id"]) == (category, full)
    )


def test_an_operator_sets_up_an_interface_maps_it_from_the_on_sale_sheet_and_exports(
    browser, stack, api, admin_token, cycle
):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(stack.admin_url)
    log_in(page, stack, stack.admin_login, stack.admin_password)

    # The interface on the new external channel, speaking to the simulated distributor.
    go(page, "distributors")
    page.click("#distributor-new")
    page.fill("#distributor-name", cycle.name)
    page.select_option("#distributor-channel", cycle.channel["id"])
    page.select_option("#distributor-contact", cycle.contact["id"])
    page.select_option("#distributor-pos", cycle.point["id"])
    page.select_option("#distributor-adapter", "simulated")
    page.fill("#distributor-login", f"cy-{cycle.suffix.lower()}")
    page.fill("#distributor-alerts", cycle.alerts)
    page.click("#distributor-save")
    expect(page.locator("#notice")).to_have_text(f"Interface {cycle.name} created.")
    row = page.locator("#distributors-table tr", has_text=cycle.name)
    expect(row.get_by_test_id("status")).to_have_text("Active")
    interface_id = row.get_attribute("data-id")
    cycle.made["interface"] = ok(api.get(f"{INTERFACES}/{interface_id}", token=admin_token))

    # The on-sale sheet of the event, downloaded as CSV: the distributor fills in its ids.
    row.locator("a[data-action=open]").click()
    idle(page)
    page.click("#distributor-tabs [data-tab=sheet]")
    idle(page)
    if page.input_value("#distributor-sheet-season") != cycle.event["season_id"]:
        page.select_option("#distributor-sheet-season", cycle.event["season_id"])
    expect(page.locator(f"#distributor-sheet-event option[value='{cycle.event['id']}']")).to_have_count(1)
    page.select_option("#distributor-sheet-event", cycle.event["id"])
    expect(page.locator("#distributor-sheet-event-line")).to_contain_text(f"({cycle.event['code']})")
    expect(page.locator("#distributor-sheet-event")).to_have_value(cycle.event["id"])
    quota_row = page.locator(f"#distributor-sheet-performances tr[data-id='{cycle.performance['id']}']")
    expect(quota_row).to_contain_text("Not mapped")
    try:
        with page.expect_download() as download:
            page.click("#distributor-sheet-csv")
    finally:
        page.screenshot(path=ARTIFACTS / "distributor-cycle-sheet.png", full_page=True)
    filled = cycle_support.mapping_file(download.value.path().read_text(), cycle)

    # ...and comes back as the Mappings tab's import.
    page.click("#distributor-tabs [data-tab=mappings]")
    idle(page)
    page.select_option("#distributor-mapping-season", cycle.event["season_id"])
    idle(page)
    page.set_input_files(
        "#distributor-mapping-file",
        files=[{"name": "on-sale-sheet.csv", "mimeType": "text/csv", "buffer": filled.encode()}],
    )
    page.click("#distributor-mapping-import-submit")
    lines = len(filled.strip().splitlines()) - 1
    expect(page.locator("#distributor-mapping-import-counts")).to_have_text(
        f"on-sale-sheet.csv: {lines} created, 0 changed, 0 unchanged."
    )
    mapped = page.locator(f"#distributor-mappings-table tr[data-our-id='{cycle.performance['id']}']")
    expect(mapped.locator("[data-col=distributor_id]")).to_have_text(cycle.theirs(cycle.performance["code"]))

    # The allotment exported from the Exports tab: the quota's row of seats, sent.
    page.click("#distributor-tabs [data-tab=exports]")
    idle(page)
    page.click("#distributor-export-all")
    result = page.locator("#distributor-exports-result")
    expect(result).to_have_text(f"Allotment export: succeeded, {len(cycle.seat_ids)} places.", timeout=90_000)
    exported = page.locator(f"#distributor-exports-table tr[data-performance='{cycle.performance['id']}']")
    expect(exported).to_have_attribute("data-status", "sent")
    page.screenshot(path=ARTIFACTS / "distributor-cycle-exports.png", full_page=True)
    context.close()
    assert errors == []

    # The simulated distributor holds that allotment: every seat of the row, nothing sold.
    held = ok(api.get(cycle_support.simulator(stack, interface_id) + "/state"))["performances"]
    assert [(p["distributor_performance_id"], sorted(p["free_seats"]), p["sold"]) for p in held] == [
        (cycle.theirs(cycle.performance["code"]), cycle.seat_ids, 0)
    ]


def test_a_scheduled_reintegration_brings_the_distributors_sales_in_and_the_plan_shows_them_sold(
    stack, api, admin_token, cycle, interface
):
    sale = sell(api, stack, cycle, interface["id"], 2, full_price(api, admin_token, cycle, interface["id"]))
    sold = [line["seat"] for line in sale["lines"]]
    next_start = (datetime.now(UTC) + timedelta(seconds=5)).isoformat()
    schedule = ok(
        api.post(
            f"{INTERFACES}/{interface['id']}/schedules",
            {"function": "sales_reintegration", "every": 1, "unit": "minutes", "next_start": next_start},
            token=admin_token,
        ),
        201,
    )
    try:
        # The stack's schedule loop starts the run: poll the history for it.
        deadline = time.monotonic() + 90
        scheduled = []
        while not scheduled:
            assert time.monotonic() < deadline, "no scheduled reintegration ran"
            time.sleep(0.5)
            runs = ok(api.get(f"{INTERFACES}/{interface['id']}/runs", token=admin_token))["items"]
            scheduled = [r for r in runs if r["trigger"] == "schedule" and r["status"] != "skipped"]
        first = finished(api, admin_token, scheduled[-1]["run_id"])
        # The first scheduled run (the sale came before the schedule) brought both lines in.
        assert (first["status"], first["schedule_id"], first["counts"]["integrated"]) == (
            "succeeded",
            schedule["id"],
            2,
        ), first
        assert first["errors_by_category"] == {}, first
    finally:
        current = ok(api.get(f"{INTERFACES}/{interface['id']}/schedules", token=admin_token))["items"]
        for item in current:
            api.request(
                "DELETE",
                f"{INTERFACES}/{interface['id']}/schedules/{item['id']}",
                admin_token,
                params={"version": item["version"]},
            )

    # Each line of the sale is an order of the interface's contact...
    lines = sale_lines(api, admin_token, interface["id"], sale["external_sale_id"])
    assert [(line["status"], line["mapped"]["seat_id"]) for line in lines] == [
        ("integrated", s) for s in sold
    ]
    assert all(line["order_id"] for line in lines), lines
    order = ok(api.get(f"/backoffice/orders/{lines[0]['order_id']}", token=admin_token))["order"]
    assert (order["status"], order["email"], order["pos_id"]) == (
        "paid",
        cycle.contact["email"],
        cycle.point["id"],
    ), order
    # ...and the plan shows its seats sold, still in the distributor's quota.
    seats = seat_states(api, admin_token, cycle.performance["id"])
    assert [(seats[s]["status"], seats[s]["quota_id"]) for s in sold] == [("sold", cycle.quota["id"])] * 2


def test_a_cancellation_by_the_distributor_gives_the_seats_back_to_its_quota(
    stack, api, admin_token, cycle, interface
):
    sale = sell(api, stack, cycle, interface["id"], 2, full_price(api, admin_token, cycle, interface["id"]))
    seat_ids = [line["seat"] for line in sale["lines"]]
    run = reintegrated(api, admin_token, interface["id"])
    assert (run["status"], run["counts"]["integrated"]) == ("succeeded", 2), run
    seats = seat_states(api, admin_token, cycle.performance["id"])
    assert [seats[s]["status"] for s in seat_ids] == ["sold", "sold"]

    cancelled = ok(
        api.post(
            cycle_support.simulator(stack, interface["id"]) + f"/sales/{sale['external_sale_id']}/cancel"
        )
    )
    assert cancelled["cancelled"] is True
    run = reintegrated(api, admin_token, interface["id"])
    assert (run["status"], run["counts"]["cancelled"], run["errors_by_category"]) == ("succeeded", 2, {}), run

    lines = sale_lines(api, admin_token, interface["id"], sale["external_sale_id"])
    assert [line["status"] for line in lines] == ["cancelled", "cancelled"]
    seats = seat_states(api, admin_token, cycle.performance["id"])
    assert [(seats[s]["status"], seats[s]["quota_id"]) for s in seat_ids] == [("free", cycle.quota["id"])] * 2
    # The distributor may sell them again: they are in its allotment, free.
    state = ok(api.get(cycle_support.simulator(stack, interface["id"]) + "/state"))
    free = {s for p in state["performances"] for s in p["free_seats"]}
    assert set(seat_ids) <= free


# What each failure mode of the simulated distributor makes of a reintegration run's errors.
FAILURES = [
    ("error_500", {}, "technical"),
    ("timeout", {"delay_seconds": 3}, "technical"),  # the adapter waits 1 s here (below)
    ("malformed", {}, "external"),
    ("duplicate", {}, "external"),
]


def test_each_failure_of_the_distributor_lands_in_its_category_with_one_alert_and_one_recovery(
    stack, api, admin_token, cycle, interface, monkeypatch
):
    # The runs' Lambda functions run in this process (moto's interpreter): their adapter waits 1 s for
    # the distributor, and a technical failure's retries need no real back-off.
    monkeypatch.setenv("GUICHET_DISTRIBUTOR_TIMEOUT", "1")
    price = full_price(api, admin_token, cycle, interface["id"])
    before = reintegrated(api, admin_token, interface["id"])
    assert before["status"] == "succeeded", before
    outcomes = []
    try:
        with fast_retries():
            for mode, extra, _category in FAILURES:
                if mode in ("malformed", "duplicate"):  # records in the page for the distributor to spoil
                    fail(api, stack, interface["id"], "none")
                    sell(api, stack, cycle, interface["id"], 3 if mode == "malformed" else 1, price)
                fail(api, stack, interface["id"], mode, **extra)
                outcomes.append(reintegrated(api, admin_token, interface["id"]))
    finally:
        fail(api, stack, interface["id"], "none")
    recovered = reintegrated(api, admin_token, interface["id"])

    for (mode, _extra, category), run in zip(FAILURES, outcomes, strict=True):
        assert run["status"] in ("failed", "partly_failed"), (mode, run)
        assert set(run["errors_by_category"]) == {category}, (mode, run)
        assert run["first_error"]["category"] == category, (mode, run)
    assert recovered["status"] == "succeeded", recovered

    # One email on the first failure after a success, none for the failures in a row, one on recovery.
    name = cycle.name
    state = "failed" if outcomes[0]["status"] == "failed" else "ended with errors"
    assert alerts_of(api, admin_token, outcomes[0]["run_id"]) == [
        ("distributor_run_failing", cycle.alerts, f"[guichet] {name}: sales reintegration {state}")
    ]
    assert [alerts_of(api, admin_token, run["run_id"]) for run in outcomes[1:]] == [[], [], []]
    assert alerts_of(api, admin_token, recovered["run_id"]) == [
        ("distributor_run_recovered", cycle.alerts, f"[guichet] {name}: sales reintegration works again")
    ]


def test_a_quota_that_only_names_its_channel_is_reintegrated_too(stack, api, admin_token, cycle, interface):
    """The README: "The distributor's quotas are the channel's quota_ids and the external quotas naming
    the channel". Here the channel stops listing the quota: the export still sends its seats, so the
    distributor's sale of one must come in as an order too."""
    channel = ok(api.get(f"/backoffice/sales-channels/{cycle.channel['id']}", token=admin_token))
    body = {
        k: v for k, v in channel.items() if k not in ("id", "version", "created_at", "updated_at", "state")
    }
    ok(
        api.request(
            "PUT",
            f"/backoffice/sales-channels/{channel['id']}",
            admin_token,
            params={"version": channel["version"]},
            json={**body, "quota_ids": []},
        )
    )
    try:
        export = finished(
            api,
            admin_token,
            cycle_support.run_now(api, admin_token, interface["id"], "allotment_export")["run_id"],
        )
        assert (export["status"], export["counts"]["places"]) == ("succeeded", len(cycle.seat_ids)), export
        sale = sell(
            api, stack, cycle, interface["id"], 1, full_price(api, admin_token, cycle, interface["id"])
        )
        run = reintegrated(api, admin_token, interface["id"])
        lines = sale_lines(api, admin_token, interface["id"], sale["external_sale_id"])
        assert [(line["status"], line["error"]) for line in lines] == [("integrated", None)], run
    finally:
        channel = ok(api.get(f"/backoffice/sales-channels/{cycle.channel['id']}", token=admin_token))
        cycle_support.list_quota(api, admin_token, channel, cycle.quota["id"])
