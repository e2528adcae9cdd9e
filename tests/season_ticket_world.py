"""A season ticket over four performances of one hall, built through the services, for the tests.

The shop_world hall (rows A: Cat 1 in the box-office quota, B and C: Cat 2 in the web quota) played four
times; point of sale ALL sells both quotas. The product "Season ticket with 4 performances" has four
optional lines (one performance each, the fourth line offers two), 1 to 3 lines, same seat, category
change allowed on the product; its prices are the grid's minus 10 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib.catalog import kinds as k
from chalicelib.catalog import season_ticket_kinds as st
from chalicelib.catalog import service as catalog
from chalicelib.shop import service as shop
from tests.service.test_stock_helpers import ORG, open_in_process
from tests.shop_world import PRICES, World, build_world


@dataclass
class SeasonWorld:
    world: World
    performances: list[str]  # P1..P5 in date order
    season_ticket_id: str
    pos: str = "ALL1"
    indicator_id: str = ""
    lines: dict[str, list[str]] = field(default_factory=dict)

    @property
    def cat1(self) -> str:
        return self.world.category("CAT1")

    @property
    def cat2(self) -> str:
        return self.world.category("CAT2")

    def seat(self, block: str, row: str, number: int) -> str:
        return self.world.seat(block, row, number)


def _performance(world: World, n: int) -> str:
    first = catalog.get(ORG, "performance", world.performance_id).data
    starts = datetime.now(UTC).replace(hour=19, minute=30, second=0, microsecond=0) + timedelta(
        days=40 + 7 * n
    )
    spec = k.PerformanceSpec(
        event_id=first["event_id"],
        hall_id=first["hall_id"],
        layout_id=first["layout_id"],
        code=f"ST{n}",
        starts_at=starts.isoformat(),
    )
    performance_id = catalog.create(ORG, "performance", spec).id
    built = world.built
    open_in_process(
        type(built)(ORG, performance_id, built.layout_id, built.plan_id, built.categories, built.quotas)
    )
    return performance_id


def line(code: str, event_id: str, performances: list[str], world: World, **extra) -> st.SeasonTicketLineSpec:
    prices = [
        k.Price(seat_category_id=world.category(cat), audience_subcategory_id=sub, amount=amount * 9 // 10)
        for cat, amounts in PRICES.items()
        if cat != "PIT"
        for sub, amount in zip((world.full, world.young), amounts, strict=True)
    ]
    return st.SeasonTicketLineSpec(
        id=code, name=code, event_id=event_id, performance_ids=performances, prices=prices, **extra
    )


def build_season(**product) -> SeasonWorld:
    world = build_world()
    channel = catalog.create(
        ORG,
        "sales_channel",
        k.SalesChannelSpec(
            code="ALL1",
            name="All",
            type="internet_b2c",
            quota_ids=[world.built.quotas["WEB"], world.built.quotas["BOX"]],
        ),
    ).id
    catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="ALL1", name="All"))
    performances = [world.performance_id] + [_performance(world, n) for n in range(2, 6)]
    event_id = catalog.get(ORG, "performance", world.performance_id).data["event_id"]
    season_id = catalog.get(ORG, "event", event_id).data["season_id"]
    indicator = catalog.create(
        ORG,
        "indicator",
        customer_kinds_indicator(),
    ).id
    lines = {
        "L1": [performances[0]],
        "L2": [performances[1]],
        "L3": [performances[2]],
        "L4": [performances[3], performances[4]],
    }
    overrides = product.pop("line_overrides", {})
    spec = st.SeasonTicketSpec(
        season_id=season_id,
        code="ST4",
        name="Season ticket with 4 performances",
        status="on_sale",
        min_lines=product.pop("min_lines", 1),
        max_lines=product.pop("max_lines", 3),
        same_seat=product.pop("same_seat", True),
        grant_subscriber=True,
        subscriber_indicator_id=indicator,
        subscriber_level_id="SUB",
        allow_category_change=product.pop("allow_category_change", True),
        lines=[line(code, event_id, ids, world, **overrides.get(code, {})) for code, ids in lines.items()],
        **product,
    )
    season_ticket_id = catalog.create(ORG, "season_ticket", spec).id
    shop.clear_cache()
    return SeasonWorld(world, performances, season_ticket_id, indicator_id=indicator, lines=lines)


def customer_kinds_indicator():
    from chalicelib.catalog.customer_kinds import IndicatorSpec

    return IndicatorSpec(code="SUBSCRIBER", name="Subscriber", levels=[{"id": "SUB", "name": "Subscriber"}])
