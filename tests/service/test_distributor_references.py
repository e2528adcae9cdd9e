"""What a distributor interface or mapping names cannot be deleted from the catalog while it does: the
refusal is the catalog's own (409, `used_by` [{kind, id, field}]) and names the interface or mapping;
once the interface (with its mappings) or the mapping is gone, the item can be deleted."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import plan_service
from chalicelib.catalog import service as catalog
from chalicelib.distributors import mappings, referrers, service  # noqa: F401 - referrers registers
from chalicelib.distributors.model import InterfaceSpec, MappingKind
from chalicelib.errors import Conflict, NotFound

ORG = "demo"
PLAN = "zone,block,row,number,x,y\n" + "".join(f"STALLS,L,A,{n},{n},1\n" for n in range(1, 4))


def _create(kind: str, spec: k.Spec) -> str:
    return catalog.create(ORG, kind, spec).id


def _interface_spec(channel: str, pos: str, contact: str, quota: str) -> InterfaceSpec:
    return InterfaceSpec(
        name="NTJ FNAC",
        channel_id=channel,
        connection={"adapter": "file"},
        contact_id=contact,
        point_of_sale_id=pos,
        release_days_before=3,
        release_to_quota_id=quota,
    )


@dataclass
class World:
    interface_id: str
    channel: str
    pos: str
    contact: str
    quota: str
    seasons: list[str]
    event: str
    performance: str
    plan: str
    layout: str
    seat_category: str
    audience_subcategory: str


def build_world() -> World:
    channel = _create("sales_channel", k.SalesChannelSpec(code="FNAC", name="FNAC", type="external"))
    pos = _create("point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="FNACPOS", name="FNAC"))
    contact = _create("contact", k.ContactSpec(code="FNAC", name="Fnac", email="orders@fnac.example"))
    quota = _create("quota", k.QuotaSpec(code="BOX", name="Box office"))
    interface = service.create_interface(ORG, _interface_spec(channel, pos, contact, quota))
    seasons = [
        _create("season", k.SeasonSpec(code=code, name=code, starts_on=start, ends_on=end))
        for code, start, end in (("S26", "2026-09-01", "2027-07-01"), ("S27", "2027-09-01", "2028-07-01"))
    ]
    activity = _create("activity", k.ActivitySpec(code="LIVE", name="Live"))
    event = _create("event", k.EventSpec(season_id=seasons[0], activity_id=activity, code="E", name="E"))
    venue = _create("venue", k.VenueSpec(code="V", name="Opera"))
    hall = _create("hall", k.HallSpec(venue_id=venue, code="H", name="Main hall"))
    plan, _ = plan_service.import_plan(
        ORG, k.SeatingPlanSpec(hall_id=hall, code="P", name="Plan"), "csv", PLAN
    )
    layout = _create("layout", k.LayoutSpec(seating_plan_id=plan.id, code="LAY", name="Layout"))
    performance = _create(
        "performance",
        k.PerformanceSpec(
            event_id=event, hall_id=hall, layout_id=layout, code="P1", starts_at="2027-01-15T19:00Z"
        ),
    )
    seat_category = _create(
        "seat_category", k.SeatCategorySpec(code="C1", name="C1", rank=1, colour="#aa0000")
    )
    audience = _create("audience_category", k.AudienceCategorySpec(code="PUB", name="Public"))
    subcategory = _create(
        "audience_subcategory",
        k.AudienceSubcategorySpec(audience_category_id=audience, code="FULL", name="Full"),
    )
    return World(
        interface.id,
        channel,
        pos,
        contact,
        quota,
        seasons,
        event,
        performance,
        plan.id,
        layout,
        seat_category,
        subcategory,
    )


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def refusal(kind: str, item_id: str) -> Conflict:
    with pytest.raises(Conflict) as refused:
        catalog.delete(ORG, kind, item_id, None)
    assert catalog.get(ORG, kind, item_id).id == item_id  # still there
    return refused.value


def deleted(kind: str, item_id: str) -> bool:
    catalog.delete(ORG, kind, item_id, None)
    with pytest.raises(NotFound):
        catalog.get(ORG, kind, item_id)
    return True


@pytest.mark.parametrize(
    ("kind", "attribute", "field"),
    [
        ("sales_channel", "channel", "channel_id"),
        ("contact", "contact", "contact_id"),
        ("point_of_sale", "pos", "point_of_sale_id"),
        ("quota", "quota", "release_to_quota_id"),
    ],
)
def test_what_an_interface_names_cannot_be_deleted_and_the_refusal_names_the_interface(
    world, kind, attribute, field
):
    refused = refusal(kind, getattr(world, attribute))

    assert {"kind": "distributor_interface", "id": world.interface_id, "field": field} in refused.details[
        "used_by"
    ]
    if kind != "sales_channel":  # a channel is named by its point of sale too
        assert refused.message == f"Still used by distributor interface {world.interface_id} (1 in all)"


def test_once_the_interface_is_deleted_its_contact_point_of_sale_quota_and_channel_can_be(world):
    other = _create("contact", k.ContactSpec(code="OTHER", name="Other", email="o@example.org"))
    assert deleted("contact", other)  # a contact no interface names was never held

    service.delete_interface(ORG, world.interface_id, None)

    assert deleted("contact", world.contact)
    assert deleted("quota", world.quota)
    assert deleted("point_of_sale", world.pos)
    assert deleted("sales_channel", world.channel)


def _mapped(w: World, kind: str) -> tuple[str, MappingKind, str]:
    """(season, mapping kind, our id) of a mapping naming the world's item of `kind`."""
    return {
        "event": (w.seasons[0], MappingKind.EVENT, w.event),
        "performance": (w.seasons[0], MappingKind.PERFORMANCE, w.performance),
        "layout": (w.seasons[0], MappingKind.LAYOUT, w.layout),
        # kinds without a season are looked for in every season: this one is in the second
        "seat_category": (w.seasons[1], MappingKind.SEAT_CATEGORY, w.seat_category),
        "audience_subcategory": (w.seasons[0], MappingKind.AUDIENCE_SUBCATEGORY, w.audience_subcategory),
        "seating_plan": (w.seasons[1], MappingKind.ZONE, f"{w.plan}/STALLS/L"),
    }[kind]


