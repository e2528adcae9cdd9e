"""Advantages and promo codes in the shop, over HTTP: who sees which prices, codes on a cart, what
checkout charges and records, what a cancellation gives back, and every refusal named."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.advantages import offers
from chalicelib.catalog import service as catalog
from chalicelib.outbox import service as outbox
from tests.api.test_shop_sales_api import SHOP, guest, hold, open_cart, paid_by_card, shopper
from tests.shop_world import World, build_world


@pytest.fixture
def world(api) -> World:
    offers.forget()
    return build_world()


def _event(world: World) -> str:
    return catalog.get("demo", "performance", world.performance_id).data["event_id"]


def _in_operation(api, path: str, body: dict, ident_key: str) -> str:
    """Create it as an operator and put it in operation; the shop then reads it fresh."""
    admin = api.login()
    created = api.call("POST", path, body, token=admin)
    assert created.status_code == 201, created.json_body
    ident = created.json_body[ident_key]
    state = {"action": "put_in_operation", "version": 1}
    live = api.call("POST", f"{path}/{ident}/state", state, token=admin)
    assert live.status_code == 200, live.json_body
    offers.forget()
    return ident


def advantage(api, world: World, target: dict, rule: dict | None = None, **settings) -> str:
    """An advantage in operation: the under-26 price set by `rule` (default 10.00 off) on the event."""
    rule = rule or {"kind": "amount_off", "value": 1000}
    body = {
        "season_id": "S2026",
        "event_ids": [_event(world)],
        "prices": [{"audience_subcategory_id": world.young, "rule": rule}],
        "public_name": settings.pop("public_name", "Friends"),
        "target": target,
        **settings,
    }
    return _in_operation(api, "/backoffice/advantages", body, "advantage_id")


def promo(api, **settings) -> str:
    discount = {"kind": "percent_off", "value": 10}
    body = {"code": "SPRING", "public_name": "Spring", "discount": discount, **settings}
    return _in_operation(api, "/backoffice/promo-codes", body, "promo_id")


def cart_with_seats(api, world: World, token: str, *seats: str) -> tuple[str, list[dict]]:
    cart_id = open_cart(api, token)
    held = hold(api, token, cart_id, {"performance_id": world.performance_id, "seat_ids": list(seats)})
    assert held.status_code == 201, held.json_body
    return cart_id, held.json_body["lines"]


def choose(api, world: World, token: str, cart_id: str, line_id: str, advantage_id: str | None):
    body = {"audience_subcategory_id": world.young, "advantage_id": advantage_id}
    return api.call("PUT", f"{SHOP}/carts/{cart_id}/lines/{line_id}", body, token=token)


def enter(api, token: str, cart_id: str, code: str):
    return api.call("POST", f"{SHOP}/carts/{cart_id}/codes", {"code": code}, token=token)


def checkout(api, token: str, cart_id: str):
    return api.call(
        "POST", f"{SHOP}/carts/{cart_id}/checkout", {"email": "ann@example.com", "name": "Ann"}, token=token
    )


def test_everyone_sees_a_general_public_price_and_pays_it_and_the_order_records_it(api, world):
    ident = advantage(api, world, {"type": "general_public"}, public_name="Young at heart")
    token = guest(api)
    shown = api.call("GET", f"{SHOP}/pos/WEB1/performances/{world.performance_id}/advantages", token=token)
    assert shown.status_code == 200
    [offer] = shown.json_body["advantages"]
    cat2 = next(p for p in offer["prices"] if p["seat_category_id"] == world.category("CAT2"))
    assert (offer["advantage_id"], cat2["original_price"], cat2["amount"]) == (ident, 1500, 500)

    cart_id, [line] = cart_with_seats(api, world, token, world.seat("L", "B", 4))
    cart = choose(api, world, token, cart_id, line["line_id"], ident).json_body
    assert cart["lines"][0]["unit_price"] == 500 and cart["lines"][0]["original_price"] == 1500
    assert cart["totals"]["tickets"] == 500

    order = checkout(api, token, cart_id)
    assert order.status_code == 201, order.json_body
    paid = paid_by_card(api, order.json_body, token)
    [bought] = paid["lines"]
    assert (paid["status"], paid["total"]) == ("paid", 500)
    assert (
        bought["advantage_id"],
        bought["advantage_name"],
        bought["original_price"],
        bought["unit_price"],
    ) == (
        ident,
        "Young at heart",
        1500,
        500,
    )


def test_a_partner_code_unlocks_its_advantage_and_unknown_codes_are_named(api, world):
    ident = advantage(
        api, world, {"type": "partner", "access_code": "ACME2026"}, rule={"kind": "set_price", "value": 900}
    )
    token = guest(api)
    cart_id, [line] = cart_with_seats(api, world, token, world.seat("L", "B", 4))

    refused = choose(api, world, token, cart_id, line["line_id"], ident)
    assert refused.status_code == 409 and refused.json_body["code"] == "advantage_refused"
    assert refused.json_body["details"]["reason"] == "code_needed"
    unknown = enter(api, token, cart_id, "nope-123")
    assert unknown.status_code == 409 and unknown.json_body["details"]["reason"] == "unknown"

    entered = enter(api, token, cart_id, "  acme2026 ")
    assert entered.status_code == 200, entered.json_body
    assert entered.json_body["codes"] == [{"code": "ACME2026", "kind": "partner", "advantage_id": ident}]
    priced = choose(api, world, token, cart_id, line["line_id"], ident).json_body
    assert priced["lines"][0]["unit_price"] == 900

    removed = api.call("DELETE", f"{SHOP}/carts/{cart_id}/codes/ACME2026", token=token).json_body
    assert removed["codes"] == [] and removed["lines"][0]["advantage_id"] is None
    assert removed["lines"][0]["unit_price"] == 1500


def test_a_single_use_code_serves_one_order_and_comes_back_when_the_order_is_cancelled(api, world):
    ident = advantage(api, world, {"type": "single_use_codes"})
    admin = api.login()
    [code] = api.call("POST", f"/backoffice/advantages/{ident}/codes", {"count": 1}, token=admin).json_body[
        "codes"
    ]
    ann, bob = guest(api), guest(api)
    ann_cart, [ann_line] = cart_with_seats(api, world, ann, world.seat("L", "B", 4))
    bob_cart, _ = cart_with_seats(api, world, bob, world.seat("L", "B", 8))

    assert enter(api, ann, ann_cart, code.lower()).status_code == 200
    elsewhere = enter(api, bob, bob_cart, code)
    assert elsewhere.status_code == 409 and elsewhere.json_body["details"]["reason"] == "in_another_cart"
    assert choose(api, world, ann, ann_cart, ann_line["line_id"], ident).json_body["totals"]["tickets"] == 500
    order = paid_by_card(api, checkout(api, ann, ann_cart).json_body, ann)
    assert (order["lines"][0]["code"], order["lines"][0]["code_kind"]) == (code, "single_use")
    [ticket] = api.call("GET", f"{SHOP}/orders/{order['order_id']}/tickets", token=ann).json_body["tickets"]
    scan = {"barcode": ticket["barcode"], "performance_id": world.performance_id}
    assert (
        api.call("POST", "/backoffice/ticket-control/scan", scan, token=admin).json_body["result"] == "valid"
    )
    outbox.drain()
    dashboard = api.call("GET", f"/backoffice/code-dashboard?advantage_id={ident}", token=admin).json_body
    assert (dashboard["totals"]["used"], dashboard["totals"]["scanned"]) == (1, 1)

    used = enter(api, bob, bob_cart, code)
    assert used.status_code == 409 and used.json_body["details"]["reason"] == "used"
    cancelled = api.call(
        "POST", f"/backoffice/orders/{order['order_id']}/cancel", {"refund": "card"}, token=admin
    )
    assert cancelled.status_code == 200, cancelled.json_body
    outbox.drain()
    assert enter(api, bob, bob_cart, code).status_code == 200


def test_a_promo_code_is_spread_over_the_lines_after_their_advantages(api, world):
    ident = advantage(api, world, {"type": "general_public"})
    promo(api, minimum_basket=2000)
    token = guest(api)
    cart_id, lines = cart_with_seats(api, world, token, world.seat("L", "B", 4), world.seat("L", "B", 5))
    choose(api, world, token, cart_id, lines[0]["line_id"], ident)  # 1500 -> 500; the other stays 3000

    cart = enter(api, token, cart_id, "spring").json_body
    assert cart["promo"]["discount"] == 350 and cart["promo"]["refusal"] is None
    assert sorted(line["promo_share"] for line in cart["lines"]) == [50, 300]
    assert cart["totals"]["tickets"] == 3150 and cart["totals"]["promo_discount"] == 350

    order = paid_by_card(api, checkout(api, token, cart_id).json_body, token)
    assert (order["total"], order["promo_code"], order["promo_discount"]) == (3150, "SPRING", 350)
    assert sum(line["unit_price"] for line in order["lines"]) == 3150
    admin = api.login()
    promo_id = api.call("GET", "/backoffice/promo-codes", token=admin).json_body["promo_codes"][0]["promo_id"]
    counted = api.call("GET", f"/backoffice/advantages/{ident}", token=admin).json_body["quota_taken"]
    assert (
        counted,
        api.call("GET", f"/backoffice/promo-codes/{promo_id}", token=admin).json_body["uses"],
    ) == (1, 1)
    cancel = {"refund": "card"}
    assert (
        api.call("POST", f"/backoffice/orders/{order['order_id']}/cancel", cancel, token=admin).status_code
        == 200
    )
    counted = api.call("GET", f"/backoffice/advantages/{ident}", token=admin).json_body["quota_taken"]
    assert (
        counted,
        api.call("GET", f"/backoffice/promo-codes/{promo_id}", token=admin).json_body["uses"],
    ) == (0, 0)


def test_a_promo_code_under_its_minimum_basket_is_shown_refused_and_checkout_refuses_it(api, world):
    promo(api, minimum_basket=10_000)
    token = guest(api)
    cart_id, _ = cart_with_seats(api, world, token, world.seat("L", "B", 4))
    cart = enter(api, token, cart_id, "SPRING").json_body
    assert cart["promo"]["refusal"] == "below_minimum_basket" and cart["totals"]["tickets"] == 3000

    refused = checkout(api, token, cart_id)
    assert refused.status_code == 409 and refused.json_body["code"] == "advantage_refused"
    assert refused.json_body["details"]["refused"] == [
        {"promo_code": "SPRING", "reason": "below_minimum_basket"}
    ]
    api.call("DELETE", f"{SHOP}/carts/{cart_id}/codes/spring", token=token)
    assert checkout(api, token, cart_id).status_code == 201


def test_an_advantage_closed_after_the_line_was_priced_stops_the_checkout_naming_the_line(api, world):
    ident = advantage(api, world, {"type": "general_public"})
    token = guest(api)
    cart_id, [line] = cart_with_seats(api, world, token, world.seat("L", "B", 4))
    choose(api, world, token, cart_id, line["line_id"], ident)
    admin = api.login()
    api.call("POST", f"/backoffice/advantages/{ident}/state", {"action": "close", "version": 2}, token=admin)
    offers.forget()

    refused = checkout(api, token, cart_id)
    assert refused.status_code == 409, refused.json_body
    assert refused.json_body["details"]["refused"] == [
        {"line_id": line["line_id"], "advantage_id": ident, "reason": "not_in_operation"}
    ]
    choose(api, world, token, cart_id, line["line_id"], None)
    order = checkout(api, token, cart_id)
    assert order.status_code == 201 and order.json_body["total"] == 1500


def test_a_price_changed_since_it_was_shown_is_never_charged_without_showing_it(api, world):
    token = guest(api)
    cart_id, [line] = cart_with_seats(api, world, token, world.seat("L", "B", 4))
    grid = catalog.get("demo", "price_grid", world.grid_id)
    from chalicelib.catalog import kinds as k

    prices = [{**p, "amount": p["amount"] + 100} for p in grid.data["prices"]]
    catalog.replace(
        "demo", "price_grid", world.grid_id, k.PriceGridSpec(**{**grid.data, "prices": prices}), None
    )

    changed = checkout(api, token, cart_id)
    assert changed.status_code == 409 and changed.json_body["code"] == "prices_changed"
    assert changed.json_body["details"]["changed"] == [{"line_id": line["line_id"], "was": 3000, "now": 3100}]
    again = checkout(api, token, cart_id)
    assert again.status_code == 201 and again.json_body["total"] == 3100


def test_a_quota_counts_tickets_and_a_cancelled_order_gives_them_back(api, world):
    ident = advantage(api, world, {"type": "general_public"}, quota=1)
    ann, bob = guest(api), guest(api)
    ann_cart, [ann_line] = cart_with_seats(api, world, ann, world.seat("L", "B", 4))
    choose(api, world, ann, ann_cart, ann_line["line_id"], ident)
    order = checkout(api, ann, ann_cart).json_body

    bob_cart, [bob_line] = cart_with_seats(api, world, bob, world.seat("L", "B", 8))
    full = choose(api, world, bob, bob_cart, bob_line["line_id"], ident)
    assert full.status_code == 409 and full.json_body["details"]["reason"] == "quota_reached"

    assert api.call("POST", f"{SHOP}/orders/{order['order_id']}/cancel", token=ann).status_code == 200
    assert choose(api, world, bob, bob_cart, bob_line["line_id"], ident).status_code == 200


def test_two_carts_racing_for_the_last_ticket_of_a_quota_get_one_order_and_a_named_refusal(api, world):
    ident = advantage(api, world, {"type": "general_public"}, quota=1)
    ann, bob = guest(api), guest(api)
    carts = []
    for token, seat in ((ann, world.seat("L", "B", 4)), (bob, world.seat("L", "B", 8))):
        cart_id, [line] = cart_with_seats(api, world, token, seat)
        assert choose(api, world, token, cart_id, line["line_id"], ident).status_code == 200
        carts.append((token, cart_id, line["line_id"]))

    assert checkout(api, carts[0][0], carts[0][1]).status_code == 201
    late = checkout(api, carts[1][0], carts[1][1])
    assert late.status_code == 409 and late.json_body["details"]["refused"] == [
        {"reason": "quota_reached", "advantage_id": ident}
    ]


def test_an_advantage_past_its_validity_is_refused_with_the_reason(api, world):
    until = clock.now().replace(microsecond=0)
    ident = advantage(api, world, {"type": "general_public"}, valid_until=until.isoformat())
    token = guest(api)
    cart_id, [line] = cart_with_seats(api, world, token, world.seat("L", "B", 4))
    refused = choose(api, world, token, cart_id, line["line_id"], ident)
    assert refused.status_code == 409 and refused.json_body["details"]["reason"] == "expired"


def test_a_shopper_sees_the_advantages_of_their_indicator_level_and_others_do_not(api, world):
    from chalicelib.customers import service as customers

    admin = api.login()
    indicator = api.call(
        "POST",
        "/backoffice/indicators",
        {
            "code": "LOYALTY",
            "name": "Loyalty",
            "levels": [{"id": "REGULAR", "name": "Regular"}, {"id": "SUBSCRIBER", "name": "Subscriber"}],
        },
        token=admin,
    )
    assert indicator.status_code == 201, indicator.json_body
    indicator_id = indicator.json_body["id"]
    ident = advantage(api, world, {"type": "indicator", "indicator": indicator_id, "level": "REGULAR"})
    bob = shopper(api)
    stranger = guest(api)
    path = f"{SHOP}/pos/WEB1/performances/{world.performance_id}/advantages"
    assert api.call("GET", path, token=bob).json_body["advantages"] == []

    shopper_id = customers.find_shopper("demo", "bob@example.com").shopper_id
    customers.grant("demo", shopper_id=shopper_id, indicator_id=indicator_id, level="SUBSCRIBER")

    assert [a["advantage_id"] for a in api.call("GET", path, token=bob).json_body["advantages"]] == [ident]
    assert api.call("GET", path, token=stranger).json_body["advantages"] == []
    mine = api.call("GET", f"{SHOP}/account/advantages", token=bob).json_body["advantages"]
    assert [a["advantage_id"] for a in mine] == [ident]


def test_the_box_office_sells_for_a_contact_with_the_advantages_of_their_target_list(api, world):
    admin = api.login()
    contact = api.call(
        "POST",
        "/backoffice/contacts",
        {"code": "C-ANN", "name": "Ann", "email": "ann@example.com"},
        token=admin,
    )
    assert contact.status_code == 201, contact.json_body
    contact_id = contact.json_body["id"]
    listed = api.call("POST", "/backoffice/target-lists", {"code": "PATRONS", "name": "Patrons"}, token=admin)
    assert listed.status_code == 201, listed.json_body
    path = f"/backoffice/target-lists/{listed.json_body['id']}/contacts"
    added = api.call("POST", path, {"contact_ids": [contact_id]}, token=admin)
    assert added.status_code == 200, added.json_body
    ident = advantage(api, world, {"type": "contacts", "target_list_id": listed.json_body["id"]})

    gifts = api.call("GET", f"/backoffice/contacts/{contact_id}/advantages", token=admin).json_body[
        "advantages"
    ]
    assert [a["advantage_id"] for a in gifts] == [ident]
    opened = api.call("POST", f"{SHOP}/pos/BOX1/carts?contact_id={contact_id}", token=admin)
    assert opened.status_code == 201, opened.json_body
    cart_id = opened.json_body["cart_id"]
    seat = world.seat("L", "A", 4)  # row A: the box office's quota, category 1 (under 26: 25.00)
    held = hold(api, admin, cart_id, {"performance_id": world.performance_id, "seat_ids": [seat]})
    assert held.status_code == 201, held.json_body
    line_id = held.json_body["lines"][0]["line_id"]
    assert choose(api, world, admin, cart_id, line_id, ident).json_body["totals"]["tickets"] == 1500

    not_for_guests = api.call("POST", f"{SHOP}/pos/WEB1/carts?contact_id={contact_id}", token=guest(api))
    assert not_for_guests.status_code == 403
