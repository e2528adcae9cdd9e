"""The release of unsold allotment: N days before a performance, on the venue's calendar, the free seats
and standing places of the distributor's quota go back to general sale; held, sold and blocked seats
stay; the performance's export becomes due; running it again is safe and moves only what became free
since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog.seating import Selection
from chalicelib.distributors import export_store, release, service
from chalicelib.distributors.model import InterfaceSpec
from chalicelib.inventory import service as inventory
from chalicelib.inventory import stock
from tests.service.test_distributor_mappings import DistributorWorld, build_distributor_world
from tests.service.test_stock_helpers import Built, open_in_process

ORG = "demo"
DISTRIBUTOR_SEATS = ("STALLS-R-B-1", "STALLS-R-B-2", "STALLS-R-B-3", "STALLS-R-B-4")
DAY = 24 * 3600


def at(text: str):
    return clock.at(datetime.fromisoformat(text).replace(tzinfo=UTC))


@dataclass
class ReleaseWorld:
    w: DistributorWorld
    paris: str  # the world's first performance: 2027-01-15 19:00 UTC, 20:00 in Paris
    box: str  # the general-sale quota released places go to
    cart: str = ""  # a hold on a distributor seat, when a test makes one

    @property
    def interface_id(self) -> str:
        return self.w.interface_id


def set_release(w: DistributorWorld, days: int | None, to_quota: str | None) -> None:
    current = service.get_interface(ORG, w.interface_id)
    body = {**current.data, "release_days_before": days, "release_to_quota_id": to_quota}
    service.replace_interface(ORG, w.interface_id, InterfaceSpec.model_validate(body), current.version)


def build_release_world(days: int | None = 3) -> ReleaseWorld:
    w = build_distributor_world()
    box = catalog.get_by_code(ORG, "quota", "BOXQ").id
    set_release(w, days, box)
    return ReleaseWorld(w, w.performances[0], box)


def open_performance_in(w: DistributorWorld, zone: str, starts_at: str, tag: str) -> str:
    """Another performance of the event, on sale, in a hall of a venue in `zone`."""
    venue = catalog.create(ORG, "venue", k.VenueSpec(code=f"V{tag}", name=tag, timezone=zone)).id
    hall = catalog.create(ORG, "hall", k.HallSpec(venue_id=venue, code=f"H{tag}", name=tag)).id
    spec = k.PerformanceSpec(
        event_id=w.event, hall_id=hall, layout_id=w.layout, code=f"P{tag}", starts_at=starts_at
    )
    performance = catalog.create(ORG, "performance", spec).id
    open_in_process(Built(ORG, performance, w.layout, w.plan, w.categories, {}), execution=f"exec-{tag}")
    return performance


def shards(performance_id: str) -> int:
    return inventory.stock_shards(catalog.get(ORG, "performance", performance_id).state)


def hold_seats(performance_id: str, seat_ids: list[str], owner: str = "cart") -> str:
    refs = inventory.seat_refs(performance_id, shards(performance_id), seat_ids)
    return inventory.place_hold(ORG, performance_id, owner, refs, 10 * DAY).hold_id


def take_places(performance_id: str, quota: str, places: int, owner: str = "buyer") -> str:
    counters = [
        c
        for c in inventory.area_counters(performance_id, shards(performance_id), "PIT")
        if c.quota_id == quota
    ]
    takes = inventory.spread_over_counters(performance_id, shards(performance_id), counters, places)
    return inventory.place_hold(ORG, performance_id, owner, [], 10 * DAY, areas=takes).hold_id


def seats_of(performance_id: str, quota: str) -> dict[str, str]:
    """The quota's seats and their live status."""
    return {
        seat["seat_id"]: seat["status"]
        for seat in stock.live_seats(ORG, performance_id)["seats"]
        if seat.get("quota_id") == quota
    }


def places_of(performance_id: str, quota: str) -> tuple[int, int]:
    """(capacity, free) of the quota's standing places."""
    areas = [a for a in stock.stock_counts(ORG, performance_id)["areas"] if a["quota_id"] == quota]
    return sum(a["capacity"] for a in areas), sum(a["free"] for a in areas)


@pytest.fixture
def world(organisation) -> ReleaseWorld:
    return build_release_world()


@pytest.fixture
def mixed(world):
    """On 2027-01-05: one distributor seat held, one sold, one blocked, one free; 3 of its 10 standing
    places sold."""
    p = world.paris
    with at("2027-01-05T10:00:00"):
        world.cart = hold_seats(p, ["STALLS-R-B-1"], "cart")
        sold = hold_seats(p, ["STALLS-R-B-2"], "order")
        inventory.sell_hold(sold, "order-1")
        stock.change_seats(ORG, p, Selection(seat_ids=("STALLS-R-B-3",)), "block")
        inventory.sell_hold(take_places(p, world.w.quota, 3), "order-2")
    return world


