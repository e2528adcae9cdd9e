"""The demo's advantages on the running stack: one of each target type is in operation, and a guest
unlocks the partner's price with its access code, adds the welcome promo code, and pays the
discounted total; the order records what each place was priced with."""

from __future__ import annotations

from infra.local import demo_advantages as seeded
from tests.e2e.test_shop_purchase import (
    POS,
    check_out,
    get_order,
    guest,
    hold,
    open_cart,
    pay_through_the_api,
    shop,
)


def test_the_demo_has_an_advantage_of_each_target_type_and_a_promo_code(api, admin_token):
    advantages = api.get("/backoffice/advantages", token=admin_token).json()["advantages"]
    live = {a["target"]["type"] for a in advantages if a["state"] == "in_operation"}
    assert live >= {"general_public", "contacts", "indicator", "partner", "single_use_codes"}
    promos = api.get("/backoffice/promo-codes", token=admin_token).json()["promo_codes"]
    assert seeded.PROMO_CODE in {p["code"] for p in promos if p["state"] == "in_operation"}


def performance_of(api, stack, event_id: str) -> dict:
    listed = api.get(f"{shop(stack)}/pos/{POS}/performances", params={"limit": 50, "event_id": event_id})
    assert listed.status_code == 200, listed.text
    return listed.json()["items"][0]


def buy_with_codes(
    api, stack, performance_id: str, access_code: str, promo_code: str, subcategory_id: str
) -> dict:
    """A guest enters the partner's access code, holds two places of the dearest category at the
    partner's price for `subcategory_id`, adds the promo code and pays. Returns the paid order and
    the total the cart showed."""
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    path = f"{shop(stack)}/pos/{POS}/performances/{performance_id}/advantages"
    assert all(a["target_type"] != "partner" for a in api.get(path, token=token).json()["advantages"])

    entered = api.post(f"{shop(stack)}/carts/{cart_id}/codes", {"code": access_code.lower()}, token=token)
    assert entered.status_code == 200, entered.text
    unlocked = api.get(path, token=token, params={"cart_id": cart_id}).json()["advantages"]
    [partner] = [a for a in unlocked if a["target_type"] == "partner"]
    offered = [p for p in partner["prices"] if p["audience_subcategory_id"] == subcategory_id]
    price = max(offered, key=lambda p: p["original_price"])
    body = {"performance_id": performance_id, "category_id": price["seat_category_id"], "quantity": 2}
    held = hold(api, stack, token, cart_id, body)
    for line in held["lines"]:
        chosen = {"audience_subcategory_id": subcategory_id, "advantage_id": partner["advantage_id"]}
        answer = api.request(
            "PUT", f"{shop(stack)}/carts/{cart_id}/lines/{line['line_id']}", token=token, json=chosen
        )
        assert answer.status_code == 200, answer.text
    cart = api.post(f"{shop(stack)}/carts/{cart_id}/codes", {"code": promo_code}, token=token).json()
    assert [line["unit_price"] + line["promo_share"] for line in cart["lines"]] == [price["amount"]] * 2
    assert cart["promo"]["refusal"] is None and cart["totals"]["promo_discount"] > 0
    expected = 2 * price["amount"] - cart["totals"]["promo_discount"]
    assert cart["totals"]["tickets"] == expected

    order = check_out(api, stack, token, cart_id)
    pay_through_the_api(api, order)
    paid = get_order(api, stack, token, order["order_id"])
    assert paid["status"] == "paid" and paid["tickets_total"] == expected
    assert paid["promo_code"] == promo_code.upper()
    assert {(line["advantage_id"], line["code"], line["original_price"]) for line in paid["lines"]} == {
        (partner["advantage_id"], access_code.upper(), price["original_price"])
    }
    return paid


def test_a_guest_pays_the_partner_price_less_the_promo_code(api, stack, admin_token):
    subcategories = api.get("/backoffice/audience-subcategories", token=admin_token).json()["items"]
    full = next(s for s in subcategories if s["code"] == "FULL")["id"]
    events = api.get("/backoffice/events", token=admin_token).json()["items"]
    gala = next(e for e in events if e["code"] == "JAZZ-GALA")
    performance = performance_of(api, stack, gala["id"])
    buy_with_codes(api, stack, performance["id"], seeded.PARTNER_CODE, seeded.PROMO_CODE, full)
