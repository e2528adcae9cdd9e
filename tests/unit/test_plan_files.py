"""Seating plan files: CSV and JSON parsing, their refusals, export and round trips, seat selection."""

from __future__ import annotations

import pytest

from chalicelib.catalog import plans, seating
from chalicelib.catalog.kinds import StandingArea
from chalicelib.catalog.seating import AssignmentChange, LayoutBlock, SeatAssignment, Selection
from chalicelib.errors import InvalidInput

HEADER = "zone,block,row,number,x,y,rank,accessible\n"


def csv_plan(*lines: str, header: str = HEADER) -> str:
    return header + "".join(line + "\n" for line in lines)


def grid(zones: int = 1, blocks: int = 2, rows: int = 3, seats: int = 4) -> str:
    lines = [
        f"Z{z},B{b},R{r},{n},{b * 100 + n},{r * 10},{r},{'yes' if n == 1 else 'no'}"
        for z in range(zones)
        for b in range(blocks)
        for r in range(rows)
        for n in range(1, seats + 1)
    ]
    return csv_plan(*lines)


def problems_of(call, *args) -> list[dict[str, str]]:
    with pytest.raises(InvalidInput) as raised:
        call(*args)
    return raised.value.details["fields"]


def seats_of(parsed: plans.ParsedPlan) -> dict[str, tuple]:
    return {seat.seat_id: (b.zone, b.block, seat) for b in parsed.blocks for seat in b.seats}


def test_csv_seats_are_grouped_by_zone_and_block_with_derived_ids():
    parsed = plans.parse_csv(grid(blocks=2, rows=3, seats=4))

    assert [(b.zone, b.block, len(b.seats)) for b in parsed.blocks] == [("Z0", "B0", 12), ("Z0", "B1", 12)]
    first = parsed.blocks[1].seats[0]
    assert first == seating.PlanSeat("Z0-B1-R0-1", "R0", "1", 101.0, 0.0, 0, True)


def test_rank_and_accessible_columns_are_optional():
    parsed = plans.parse_csv(csv_plan("A,B,1,1,0,0", header="zone,block,row,number,x,y\n"))

    seat = parsed.blocks[0].seats[0]
    assert (seat.rank, seat.accessible) == (plans.DEFAULT_RANK, False)


def test_semicolons_and_decimal_commas_of_french_spreadsheets_are_read():
    text = "\ufeffzone;block;row;number;x;y\nA;B;1;1;12,5;3\n"

    seat = plans.parse_csv(text).blocks[0].seats[0]

    assert (seat.x, seat.y) == (12.5, 3.0)


def test_bad_rows_are_named_by_line_and_field():
    text = csv_plan(
        "A,B,1,1,0,0,1,no",
        "A,B,1,2,left,0,1,no",
        "A-1,B,1,3,0,0,1,no",
        "A,B,1,4,0,0,-1,maybe",
        "A,B,1,5,0",
        ",B,1,6,0,0,1,no",
    )

    found = problems_of(plans.parse_csv, text)

    assert found == [
        {"field": "line 3: x", "reason": "'left' is not a number"},
        {"field": "line 4: zone", "reason": plans.LABEL_RULE},
        {"field": "line 5: rank", "reason": "use a whole number from 0 to 1,000,000"},
        {"field": "line 5: accessible", "reason": "use true/false, 1/0 or yes/no"},
        {"field": "line 6", "reason": "5 fields where the header has 8"},
        {"field": "line 7: zone", "reason": "missing"},
    ]


def test_a_duplicate_seat_is_refused_naming_both_lines():
    found = problems_of(plans.parse_csv, csv_plan("A,B,1,1,0,0,1,no", "A,B,1,2,1,0,1,no", "A,B,1,1,2,0,1,no"))

    assert found == [{"field": "line 4", "reason": "seat A-B-1-1 is already at line 2"}]


def test_problems_are_capped_but_all_counted():
    lines = [f"A,B,1,{n},x,0,1,no" for n in range(50)]

    with pytest.raises(InvalidInput) as raised:
        plans.parse_csv(csv_plan(*lines))

    assert len(raised.value.details["fields"]) == plans.MAX_PROBLEMS
    assert raised.value.details["problem_count"] == 50
    assert raised.value.message.startswith("The plan has 50 problem(s): line 2: x")