def _item(w: World, kind: str) -> str:
    return w.plan if kind == "seating_plan" else _mapped(w, kind)[2]


@pytest.mark.parametrize(
    "kind", ["event", "performance", "layout", "seat_category", "audience_subcategory", "seating_plan"]
)
def test_an_item_a_mapping_names_cannot_be_deleted_until_the_mapping_is(world, kind):
    season, mapping_kind, our_id = _mapped(world, kind)
    mapping = mappings.create_mapping(ORG, world.interface_id, season, mapping_kind, our_id, "EXT-1")
    if kind == "event":
        assert deleted("performance", world.performance)  # else the performance holds the event too
    if kind in ("layout", "seating_plan"):
        assert deleted("performance", world.performance)
    if kind == "seating_plan":
        assert deleted("layout", world.layout)

    refused = refusal(kind, _item(world, kind))

    assert refused.details["used_by"] == [
        {
            "kind": "distributor_mapping",
            "id": mapping.id,
            "field": "our_id",
            "interface_id": world.interface_id,
        }
    ]
    assert refused.message == f"Still used by distributor mapping {mapping.id} (1 in all)"
    mappings.delete_mapping(ORG, world.interface_id, mapping.id, None)
    assert deleted(kind, _item(world, kind))


def test_a_season_with_mappings_cannot_be_deleted_nor_an_item_mapped_by_a_deleted_interface(world):
    mapping = mappings.create_mapping(
        ORG, world.interface_id, world.seasons[1], MappingKind.SEAT_CATEGORY, world.seat_category, "EXT-1"
    )

    refused = refusal("season", world.seasons[1])
    assert refused.details["used_by"] == [
        {
            "kind": "distributor_mapping",
            "id": mapping.id,
            "field": "season_id",
            "interface_id": world.interface_id,
        }
    ]

    service.delete_interface(ORG, world.interface_id, None)  # its mappings go with it
    assert deleted("seat_category", world.seat_category)
    assert deleted("season", world.seasons[1])


def test_the_refusal_lists_every_interface_whose_mapping_names_the_item(world):
    channel = _create("sales_channel", k.SalesChannelSpec(code="TKN", name="Ticketnet", type="external"))
    pos = _create("point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="TKNPOS", name="TKN"))
    other = service.create_interface(ORG, _interface_spec(channel, pos, world.contact, world.quota))
    made = [
        mappings.create_mapping(ORG, interface, world.seasons[0], MappingKind.EVENT, world.event, "EXT-1")
        for interface in (world.interface_id, other.id)
    ]
    assert deleted("performance", world.performance)

    refused = refusal("event", world.event)

    assert sorted((u["interface_id"], u["id"]) for u in refused.details["used_by"]) == sorted(
        [(world.interface_id, made[0].id), (other.id, made[1].id)]
    )
    contact_users = refusal("contact", world.contact).details["used_by"]
    assert sorted(u["id"] for u in contact_users) == sorted([world.interface_id, other.id])
