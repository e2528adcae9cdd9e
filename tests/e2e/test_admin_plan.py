"""The drawn plan reads as a hall: a stage, block and row labels, seats chosen from the keyboard or the
block / row / seats picker and listed in the side panel, zoom that makes a 20,000-seat hall legible,
standing areas placed by their coordinates, and held seats drawn by what holds them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_admin_layout import DESKTOP, open_page, settled
from tests.e2e.test_shop_purchase import free_row_start, guest, hold, open_cart, performance_with_free_seats

BIG_HALL = (10, 40, 50)  # blocks, rows, seats per row: 20,000 seats


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


def test_the_picker_selects_a_range_of_a_row_and_the_side_panel_lists_it(plan, script_errors):
    row = plan.locator("#plan-svg-pick-row option").nth(1)
    row_name = row.get_attribute("value")
    plan.select_option("#plan-svg-pick-row", row_name)
    plan.fill("#plan-svg-pick-from", "3")
    plan.fill("#plan-svg-pick-to", "5")
    plan.click("#plan-svg-pick-select")

    expect(plan.locator("#plan-svg-selection")).to_have_attribute("data-count", "3")
    listed = plan.locator("#plan-svg-chosen-list li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(f"row {row_name}: 3\u20135 (3)")

    plan.fill("#plan-svg-pick-from", "7")
    plan.fill("#plan-svg-pick-to", "7")
    plan.click("#plan-svg-pick-add")
    expect(listed).to_contain_text(f"row {row_name}: 3\u20135, 7 (4)")
    assert script_errors == []


def test_a_clicked_seat_keeps_its_details_shown(plan, script_errors):
    seat = plan.locator("#plan-svg circle.seat").nth(3)
    seat_id = seat.get_attribute("data-seat")

    seat.click()
    plan.mouse.move(0, 0)  # the pointer leaves the plan: the clicked seat's details stay

    expect(plan.locator("#plan-svg-hover")).to_contain_text(f"Seat {seat_id}")
    assert script_errors == []


@pytest.fixture(scope="module")
def big_plan(api, admin_token):
    halls = api.get("/backoffice/halls", admin_token, params={"limit": 1}).json()["items"]
    blocks, rows, per_row = BIG_HALL
    lines = ["zone,block,row,number,x,y"]
    lines += [
        f"Stalls,B{b},R{r},{n},{b * (per_row + 4) + n},{r * 1.2}"
        for b in range(blocks)
        for r in range(rows)
        for n in range(1, per_row + 1)
    ]
    body = {"hall_id": halls[0]["id"], "code": "E2E-BIG", "name": "Arena", "format": "csv"}
    answer = api.post("/backoffice/seating-plans/import", {**body, "content": "\n".join(lines)}, admin_token)
    assert answer.status_code == 201, answer.text
    return answer.json()["plan"]["id"]


def seat_width(page, seat_id: str) -> float:
    return page.locator(f"#plan-svg circle[data-seat='{seat_id}']").bounding_box()["width"]


def test_zooming_makes_a_20000_seat_hall_legible_and_keeps_the_seat_under_the_pointer(
    browser, stack, big_plan, script_errors
):
    page = open_page(browser, stack, script_errors, DESKTOP)
    page.goto(page.url.split("#")[0] + f"#/seating-plans/{big_plan}")
    settled(page)
    expect(page.locator("#plan-svg circle.seat")).to_have_count(20_000)
    seat = "Stalls-B4-R20-25"
    fitted = seat_width(page, seat)
    assert fitted < 3  # fitted, a seat of this hall is a dot

    for _ in range(5):  # deep enough that the plan is taller than its box: every point can stay put
        page.click("#plan-svg-zoom-in")
    expect(page.locator("#plan-svg-zoom-level")).to_have_text("759%")
    circle = page.locator(f"#plan-svg circle[data-seat='{seat}']")
    circle.scroll_into_view_if_needed()
    box = circle.bounding_box()
    pointer = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    page.mouse.move(*pointer)
    page.keyboard.down("Control")  # Ctrl + wheel, as a trackpad's pinch sends it
    for _ in range(3):
        page.mouse.wheel(0, -200)
    page.keyboard.up("Control")

    assert seat_width(page, seat) > 4 * box["width"]
    under = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.getAttribute('data-seat')", pointer)
    assert under == seat

    page.focus("#plan-svg")
    for _ in range(12):
        page.keyboard.press("+")
    expect(page.locator("#plan-svg-zoom-in")).to_be_disabled()
    assert seat_width(page, seat) >= 24  # as wide as a finger tip, its number written inside
    expect(page.locator("#plan-svg .seat-numbers")).to_be_visible()

    page.keyboard.press("0")
    expect(page.locator("#plan-svg")).to_have_attribute("data-zoom", "1")
    expect(page.locator("#plan-svg-zoom-out")).to_be_disabled()
    assert seat_width(page, seat) == pytest.approx(fitted, rel=0.05)
    assert script_errors == []
    page.context.close()


def test_standing_areas_with_coordinates_are_drawn_where_the_plan_places_them(plan, script_errors):
    # The drawing module itself, as the admin page loaded it: an area given x, y, width and height.
    placed = plan.evaluate(
        """async () => {
            const url = performance.getEntriesByType("resource").map((e) => e.name)
                .find((name) => name.endsWith("/plan-draw.js"));
            const { geometry, planSvg } = await import(url);
            const blocks = [{ zone: "S", block: "1", seats: [0, 1, 2, 3].map((n) => (
                { seat_id: `S-1-A-${n}`, row: "A", number: String(n), x: 10 + n, y: 20 }))}];
            const areas = [
                { code: "PIT", name: "Pit", capacity: 300, x: 8, y: 10, width: 8, height: 6 },
                { code: "BAR", name: "Bar", capacity: 50 },
            ];
            const svg = planSvg("t", "T", blocks, areas, geometry(blocks, areas));
            const rect = (code) => {
                const r = svg.querySelector(`[data-area=${code}] rect`);
                return ["x", "y", "width", "height"].map((k) => Number(r.getAttribute(k)));
            };
            return { pit: rect("PIT"), bar: rect("BAR") };
        }"""
    )

    assert placed["pit"] == [8, 10, 8, 6]  # in front of row A, as the plan says
    assert placed["bar"][1] > 20  # no coordinates: under the seats, as before
    assert script_errors == []


def test_a_seat_in_a_cart_is_drawn_as_in_a_cart_and_says_which(browser, stack, api, script_errors):
    performance, _ = performance_with_free_seats(api, stack, 4)
    seat = free_row_start(api, stack, performance["id"])
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    hold(api, stack, token, cart_id, {"performance_id": performance["id"], "seat_ids": [seat]})
    page = open_page(browser, stack, script_errors, DESKTOP)
    page.goto(page.url.split("#")[0] + f"#/events/{performance['event']['id']}/{performance['id']}")
    settled(page)

    circle = page.locator(f"#plan-svg circle[data-seat='{seat}']")
    expect(circle).to_have_attribute("data-hold", "cart")
    expect(page.locator("#plan-svg-legend li[data-key='held:cart']")).to_contain_text("In a cart")
    circle.click()
    expect(page.locator("#plan-svg-hover")).to_contain_text(f"in a cart {cart_id}")
    assert script_errors == []
    page.context.close()