def test_a_header_without_required_or_with_unknown_columns_is_refused():
    found = problems_of(plans.parse_csv, "zone,block,row,number,x,colour\nA,B,1,1,0,red\n")

    assert [p["reason"].split(";")[0] for p in found] == [
        "the header has no y column",
        "unknown column 'colour'",
    ]


def test_an_empty_plan_is_refused():
    assert problems_of(plans.parse_csv, HEADER) == [
        {"field": "content", "reason": "the plan has no seats and no standing areas"}
    ]
    assert problems_of(plans.parse_csv, "")[0]["field"] == "line 1"


def test_a_standing_only_plan_is_not_empty():
    parsed = plans.parse_csv(HEADER, [StandingArea(code="PIT", name="Pit", capacity=800)])

    assert parsed.blocks == []
    assert plans.plan_state(parsed.blocks)["seat_count"] == 0


def test_more_than_fifty_thousand_seats_are_refused(monkeypatch):
    monkeypatch.setattr(plans, "MAX_SEATS", 10)

    found = problems_of(plans.parse_csv, grid(blocks=1, rows=3, seats=4))

    assert found == [{"field": "line 12", "reason": "a plan has at most 10 seats"}]


def test_a_block_too_large_for_one_record_is_refused_with_a_size_to_split_to(monkeypatch):
    monkeypatch.setattr(plans, "MAX_RECORD_BYTES", 1000)

    found = problems_of(plans.parse_csv, grid(blocks=1, rows=4, seats=10))

    assert found[0]["field"] == "block Z0/B0"
    assert "split it into blocks of at most about" in found[0]["reason"]


def test_json_plan_is_read_with_numbers_as_labels_and_areas():
    document = {
        "blocks": [{"zone": "A", "block": "B", "seats": [{"row": "C", "number": 7, "x": 1.5, "y": 2}]}],
        "areas": [{"code": "PIT", "name": "Pit", "capacity": 500}],
    }

    parsed = plans.parse_json(document)

    assert parsed.blocks[0].seats == [seating.PlanSeat("A-B-C-7", "C", "7", 1.5, 2.0)]
    assert [a.code for a in parsed.areas] == ["PIT"]


def test_json_problems_name_the_path_of_the_field():
    document = {"blocks": [{"zone": "A", "block": "B", "seats": [{"row": "C", "number": 1, "x": "?"}]}]}

    found = problems_of(plans.parse_json, document)

    assert {p["field"] for p in found} == {"content.blocks[0].seats[0].x", "content.blocks[0].seats[0].y"}


def test_json_duplicate_seats_and_areas_are_refused():
    seat = {"row": "C", "number": 1, "x": 0, "y": 0}
    document = {
        "blocks": [
            {"zone": "A", "block": "B", "seats": [seat]},
            {"zone": "A", "block": "B", "seats": [seat]},
        ],
        "areas": [{"code": "PIT", "name": "Pit", "capacity": 5}],
    }

    found = problems_of(plans.parse_json, document, [StandingArea(code="PIT", name="Pit", capacity=5)])

    assert found == [
        {
            "field": "content.blocks[1].seats[0]",
            "reason": "seat A-B-C-1 is already at content.blocks[0].seats[0]",
        },
        {"field": "areas[1].code", "reason": "standing area PIT is declared twice"},
    ]


def test_csv_export_imports_back_to_the_same_seats():
    first = plans.parse_csv(grid(zones=2, blocks=2, rows=2, seats=3))
    first.blocks[0].seats[0] = seating.PlanSeat("Z0-B0-R0-1", "R0", "1", 0.1, -2.25, 7, True)

    again = plans.parse_csv(plans.plan_csv(first.blocks))

    assert seats_of(again) == seats_of(first)


