"""How a run's Begin plans its batches: the performances on sale it takes (named ones, an event's, those
in a window of dates or of days around now; by default those to come), cut in batches of the size asked;
a sales file cut in line ranges; pull batches for a distributor's feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.distributors import files, run_functions, service
from chalicelib.distributors.run_model import MAX_PULLS, Function, RunParameters, Window
from tests.service.test_distributor_mappings import ORG, build_distributor_world
from tests.service.test_stock_helpers import Built, open_in_process

BEFORE = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # P1 is on 2027-01-15, P2 (draft) on 2027-06-20


@pytest.fixture
def world(organisation):
    with clock.at(BEFORE):
        w = build_distributor_world()
        # a third performance on sale, of the same event, on 2027-03-10
        p3 = catalog.create(
            ORG,
            "performance",
            k.PerformanceSpec(
                event_id=w.event,
                hall_id=catalog.get(ORG, "performance", w.performances[0]).data["hall_id"],
                layout_id=w.layout,
                code="P3",
                starts_at="2027-03-10T19:00:00Z",
            ),
        ).id
        open_in_process(Built(ORG, p3, w.layout, w.plan, w.categories, {}))
        w.performances.append(p3)
        yield w


def taken(**params) -> list[str]:
    with clock.at(BEFORE):
        return run_functions.performances(ORG, RunParameters(**params))


def test_a_run_takes_the_performances_on_sale_to_come_by_default_and_as_filtered(world):
    p1, _draft, p3 = world.performances

    assert taken() == [p1, p3]
    assert taken(event_id=world.event) == [p1, p3]
    assert taken(event_id="another-event") == []
    assert taken(window=Window(from_date="2027-02-01", to_date="2027-12-31")) == [p3]
    assert taken(window=Window(days_before=60)) == [p1]  # starting within 60 days
    assert taken(performance_ids=[p3, p1, p3]) == [p3, p1]  # as named, once each


def test_batches_of_the_size_asked_and_a_file_in_line_ranges(world):
    p1, _draft, p3 = world.performances
    interface = service.get_interface(ORG, world.interface_id)
    with clock.at(BEFORE):
        batches, concurrency = run_functions.plan(
            ORG, interface, Function.ALLOTMENT_EXPORT, RunParameters(batch_size=1)
        )
    assert batches == [{"key": "00000", "performance_ids": [p1]}, {"key": "00001", "performance_ids": [p3]}]
    assert concurrency > 1

    key = files.key(ORG, world.interface_id, files.INBOX, "sales.csv")
    header = "external_sale_id,line,distributor_performance_id,distributor_seat_category_id,"
    header += "distributor_audience_subcategory_id,price,seat,cancelled"
    files.put_text(key, "\n".join([header] + [f"S{n},1,D,C,A,100,," for n in range(5)]))
    ranges, _ = run_functions.plan(
        ORG, interface, Function.SALES_REINTEGRATION, RunParameters(file_key=key, batch_size=2)
    )
    assert [(r["start"], r["count"]) for r in ranges] == [(0, 2), (2, 2), (4, 1)]

    pulls, one_at_a_time = run_functions.plan(ORG, interface, Function.SALES_REINTEGRATION, RunParameters())
    assert len(pulls) == MAX_PULLS and one_at_a_time == 1
    assert pulls[0] == {"key": "00000", "pull": 500}