def test_before_the_release_day_nothing_moves(mixed):
    w = mixed
    # 3 days before 2027-01-15 20:00 Paris: from 2027-01-12 00:00 Paris (2027-01-11 23:00 UTC)
    with at("2027-01-11T22:59:00"):
        result = release.release_due(ORG, w.interface_id)
        assert result == {"performances": [], "seats": 0, "places": 0}
        assert seats_of(w.paris, w.w.quota)["STALLS-R-B-4"] == "free"
        assert places_of(w.paris, w.w.quota) == (10, 7)
    assert release.released(ORG, w.interface_id) == {}


def test_on_the_day_only_free_seats_and_places_move_to_general_sale(mixed):
    w = mixed
    with at("2027-01-11T23:00:00"):
        box_seats_before = len(seats_of(w.paris, w.box))

        result = release.release_due(ORG, w.interface_id)

        assert result == {
            "performances": [{"performance_id": w.paris, "seats": 1, "places": 7, "first": True}],
            "seats": 1,
            "places": 7,
        }
        assert seats_of(w.paris, w.w.quota) == {
            "STALLS-R-B-1": "held",
            "STALLS-R-B-2": "sold",
            "STALLS-R-B-3": "blocked",
        }
        box = seats_of(w.paris, w.box)
        assert (len(box), box["STALLS-R-B-4"]) == (box_seats_before + 1, "free")
        assert places_of(w.paris, w.w.quota) == (3, 0)
        assert places_of(w.paris, w.box) == (47, 47)
    record = release.released(ORG, w.interface_id)[w.paris]
    assert (record.seats, record.places, record.to_quota_id) == (1, 7, w.box)
    assert clock.iso(record.released_at) == "2027-01-11T23:00:00+00:00"
    # the export is due: the distributor must stop selling what went back to general sale
    [mark] = export_store.pending_marks(ORG, w.interface_id)
    assert (mark.performance_id, mark.seats) == (w.paris, frozenset({"STALLS-R-B-4"}))


def test_running_it_again_is_safe_and_moves_what_became_free_since(mixed):
    w = mixed
    with at("2027-01-12T08:00:00"):
        release.release_due(ORG, w.interface_id)
        again = release.release_due(ORG, w.interface_id)
        assert again == {"performances": [], "seats": 0, "places": 0}
        assert places_of(w.paris, w.box) == (47, 47)
    with at("2027-01-13T08:00:00"):
        inventory.release_hold(w.cart)  # the cart gave its seat up: free in the distributor's quota

        third = release.release_due(ORG, w.interface_id)

        assert third["performances"] == [{"performance_id": w.paris, "seats": 1, "places": 0, "first": False}]
        assert set(seats_of(w.paris, w.w.quota)) == {"STALLS-R-B-2", "STALLS-R-B-3"}
    record = release.released(ORG, w.interface_id)[w.paris]
    assert (record.seats, record.places) == (2, 7)
    assert clock.iso(record.released_at) == "2027-01-12T08:00:00+00:00"


def test_a_seat_held_by_a_lapsed_hold_is_free_and_released(world):
    p = world.paris
    with at("2027-01-10T10:00:00"):
        refs = inventory.seat_refs(p, shards(p), ["STALLS-R-B-1"])
        inventory.place_hold(ORG, p, "cart", refs, 600)
    with at("2027-01-12T10:00:00"):
        result = release.release_due(ORG, world.interface_id)
        assert (result["seats"], result["places"]) == (4, 10)
        assert seats_of(p, world.w.quota) == {}


def test_performances_are_released_on_their_venues_local_date(world):
    w = world
    # The same instant in Auckland is 2027-01-16 08:00: released from 2027-01-13 00:00 there
    # (2027-01-12 11:00 UTC), not from the UTC date's day before.
    auckland = open_performance_in(w.w, "Pacific/Auckland", "2027-01-15T19:00:00Z", "NZ")

    with at("2027-01-12T10:59:00"):
        first = release.release_due(ORG, w.interface_id)
    with at("2027-01-12T11:00:00"):
        second = release.release_due(ORG, w.interface_id)

    assert [p["performance_id"] for p in first["performances"]] == [w.paris]
    assert [p["performance_id"] for p in second["performances"]] == [auckland]
    assert set(release.released(ORG, w.interface_id)) == {w.paris, auckland}


def test_a_performance_that_started_or_is_not_on_sale_is_not_released(world):
    w = world
    draft = w.w.performances[1]  # 2027-06-20, never opened
    with at("2027-06-19T10:00:00"):
        assert release.release_due(ORG, w.interface_id)["performances"] == []
    with at("2027-01-15T19:30:00"):  # the Paris performance has begun
        assert release.release_due(ORG, w.interface_id)["performances"] == []
    assert draft not in release.released(ORG, w.interface_id)
    assert places_of(w.paris, w.w.quota) == (10, 10)


def test_an_interface_without_release_days_releases_nothing(world):
    set_release(world.w, None, None)
    with at("2027-01-14T10:00:00"):
        assert release.release_due(ORG, world.interface_id) == {"performances": [], "seats": 0, "places": 0}
        assert places_of(world.paris, world.w.quota) == (10, 10)
