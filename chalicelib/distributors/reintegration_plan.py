"""What a distributor's sale line becomes on our side before anything is taken: its performance, seat
category and audience subcategory through the interface's mappings, and its price under the
interface's reseller-price policy. Each problem is raised in its category (mapping or external)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.distributors import repository
from chalicelib.distributors.adapters import SaleLine
from chalicelib.distributors.categories import ExternalError, MappingError, TechnicalError
from chalicelib.distributors.model import Interface, MappingKind, PricePolicy
from chalicelib.errors import NotFound
from chalicelib.sales import carts
from chalicelib.sales.model import PriceList

MAX_ID = 100


@dataclass(frozen=True)
class Plan:
    """A sale line on our side. `seat_id` None: best available or a standing place of the category."""

    performance_id: str
    category_id: str
    audience_subcategory_id: str
    seat_id: str | None
    price: int  # the distributor's
    our_price: int
    unit_price: int  # what the order line says: ours, or the distributor's when its price is accepted
    area: str | None = None  # the standing area the place was taken from

    @property
    def price_difference(self) -> int:
        return self.price - self.our_price

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "price_difference": self.price_difference}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(**{k: v for k, v in data.items() if k != "price_difference"})


def check_line(line: SaleLine) -> None:
    """A line we can key and read: ids present and of our alphabet, a price in cents. ExternalError."""
    for name in ("external_sale_id", "line"):
        value = getattr(line, name)
        if (
            not isinstance(value, str)
            or not value
            or len(value) > MAX_ID
            or "#" in value
            or not value.isprintable()
        ):
            raise ExternalError(
                f"{name}: 1 to {MAX_ID} printable characters without '#'",
                {"reason": "malformed", "field": name},
            )
    if not line.cancelled:
        for name in (
            "distributor_performance_id",
            "distributor_seat_category_id",
            "distributor_audience_subcategory_id",
        ):
            value = getattr(line, name)
            if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
                raise ExternalError(f"{name}: missing", {"reason": "malformed", "field": name})
        if not isinstance(line.price, int) or isinstance(line.price, bool) or line.price < 0:
            raise ExternalError(
                "price: a whole number of cents, 0 or more", {"reason": "malformed", "field": "price"}
            )
    if line.seat is not None and (not isinstance(line.seat, str) or not line.seat or len(line.seat) > 140):
        raise ExternalError(
            "seat: a seat id of the allotment, or none", {"reason": "malformed", "field": "seat"}
        )


class Mapper:
    """One interface's mappings and our items, read once for a batch of lines."""

    def __init__(self, org_id: str, interface: Interface) -> None:
        self.org_id, self.interface = org_id, interface
        self.policy = PricePolicy(
            interface.data.get("reseller_price_policy", PricePolicy.REFUSE_DIFFERENT_PRICE)
        )
        self._ours: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for mapping in repository.list_mappings(org_id, interface.id, None):
            key = (mapping.kind.value, mapping.distributor_id)
            self._ours.setdefault(key, []).append((mapping.season_id, mapping.our_id))
        self._prices: dict[str, PriceList] = {}
        self._seasons: dict[str, str | None] = {}
        self._ids: dict[tuple[str, str, str], tuple[str, str, str] | MappingError] = {}

    def _mapped(self, kind: MappingKind, distributor_id: str, season: str | None) -> str:
        found = self._ours.get((kind.value, distributor_id), [])
        if season is not None:
            found = [f for f in found if f[0] == season] or []
        name = kind.value.replace("_", " ")
        if not found:
            where = f" in season {season}" if season else ""
            raise MappingError(
                f"No mapping of the distributor's {name} {distributor_id}{where}",
                {"reason": "missing_mapping", "kind": kind.value, "distributor_id": distributor_id},
            )
        if len({our for _, our in found}) > 1:
            raise MappingError(
                f"The distributor's {name} {distributor_id} is mapped in several seasons; say which",
                {"reason": "ambiguous_mapping", "kind": kind.value, "distributor_id": distributor_id},
            )
        return found[0][1]

    def _exists(self, kind: str, our_id: str, distributor_id: str) -> dict[str, Any]:
        try:
            return catalog.get(self.org_id, kind, our_id).data
        except NotFound:
            raise MappingError(
                f"The distributor's {kind.replace('_', ' ')} {distributor_id} maps to {our_id}, "
                "which does not exist",
                {
                    "reason": "maps_to_nothing",
                    "kind": kind,
                    "distributor_id": distributor_id,
                    "our_id": our_id,
                },
            ) from None

    def _season(self, performance: dict[str, Any]) -> str | None:
        event_id = performance.get("event_id", "")
        if event_id not in self._seasons:
            try:
                self._seasons[event_id] = catalog.get(self.org_id, "event", event_id).data.get("season_id")
            except NotFound:
                self._seasons[event_id] = None
        return self._seasons[event_id]

    def ids(self, line: SaleLine) -> tuple[str, str, str]:
        """Our performance, seat category and audience subcategory; MappingError when one is missing or
        names nothing that exists."""
        key = (
            line.distributor_performance_id,
            line.distributor_seat_category_id,
            line.distributor_audience_subcategory_id,
        )
        if key not in self._ids:
            try:
                self._ids[key] = self._map_ids(line)
            except MappingError as exc:
                self._ids[key] = exc
        found = self._ids[key]
        if isinstance(found, MappingError):
            raise MappingError(found.message, found.details)
        return found

    def _map_ids(self, line: SaleLine) -> tuple[str, str, str]:
        performance_id = self._mapped(MappingKind.PERFORMANCE, line.distributor_performance_id, None)
        performance = self._exists("performance", performance_id, line.distributor_performance_id)
        season = self._season(performance)
        category_id = self._mapped(MappingKind.SEAT_CATEGORY, line.distributor_seat_category_id, season)
        self._exists("seat_category", category_id, line.distributor_seat_category_id)
        audience_id = self._mapped(
            MappingKind.AUDIENCE_SUBCATEGORY, line.distributor_audience_subcategory_id, season
        )
        self._exists("audience_subcategory", audience_id, line.distributor_audience_subcategory_id)
        return performance_id, category_id, audience_id

    def plan(self, line: SaleLine) -> Plan:
        performance_id, category_id, audience_id = self.ids(line)
        our_price = self._our_price(performance_id, category_id, audience_id)
        if line.price != our_price and self.policy == PricePolicy.REFUSE_DIFFERENT_PRICE:
            raise ExternalError(
                f"The distributor's price {line.price} differs from ours {our_price}",
                {"reason": "price_differs", "price": line.price, "our_price": our_price},
            )
        return Plan(performance_id, category_id, audience_id, line.seat, line.price, our_price, line.price)

    def _our_price(self, performance_id: str, category_id: str, audience_id: str) -> int:
        if performance_id not in self._prices:
            try:
                self._prices[performance_id] = carts.price_list(self.org_id, performance_id)
            except NotFound as exc:
                raise TechnicalError(f"The performance's price grid cannot be read: {exc}") from None
        amount = self._prices[performance_id].cells.get((category_id, audience_id))
        if amount is None:
            raise MappingError(
                "No price of ours for this seat category and audience subcategory: check the mappings",
                {
                    "reason": "no_price",
                    "seat_category_id": category_id,
                    "audience_subcategory_id": audience_id,
                },
            )
        return amount
