"""The distributors' files as pure rules: a mapping file read line by line (its problems named by line),
written back in the same shape; the file adapter's allotment as CSV and JSON, read back the same; what
each kind of adapter supports."""

from __future__ import annotations

import json

import pytest

from chalicelib.distributors.adapters import (
    SUPPORTS,
    Adapter,
    Allotment,
    AllotmentPlace,
    Capability,
    require,
)
from chalicelib.distributors.allotment_files import (
    allotment_csv,
    allotment_json,
    map_places,
    read_allotment_csv,
    read_allotment_json,
)
from chalicelib.distributors.model import (
    AdapterKind,
    LineProblems,
    Mapping,
    MappingKind,
    mapping_csv,
    mapping_id,
    mapping_key,
    parse_mapping_csv,
)
from chalicelib.errors import Conflict, InvalidInput, NotFound


def parsed(text: str):
    problems = LineProblems()
    return parse_mapping_csv(text, problems), problems


def test_a_mapping_file_reads_its_lines_by_column_name_in_any_order():
    lines, problems = parsed(
        "distributor_id,kind,our_code,our_id\nEV1,event,SHOW,e1\nCat1,seat_category,,c1\n\nNorm,audience_subcategory,FULL,\n"
    )

    assert problems.count == 0
    assert [(line.line, line.kind, line.our_id, line.our_code, line.distributor_id) for line in lines] == [
        (2, MappingKind.EVENT, "e1", "SHOW", "EV1"),
        (3, MappingKind.SEAT_CATEGORY, "c1", "", "Cat1"),
        (5, MappingKind.AUDIENCE_SUBCATEGORY, "", "FULL", "Norm"),
    ]


def test_a_mapping_file_names_each_problem_with_its_line():
    _, problems = parsed(
        "kind,our_id,our_code,distributor_id\n"
        "show,e1,,X\n"  # unknown kind
        "event,,,X\n"  # neither our id nor code
        "event,e2,,\n"  # no distributor id
        "seat_category,c1,,Cat1\n"
        "seat_category,c2,,Cat1\n"  # a distributor id twice in one kind
        "performance,p1,,Cat1\n"  # the same id in another kind is fine
    )

    assert [(p["line"], p["field"]) for p in problems.listed] == [
        (2, "kind"),
        (3, "our_id"),
        (4, "distributor_id"),
        (6, "distributor_id"),
    ]
    assert "unknown kind 'show'" in problems.listed[0]["reason"]
    assert "line 5" in problems.listed[3]["reason"]
    with pytest.raises(InvalidInput) as refused:
        problems.raise_if_any()
    assert refused.value.details["problem_count"] == 4
    assert "nothing was imported" in refused.value.message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("kind,our_id\nevent,e1\n", "distributor_id"),
        ("kind,distributor_id\n", "our_id"),
    ],
)
def test_a_mapping_file_without_its_columns_is_refused_at_the_header(text, reason):
    lines, problems = parsed(text)

    assert lines == []
    assert problems.listed[0]["line"] == 1 and reason in problems.listed[0]["reason"]


def test_exported_mappings_read_back_as_the_same_lines():
    mappings = [
        Mapping("s1", MappingKind.EVENT, "e1", "ExSales", our_code="SHOW"),
        Mapping("s1", MappingKind.ZONE, "plan1/STALLS/L", "Zone 1", our_code="STALLS/L"),
    ]

    lines, problems = parsed(mapping_csv(mappings))

    assert problems.count == 0
    assert [(line.kind, line.our_id, line.our_code, line.distributor_id) for line in lines] == [
        (MappingKind.EVENT, "e1", "SHOW", "ExSales"),
        (MappingKind.ZONE, "plan1/STALLS/L", "STALLS/L", "Zone 1"),
    ]


