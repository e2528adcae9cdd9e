"""The demo that `make run` seeds, as someone clicking through it sees it over HTTP."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from infra.local import demo_catalog as demo

CHANNEL_TYPES = {"box_office", "internet_b2c", "internet_company", "internet_agency", "external"}
KINDS = (
    "seating-plans",
    "layouts",
    "seat-categories",
    "quotas",
    "sales-channels",
    "points-of-sale",
    "audience-subcategories",
    "price-grids",
    "events",
    "performances",
    "company-types",
    "companies",
    "contacts",
)


def every_item(api, token: str, plural: str) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        response = api.get(f"/backoffice/{plural}", token=token, params=params)
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if not cursor:
            return items


@pytest.fixture(scope="module")
def catalog(api, admin_token) -> dict[str, list[dict]]:
    return {plural: every_item(api, admin_token, plural) for plural in KINDS}


def by_code(items: list[dict]) -> dict[str, dict]:
    return {item["code"]: item for item in items}


def demo_performances(catalog: dict[str, list[dict]]) -> list[dict]:
    """The demo's own (other e2e tests add items to the demo organisation too)."""
    codes = {code for event in demo.EVENTS for code, _ in event.performances()}
    return [item for item in catalog["performances"] if item["code"] in codes]


def ids_of(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


def test_the_hall_has_1500_numbered_seats_in_3_blocks_with_wheelchair_seats_and_a_pit(
    api, admin_token, catalog
):
    plan = by_code(catalog["seating-plans"])[demo.PLAN[0]]

    drawn = api.get(f"/backoffice/seating-plans/{plan['id']}/seats", token=admin_token).json()

    seats = [seat for block in drawn["blocks"] for seat in block["seats"]]
    assert len(seats) >= 1500 and plan["state"]["seat_count"] == len(seats)
    assert len(drawn["blocks"]) >= 3
    assert sum(seat["accessible"] for seat in seats) >= 4
    assert len({(seat["x"], seat["y"]) for seat in seats}) == len(seats)  # no two seats drawn on one spot
    [pit] = drawn["areas"]
    assert pit["capacity"] == 300 and "Pit" in pit["name"]


def test_the_layout_sells_every_seat_wheelchair_seats_as_pmr_and_shares_the_pit(api, admin_token, catalog):
    layout = by_code(catalog["layouts"])[demo.LAYOUT[0]]
    categories, quotas = ids_of(catalog["seat-categories"]), ids_of(catalog["quotas"])

    summary = api.get(f"/backoffice/layouts/{layout['id']}/summary", token=admin_token).json()
    plan = api.get(f"/backoffice/seating-plans/{summary['seating_plan_id']}/seats", token=admin_token).json()

    assert summary["unassigned"] == 0 and summary["unassigned_areas"] == []
    seated = {categories[row["seat_category_id"]]["code"]: row["seats"] for row in summary["seat_categories"]}
    accessible = sum(seat["accessible"] for block in plan["blocks"] for seat in block["seats"])
    assert len(seated) >= 4 and seated["PMR"] == accessible
    per_type = Counter()
    for row in summary["quotas"]:
        per_type[quotas[row["quota_id"]]["type"] if row["quota_id"] else None] += row["seats"]
    assert per_type["other"] > summary["seat_count"] / 2  # most seats in general sale
    assert per_type["group"] > 0 and per_type["external"] > 0
    [pit] = summary["areas"]
    assert len(pit["quotas"]) >= 2 and pit["quota_places"] == pit["capacity"] == 300


def test_seat_categories_have_colours_and_quotas_include_a_distributors(catalog):
    categories = by_code(catalog["seat-categories"])
    quotas = [q for q in catalog["quotas"] if q["code"] in {quota.code for quota in demo.QUOTAS}]
    channels = ids_of(catalog["sales-channels"])

    assert {"CAT1", "CAT2", "CAT3", "PMR"} <= set(categories)
    ours = [categories[spec.code] for spec in demo.SEAT_CATEGORIES]
    assert len({category["colour"] for category in ours}) == len(ours) >= 4
    assert {"other", "group", "external"} <= {quota["type"] for quota in quotas}
    [external] = [quota for quota in quotas if quota["type"] == "external"]
    [owner] = external["channel_ids"]
    assert channels[owner]["type"] == "external" and external["id"] in channels[owner]["quota_ids"]


def test_the_five_channel_types_each_have_a_point_of_sale_and_their_settings(catalog):
    channels = [c for c in catalog["sales-channels"] if c["code"] in {ch.code for ch in demo.CHANNELS}]
    points = Counter(point["channel_id"] for point in catalog["points-of-sale"])

    assert {channel["type"] for channel in channels} == CHANNEL_TYPES
    assert all(points[channel["id"]] >= 1 for channel in channels)
    assert {"BOX", "WEB", "PRO", "AGENCY", "DIST"} <= set(by_code(catalog["points-of-sale"]))
    for channel in channels:
        assert channel["quota_ids"] and channel["delivery_methods"], channel["code"]
    web = next(channel for channel in channels if channel["type"] == "internet_b2c")
    assert web["booking_fee"] > 0 and web["orphan_seat_trigger"] > 0
    assert {method["code"] for method in web["delivery_methods"]} >= {"ETICKET", "PICKUP", "POST"}


def test_the_price_grid_prices_three_audience_subcategories_for_every_seat_category(catalog):
    subcategories = ids_of(catalog["audience-subcategories"])
    seat_categories = by_code(catalog["seat-categories"])
    categories = {seat_categories[spec.code]["id"] for spec in demo.SEAT_CATEGORIES}
    grids = by_code(catalog["price-grids"])

    for grid in (grids[declared.code] for declared in demo.PRICE_GRIDS):
        audiences = {subcategories[price["audience_subcategory_id"]]["name"] for price in grid["prices"]}
        assert audiences == {"Full price", "Reduced (students, job seekers, over 65)", "Under 26"}
        assert {price["seat_category_id"] for price in grid["prices"]} == categories
        assert len(grid["prices"]) == 3 * len(categories)


def test_three_published_events_each_have_several_performances_on_sale(catalog):
    events = [by_code(catalog["events"])[event.code] for event in demo.EVENTS]
    performances = Counter(
        performance["event_id"]
        for performance in demo_performances(catalog)
        if performance["state"]["status"] == "on_sale"
    )

    assert len(events) >= 3 and {event["status"] for event in events} == {"published"}
    assert all(performances[event["id"]] >= 2 for event in events)
    assert all(event["price_grid_id"] for event in events)


def test_the_web_shop_lists_every_performance_with_prices_and_free_places(api, catalog):
    shop = "/shop/demo/pos/WEB/performances"

    listed = api.get(shop, params={"limit": 200}).json()["items"]
    first = demo_performances(catalog)[0]["id"]
    priced = api.get(f"{shop}/{first}").json()
    free = api.get(f"{shop}/{first}/availability").json()
    at_box_office = api.get(f"/shop/demo/pos/BOX/performances/{first}/availability").json()

    assert {item["id"] for item in listed} >= {p["id"] for p in demo_performances(catalog)}
    assert len({item["event"]["id"] for item in listed}) >= 3
    assert len(priced["prices"]) >= 3 and all(len(row["prices"]) == 3 for row in priced["prices"])
    assert all(price["amount"] > 0 for row in priced["prices"] for price in row["prices"])
    assert free["total_free"] >= 1000 and [area["area"] for area in free["areas"]] == ["PIT"]
    # The box office also sells its house seats and the groups' quota; the web shop does not.
    assert at_box_office["total_free"] > free["total_free"]


def test_the_web_shop_sells_the_season_ticket_with_4_performances(api):
    base = "/shop/demo/pos/WEB/season-tickets"
    product = next(p for p in api.get(base).json()["items"] if p["code"] == "SEASON-4")
    assert (product["min_lines"], product["max_lines"], product["lines"], product["same_seat"]) == (
        1,
        4,
        4,
        True,
    )
    query = {
        "audience_subcategory_id": product["audience_subcategories"][0]["id"],
        "seat_category_id": product["seat_categories"][0]["id"],
        "quantity": 1,
    }
    offer = api.get(f"{base}/{product['season_ticket_id']}", params=query).json()
    assert len(offer["lines"]) == 4
    assert all(p["status"] in ("available", "full") for line in offer["lines"] for p in line["performances"])
    # The Jazz Gala's line refuses another seat category, as the seed's example line does.
    assert [line["category_change_allowed"] for line in offer["lines"]] == [True, True, True, False]


def test_the_distributor_sells_through_its_own_systems_not_this_shop(api):
    response = api.get("/shop/demo/pos/DIST/performances")

    assert response.status_code == 404


def test_the_cashier_reads_the_catalog_but_cannot_change_it(api, cashier_token, catalog):
    events = api.get("/backoffice/events", token=cashier_token)
    created = api.post(
        "/backoffice/seasons",
        {"code": "2099", "name": "Never", "starts_on": "2099-01-01", "ends_on": "2099-12-31"},
        token=cashier_token,
    )

    assert events.status_code == 200 and len(events.json()["items"]) == len(catalog["events"])
    assert created.status_code == 403


def test_the_schools_relay_requests_an_option_on_the_company_space(api, catalog):
    email = demo.RELAY[2]
    token = api.post("/shop/demo/account/login", {"email": email, "password": demo.RELAY_PASSWORD}).json()[
        "token"
    ]
    # the latest: requests close 7 days before a performance at its curtain time, and the earliest one
    # is 7 days away (its requests closed since 20:00 at the venue today)
    performance = max(demo_performances(catalog), key=lambda p: datetime.fromisoformat(p["starts_at"]))
    category = next(c["id"] for c in catalog["seat-categories"] if c["code"] == demo.SEAT_CATEGORIES[1].code)
    body = {"performance_id": performance["id"], "quantities": {category: 12}, "remark": "Class of 12"}

    too_few = api.post("/shop/demo/pos/PRO/options", {**body, "quantities": {category: 2}}, token=token)
    asked = api.post("/shop/demo/pos/PRO/options", body, token=token)

    assert too_few.status_code == 422 and too_few.json()["details"]["minimum"] == demo.OPTION_PROFILE[3]
    assert asked.status_code == 201, asked.text
    assert asked.json()["state"] == "requested" and asked.json()["editable_until"]
    mine = api.get("/shop/demo/options", token=token).json()["options"]
    assert asked.json()["option_id"] in [o["option_id"] for o in mine]


def relay_login(api, relay: tuple[str, str, str], password: str) -> dict:
    contact_number, _, email = relay
    body = {"email": email, "password": password, "contact_number": contact_number}
    response = api.post("/shop/demo/relay-login", body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_school_and_the_agency_buy_on_their_deferred_accounts_at_their_points_of_sale(api, catalog):
    companies = by_code(catalog["companies"])
    school = relay_login(api, demo.RELAY, demo.RELAY_PASSWORD)
    agency = relay_login(api, demo.AGENCY_RELAY, demo.AGENCY_RELAY_PASSWORD)
    limit, terms = demo.DEFERRED_ACCOUNT

    for session, company, pos in ((school, demo.COMPANY, "PRO"), (agency, demo.AGENCY, "AGENCY")):
        assert session["relay"]["company_id"] == companies[company[0]]["id"]
        account = api.get("/shop/demo/account/deferred-account", token=session["token"])
        assert account.status_code == 200, account.text
        assert (account.json()["enabled"], account.json()["credit_limit"]) == (True, limit)
        assert account.json()["payment_terms_days"] == terms and account.json()["company_name"] == company[1]
        cart = api.post(f"/shop/demo/pos/{pos}/carts", token=session["token"])
        assert cart.status_code == 201, (pos, cart.text)
    # The agency space serves only the agencies it lists: the school's relay is refused there.
    refused = api.post("/shop/demo/pos/AGENCY/carts", token=school["token"])
    assert refused.status_code == 403 and refused.json()["details"]["reason"] == "company_not_listed"


def test_the_producers_relay_reads_the_events_it_produces_and_only_those(api, catalog):
    events = by_code(catalog["events"])
    session = relay_login(api, demo.PRODUCER_RELAY, demo.PRODUCER_RELAY_PASSWORD)

    mine = api.get("/shop/demo/producer/events", token=session["token"])
    other = events["NUTCRACKER"]["id"]
    refused = api.get(f"/shop/demo/producer/events/{other}/availability", token=session["token"])

    assert mine.status_code == 200, mine.text
    produced = {event["event_id"] for event in mine.json()["events"]}
    assert produced == {events[code]["id"] for code in demo.PRODUCED_EVENTS}
    assert all(event["performances"] for event in mine.json()["events"])
    assert refused.status_code == 403 and refused.json()["details"]["reason"] == "not_your_event"


def test_a_company_account_request_waits_for_the_operator(api, admin_token):
    response = api.get("/backoffice/company-accounts", token=admin_token, params={"status": "requested"})

    assert response.status_code == 200, response.text
    asked = [r for r in response.json()["requests"] if r["email"] == demo.ACCOUNT_REQUEST["email"]]
    assert [(r["company_name"], r["relay_name"]) for r in asked] == [
        (demo.ACCOUNT_REQUEST["company_name"], demo.ACCOUNT_REQUEST["relay_name"])
    ]


def test_the_demo_has_weeks_of_sales_a_group_reservation_and_door_scans_to_show(api, admin_token, catalog):
    home = api.get("/backoffice/dashboard", token=admin_token).json()
    sales = api.get(
        "/backoffice/reports/sales", token=admin_token, params={"day_from": home["days"][0]["day"]}
    )
    takings = api.get("/backoffice/reports/takings", token=admin_token).json()
    [played] = [p for p in catalog["performances"] if p["code"] == demo.PLAYED.performances()[0][0]]
    entries = api.get(
        "/backoffice/reports/entries", token=admin_token, params={"performance_id": played["id"]}
    )

    sale_days = [day for day in home["days"] if day["tickets"]]
    assert len(sale_days) >= 10, home["days"]  # weeks of sales, not one day
    assert len(sales.json()["by_day"]) >= 10 and sales.json()["totals"]["tickets"] > 20
    assert {row["channel_id"] for row in home["channels"]} >= {
        by_code(catalog["sales-channels"])[c]["id"] for c in ("WEB", "BOX")
    }
    assert sum(row["refunded"] for row in takings["by_method"]) > 0  # a cancellation refunded to the card
    assert any(row["method"] == "gift_voucher" for row in takings["by_method"])
    [group] = home["to_act_on"]["reservations_expiring"]  # the school's group, payable until tomorrow
    assert group["places"] == 60
    assert 0 < entries.json()["totals"]["entries"] <= entries.json()["totals"]["sold"]
    assert len({row["gate"] for row in entries.json()["rows"]}) == 2
    assert home["to_act_on"]["options"]["to_place"] >= 1


def test_seeding_again_changes_nothing_and_says_so(stack, api, admin_token, catalog):
    # The stack configured this process's environment, so the seed runs against the stack's tables.
    from infra.local import seed

    requests_before = api.get("/backoffice/company-accounts", token=admin_token).json()["requests"]
    assert seed.seed() == []
    requests_after = api.get("/backoffice/company-accounts", token=admin_token).json()["requests"]
    assert len(requests_after) == len(requests_before)
    accounts = api.get("/backoffice/deferred-accounts", token=admin_token).json()["accounts"]
    companies = ids_of(catalog["companies"])
    opened = Counter(companies[a["company_id"]]["code"] for a in accounts if a["company_id"] in companies)
    assert opened[demo.COMPANY[0]] == opened[demo.AGENCY[0]] == 1
    again = {plural: every_item(api, admin_token, plural) for plural in KINDS}
    assert demo_performances(again) == demo_performances(catalog)
    for plural in KINDS:
        assert len(again[plural]) == len(catalog[plural]), plural
