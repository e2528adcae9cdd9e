"""Direct options online: where the channel allows them, a relay's request is placed at once until the
channel's confirmation deadline, and the relay confirms it into a reservation; elsewhere it waits for
the box office."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from tests.api.test_options_api import relay  # noqa: F401 - the relay fixture
from tests.service.test_options import activity_settings
from tests.shop_world import World, build_world

ORG = "demo"


@pytest.fixture
def world(api) -> World:
    built = build_world()
    activity_settings(built, options_allowed=True, options_count_against_availability=True)
    return built


def _channel(world: World, **settings) -> None:
    channel_id = world.channels["WEB1"]
    data = catalog.get(ORG, "sales_channel", channel_id).data
    catalog.replace(ORG, "sales_channel", channel_id, k.SalesChannelSpec(**{**data, **settings}), None)


def _ask(api, world, token: str, quantity: int):
    body = {"performance_id": world.performance_id, "quantities": {world.category("CAT2"): quantity}}
    return api.call("POST", f"/shop/{ORG}/pos/WEB1/options", body, token=token)


def test_a_direct_option_is_placed_at_once_until_the_confirmation_date_and_its_relay_confirms_it(
    api,
    world,
    relay,  # noqa: F811
):
    _, anne = relay
    _channel(world, direct_option_requests=True, option_confirmation_days=2)

    asked = _ask(api, world, anne, 3)

    assert asked.status_code == 201, asked.json_body
    option = asked.json_body
    assert option["state"] == "placed" and len(option["placed"][0]["seat_ids"]) == 3
    assert option["allowed_actions"] == ["validate"]  # the relay confirms it
    zone = zones.zone_of_performance(
        catalog.get(ORG, "performance", world.performance_id).data,
        lambda kind, item_id: catalog.get(ORG, kind, item_id).data,
    )
    end_of_day = zones.end_of_local_day_after(clock.now(), 2, zone)
    assert zones.instant(option["deadline"]) <= end_of_day

    confirmed = api.call("POST", f"/shop/{ORG}/options/{option['option_id']}/confirm", token=anne)

    assert confirmed.status_code == 200, confirmed.json_body
    assert confirmed.json_body["state"] == "validated" and confirmed.json_body["order_id"]
    order = api.call("GET", f"/shop/{ORG}/options/{option['option_id']}/order", token=anne).json_body
    assert order["status"] == "reservation" and len(order["lines"]) == 3
    again = api.call("POST", f"/shop/{ORG}/options/{option['option_id']}/confirm", token=anne)
    assert again.status_code == 409 and again.json_body["code"] == "invalid_transition"


def test_an_unconfirmed_direct_option_lapses_at_its_deadline_and_its_seats_go_back(api, world, relay):  # noqa: F811
    from chalicelib.options import service as options

    _, anne = relay
    _channel(world, direct_option_requests=True, option_confirmation_days=1)
    option = _ask(api, world, anne, 2).json_body

    with clock.moved(3 * 86400):
        lapsed = options.find_lapsed(100)
        assert option["option_id"] in lapsed
        assert options.expire(option["option_id"])

    state = api.call("GET", f"/shop/{ORG}/options", token=anne).json_body["options"][0]["state"]
    assert state == "expired"


def test_without_direct_options_the_request_waits_for_the_box_office_and_its_relay_cannot_confirm(
    api,
    world,
    relay,  # noqa: F811
):
    _, anne = relay
    option = _ask(api, world, anne, 2).json_body

    refused = api.call("POST", f"/shop/{ORG}/options/{option['option_id']}/confirm", token=anne)

    assert option["state"] == "requested" and "validate" not in option["allowed_actions"]
    assert refused.status_code == 409 and refused.json_body["code"] == "invalid_transition"


def test_a_direct_option_that_does_not_fit_stays_a_request_for_the_box_office(api, world, relay):  # noqa: F811
    _, anne = relay
    _channel(world, direct_option_requests=True, option_confirmation_days=2)

    asked = _ask(api, world, anne, 5000)

    assert asked.status_code == 201, asked.json_body
    assert asked.json_body["state"] == "requested"


def test_another_relay_cannot_confirm_my_direct_option(api, world, relay):  # noqa: F811
    from tests.shopper_accounts import shopper_token

    _, anne = relay
    _channel(world, direct_option_requests=True, option_confirmation_days=2)
    option = _ask(api, world, anne, 2).json_body
    stranger = shopper_token(api, ORG, "bob@example.org", "Bob", "bob-password-1")

    refused = api.call("POST", f"/shop/{ORG}/options/{option['option_id']}/confirm", token=stranger)

    assert refused.status_code in (403, 404)