def test_a_mapping_id_is_short_and_url_safe_and_a_forged_one_is_not_found():
    long_zone = "0123456789ab/" + "Z" * 32 + "/" + "B" * 32
    made = mapping_id("0123456789ab", MappingKind.ZONE, long_zone)

    assert made.startswith("0123456789ab~zone~") and len(made) <= 50
    assert "/" not in made and mapping_id("0123456789ab", "zone", long_zone) == made
    assert mapping_key(made)[:2] == ("0123456789ab", MappingKind.ZONE)
    assert mapping_id("s1", "zone", "p/STALLS/L") != mapping_id("s1", "zone", "p/STALLS/R")
    for forged in ("nothing", "s1~show~0123456789abcdef0123", "s1~zone~short", "~zone~0123456789abcdef0123"):
        with pytest.raises(NotFound):
            mapping_key(forged)


def allotment() -> Allotment:
    return Allotment(
        "i1",
        7,
        "2026-12-03T15:00:00+00:00",
        (
            AllotmentPlace("p1", "D-P1", "c1", "Cat1", "STALLS", "Zone1", "L", "B", "3", "STALLS-L-B-3"),
            AllotmentPlace("p1", "D-P1", "pit", None, "PIT", None, places=20),
        ),
    )


def test_an_allotment_reads_back_the_same_from_its_csv_and_its_json():
    sent = allotment()

    assert read_allotment_csv(allotment_csv(sent)) == sent
    assert read_allotment_json(allotment_json(sent)) == sent
    document = json.loads(allotment_json(sent))
    assert document["version"] == 7 and document["places"][1]["places"] == 20
    header, first, _ = allotment_csv(sent).splitlines()
    assert header.startswith("interface_id,version,generated_at,performance_id,distributor_performance_id")
    assert first.startswith("i1,7,")


def test_a_file_that_is_not_an_allotment_is_refused():
    with pytest.raises(InvalidInput):
        read_allotment_json('{"format": "other", "places": []}')
    with pytest.raises(InvalidInput):
        read_allotment_csv("interface_id,version\ni1,x\n")


def test_places_take_the_distributors_ids_and_the_missing_mappings_are_listed():
    places = [
        AllotmentPlace("p1", None, "c1", None, "STALLS", None, "L", "B", "3", "STALLS-L-B-3"),
        AllotmentPlace("p1", None, "c2", None, "STALLS", None, "R", "B", "4", "STALLS-R-B-4"),
    ]
    ids = {("performance", "p1"): "D-P1", ("seat_category", "c1"): "Cat1", ("zone", "plan/STALLS/L"): "ZL"}
    ids[("zone", "plan/STALLS")] = "ZS"

    mapped, missing = map_places(places, ids, "plan")

    assert [
        (p.distributor_performance_id, p.distributor_seat_category_id, p.distributor_zone_id) for p in mapped
    ] == [
        ("D-P1", "Cat1", "ZL"),  # the block's mapping before its zone's
        ("D-P1", None, "ZS"),
    ]
    assert missing.as_list() == [{"kind": "seat_category", "our_id": "c2"}]


def test_a_file_distributor_reports_no_counts_and_asking_it_is_refused():
    assert SUPPORTS[AdapterKind.FILE] == {Capability.EXPORT_ALLOTMENT, Capability.PULL_SALES}
    assert SUPPORTS[AdapterKind.HTTP] == set(Capability)
    require(AdapterKind.HTTP, Capability.READ_COUNTS)
    with pytest.raises(Conflict) as refused:
        require(AdapterKind.FILE, Capability.READ_COUNTS)
    assert refused.value.details["reason"] == "not_supported"


def test_an_object_with_the_adapters_methods_is_an_adapter():
    class Phone:
        kind = AdapterKind.FILE
        supports = frozenset({Capability.PULL_SALES})

        def export_allotment(self, allotment):  # pragma: no cover - shape only
            raise NotImplementedError

        def pull_sales(self, cursor, limit):  # pragma: no cover
            raise NotImplementedError

        def read_counts(self, ids):  # pragma: no cover
            raise NotImplementedError

    assert isinstance(Phone(), Adapter)
    assert not isinstance(object(), Adapter)
