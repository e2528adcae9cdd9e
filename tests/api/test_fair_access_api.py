"""Fair access over HTTP: limits per client that a new guest token or an emptied cart does not reset,
and points of sale that serve only whom they are for."""

from __future__ import annotations

import json

import pytest

from chalicelib import clock
from chalicelib.auth import limits
from chalicelib.clock import moved
from tests.shop_world import World, build_world

ORG = "demo"
SHOP = f"/shop/{ORG}"


@pytest.fixture
def world(api) -> World:
    return build_world()


def _post(api, path: str, token: str | None = None, body=None, device: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if device:
        headers["X-Device-Token"] = device
    return api.http.post(path, headers=headers, body=json.dumps(body) if body is not None else None)


def guest(api, device: str | None = None) -> str:
    response = _post(api, f"{SHOP}/guest", device=device)
    assert response.status_code == 201, response.json_body
    return response.json_body["token"]


def hold_best(api, world: World, token: str, quantity: int):
    cart = _post(api, f"{SHOP}/pos/WEB1/carts", token)
    assert cart.status_code == 201, cart.json_body
    body = {
        "performance_id": world.performance_id,
        "category_id": world.category("CAT2"),
        "quantity": quantity,
    }
    return _post(api, f"{SHOP}/carts/{cart.json_body['cart_id']}/holds", token, body)


def test_five_guest_tokens_from_one_client_cannot_hold_the_web_quota(api, world):
    held, refusals = 0, []
    for _ in range(5):
        response = hold_best(api, world, guest(api), 10)
        if response.status_code == 201:
            held += len(response.json_body["lines"])
        else:
            refusals.append((response.status_code, response.json_body["code"]))

    assert held == 10 * limits.PLACES_PER_ADDRESS_FACTOR < 40
    assert refusals == [(409, "buyer_limit_reached")] * 3


def test_a_new_guest_token_on_the_same_device_shares_the_buyers_cap(api, world):
    first = guest(api)
    assert hold_best(api, world, first, 6).status_code == 201

    second = guest(api, device=first)
    refused = hold_best(api, world, second, 5)

    assert refused.status_code == 409 and refused.json_body["code"] == "buyer_limit_reached"
    assert hold_best(api, world, second, 4).status_code == 201


def window_start(period: int) -> int:
    """The start of the next fixed window of `period` seconds (rates count in these)."""
    return (clock.seconds() // period + 1) * period


def test_guest_sessions_are_minted_at_a_limited_rate_per_client(api, world):
    cap, period = limits.GUEST_SESSIONS_PER_ADDRESS
    with clock.at(window_start(period)):
        answers = [_post(api, f"{SHOP}/guest").status_code for _ in range(cap + 1)]

    assert answers == [201] * cap + [429]


def test_a_client_over_a_rate_is_told_when_its_window_ends_and_served_from_then_on(api, world):
    cap, period = limits.GUEST_SESSIONS_PER_ADDRESS
    start = window_start(period)
    with clock.at(start + 100):
        for _ in range(cap):
            guest(api)
        refused = _post(api, f"{SHOP}/guest")
    with clock.at(start + period - 1):
        still_refused = _post(api, f"{SHOP}/guest")
    with clock.at(start + 100 + refused.json_body["details"]["retry_after"]):
        served = _post(api, f"{SHOP}/guest")

    assert refused.status_code == 429 and refused.json_body["code"] == "too_many_requests"
    assert refused.json_body["details"] == {"retry_after": period - 100, "limit": cap}
    assert still_refused.status_code == 429 and still_refused.json_body["details"]["retry_after"] == 1
    assert served.status_code == 201


def test_the_session_that_names_a_device_counts_against_the_devices_rate(api, world):
    cap, period = limits.GUEST_SESSIONS_PER_DEVICE
    start = window_start(period)
    with clock.at(start + 10):
        first = guest(api)  # a new device
        same_window = [_post(api, f"{SHOP}/guest", device=first).status_code for _ in range(cap)]
    with clock.at(start + period):
        next_window = [_post(api, f"{SHOP}/guest", device=first).status_code for _ in range(cap + 1)]

    assert same_window == [201] * (cap - 1) + [429]
    assert next_window == [201] * cap + [429]


def test_a_rate_counts_each_fixed_window_on_its_own(api, world):
    """The documented edge of fixed windows: the rate at the end of one window, and again at the
    start of the next; never more within one."""
    cap, period = limits.CARTS_PER_DEVICE
    start = window_start(period)
    with clock.at(start - 1):
        token = guest(api)

    def open_carts(at: int, count: int) -> list[int]:
        with clock.at(at):
            return [_post(api, f"{SHOP}/pos/WEB1/carts", token).status_code for _ in range(count)]

    last_second = open_carts(start - 1, cap + 1)
    first_second = open_carts(start, cap + 1)

    assert last_second == first_second == [201] * cap + [429]


def test_places_given_back_are_held_again_only_after_a_cooldown(api, world):
    token = guest(api)
    held = hold_best(api, world, token, 2)
    cart_id = held.json_body["cart_id"]
    assert (
        api.http.delete(f"{SHOP}/carts/{cart_id}", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )

    body = {"performance_id": world.performance_id, "category_id": world.category("CAT2"), "quantity": 2}
    again = _post(api, f"{SHOP}/carts/{cart_id}/holds", token, body)
    with moved(again.json_body["details"]["retry_after"]):
        later = _post(api, f"{SHOP}/carts/{cart_id}/holds", token, body)

    assert again.status_code == 429 and again.json_body["code"] == "too_many_requests"
    assert later.status_code == 201


def test_a_buyer_giving_places_back_never_makes_others_at_the_same_address_wait(api, world):
    first = guest(api)
    held = hold_best(api, world, first, 2)
    cart_id = held.json_body["cart_id"]
    api.http.delete(f"{SHOP}/carts/{cart_id}", headers={"Authorization": f"Bearer {first}"})

    neighbour = hold_best(api, world, guest(api), 2)

    assert neighbour.status_code == 201, neighbour.json_body


def test_a_guest_cannot_open_a_cart_at_the_box_office_but_an_operator_can(api, world):
    refused = _post(api, f"{SHOP}/pos/BOX1/carts", guest(api))
    served = _post(api, f"{SHOP}/pos/BOX1/carts", api.login())

    assert refused.status_code == 403 and refused.json_body["code"] == "permission_denied"
    assert served.status_code == 201
