"""Mappings of a distributor interface, per season: one per our item and one per distributor id (in a
kind), made one by one or from a CSV file that is imported whole or not at all, its problems named by
line; and the on-sale sheet of an event that a distributor receives to give its ids."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import plan_service
from chalicelib.catalog import service as catalog
from chalicelib.catalog.seating import Selection
from chalicelib.distributors import mappings, on_sale_sheet, service
from chalicelib.distributors.model import InterfaceSpec, MappingKind
from chalicelib.errors import AlreadyExists, InvalidInput, NotFound, VersionConflict
from chalicelib.inventory import stock
from tests.service.test_stock_helpers import Built, open_in_process

ORG = "demo"
# Block R row B (4 seats) and 10 standing places are the distributor's quota.
PLAN = "zone,block,row,number,x,y,category,quota\n" + "".join(
    f"STALLS,{block},{row},{n},{n},{ord(row)},{'CAT1' if row == 'A' else 'CAT2'},"
    f"{'FNACQ' if (block, row) == ('R', 'B') else 'BOXQ'}\n"
    for block in "LR"
    for row in "AB"
    for n in range(1, 5)
)


@dataclass
class DistributorWorld:
    interface_id: str
    channel: str
    season: str
    other_season: str
    event: str
    performances: list[str]  # the first is on sale, the second a draft
    plan: str
    layout: str
    categories: dict[str, str]
    audiences: dict[str, str]
    quota: str


def _create(kind: str, spec: k.Spec) -> str:
    return catalog.create(ORG, kind, spec).id


def build_distributor_world() -> DistributorWorld:
    venue = _create("venue", k.VenueSpec(code="V", name="Opera", timezone="Europe/Paris"))
    hall = _create("hall", k.HallSpec(venue_id=venue, code="H", name="Main hall"))
    seasons = [
        _create("season", k.SeasonSpec(code=code, name=code, starts_on=start, ends_on=end))
        for code, start, end in (("S26", "2026-09-01", "2027-07-01"), ("S27", "2027-09-01", "2028-07-01"))
    ]
    activity = _create("activity", k.ActivitySpec(code="LIVE", name="Live"))
    categories = {
        code: _create(
            "seat_category", k.SeatCategorySpec(code=code, name=f"Cat {n}", rank=n, colour="#aa0000")
        )
        for n, code in enumerate(("CAT1", "CAT2"), start=1)
    }
    channel = _create("sales_channel", k.SalesChannelSpec(code="FNAC", name="FNAC", type="external"))
    quota = _create("quota", k.QuotaSpec(code="FNACQ", name="FNAC", type="external", channel_ids=[channel]))
    box = _create("quota", k.QuotaSpec(code="BOXQ", name="Box office"))
    plan_spec = k.SeatingPlanSpec(
        hall_id=hall, code="P", name="Plan", areas=[k.StandingArea(code="PIT", name="Pit", capacity=50)]
    )
    plan, layout = plan_service.import_plan(ORG, plan_spec, "csv", PLAN, ("LAY", "Layout"))
    pit = k.AreaAssignment(area="PIT", seat_category_id=categories["CAT2"], quotas={quota: 10, box: 40})
    catalog.replace(ORG, "layout", layout.id, k.LayoutSpec(**{**layout.data, "areas": [pit]}), None)
    audience = _create("audience_category", k.AudienceCategorySpec(code="PUB", name="Public"))
    audiences = {
        code: _create(
            "audience_subcategory",
            k.AudienceSubcategorySpec(audience_category_id=audience, code=code, name=name),
        )
        for code, name in (("FULL", "Full price"), ("YOUNG", "Under 26"))
    }
    prices = [
        k.Price(seat_category_id=categories[cat], audience_subcategory_id=audiences[sub], amount=amount)
        for cat, sub, amount in (("CAT1", "FULL", 4500), ("CAT1", "YOUNG", 2500), ("CAT2", "FULL", 3000))
    ]
    grid = _create("price_grid", k.PriceGridSpec(code="G", name="Prices", prices=prices))
    event = _create(
        "event",
        k.EventSpec(
            season_id=seasons[0], activity_id=activity, code="WALK", name="Die Walküre", price_grid_id=grid
        ),
    )
    performances = [
        _create(
            "performance",
            k.PerformanceSpec(
                event_id=event, hall_id=hall, layout_id=layout.id, code=code, starts_at=starts_at
            ),
        )
        for code, starts_at in (("P1", "2027-01-15T19:00:00Z"), ("P2", "2027-06-20T18:00:00Z"))
    ]
    open_in_process(Built(ORG, performances[0], layout.id, plan.id, categories, {}))
    pos = _create("point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="FNACPOS", name="FNAC"))
    contact = _create("contact", k.ContactSpec(code="FNAC", name="Fnac", email="orders@fnac.example"))
    interface = service.create_interface(
        ORG,
        InterfaceSpec(
            name="NTJ FNAC",
            channel_id=channel,
            connection={"adapter": "file"},
            contact_id=contact,
            point_of_sale_id=pos,
        ),
    )
    return DistributorWorld(
        interface.id,
        channel,
        seasons[0],
        seasons[1],
        event,
        performances,
        plan.id,
        layout.id,
        categories,
        audiences,
        quota,
    )


@pytest.fixture
def world(organisation) -> DistributorWorld:
    return build_distributor_world()


def test_a_mapping_pairs_our_item_with_the_distributors_id_and_answers_our_code(world):
    w = world

    made = mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.EVENT, w.event, "ExSales")
    zone = mappings.create_mapping(
        ORG, w.interface_id, w.season, MappingKind.ZONE, f"{w.plan}/STALLS/R", "Zone1"
    )

    assert (made.our_code, made.distributor_id, made.version) == ("WALK", "ExSales", 1)
    assert zone.our_code == "STALLS/R"
    listed = mappings.list_mappings(ORG, w.interface_id, w.season, None)
    assert sorted((m.kind, m.distributor_id) for m in listed) == [("event", "ExSales"), ("zone", "Zone1")]
    assert mappings.list_mappings(ORG, w.interface_id, w.other_season, None) == []
    assert [m.kind for m in mappings.list_mappings(ORG, w.interface_id, w.season, "zone")] == ["zone"]


def test_our_item_has_one_distributor_id_and_a_distributor_id_one_of_our_items_per_season(world):
    w = world
    mappings.create_mapping(
        ORG, w.interface_id, w.season, MappingKind.SEAT_CATEGORY, w.categories["CAT1"], "Cat1"
    )

    with pytest.raises(AlreadyExists) as ours:
        mappings.create_mapping(
            ORG, w.interface_id, w.season, MappingKind.SEAT_CATEGORY, w.categories["CAT1"], "C"
        )
    with pytest.raises(AlreadyExists) as theirs:
        mappings.create_mapping(ORG, w.interface_id, w.season, "seat_category", w.categories["CAT2"], "Cat1")

    assert ours.value.details["field"] == "our_id"
    assert theirs.value.details == {
        "field": "distributor_id",
        "distributor_id": "Cat1",
        "our_id": w.categories["CAT1"],
    }
    # the same id in another kind, or in another season, is another mapping
    mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.LAYOUT, w.layout, "Cat1")
    mappings.create_mapping(
        ORG, w.interface_id, w.other_season, MappingKind.SEAT_CATEGORY, w.categories["CAT2"], "Cat1"
    )


@pytest.mark.parametrize(
    ("kind", "our_id", "reason"),
    [
        (MappingKind.PERFORMANCE, "nope", "no performance nope"),
        (MappingKind.ZONE, "{plan}/BALCONY", "no zone or standing area BALCONY"),
        (MappingKind.ZONE, "{plan}/STALLS/X", "no block X"),
        (MappingKind.ZONE, "STALLS", "<seating_plan_id>/<zone>"),
    ],
)
def test_a_mapping_names_an_item_we_have(world, kind, our_id, reason):
    with pytest.raises(InvalidInput) as refused:
        mappings.create_mapping(
            ORG, world.interface_id, world.season, kind, our_id.format(plan=world.plan), "X"
        )

    assert refused.value.details["field"] == "our_id" and reason in refused.value.message


def test_an_event_of_another_season_is_not_mapped_in_this_one(world):
    with pytest.raises(InvalidInput) as refused:
        mappings.create_mapping(
            ORG, world.interface_id, world.other_season, MappingKind.PERFORMANCE, world.performances[0], "X"
        )

    assert "is of season" in refused.value.message


def test_changing_a_distributor_id_frees_the_old_one_and_a_stale_version_is_refused(world):
    w = world
    made = mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.EVENT, w.event, "OLD")

    changed = mappings.change_mapping(ORG, w.interface_id, made.id, "NEW", made.version)
    with pytest.raises(VersionConflict):
        mappings.change_mapping(ORG, w.interface_id, made.id, "OTHER", made.version)
    mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.PERFORMANCE, w.performances[0], "OLD")
    with pytest.raises(VersionConflict):
        mappings.delete_mapping(ORG, w.interface_id, made.id, made.version)
    mappings.delete_mapping(ORG, w.interface_id, made.id, changed.version)

    assert changed.distributor_id == "NEW" and changed.version == 2
    with pytest.raises(NotFound):
        mappings.get_mapping(ORG, w.interface_id, made.id)
    again = mappings.create_mapping(
        ORG,
        w.interface_id,
        w.season,
        MappingKind.SEASON_TICKET if False else MappingKind.EVENT,
        w.event,
        "NEW",
    )
    assert again.version == 1


def file_of(*lines: str) -> str:
    return "kind,our_id,our_code,distributor_id\n" + "".join(f"{line}\n" for line in lines)


def test_an_import_writes_every_line_or_none_and_names_the_lines_at_fault(world):
    w = world
    mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.LAYOUT, w.layout, "ESWP")
    content = file_of(
        f"event,{w.event},,ExSales",
        "seat_category,,CAT1,Cat1",  # named by our code
        "audience_subcategory,ghost,,Normal",  # unknown our id
        f"layout,{w.layout},,ESWP2",
        f"seat_category,{w.categories['CAT2']},,Cat1",  # Cat1 twice in a kind
        "show,x,,y",  # unknown kind
        f"performance,{w.performances[0]},,",  # missing distributor id
    )

    with pytest.raises(InvalidInput) as refused:
        mappings.import_mappings(ORG, w.interface_id, w.season, content)

    problems = refused.value.details["problems"]
    assert sorted((p["line"], p["field"]) for p in problems) == [
        (4, "our_id"),
        (6, "distributor_id"),
        (7, "kind"),
        (8, "distributor_id"),
    ]
    assert [
        (m.kind, m.distributor_id) for m in mappings.list_mappings(ORG, w.interface_id, w.season, None)
    ] == [("layout", "ESWP")]


def test_an_import_creates_and_changes_mappings_and_its_export_imports_again_unchanged(world):
    w = world
    mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.LAYOUT, w.layout, "ESWP")
    content = file_of(
        f"event,{w.event},,ExSales",
        f"performance,{w.performances[0]},,ExSales-1501",
        f"layout,{w.layout},,ESWP2",
        "seat_category,,CAT1,Cat1",
        f"zone,{w.plan}/PIT,,Pit",
        f"audience_subcategory,{w.audiences['FULL']},,Normal",
    )

    counts = mappings.import_mappings(ORG, w.interface_id, w.season, content)
    exported = mappings.export_mappings(ORG, w.interface_id, w.season)

    assert counts == {"created": 5, "changed": 1, "unchanged": 0}
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {(r["kind"], r["our_code"], r["distributor_id"]) for r in rows} == {
        ("event", "WALK", "ExSales"),
        ("performance", "P1", "ExSales-1501"),
        ("layout", "LAY", "ESWP2"),
        ("seat_category", "CAT1", "Cat1"),
        ("zone", "PIT", "Pit"),
        ("audience_subcategory", "FULL", "Normal"),
    }
    assert mappings.import_mappings(ORG, w.interface_id, w.season, exported) == {
        "created": 0,
        "changed": 0,
        "unchanged": 6,
    }


def test_an_import_does_not_take_a_distributor_id_another_item_holds(world):
    w = world
    mappings.create_mapping(
        ORG, w.interface_id, w.season, MappingKind.SEAT_CATEGORY, w.categories["CAT1"], "Cat1"
    )

    with pytest.raises(InvalidInput) as refused:
        mappings.import_mappings(
            ORG, w.interface_id, w.season, file_of(f"seat_category,{w.categories['CAT2']},,Cat1")
        )

    assert refused.value.details["problems"][0]["line"] == 2
    assert "names seat_category" in refused.value.details["problems"][0]["reason"]


def test_a_large_import_that_meets_a_concurrent_mapping_is_undone_whole(world, monkeypatch):
    """Written in several transactions, an import that fails midway takes back what it wrote."""
    from chalicelib.distributors import repository

    w = world
    mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.LAYOUT, w.layout, "ESWP")
    monkeypatch.setattr(repository, "BATCH", 2)
    real = repository._add_writes
    calls = {"n": 0}

    def racing(tx, pk, new, old):
        calls["n"] += 1
        if calls["n"] == 5:  # another operator maps the import's last item meanwhile
            race = type(new)(w.season, MappingKind.SEAT_CATEGORY, w.categories["CAT2"], "RACE")
            repository.save_mapping(ORG, w.interface_id, race, None)
        return real(tx, pk, new, old)

    monkeypatch.setattr(repository, "_add_writes", racing)
    content = file_of(
        f"event,{w.event},,E",
        f"performance,{w.performances[0]},,P1",
        f"layout,{w.layout},,ESWP2",
        f"seat_category,{w.categories['CAT1']},,Cat1",
        f"seat_category,{w.categories['CAT2']},,Cat2",
    )

    with pytest.raises(VersionConflict):
        mappings.import_mappings(ORG, w.interface_id, w.season, content)

    left = {(m.kind, m.distributor_id) for m in mappings.list_mappings(ORG, w.interface_id, w.season, None)}
    # the first two transactions (E, P1, ESWP2, Cat1) were written, then taken back
    assert left == {("layout", "ESWP"), ("seat_category", "RACE")}
    monkeypatch.setattr(repository, "_add_writes", real)
    # every distributor id the import had taken is free again, and ESWP is still the layout's
    again = file_of(f"event,{w.event},,E", f"performance,{w.performances[0]},,P1", f"layout,{w.layout},,ESWP")
    assert mappings.import_mappings(ORG, w.interface_id, w.season, again) == {
        "created": 2,
        "changed": 0,
        "unchanged": 1,
    }


def test_deleting_an_interface_deletes_its_mappings(world):
    w = world
    mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.EVENT, w.event, "ExSales")

    service.delete_interface(ORG, w.interface_id, None)

    with pytest.raises(NotFound):
        mappings.list_mappings(ORG, w.interface_id, w.season, None)
    from chalicelib.distributors import repository

    assert repository.list_mappings(ORG, w.interface_id, None) == []


def test_the_on_sale_sheet_gives_ids_local_dates_prices_and_the_distributors_quota(world):
    w = world
    mappings.create_mapping(ORG, w.interface_id, w.season, MappingKind.EVENT, w.event, "ExSales")
    one_seat = Selection(seat_ids=("STALLS-R-B-1",))
    stock.change_seats(ORG, w.performances[0], one_seat, "block")

    sheet = on_sale_sheet.build(ORG, w.interface_id, w.event)

    assert sheet["event"] | {"distributor_id": "ExSales", "code": "WALK"} == sheet["event"]
    first, second = sheet["performances"]
    assert (first["starts_at_local"], first["timezone"]) == ("2027-01-15T20:00:00+01:00", "Europe/Paris")
    assert second["starts_at_local"] == "2027-06-20T20:00:00+02:00"
    # on sale: from the stock, the blocked seat left out; a draft: from its layout
    assert first["quota"] == {"seats": 3, "places": 10, "source": "stock"}
    assert second["quota"] == {"seats": 4, "places": 10, "source": "layout"}
    assert [c["code"] for c in sheet["seat_categories"]] == ["CAT1", "CAT2"]
    assert [a["code"] for a in sheet["audience_subcategories"]] == ["FULL", "YOUNG"]
    assert sorted(p["amount"] for p in sheet["prices"]) == [2500, 3000, 4500]


def test_the_on_sale_sheet_as_csv_is_a_mapping_file_once_the_distributor_fills_its_ids(world):
    w = world
    text = on_sale_sheet.sheet_csv(on_sale_sheet.build(ORG, w.interface_id, w.event))
    rows = list(csv.DictReader(io.StringIO(text)))

    assert [r["kind"] for r in rows] == [
        "event",
        "performance",
        "performance",
        "layout",
        "seat_category",
        "seat_category",
        "audience_subcategory",
        "audience_subcategory",
    ]
    assert rows[1]["quota_seats"] == "4" and rows[1]["starts_at_local"] == "2027-01-15T20:00:00+01:00"
    assert rows[6]["prices"] == "CAT1 45.00 EUR; CAT2 30.00 EUR"
    for n, row in enumerate(rows):
        row["distributor_id"] = f"D{n}"
    out = io.StringIO()
    writer = csv.DictWriter(out, rows[0].keys(), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)

    assert mappings.import_mappings(ORG, w.interface_id, w.season, out.getvalue())["created"] == 8


def test_an_event_of_another_organisation_or_none_has_no_sheet(world):
    with pytest.raises(NotFound):
        on_sale_sheet.build(ORG, world.interface_id, "nope")
    with pytest.raises(NotFound):
        on_sale_sheet.build(ORG, "nope", world.event)
