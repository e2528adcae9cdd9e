"""Standing places for an entry: taken from a standing area's sub-counters when no numbered seats fit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chalicelib.errors import SeatUnavailable, TransientStoreError
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import AreaTake, Hold
from chalicelib.shop import service as shop
from chalicelib.shop.model import Sellable
from chalicelib.waiting_list.model import Entry


@dataclass(frozen=True)
class Places:
    hold: Hold
    area: str
    category_id: str | None
    quantity: int


def hold_places(
    entry: Entry,
    state: dict,
    sellable: Sellable,
    categories: Sequence[str],
    place: Callable[[list[AreaTake]], Hold],
) -> Places | None:
    """Most places first (down to the fewest accepted), the entry's category or each in rank order;
    a counter emptied by a buyer meanwhile is passed over. None when no area has room."""
    _, areas = shop.stock_counts(entry.org_id, entry.performance_id, state, fresh=True)
    if not areas:
        return None
    shards = inventory.stock_shards(state)
    wanted = [entry.request.category_id] if entry.request.category_id else list(categories)
    for quantity in entry.request.sizes():
        for category in wanted:
            by_area = defaultdict(list)
            for counter in areas:
                if counter.category_id == category and counter.free > 0 and sellable.allows(counter.quota_id):
                    by_area[counter.area].append(counter)
            for area, counters in sorted(by_area.items()):
                takes = inventory.spread_over_counters(entry.performance_id, shards, counters, quantity)
                if takes is None:
                    continue
                try:
                    return Places(place(takes), area, category, quantity)
                except (SeatUnavailable, TransientStoreError):
                    continue
    return None
