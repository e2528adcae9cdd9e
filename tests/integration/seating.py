"""Seats and holds for the integration tests: create them, and read back everything the store holds."""

from __future__ import annotations

import time

from chalicelib import clock
from chalicelib.db.holds import HoldItem
from chalicelib.db.stock import SeatItem, seat_pk, seat_sk
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import Hold, SeatRef

ORG = "demo"
SHARDS = 4


def make_seats(performance_id: str, count: int, row: str = "A") -> list[SeatRef]:
    refs = []
    for number in range(1, count + 1):
        seat_id = f"{row}-{number}"
        item = SeatItem(
            seat_pk(performance_id, seat_id, SHARDS),
            seat_sk(seat_id),
            performance_id=performance_id,
            seat_id=seat_id,
        )
        item.save()
        refs.append(SeatRef(item.pk, item.sk))
    return refs


def missing_seat(performance_id: str, seat_id: str) -> SeatRef:
    return SeatRef(seat_pk(performance_id, seat_id, SHARDS), seat_sk(seat_id))


def place_expired_hold(performance_id: str, seats: list[SeatRef], owner: str = "cart-old") -> Hold:
    """A hold placed an hour ago for one minute: expired, still active, its seats still marked held."""
    an_hour_ago = int(time.time()) - 3600
    with clock.at(an_hour_ago):
        return inventory.place_hold(ORG, performance_id, owner, seats, timeout_seconds=60)


def all_seats() -> dict[SeatRef, SeatItem]:
    items = SeatItem.scan(SeatItem.sk.startswith("SEAT#"), consistent_read=True)
    return {SeatRef(item.pk, item.sk): item for item in items}


def all_holds() -> dict[str, HoldItem]:
    return {item.hold_id: item for item in HoldItem.scan(consistent_read=True)}


def seats_of(item: HoldItem) -> set[SeatRef]:
    return {SeatRef(seat.pk, seat.sk) for seat in item.seats}
