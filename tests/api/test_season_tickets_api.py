"""The seed's story over HTTP: John chooses the season ticket with 4 performances in Cat 2, one of his
performances is full in Cat 2, he takes the alternative offered, pays once, gets a ticket per
performance; the operator sees his subscription. And the refusals, in the one error shape."""

from __future__ import annotations

from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import BuyerLimit
from chalicelib.shop import service as shop
from tests.api.test_customers_api import operator_with
from tests.api.test_shop_sales_api import paid_by_card
from tests.season_ticket_world import SeasonWorld, build_season

ORG = "demo"
SHOP = f"/shop/{ORG}"


def fill_cat2(s: SeasonWorld, performance_id: str) -> None:
    state = shop.on_sale(shop.shop_front(ORG, s.pos), performance_id)[2].state
    seats = [s.seat(block, row, n) for block in "LR" for row in "BC" for n in range(1, 11)]
    refs = inventory.seat_refs(performance_id, inventory.stock_shards(state), seats)
    inventory.place_hold(
        ORG, performance_id, "other", refs, 3600, limit=BuyerLimit("LIMIT#x#o", "LIMIT", 100)
    )
    shop.clear_cache()
    inventory.forget_views()


def john_cart(api) -> tuple[str, str]:
    token = api.call("POST", f"{SHOP}/guest").json_body["token"]
    cart = api.call("POST", f"{SHOP}/pos/ALL1/carts", token=token)
    assert cart.status_code == 201, cart.json_body
    return token, cart.json_body["cart_id"]


def test_john_buys_his_season_ticket_with_an_alternative_for_the_full_performance(api):
    s = build_season()
    fill_cat2(s, s.performances[2])
    listed = api.call("GET", f"{SHOP}/pos/ALL1/season-tickets")
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json_body["items"]] == ["Season ticket with 4 performances"]
    query = f"audience_subcategory_id={s.world.full}&seat_category_id={s.cat2}&quantity=1"
    offer = api.call("GET", f"{SHOP}/pos/ALL1/season-tickets/{s.season_ticket_id}?{query}")
    assert offer.status_code == 200, offer.json_body
    shown = {p["performance_id"]: p for line in offer.json_body["lines"] for p in line["performances"]}
    full = shown[s.performances[2]]
    assert full["status"] == "full" and full["message"] == "CAT2 full, choose an alternative"
    assert [a["seat_category_id"] for a in full["alternatives"]] == [s.cat1]

    token, cart_id = john_cart(api)
    body = {
        "season_ticket_id": s.season_ticket_id,
        "audience_subcategory_id": s.world.full,
        "seat_category_id": s.cat2,
        "performances": [
            {"line_id": "L1", "performance_id": s.performances[0]},
            {"line_id": "L2", "performance_id": s.performances[1]},
            {"line_id": "L3", "performance_id": s.performances[2], "seat_category_id": s.cat1},
        ],
    }
    held = api.call("POST", f"{SHOP}/carts/{cart_id}/season-tickets", body, token=token)
    assert held.status_code == 201, held.json_body
    assert held.json_body["totals"]["tickets"] == 2700 + 2700 + 4050
    assert {line["package"]["name"] for line in held.json_body["lines"]} == {
        "Season ticket with 4 performances"
    }

    order = api.call(
        "POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "john@example.com", "name": "John"}, token=token
    )
    assert order.status_code == 201, order.json_body
    paid = paid_by_card(api, order.json_body, token)
    assert paid["status"] == "paid"
    assert sorted(line["performance_id"] for line in paid["lines"]) == sorted(s.performances[:3])

    from chalicelib.outbox import service as outbox

    outbox.drain()
    admin = api.login()
    found = api.call(
        "GET", f"/backoffice/season-ticket-subscriptions?season_ticket_id={s.season_ticket_id}", token=admin
    )
    assert found.status_code == 200, found.json_body
    assert [(i["order_id"], i["status"], i["buyer_name"]) for i in found.json_body["items"]] == [
        (paid["order_id"], "active", "John")
    ]
    stranger = operator_with(api, admin, "stranger", {"orders": ["read"]})
    refused = api.call(
        "GET",
        f"/backoffice/season-ticket-subscriptions?season_ticket_id={s.season_ticket_id}",
        token=stranger,
    )
    assert refused.status_code == 403 and refused.json_body["code"] == "permission_denied"


