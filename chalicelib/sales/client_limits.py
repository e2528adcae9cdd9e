"""Cart limits per client, so that a new guest token or an emptied cart does not start them again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from chalicelib.auth import client, limits
from chalicelib.sales.model import SalesRules
from chalicelib.sales.pos_access import is_operator

GUEST_PREFIX = "guest-"


class CartOwner(Protocol):
    buyer_id: str
    shopper_id: str | None


def _public(buyer: CartOwner) -> client.Client | None:
    """The client to count against: none for an operator at the counter, or outside an HTTP request."""
    here = client.current()
    return None if here is None or is_operator(buyer) else here


def limit_owner(buyer: CartOwner) -> str:
    """Whose per-performance cap a hold counts against: a guest's device, whatever its guest token."""
    here = _public(buyer)
    if buyer.buyer_id.startswith(GUEST_PREFIX) and here is not None and here.device:
        return f"device-{here.device}"
    return buyer.buyer_id


def count_cart(buyer: CartOwner, org_id: str) -> None:
    here = _public(buyer)
    if here is not None:
        limits.count_cart(here, org_id)


class PlacesTaken:
    """Places counted against the client's address for one performance; undone if the hold fails."""

    def __init__(self, here: client.Client | None, owner: str, performance_id: str, places: int) -> None:
        self.here, self.owner, self.performance_id, self.places = here, owner, performance_id, places

    def undo(self) -> None:
        if self.here is not None and self.places:
            limits.give_back_places(self.here, self.owner, self.performance_id, self.places, cooldown=False)


def take_places(buyer: CartOwner, performance_id: str, places: int, rules: SalesRules) -> PlacesTaken:
    here, owner = _public(buyer), limit_owner(buyer)
    if here is not None and places > 0:
        limits.take_places(
            here, owner, performance_id, places, rules.max_tickets_per_buyer, rules.hold_max_minutes * 60
        )
    return PlacesTaken(here, owner, performance_id, places)


def give_back(buyer: CartOwner, performance_ids: Iterable[str]) -> None:
    """Places released by the buyer: counted no more, after a short cooldown before holding again."""
    here = _public(buyer)
    if here is None:
        return
    owner = limit_owner(buyer)
    for performance_id, places in Counter(performance_ids).items():
        limits.give_back_places(here, owner, performance_id, places)
