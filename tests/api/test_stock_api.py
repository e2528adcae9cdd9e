"""A performance's stock through the back-office: open it, count it, block, unblock and move seats."""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib import clock
from chalicelib.auth import service as auth
from chalicelib.auth.model import Role
from chalicelib.db.stock import seat_pk, seat_sk
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import SeatRef
from tests.fixtures import ORG
from tests.service.test_stock_helpers import build_performance, open_in_process

BASE = "/backoffice/performances/{}"


@pytest.fixture
def built(api):
    return build_performance(areas={"BOX": 100})


@pytest.fixture
def opened(built):
    open_in_process(built)
    return built


def operator(api, name: str, rights: dict[str, list[str]]) -> str:
    auth.save_role(ORG, Role(name, rights), create=True)
    auth.create_operator(ORG, name, name.title(), f"{name}-password", [name])
    return api.login(name, f"{name}-password")


def path(built, suffix: str = "") -> str:
    return BASE.format(built.performance_id) + suffix


def hold(built, seat_id: str) -> None:
    ref = SeatRef(seat_pk(built.performance_id, seat_id, 1), seat_sk(seat_id))
    inventory.place_hold(built.org_id, built.performance_id, "cart-1", [ref], 600)


def test_opening_starts_an_execution_for_the_performance_and_answers_202(api, built):
    client = boto3.client("stepfunctions")
    client.create_state_machine(
        name="guichet-test-open-performance",
        definition='{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
        roleArn="arn:aws:iam::123456789012:role/test",
    )

    response = api.call("POST", path(built, "/open"), token=api.login())

    assert response.status_code == 202, response.json_body
    described = client.describe_execution(executionArn=response.json_body["execution_arn"])
    assert json.loads(described["input"]) == {"org_id": ORG, "performance_id": built.performance_id}
    assert described["name"].startswith(f"open-{built.performance_id}-")


def test_opening_needs_the_catalog_execute_right(api, built):
    token = operator(api, "planner", {"catalog": ["read", "modify"]})

    response = api.call("POST", path(built, "/open"), token=token)

    assert response.status_code == 403
    assert response.json_body["details"] == {"right": "catalog:execute"}


def test_opening_an_unknown_performance_is_404_and_an_open_one_409(api, opened):
    admin = api.login()

    assert api.call("POST", BASE.format("nope") + "/open", token=admin).status_code == 404
    again = api.call("POST", path(opened, "/open"), token=admin)
    assert again.status_code == 409
    assert again.json_body["details"] == {"status": "on_sale"}


def test_stock_counts_answer_per_category_quota_status_and_area(api, opened):
    response = api.call("GET", path(opened, "/stock"), token=api.login())

    assert response.status_code == 200
    body = response.json_body
    assert (body["status"], body["shards"], body["seat_count"]) == ("on_sale", 1, 60)
    assert sum(c["seats"] for c in body["seats"]) == 60
    box = opened.quotas["BOX"]
    assert body["areas"] == [
        {
            "area": "PIT",
            "quota_id": box,
            "category_id": opened.categories["PIT"],
            "capacity": 100,
            "free": 100,
        }
    ]


def test_stock_is_read_with_inventory_or_catalog_read_and_not_without(api, opened):
    seller = operator(api, "seller", {"inventory": ["read"]})
    outsider = operator(api, "outsider", {"orders": ["read"]})

    assert api.call("GET", path(opened, "/stock"), token=seller).status_code == 200
    refused = api.call("GET", path(opened, "/stock"), token=outsider)
    assert refused.status_code == 403
    assert refused.json_body["details"] == {"right": "catalog:read or inventory:read"}


def test_stock_of_an_unknown_performance_is_404(api, built):
    assert api.call("GET", BASE.format("nope") + "/stock", token=api.login()).status_code == 404


def test_blocking_a_row_with_a_held_seat_is_409_naming_it(api, opened):
    hold(opened, "STALLS-L-A-3")
    selection = {"zone": "STALLS", "block": "L", "rows": ["A"], "from_number": 1, "to_number": 5}

    response = api.call("POST", path(opened, "/stock/block"), {"selection": selection}, token=api.login())

    assert response.status_code == 409
    assert response.json_body["code"] == "seat_unavailable"
    assert response.json_body["details"]["refused"] == [{"seat_id": "STALLS-L-A-3", "reason": "held"}]


def test_blocking_unblocking_and_moving_seats_report_what_changed(api, opened):
    admin = api.login()
    seats = {"selection": {"seat_ids": ["STALLS-R-B-1", "STALLS-R-B-2"]}}

    blocked = api.call("POST", path(opened, "/stock/block"), seats, token=admin)
    unblocked = api.call("POST", path(opened, "/stock/unblock"), seats, token=admin)
    moved = api.call(
        "POST", path(opened, "/stock/move"), {**seats, "quota_id": opened.quotas["GRP"]}, token=admin
    )

    assert blocked.json_body == {"changed": 2, "unchanged": [], "refused": [], "export_suggested": []}
    assert unblocked.json_body == {"changed": 2, "unchanged": [], "refused": [], "export_suggested": []}
    assert moved.status_code == 200 and moved.json_body["changed"] == 2