def test_json_export_imports_back_to_the_same_seats_and_areas():
    areas = [StandingArea(code="PIT", name="Pit", capacity=300)]
    first = plans.parse_csv(grid(), areas)

    document = plans.plan_document(first.blocks, [a.model_dump() for a in areas])
    again = plans.parse_json(document)

    assert seats_of(again) == seats_of(first)
    assert again.areas == areas


def test_plan_state_counts_blocks_and_bounds():
    state = plans.plan_state(plans.parse_csv(grid(blocks=2, rows=3, seats=4)).blocks)

    assert state["seat_count"] == 24
    assert state["blocks"] == [
        {"zone": "Z0", "block": "B0", "seat_count": 12},
        {"zone": "Z0", "block": "B1", "seat_count": 12},
    ]
    assert state["bounds"] == {"min_x": 1.0, "max_x": 104.0, "min_y": 0.0, "max_y": 20.0}


def test_a_quota_needs_a_category_in_the_layout_columns():
    text = csv_plan("A,B,1,1,0,0,GROUP", "A,B,1,2,0,0,", header="zone,block,row,number,x,y,quota\n")

    assert problems_of(plans.parse_csv, text) == [
        {"field": "line 2: category", "reason": "a seat with a quota needs a seat category"}
    ]


def test_selection_by_block_rows_and_number_range():
    blocks = plans.parse_csv(grid(blocks=2, rows=3, seats=6)).blocks

    chosen, _ = seating.select(
        blocks, Selection(block="B1", rows=frozenset({"R1"}), from_number=2, to_number=4)
    )

    assert chosen == {("Z0", "B1"): ["Z0-B1-R1-2", "Z0-B1-R1-3", "Z0-B1-R1-4"]}


def test_selection_by_ids_names_the_ones_the_plan_lacks():
    blocks = plans.parse_csv(grid()).blocks

    chosen, missing = seating.select(blocks, Selection(seat_ids=("Z0-B0-R0-1", "nope", "Z0-B1-R2-4")))

    assert chosen == {("Z0", "B0"): ["Z0-B0-R0-1"], ("Z0", "B1"): ["Z0-B1-R2-4"]}
    assert missing == ["nope"]


def test_assigning_counts_the_seats_gained_and_lost():
    layout = [LayoutBlock("A", "B", {"s1": SeatAssignment("cat1", "q1"), "s2": SeatAssignment("cat1")})]
    chosen = {("A", "B"): ["s1", "s2", "s3"]}

    result = seating.assign(layout, chosen, AssignmentChange(set_category=True, seat_category_id="cat2"))

    assert result.changed == 3
    assert dict(result.categories) == {"cat1": -2, "cat2": 3, None: -1}
    assert layout[0].seats["s1"] == SeatAssignment("cat2", "q1")


def test_removing_the_category_unassigns_the_seat_and_a_quota_alone_skips_unassigned_seats():
    layout = [LayoutBlock("A", "B", {"s1": SeatAssignment("cat1", "q1"), "s2": SeatAssignment("cat1")})]

    removed = seating.assign(layout, {("A", "B"): ["s1"]}, AssignmentChange(set_category=True))
    quota = seating.assign(
        layout, {("A", "B"): ["s1", "s2"]}, AssignmentChange(set_quota=True, quota_id="q2")
    )

    assert layout[0].seats == {"s2": SeatAssignment("cat1", "q2")}
    assert dict(removed.quotas) == {"q1": -1}
    assert (quota.changed, quota.skipped) == (1, 1)


def test_layout_areas_must_exist_fit_and_name_known_quotas():
    plan_areas = [{"code": "PIT", "name": "Pit", "capacity": 100}]
    assignments = [
        {"area": "PIT", "seat_category_id": "c", "quotas": {"q1": 80, "q2": 30}},
        {"area": "ROOF", "seat_category_id": "c", "quotas": {}},
    ]

    found = seating.layout_area_problems(plan_areas, assignments, {"q1"})

    assert found == [
        {"field": "areas[0].quotas.q2", "reason": "no quota q2"},
        {"field": "areas[0].quotas", "reason": "110 places exceed the area's capacity of 100"},
        {"field": "areas[1].area", "reason": "the seating plan has no standing area ROOF"},
    ]