def test_refusals_name_the_field_and_the_reason(api):
    s = build_season(line_overrides={"L3": {"category_change": "no"}})
    fill_cat2(s, s.performances[2])
    token, cart_id = john_cart(api)
    base = {
        "season_ticket_id": s.season_ticket_id,
        "audience_subcategory_id": s.world.full,
        "seat_category_id": s.cat2,
    }

    def post(performances):
        return api.call(
            "POST",
            f"{SHOP}/carts/{cart_id}/season-tickets",
            {**base, "performances": performances},
            token=token,
        )

    no_change = post([{"line_id": "L3", "performance_id": s.performances[2], "seat_category_id": s.cat1}])
    assert no_change.status_code == 409
    assert no_change.json_body["code"] == "category_change_refused"
    assert no_change.json_body["details"]["reason"] == "not_allowed"
    assert no_change.json_body["details"]["field"] == "performances[0].seat_category_id"

    too_many = post([{"line_id": f"L{n + 1}", "performance_id": s.performances[n]} for n in range(4)])
    assert too_many.status_code == 422 and too_many.json_body["details"]["field"] == "performances"

    twice = post([{"line_id": "L1", "performance_id": s.performances[0]}] * 2)
    assert twice.status_code in (400, 422) and twice.json_body["code"]

    unknown = api.call(
        "GET", f"{SHOP}/pos/ALL1/season-tickets/nope?audience_subcategory_id=a&seat_category_id=b"
    )
    assert unknown.status_code == 404 and "traceback" not in unknown.body.decode().lower()
    # nothing was held by the refusals
    assert api.call("GET", f"{SHOP}/carts/{cart_id}", token=token).json_body["lines"] == []


def test_the_box_office_sells_a_season_ticket_to_a_contact_who_becomes_a_subscriber(api):
    s = build_season()
    admin = api.login()
    contact = api.call(
        "POST",
        "/backoffice/contacts",
        {"code": "C-JOHN", "name": "John", "email": "john@example.com"},
        token=admin,
    )
    assert contact.status_code == 201, contact.json_body
    contact_id = contact.json_body["id"]
    opened = api.call("POST", f"{SHOP}/pos/BOX1/carts?contact_id={contact_id}", token=admin)
    assert opened.status_code == 201, opened.json_body
    cart_id = opened.json_body["cart_id"]
    body = {
        "season_ticket_id": s.season_ticket_id,
        "audience_subcategory_id": s.world.full,
        "seat_category_id": s.cat1,  # the box office's quota: row A
        "performances": [{"line_id": f"L{n + 1}", "performance_id": s.performances[n]} for n in range(2)],
    }
    held = api.call("POST", f"{SHOP}/carts/{cart_id}/season-tickets", body, token=admin)
    assert held.status_code == 201, held.json_body
    order = api.call(
        "POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "john@example.com", "name": "John"}, token=admin
    )
    assert order.status_code == 201, order.json_body
    paid = paid_by_card(api, order.json_body, admin)
    assert paid["status"] == "paid" and paid["total"] >= 2 * 4050

    from chalicelib.outbox import service as outbox

    outbox.drain()
    found = api.call(
        "GET", f"/backoffice/season-ticket-subscriptions?season_ticket_id={s.season_ticket_id}", token=admin
    )
    assert [(i["contact_id"], i["status"]) for i in found.json_body["items"]] == [(contact_id, "active")]
    levels = api.call("GET", f"/backoffice/contacts/{contact_id}/indicators", token=admin).json_body["levels"]
    assert levels == {s.indicator_id: "SUB"}


def test_a_line_offers_performances_of_its_own_event_only(api):
    s = build_season()
    admin = api.login()
    product = api.call("GET", f"/backoffice/season-tickets/{s.season_ticket_id}", token=admin).json_body
    other_event = api.call(
        "POST",
        "/backoffice/events",
        {
            "season_id": product["season_id"],
            "activity_id": _activity(api, admin),
            "code": "OTHER",
            "name": "Other",
        },
        token=admin,
    )
    assert other_event.status_code == 201, other_event.json_body
    body = {
        k: v for k, v in product.items() if k not in ("id", "version", "created_at", "updated_at", "state")
    }
    body["lines"][0]["event_id"] = other_event.json_body["id"]
    refused = api.call("PUT", f"/backoffice/season-tickets/{s.season_ticket_id}", body, token=admin)
    assert refused.status_code == 422, refused.json_body
    assert refused.json_body["details"].get("field") == "lines.0.performance_ids", refused.json_body


def _activity(api, admin: str) -> str:
    return api.call("GET", "/backoffice/activities", token=admin).json_body["items"][0]["id"]