def test_changing_seats_needs_the_inventory_modify_right(api, opened):
    reader = operator(api, "reader", {"inventory": ["read"], "catalog": ["read", "execute"]})

    response = api.call(
        "POST", path(opened, "/stock/block"), {"selection": {"seat_ids": ["STALLS-L-A-1"]}}, token=reader
    )

    assert response.status_code == 403
    assert response.json_body["details"] == {"right": "inventory:modify"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"selection": {}},
        {"selection": {"seat_ids": ["STALLS-L-A-1"], "zone": "STALLS"}},
        {"selection": {"zone": "STALLS", "from_number": 5, "to_number": 2}},
        {"selection": {"seat_ids": ["STALLS-L-A-1"]}, "status": "free"},
    ],
)
def test_a_selection_that_names_no_clear_set_of_seats_is_422(api, opened, body):
    response = api.call("POST", path(opened, "/stock/block"), body, token=api.login())

    assert response.status_code == 422


def test_a_selection_over_five_thousand_seats_is_refused(api, opened):
    body = {"selection": {"seat_ids": [f"S-{n}" for n in range(5001)]}}

    response = api.call("POST", path(opened, "/stock/block"), body, token=api.login())

    assert response.status_code == 422
    assert response.json_body["details"]["field"] == "selection.seat_ids"


def test_a_whole_zone_is_selected_across_its_blocks(api, opened):
    body = {"selection": {"zone": "STALLS", "rows": ["C"], "from_number": 1, "to_number": 2}}

    response = api.call("POST", path(opened, "/stock/block"), body, token=api.login())

    assert response.json_body == {"changed": 4, "unchanged": [], "refused": [], "export_suggested": []}


def test_an_unknown_block_is_404(api, opened):
    body = {"selection": {"zone": "STALLS", "block": "NOWHERE"}}

    assert api.call("POST", path(opened, "/stock/block"), body, token=api.login()).status_code == 404


def test_standing_places_move_between_quotas(api, opened):
    body = {
        "area": "PIT",
        "from_quota_id": opened.quotas["BOX"],
        "to_quota_id": opened.quotas["WEB"],
        "places": 40,
    }

    response = api.call("POST", path(opened, "/stock/areas/move"), body, token=api.login())
    too_many = api.call("POST", path(opened, "/stock/areas/move"), {**body, "places": 61}, token=api.login())

    assert response.status_code == 200 and response.json_body["places"] == 40
    assert too_many.status_code == 409
    areas = api.call("GET", path(opened, "/stock"), token=api.login()).json_body["areas"]
    assert sorted((a["capacity"], a["free"]) for a in areas) == [(40, 40), (60, 60)]


def test_live_seats_show_each_seat_state_and_a_lapsed_hold_as_free(api, opened, monkeypatch):
    admin = api.login()
    listed = api.call("GET", path(opened, "/stock/seats"), token=admin).json_body
    first, second = (seat["seat_id"] for seat in listed["seats"][:2])
    with clock.moved(-3600):
        hold(opened, first)
    hold(opened, second)

    after = api.call("GET", path(opened, "/stock/seats"), token=admin).json_body

    assert listed["status"] == after["status"] == "on_sale"
    states = {seat["seat_id"]: seat["status"] for seat in after["seats"]}
    assert (states[first], states[second]) == ("free", "held")
    assert "hold_id" not in after["seats"][0]


def test_live_seats_need_a_read_right(api, opened):
    nobody = operator(api, "nobody", {"orders": ["read"]})

    assert api.call("GET", path(opened, "/stock/seats"), token=nobody).status_code == 403


def take(built, seat_ids: list[str], owner: str, cart_id: str | None = None):
    refs = [SeatRef(seat_pk(built.performance_id, s, 1), seat_sk(s)) for s in seat_ids]
    return inventory.place_hold(built.org_id, built.performance_id, owner, refs, 600, cart_id=cart_id)


def seat_ids(api, built, count: int) -> list[str]:
    listed = api.call("GET", path(built, "/stock/seats"), token=api.login()).json_body["seats"]
    return [seat["seat_id"] for seat in listed[:count]]


