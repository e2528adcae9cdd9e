"""A performance with a distributor (FNAC) to reintegrate sales from, built through the services; the
reintegration tests, the API tests, the race test and the bench import it.

Blocks L and R of rows A, B, C: row A is Cat 1 (box office), row B Cat 2 on the web, row C Cat 2 in the
distributor's quota (GRP); a standing pit with 10 web places and 5 of the distributor's. Prices: Cat 2
30.00/15.00, pit 20.00/10.00 (full/young). The distributor's ids: performance D-PERF, categories D-CAT2
and D-PIT, audiences D-FULL and D-YOUNG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.deferred_accounts import service as accounts
from chalicelib.distributors import mappings, service
from chalicelib.distributors.adapters import SaleLine
from chalicelib.distributors.model import InterfaceSpec
from chalicelib.shop import service as shop
from tests.service.test_stock_helpers import ORG, Built, build_performance, open_in_process

PRICES = {"CAT1": (4500, 2500), "CAT2": (3000, 1500), "PIT": (2000, 1000)}


def distributor_rows(seat: Any, block: str) -> tuple[str, str | None]:
    if seat.row == "A":
        return ("CAT1", "BOX")
    return ("CAT2", "GRP") if seat.row == "C" else ("CAT2", "WEB")


@dataclass
class DistributorWorld:
    built: Built
    interface_id: str
    channel_id: str
    web_channel_id: str
    contact_id: str
    company_id: str
    full: str
    young: str

    @property
    def performance_id(self) -> str:
        return self.built.performance_id

    def seat(self, block: str, row: str, number: int) -> str:
        return f"STALLS-{block}-{row}-{number}"

    def distributor_seats(self) -> list[str]:
        return [s for s, (_, quota) in self.built.assigned.items() if quota == "GRP"]


def sale(
    sale_id: str, line: str = "1", *, seat: str | None = None, price: int = 3000, **changes: Any
) -> SaleLine:
    values: dict[str, Any] = {
        "external_sale_id": sale_id,
        "line": line,
        "distributor_performance_id": "D-PERF",
        "distributor_seat_category_id": "D-CAT2",
        "distributor_audience_subcategory_id": "D-FULL",
        "price": price,
        "seat": seat,
    }
    return SaleLine(**{**values, **changes})


def build_distributor_world(
    *,
    deferred_account: bool = False,
    policy: str = "refuse_different_price",
    rows: int = 3,
    per_row: int = 10,
    pit_share: int = 5,
    blocks: tuple[tuple[str, str], ...] = (("STALLS", "L"), ("STALLS", "R")),
) -> DistributorWorld:
    """`pit_share`: the distributor's standing places in the pit (the web has 10)."""
    built = build_performance(
        areas={"WEB": 10, "GRP": pit_share},
        blocks=blocks,
        rows=rows,
        per_row=per_row,
        assign=distributor_rows,
    )
    audience = catalog.create(ORG, "audience_category", k.AudienceCategorySpec(code="PUB", name="Public")).id
    full, young = (
        catalog.create(
            ORG,
            "audience_subcategory",
            k.AudienceSubcategorySpec(audience_category_id=audience, code=code, name=name),
        ).id
        for code, name in (("FULL", "Full price"), ("YOUNG", "Under 26"))
    )
    cells = [
        {"seat_category_id": built.categories[cat], "audience_subcategory_id": sub, "amount": amount}
        for cat, amounts in PRICES.items()
        for sub, amount in zip((full, young), amounts, strict=True)
    ]
    grid = catalog.create(ORG, "price_grid", k.PriceGridSpec(code="G", name="Prices", prices=cells)).id
    performance = catalog.get(ORG, "performance", built.performance_id)
    event = catalog.get(ORG, "event", performance.data["event_id"])
    catalog.replace(
        ORG,
        "event",
        event.id,
        k.EventSpec(**{**event.data, "status": "published", "price_grid_id": grid}),
        None,
    )
    web = catalog.create(
        ORG,
        "sales_channel",
        k.SalesChannelSpec(code="WEB", name="Web", type="internet_b2c", quota_ids=[built.quotas["WEB"]]),
    ).id
    catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=web, code="WEB", name="Web"))
    channel = catalog.create(
        ORG,
        "sales_channel",
        k.SalesChannelSpec(code="FNAC", name="Fnac", type="external", quota_ids=[built.quotas["GRP"]]),
    ).id
    pos = catalog.create(
        ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="FNAC", name="Fnac")
    ).id
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="RESELLER", name="Resellers")).id
    company = catalog.create(
        ORG, "company", k.CompanySpec(code="FNACSA", name="Fnac SA", company_type_id=kind)
    ).id
    contact = catalog.create(
        ORG,
        "contact",
        k.ContactSpec(code="FNAC", name="Fnac", email="orders@fnac.example", company_id=company),
    ).id
    spec = InterfaceSpec.model_validate(
        {
            "name": "NTJ FNAC",
            "channel_id": channel,
            "connection": {"adapter": "file"},
            "contact_id": contact,
            "deferred_account": deferred_account,
            "point_of_sale_id": pos,
            "reseller_price_policy": policy,
        }
    )
    interface = service.create_interface(ORG, spec).id
    season = event.data["season_id"]
    for kind_name, our_id, theirs in (
        ("performance", built.performance_id, "D-PERF"),
        ("seat_category", built.categories["CAT2"], "D-CAT2"),
        ("seat_category", built.categories["PIT"], "D-PIT"),
        ("audience_subcategory", full, "D-FULL"),
        ("audience_subcategory", young, "D-YOUNG"),
    ):
        mappings.create_mapping(ORG, interface, season, kind_name, our_id, theirs)
    if deferred_account:
        accounts.save_settings(
            ORG, company, enabled=True, credit_limit=100_00, payment_terms_days=30, by="admin"
        )
    open_in_process(built)
    shop.clear_cache()
    return DistributorWorld(built, interface, channel, web, contact, company, full, young)


def test_the_world_gives_the_distributor_row_c_and_five_standing_places(organisation):
    world = build_distributor_world()

    assert len(world.distributor_seats()) == 20
    assert all("-C-" in seat for seat in world.distributor_seats())
    assert len(mappings.list_mappings(ORG, world.interface_id, None, None)) == 5
