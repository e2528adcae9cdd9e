"""Sales files: CSV or JSON records taken from the interface's inbox in batches, each bad record an error
naming its line in the file, duplicates refused, no partial order; a file fully taken moves to `taken`
and taking it again changes nothing; a file interface's pull takes its inbox."""

from __future__ import annotations

import json

import pytest

from chalicelib.distributors import files, pull, sales_files
from chalicelib.distributors import reintegration_store as store
from chalicelib.sales import repository
from tests.service.test_distributor_sales_world import ORG, build_distributor_world

HEADER = (
    "external_sale_id,line,distributor_performance_id,distributor_seat_category_id,"
    "distributor_audience_subcategory_id,price,seat,cancelled"
)


@pytest.fixture
def world(organisation):
    return build_distributor_world()


def drop(world, name: str, text: str) -> str:
    key = files.key(ORG, world.interface_id, files.INBOX, name)
    files.put_text(key, text)
    return key


def row(
    sale_id: str, seat: str = "", *, perf: str = "D-PERF", price: str = "3000", cancelled: str = ""
) -> str:
    return f"{sale_id},1,{perf},D-CAT2,D-FULL,{price},{seat},{cancelled}"


def orders_of_contact(world) -> list:
    return repository.orders_of_buyer(ORG, f"contact-{world.contact_id}", 500, None)[0]


def test_a_csv_file_gives_each_bad_line_its_error_and_line_number_and_moves_to_taken(world):
    text = "\n".join(
        [
            HEADER,
            row("S1", world.seat("L", "C", 1)),  # line 2
            row("S2", price="thirty"),  # 3: malformed
            "S3,1,D-PERF",  # 4: cells missing
            row("S4", perf="UNKNOWN"),  # 5: mapping
            row("S1", world.seat("L", "C", 1)),  # 6: duplicate of line 2
            row("S5", world.seat("L", "C", 1)),  # 7: the seat is sold
            row("S6"),  # 8: best available
        ]
    )
    key = drop(world, "sales-1.csv", text)
    assert sales_files.inbox_files(ORG, world.interface_id) == [key]
    assert sales_files.count_lines(key) == 7

    result = sales_files.integrate_file(ORG, world.interface_id, key, 0, 100)

    assert (result["read"], result["integrated"], result["failed"]) == (7, 2, 5)
    assert [(e["file_line"], e["category"], e["reason"]) for e in result["errors"]] == [
        (3, "external", "malformed"),
        (4, "external", "malformed"),
        (5, "mapping", "missing_mapping"),
        (6, "external", "duplicate"),
        (7, "external", "seat_not_available"),
    ]
    assert result["errors_by_category"] == {"external": 4, "mapping": 1}
    assert result["file"]["taken"] is True and result["more"] is False
    assert sales_files.inbox_files(ORG, world.interface_id) == []
    assert files.exists(files.key(ORG, world.interface_id, files.TAKEN, "sales-1.csv"))
    assert len(orders_of_contact(world)) == 2

    again = sales_files.integrate_file(ORG, world.interface_id, key, 0, 100)
    assert again["file"]["already_taken"] is True and again["integrated"] == 0
    assert len(orders_of_contact(world)) == 2


def test_a_json_file_and_its_cancellation_in_a_later_file(world):
    record = {
        "external_sale_id": "J1",
        "line": "1",
        "distributor_performance_id": "D-PERF",
        "distributor_seat_category_id": "D-CAT2",
        "distributor_audience_subcategory_id": "D-YOUNG",
        "price": 1500,
        "seat": world.seat("R", "C", 2),
        "cancelled": False,
    }
    first = drop(world, "a.json", json.dumps({"records": [record, {**record, "price": "x"}]}))
    second = drop(world, "b.json", json.dumps({"records": [{**record, "cancelled": True}]}))

    taken = [sales_files.integrate_file(ORG, world.interface_id, key, 0, 10) for key in (first, second)]

    assert (taken[0]["integrated"], taken[0]["errors"][0]["file_line"]) == (1, 2)
    assert taken[1]["cancelled"] == 1
    assert store.sold_counts(ORG, world.interface_id, world.performance_id) == {"sold": 0, "returned": 1}


def test_a_file_that_is_not_a_sales_file_is_one_external_error_and_is_set_aside(world):
    key = drop(world, "notes.csv", "name,price\nx,1\n")

    result = sales_files.integrate_file(ORG, world.interface_id, key, 0, 10)

    assert (result["failed"], result["errors"][0]["reason"]) == (1, "malformed_file")
    assert sales_files.inbox_files(ORG, world.interface_id) == []


def test_a_file_interfaces_pull_takes_its_inbox_up_to_the_limit(world):
    drop(
        world,
        "1.csv",
        "\n".join([HEADER, row("A1", world.seat("L", "C", 1)), row("A2", world.seat("L", "C", 2))]),
    )
    drop(world, "2.csv", "\n".join([HEADER, row("B1", world.seat("L", "C", 3))]))

    first = pull.pull_sales(ORG, world.interface_id, 1)
    rest = pull.pull_sales(ORG, world.interface_id, 10)

    assert (first["read"], first["integrated"], first["more"]) == (1, 1, True)
    assert (rest["read"], rest["integrated"], rest["more"]) == (2, 2, False)
    assert sales_files.inbox_files(ORG, world.interface_id) == []
    assert len(orders_of_contact(world)) == 3


def test_a_100000_line_file_gives_categorized_errors_and_no_partial_order(world):
    lines = [HEADER]
    good = [world.seat("L", "C", n) for n in range(1, 6)]
    for n in range(100_000):
        if n < len(good):
            lines.append(row(f"G{n}", good[n]))
        elif n % 1000 == 7:
            lines.append(row(f"M{n}", price="-1"))  # malformed
        elif n % 1000 == 9:
            lines.append(row("G0", good[0]))  # duplicate of the first line
        else:
            lines.append(row(f"U{n}", perf=f"UNKNOWN-{n % 50}"))  # unknown ids: mapping
    key = drop(world, "big.csv", "\n".join(lines))
    assert sales_files.count_lines(key) == 100_000

    results = [
        sales_files.integrate_file(ORG, world.interface_id, key, start, 25_000)
        for start in range(0, 100_000, 25_000)
    ]

    total = {name: sum(r[name] for r in results) for name in ("read", "integrated", "failed")}
    assert total == {"read": 100_000, "integrated": 5, "failed": 99_995}
    by_category = {}
    for result in results:
        for category, n in result["errors_by_category"].items():
            by_category[category] = by_category.get(category, 0) + n
    assert by_category == {"external": 200, "mapping": 99_795}
    assert [r["more"] for r in results] == [True, True, True, False]
    assert results[-1]["file"]["taken"] is True
    assert len(orders_of_contact(world)) == 5
    assert all(o.status == "paid" and len(o.lines) == 1 for o in orders_of_contact(world))