def test_holders_name_each_hold_kind_with_its_seats_and_what_it_belongs_to(api, opened):
    first, second, third, fourth = seat_ids(api, opened, 4)
    cart = take(opened, [first, second], "shopper-1", cart_id="CART1")
    option = take(opened, [third], "option-OPT7")
    reserved = take(opened, [fourth], "contact-9")
    inventory.extend_hold(reserved, clock.seconds() + 3600, order_id="ORD5")

    answer = api.call("GET", path(opened, "/stock/holders"), token=api.login())

    assert answer.status_code == 200, answer.json_body
    by_hold = {h["hold_id"]: h for h in answer.json_body["holders"]}
    assert set(by_hold) == {cart.hold_id, option.hold_id, reserved.hold_id}
    assert (by_hold[cart.hold_id]["kind"], by_hold[cart.hold_id]["cart_id"]) == ("cart", "CART1")
    assert by_hold[cart.hold_id]["seat_ids"] == sorted([first, second])
    assert (by_hold[option.hold_id]["kind"], by_hold[option.hold_id]["option_id"]) == ("option", "OPT7")
    reservation = by_hold[reserved.hold_id]
    assert (reservation["kind"], reservation["order_id"]) == ("reservation", "ORD5")


def test_holders_leave_out_a_lapsed_hold(api, opened):
    first, second = seat_ids(api, opened, 2)
    with clock.moved(-3600):
        take(opened, [first], "shopper-1", cart_id="OLD")
    live = take(opened, [second], "shopper-2", cart_id="NEW")

    holders = api.call("GET", path(opened, "/stock/holders"), token=api.login()).json_body["holders"]

    assert [h["hold_id"] for h in holders] == [live.hold_id]


def test_holders_read_the_holds_in_batches_not_seat_by_seat(api, opened, monkeypatch):
    from chalicelib.db.holds import HoldItem

    ids = seat_ids(api, opened, 6)
    take(opened, ids[:3], "shopper-1", cart_id="A")
    take(opened, ids[3:], "shopper-2", cart_id="B")
    calls: list[int] = []
    real = HoldItem.batch_get.__func__

    def counted(cls, keys, *args, **kwargs):
        calls.append(len(keys))
        return real(cls, keys, *args, **kwargs)

    monkeypatch.setattr(HoldItem, "batch_get", classmethod(counted))

    api.call("GET", path(opened, "/stock/holders"), token=api.login())

    assert calls == [2]


def test_holders_show_links_only_with_the_orders_and_options_read_rights(api, opened):
    first, second = seat_ids(api, opened, 2)
    take(opened, [first], "shopper-1", cart_id="CART1")
    take(opened, [second], "option-OPT7")
    stock_only = operator(api, "stockist", {"inventory": ["read"]})
    with_links = operator(api, "seller", {"inventory": ["read"], "orders": ["read"], "options": ["read"]})

    bare = api.call("GET", path(opened, "/stock/holders"), token=stock_only).json_body["holders"]
    linked = api.call("GET", path(opened, "/stock/holders"), token=with_links).json_body["holders"]

    assert sorted(h["kind"] for h in bare) == ["cart", "option"]
    assert all(h.get("cart_id") is None and h.get("option_id") is None for h in bare)
    assert sorted(filter(None, (h.get("cart_id") or h.get("option_id") for h in linked))) == ["CART1", "OPT7"]


def test_holders_need_the_inventory_read_right(api, opened):
    catalog_only = operator(api, "planner", {"catalog": ["read"], "orders": ["read"]})

    answer = api.call("GET", path(opened, "/stock/holders"), token=catalog_only)

    assert answer.status_code == 403
    assert answer.json_body["details"] == {"right": "inventory:read"}


def test_unchanged_holders_are_answered_304_and_a_new_hold_in_full(api, opened):
    headers = {"Authorization": f"Bearer {api.login()}"}
    first = api.http.get(path(opened, "/stock/holders"), headers=headers)
    etag = first.headers["ETag"]
    unchanged = api.http.get(path(opened, "/stock/holders"), headers={**headers, "If-None-Match": etag})
    take(opened, seat_ids(api, opened, 1), "shopper-1", cart_id="C")
    changed = api.http.get(path(opened, "/stock/holders"), headers={**headers, "If-None-Match": etag})

    assert (unchanged.status_code, unchanged.body) == (304, b"")
    assert changed.status_code == 200 and [h["cart_id"] for h in changed.json_body["holders"]] == ["C"]


def test_a_sold_seat_names_its_order_without_reading_its_hold(api, opened, monkeypatch):
    from chalicelib.db.holds import HoldItem

    (seat,) = seat_ids(api, opened, 1)
    sold = take(opened, [seat], "shopper-1", cart_id="CART9")
    inventory.sell_hold(sold.hold_id, "ORD9")
    monkeypatch.setattr(HoldItem, "batch_get", classmethod(lambda cls, keys: pytest.fail("read a hold")))

    holders = api.call("GET", path(opened, "/stock/holders"), token=api.login()).json_body["holders"]

    assert [(h["kind"], h["order_id"], h["seat_ids"]) for h in holders] == [("order", "ORD9", [seat])]
