"""A small performance on sale at a web point of sale, built through the services, for the sales tests.

Two blocks (L, R) of 3 rows of 10 seats: row A is Cat 1 in the box-office quota, rows B and C are
Cat 2 in the web quota; a standing pit (category PIT) in the web quota. Prices: Cat 1 45.00/25.00,
Cat 2 30.00/15.00, pit 20.00/10.00 (full/young). Point of sale WEB sells the web quota, BOX the box
office's (and shows a plan too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.shop import service as shop
from tests.service.test_stock_helpers import ORG, Built, build_performance, open_in_process

PRICES = {"CAT1": (4500, 2500), "CAT2": (3000, 1500), "PIT": (2000, 1000)}


@dataclass
class World:
    built: Built
    channels: dict[str, str]  # point of sale code -> channel id
    full: str
    young: str
    grid_id: str

    @property
    def org_id(self) -> str:
        return self.built.org_id

    @property
    def performance_id(self) -> str:
        return self.built.performance_id

    def category(self, code: str) -> str:
        return self.built.categories[code]

    def seat(self, block: str, row: str, number: int) -> str:
        return f"STALLS-{block}-{row}-{number}"


def _channel(code: str, quotas: list[str], **settings: Any) -> str:
    spec = k.SalesChannelSpec(
        code=code,
        name=code,
        type=settings.pop("type", "internet_b2c"),
        quota_ids=quotas,
        **settings,
    )
    return catalog.create(ORG, "sales_channel", spec).id


def build_world(
    *,
    pit: int = 20,
    rows: int = 3,
    per_row: int = 10,
    web: dict[str, Any] | None = None,
    pos: dict[str, Any] | None = None,
    tag: str = "1",
) -> World:
    """`web`: settings of the web channel (e.g. max_tickets_per_performance); `pos`: of its point of sale."""
    built = build_performance(areas={"WEB": pit}, rows=rows, per_row=per_row, tag=tag)
    audience = catalog.create(
        ORG, "audience_category", k.AudienceCategorySpec(code=f"PUB{tag}", name="Public")
    ).id
    full, young = (
        catalog.create(
            ORG,
            "audience_subcategory",
            k.AudienceSubcategorySpec(audience_category_id=audience, code=f"{code}{tag}", name=name),
        ).id
        for code, name in (("FULL", "Full price"), ("YOUNG", "Under 26"))
    )
    cells = [
        {"seat_category_id": built.categories[cat], "audience_subcategory_id": sub, "amount": amount}
        for cat, amounts in PRICES.items()
        for sub, amount in zip((full, young), amounts, strict=True)
    ]
    grid = catalog.create(ORG, "price_grid", k.PriceGridSpec(code=f"G{tag}", name="Prices", prices=cells)).id
    performance = catalog.get(ORG, "performance", built.performance_id)
    event = catalog.get(ORG, "event", performance.data["event_id"])
    published = {**event.data, "status": "published", "price_grid_id": grid}
    catalog.replace(ORG, "event", event.id, k.EventSpec(**published), None)
    channels = {
        f"WEB{tag}": _channel(f"WEB{tag}", [built.quotas["WEB"]], **(web or {})),
        f"BOX{tag}": _channel(f"BOX{tag}", [built.quotas["BOX"]], type="box_office"),
    }
    for code, channel_id in channels.items():
        extra = (pos or {}) if code.startswith("WEB") else {}
        spec = k.PointOfSaleSpec(channel_id=channel_id, code=code, name=code, **extra)
        catalog.create(ORG, "point_of_sale", spec)
    open_in_process(built)
    shop.clear_cache()
    return World(built, channels, full, young, grid)
