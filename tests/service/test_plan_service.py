"""Seating plan and layout use cases against moto: import, export, seats, assignments, refusals."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import plan_service, repository, seating_repository, service
from chalicelib.catalog.seating import AssignmentChange, Selection
from chalicelib.db.plans import PlanBlockItem
from chalicelib.errors import AlreadyExists, Conflict, InvalidInput, NotFound
from tests.fixtures import ORG

HEADER = "zone,block,row,number,x,y,rank,accessible"


def grid_csv(blocks: int = 2, rows: int = 3, seats: int = 5, extra: str = "") -> str:
    lines = [HEADER + (",category,quota" if extra else "")]
    for b in range(blocks):
        for r in range(rows):
            for n in range(1, seats + 1):
                lines.append(f"Main,B{b},R{r},{n},{b * 100 + n * 2},{r * 3},{r + 1},{n == 1}{extra}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def hall(organisation):
    venue = service.create(ORG, "venue", k.VenueSpec(code="V", name="Venue"))
    return service.create(ORG, "hall", k.HallSpec(venue_id=venue.id, code="H", name="Hall")).id


@pytest.fixture
def cat1(organisation):
    return service.create(
        ORG, "seat_category", k.SeatCategorySpec(code="C1", name="Cat 1", rank=1, colour="#aa0000")
    ).id


@pytest.fixture
def group_quota(organisation):
    return service.create(ORG, "quota", k.QuotaSpec(code="GROUP", name="Groups", type="group")).id


def plan_spec(hall_id: str, code: str = "MAIN", areas=()) -> k.SeatingPlanSpec:
    return k.SeatingPlanSpec(hall_id=hall_id, code=code, name="Main plan", areas=list(areas))


def import_csv(hall_id: str, text: str | None = None, **kwargs):
    plan, _ = plan_service.import_plan(ORG, plan_spec(hall_id, **kwargs), "csv", text or grid_csv())
    return plan


@pytest.fixture
def layout(hall):
    plan = import_csv(hall)
    return service.create(ORG, "layout", k.LayoutSpec(seating_plan_id=plan.id, code="L", name="Layout")).id


def test_an_imported_plan_keeps_its_seats_in_block_records_and_its_counts_in_the_item(hall):
    plan = import_csv(hall)

    stored = repository.get(ORG, "seating_plan", plan.id)
    assert stored.state["seat_count"] == 30
    assert stored.state["block_count"] == 2
    assert stored.state["bounds"] == {"min_x": 2, "max_x": 110, "min_y": 0, "max_y": 6}
    blocks = seating_repository.plan_blocks(ORG, plan.id)
    assert [(b.block, len(b.seats)) for b in blocks] == [("B0", 15), ("B1", 15)]


def test_csv_export_imports_back_to_the_same_seats(hall):
    first = import_csv(hall)

    _, text = plan_service.export_plan(ORG, first.id, "csv")
    second = import_csv(hall, text, code="MAIN2")

    assert (
        plan_service.plan_seats(ORG, second.id)["blocks"] == plan_service.plan_seats(ORG, first.id)["blocks"]
    )


def test_json_export_imports_back_with_its_standing_areas(hall):
    areas = [k.StandingArea(code="PIT", name="Pit", capacity=400)]
    first = import_csv(hall, areas=areas)

    _, document = plan_service.export_plan(ORG, first.id, "json")
    second, _ = plan_service.import_plan(ORG, plan_spec(hall, "COPY"), "json", document)

    assert second.data["areas"] == [{"code": "PIT", "name": "Pit", "capacity": 400}]
    assert second.state["seat_count"] == 30


def test_a_standing_only_plan_has_no_bounds(hall):
    plan = import_csv(hall, HEADER + "\n", areas=[k.StandingArea(code="PIT", name="Pit", capacity=900)])

    assert repository.get(ORG, "seating_plan", plan.id).state["bounds"] is None
    assert plan_service.plan_seats(ORG, plan.id)["blocks"] == []


def test_a_plan_for_an_unknown_hall_is_refused_and_nothing_is_written(organisation):
    with pytest.raises(InvalidInput):
        import_csv("nope")

    assert service.all_items(ORG, "seating_plan") == []


def test_a_taken_code_leaves_no_block_records_behind(hall):
    import_csv(hall)

    with pytest.raises(AlreadyExists):
        import_csv(hall)

    ids = [plan.id for plan in service.all_items(ORG, "seating_plan")]
    assert len(ids) == 1
    records = PlanBlockItem.scan(PlanBlockItem.sk.startswith("BLOCK#"))
    assert {record.plan_id for record in records} == set(ids)


def test_a_failed_block_write_leaves_no_plan(hall, monkeypatch):
    def fail(*_args):
        raise RuntimeError("throttled")

    monkeypatch.setattr(seating_repository, "save_plan_blocks", fail)

    with pytest.raises(RuntimeError):
        import_csv(hall)

    assert service.all_items(ORG, "seating_plan") == []


def test_an_import_with_layout_columns_creates_the_plan_and_its_layout(hall, cat1, group_quota):
    text = grid_csv(blocks=1, rows=1, seats=2, extra=",C1,GROUP")

    plan, layout = plan_service.import_plan(ORG, plan_spec(hall), "csv", text, ("DEFAULT", "Default"))

    assert layout is not None and layout.data["seating_plan_id"] == plan.id
    summary = plan_service.layout_summary(ORG, layout.id)
    assert summary["seat_categories"] == [{"seat_category_id": cat1, "seats": 2}]
    assert summary["quotas"] == [{"quota_id": group_quota, "seats": 2}]


def test_unknown_codes_in_layout_columns_are_named_by_line(hall, cat1):
    text = grid_csv(blocks=1, rows=1, seats=2, extra=",C9,")

    with pytest.raises(InvalidInput) as raised:
        plan_service.import_plan(ORG, plan_spec(hall), "csv", text, ("DEFAULT", "Default"))

    assert raised.value.details["fields"] == [
        {"field": "line 2: category", "reason": "no seat category with code C9"}
    ]
    assert service.all_items(ORG, "seating_plan") == []


def test_a_taken_layout_code_undoes_the_whole_import(hall, cat1, layout):
    text = grid_csv(blocks=1, rows=1, seats=2, extra=",C1,")

    with pytest.raises(AlreadyExists):
        plan_service.import_plan(ORG, plan_spec(hall, "NEW"), "csv", text, ("L", "Same code"))

    assert [plan.data["code"] for plan in service.all_items(ORG, "seating_plan")] == ["MAIN"]


def assign(layout_id: str, selection: Selection, **change) -> dict:
    fields = {"set_category": "seat_category_id" in change, "set_quota": "quota_id" in change, **change}
    return plan_service.assign_seats(ORG, layout_id, selection, AssignmentChange(**fields))


def assigned(layout_id: str) -> dict[str, tuple]:
    blocks = plan_service.layout_assignments(ORG, layout_id)["blocks"]
    return {seat: (a["seat_category_id"], a["quota_id"]) for b in blocks for seat, a in b["seats"].items()}


def test_seats_are_assigned_by_block_row_range_and_list(layout, cat1, group_quota):
    by_block = assign(layout, Selection(block="B0"), seat_category_id=cat1)
    by_range = assign(
        layout, Selection(rows=frozenset({"R0"}), from_number=2, to_number=3), quota_id=group_quota
    )
    by_list = assign(
        layout, Selection(seat_ids=("Main-B1-R2-5",)), seat_category_id=cat1, quota_id=group_quota
    )

    assert by_block["changed"] == 15
    assert by_block["seat_categories"] == [
        {"seat_category_id": cat1, "change": 15},
        {"seat_category_id": None, "change": -15},
    ]
    assert (by_range["changed"], by_range["skipped"]) == (2, 2)
    assert by_list["quotas"] == [{"quota_id": group_quota, "change": 1}]
    seats = assigned(layout)
    assert len(seats) == 16
    assert seats["Main-B0-R0-2"] == (cat1, group_quota)
    assert seats["Main-B1-R2-5"] == (cat1, group_quota)


def test_removing_a_category_takes_seats_off_sale(layout, cat1):
    assign(layout, Selection(all=True), seat_category_id=cat1)

    result = assign(layout, Selection(block="B1", rows=frozenset({"R0"})), seat_category_id=None)

    assert result["seat_categories"] == [
        {"seat_category_id": cat1, "change": -5},
        {"seat_category_id": None, "change": 5},
    ]
    summary = plan_service.layout_summary(ORG, layout)
    assert (summary["seat_count"], summary["assigned"], summary["unassigned"]) == (30, 25, 5)


def test_assignment_refuses_unknown_seats_categories_and_empty_selections(layout, cat1):
    with pytest.raises(InvalidInput) as unknown_seat:
        assign(layout, Selection(seat_ids=("Main-B0-R0-1", "Main-B9-R0-1")), seat_category_id=cat1)
    with pytest.raises(InvalidInput) as unknown_category:
        assign(layout, Selection(all=True), seat_category_id="nope")
    with pytest.raises(InvalidInput) as nothing:
        assign(layout, Selection(zone="Balcony"), seat_category_id=cat1)

    assert unknown_seat.value.details["fields"] == [
        {"field": "selection.seat_ids", "reason": "no seat Main-B9-R0-1"}
    ]
    assert unknown_category.value.details["field"] == "seat_category_id"
    assert nothing.value.details == {"field": "selection"}
    assert assigned(layout) == {}


def test_assigning_an_unknown_layout_is_not_found(organisation, cat1):
    with pytest.raises(NotFound):
        assign("nope", Selection(all=True), seat_category_id=cat1)


def test_layout_areas_are_checked_against_the_plan_when_written(hall, cat1, group_quota):
    plan = import_csv(hall, areas=[k.StandingArea(code="PIT", name="Pit", capacity=100)])
    good = k.AreaAssignment(area="PIT", seat_category_id=cat1, quotas={group_quota: 60})
    too_many = k.AreaAssignment(area="PIT", seat_category_id=cat1, quotas={group_quota: 160})

    layout = service.create(
        ORG, "layout", k.LayoutSpec(seating_plan_id=plan.id, code="L", name="L", areas=[good])
    )
    with pytest.raises(InvalidInput) as refused:
        service.replace(
            ORG,
            "layout",
            layout.id,
            k.LayoutSpec(seating_plan_id=plan.id, code="L", name="L", areas=[too_many]),
            None,
        )

    assert refused.value.details["fields"][0]["field"] == "areas[0].quotas"
    summary = plan_service.layout_summary(ORG, layout.id)
    assert summary["areas"][0]["quota_places"] == 60
    assert summary["unassigned_areas"] == []


def test_a_layout_keeps_its_plan(hall, layout):
    other = import_csv(hall, code="OTHER")

    with pytest.raises(Conflict):
        service.replace(
            ORG, "layout", layout, k.LayoutSpec(seating_plan_id=other.id, code="L", name="L"), None
        )


def test_deleting_a_layout_then_its_plan_deletes_their_block_records(layout, cat1):
    assign(layout, Selection(all=True), seat_category_id=cat1)
    plan_id = repository.get(ORG, "layout", layout).data["seating_plan_id"]

    service.delete(ORG, "layout", layout, None)
    service.delete(ORG, "seating_plan", plan_id, None)

    assert seating_repository.layout_blocks(ORG, layout) == []
    assert seating_repository.plan_blocks(ORG, plan_id) == []


def test_a_category_or_quota_that_seats_use_cannot_be_deleted(layout, cat1, group_quota):
    assign(layout, Selection(block="B0"), seat_category_id=cat1, quota_id=group_quota)

    with pytest.raises(Conflict) as in_use:
        service.delete(ORG, "seat_category", cat1, None)
    with pytest.raises(Conflict):
        service.delete(ORG, "quota", group_quota, None)

    assert in_use.value.details["used_by"] == [
        {"kind": "layout", "id": layout, "field": "seats.seat_category_id"}
    ]
    assign(layout, Selection(all=True), seat_category_id=None)
    service.delete(ORG, "quota", group_quota, None)
    service.delete(ORG, "seat_category", cat1, None)
