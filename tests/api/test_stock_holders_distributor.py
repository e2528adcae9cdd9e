"""The stock plan's holders over HTTP: a seat a distributor sold or holds in its allotment is of kind
distributor, naming the external channel and (with orders:read) the order; a web sale stays an order."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.db.stock import seat_pk, seat_sk
from chalicelib.distributors import reintegration
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import SeatRef
from tests.api.test_customers_api import operator_with
from tests.service.test_distributor_sales_world import ORG, build_distributor_world, sale


@pytest.fixture
def world(api):
    return build_distributor_world()


def holders_of(api, world, token: str | None = None) -> list[dict]:
    path = f"/backoffice/performances/{world.performance_id}/stock/holders"
    answer = api.call("GET", path, token=token or api.login())
    assert answer.status_code == 200, answer.json_body
    return answer.json_body["holders"]


def sold_by_distributor(world, *seats: str) -> list[str]:
    lines = [sale(f"S{n}", seat=seat) for n, seat in enumerate(seats)]
    outcomes = reintegration.integrate(ORG, world.interface_id, lines, "api")
    assert [o.status for o in outcomes] == ["integrated"] * len(seats)
    return [o.order_id for o in outcomes]


def take(world, seat_id: str, owner: str, cart_id: str | None = None):
    shards = inventory.stock_shards(catalog.get(ORG, "performance", world.performance_id).state)
    ref = SeatRef(seat_pk(world.performance_id, seat_id, shards), seat_sk(seat_id))
    return inventory.place_hold(ORG, world.performance_id, owner, [ref], 600, cart_id=cart_id)


def sold_on_the_web(world, seat_id: str, order_id: str) -> None:
    inventory.sell_hold(take(world, seat_id, "shopper-1", cart_id="WEBCART").hold_id, order_id)


def make_external(quota_id: str, channel_id: str) -> None:
    """The allotment as a quota of type external naming its channel, no channel listing it."""
    quota = catalog.get(ORG, "quota", quota_id)
    spec = k.QuotaSpec(**{**quota.data, "type": "external", "channel_ids": [channel_id]})
    catalog.replace(ORG, "quota", quota_id, spec, None)
    channel = catalog.get(ORG, "sales_channel", channel_id)
    catalog.replace(
        ORG, "sales_channel", channel_id, k.SalesChannelSpec(**{**channel.data, "quota_ids": []}), None
    )


def test_a_reintegrated_sale_is_the_distributors_with_its_order_and_a_web_sale_stays_an_order(api, world):
    seat, web_seat = world.seat("L", "C", 3), world.seat("L", "B", 1)
    [order_id] = sold_by_distributor(world, seat)
    sold_on_the_web(world, web_seat, "WEBORDER")

    holders = {h["seat_ids"][0]: h for h in holders_of(api, world)}

    assert set(holders) == {seat, web_seat}
    distributor = holders[seat]
    assert (distributor["kind"], distributor["order_id"], distributor["expires_at"]) == (
        "distributor",
        order_id,
        None,
    )
    assert (distributor["channel_id"], distributor["channel_name"]) == (world.channel_id, "Fnac")
    web = holders[web_seat]
    assert (web["kind"], web["order_id"], web["channel_id"]) == ("order", "WEBORDER", None)


def test_a_seat_of_a_quota_of_type_external_is_the_distributors_of_the_channel_it_names(api, world):
    make_external(world.built.quotas["GRP"], world.channel_id)
    seat = world.seat("R", "C", 2)
    [order_id] = sold_by_distributor(world, seat)

    [holder] = holders_of(api, world)

    assert (holder["kind"], holder["seat_ids"], holder["order_id"]) == ("distributor", [seat], order_id)
    assert (holder["channel_id"], holder["channel_name"]) == (world.channel_id, "Fnac")


def test_a_seat_held_in_the_allotment_is_the_distributors_with_its_hold(api, world):
    seat = world.seat("L", "C", 7)
    hold = take(world, seat, "contact-x", cart_id="CARTD")

    [holder] = holders_of(api, world)

    assert (holder["kind"], holder["hold_id"], holder["cart_id"]) == ("distributor", hold.hold_id, "CARTD")
    assert holder["expires_at"] is not None and holder["channel_id"] == world.channel_id


def test_a_quota_the_web_sells_too_is_not_a_distributors_allotment(api, world):
    web = catalog.get(ORG, "sales_channel", world.web_channel_id)
    quotas = [*web.data["quota_ids"], world.built.quotas["GRP"]]
    catalog.replace(
        ORG, "sales_channel", web.id, k.SalesChannelSpec(**{**web.data, "quota_ids": quotas}), None
    )
    seat = world.seat("L", "C", 4)
    sold_on_the_web(world, seat, "WEBORDER")

    [holder] = holders_of(api, world)

    assert (holder["kind"], holder["order_id"], holder["channel_id"]) == ("order", "WEBORDER", None)


def test_without_orders_read_the_distributor_is_named_but_not_its_order(api, world):
    sold_by_distributor(world, world.seat("L", "C", 5))
    stockist = operator_with(api, api.login(), "stockist", {"inventory": ["read"]})

    [holder] = holders_of(api, world, stockist)

    assert (holder["kind"], holder["channel_name"], holder.get("order_id")) == ("distributor", "Fnac", None)


def test_the_allotments_cost_two_catalog_reads_whatever_the_seats_sold(api, world, monkeypatch):
    from chalicelib.db.holds import HoldItem

    seats = [world.seat(block, "C", n) for block in ("L", "R") for n in range(1, 6)]
    sold_by_distributor(world, *seats)
    reads: list[str] = []
    real = catalog.all_items

    def counted(org_id, kind_name, **filters):
        reads.append(kind_name)
        return real(org_id, kind_name, **filters)

    monkeypatch.setattr(catalog, "all_items", counted)
    monkeypatch.setattr(HoldItem, "batch_get", classmethod(lambda cls, keys: pytest.fail("read a hold")))

    holders = holders_of(api, world)

    assert sorted(reads) == ["quota", "sales_channel"]
    assert [h["kind"] for h in holders] == ["distributor"] * len(seats)
