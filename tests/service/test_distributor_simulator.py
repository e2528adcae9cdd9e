"""The simulated distributor through the http adapter, in process: it keeps the highest allotment per
performance, sells each place once, reports its sales feed and counts, and fails as it is told to, each
failure landing in its category."""

from __future__ import annotations

import pytest

from chalicelib.distributors import connections, service, simulator, simulator_protocol, simulator_store
from chalicelib.distributors.adapters import Adapter, Allotment, AllotmentPlace
from chalicelib.distributors.categories import ExternalError, TechnicalError
from chalicelib.distributors.http_adapter import HttpAdapter, read_records
from chalicelib.distributors.model import AdapterKind, InterfaceSpec
from chalicelib.errors import Conflict, VersionConflict
from tests.service.test_distributor_interfaces import distributor_contact, external_channel

ORG = "demo"
LOGIN, PASSWORD = "SIMUSER", "sim-pass"


def simulated_interface(url: str = "", password: str | None = PASSWORD, code: str = "SIM"):
    channel, pos = external_channel(code)
    spec = InterfaceSpec.model_validate(
        {
            "name": f"Simulated <{code}>",
            "channel_id": channel,
            "connection": {"adapter": "simulated", "url": url, "login": LOGIN, "password": password},
            "contact_id": distributor_contact(code),
            "point_of_sale_id": pos,
        }
    )
    return service.create_interface(ORG, spec)


def seat(performance: str, number: int, category: str = "D-CAT1") -> AllotmentPlace:
    return AllotmentPlace(
        performance_id=f"our-{performance}",
        distributor_performance_id=performance,
        seat_category_id="cat1",
        distributor_seat_category_id=category,
        zone="ORCH",
        distributor_zone_id="D-ORCH",
        row="A",
        number=str(number),
        seat_id=f"{performance}-A{number}",
    )


def standing(performance: str, places: int) -> AllotmentPlace:
    return AllotmentPlace(
        performance_id=f"our-{performance}",
        distributor_performance_id=performance,
        seat_category_id="pit",
        distributor_seat_category_id="D-PIT",
        zone="PIT",
        distributor_zone_id="D-PIT",
        places=places,
    )


def allotment(interface_id: str, version: int, *places: AllotmentPlace) -> Allotment:
    return Allotment(interface_id, version, "2026-12-01T10:00:00+00:00", tuple(places))


@pytest.fixture
def sim(organisation):
    interface = simulated_interface()
    with connections.simulated_transport():
        adapter = connections.adapter_for(ORG, interface)
        yield interface, adapter


def counts(adapter, *performances):
    return {
        c.distributor_performance_id: (c.allocated, c.sold) for c in adapter.read_counts(list(performances))
    }


def test_the_adapter_exports_then_pulls_what_the_distributor_sold_and_cancelled(sim):
    interface, adapter = sim
    receipt = adapter.export_allotment(
        allotment(interface.id, 1, seat("P1", 1), seat("P1", 2), standing("P1", 5))
    )
    assert (receipt.accepted, receipt.reference) == (7, f"SIM-{interface.id}-v1")

    sale = simulator.sell(ORG, interface.id, "P1", ["P1-A2"], "FULL", price=2500)
    simulator.sell(ORG, interface.id, "P1", 3, "CHILD", price=1000, seat_category="D-PIT")
    simulator.cancel(ORG, interface.id, sale["external_sale_id"])

    page = adapter.pull_sales(None, 100)
    assert [
        (line.external_sale_id, line.line, line.seat, line.price, line.cancelled) for line in page.lines
    ] == [
        ("S000001", "1", "P1-A2", 2500, False),
        ("S000002", "1", None, 1000, False),
        ("S000002", "2", None, 1000, False),
        ("S000002", "3", None, 1000, False),
    ]
    assert page.rejected == ()
    rest = adapter.pull_sales(page.cursor, 100)  # the cancellation: a second record of that line
    assert [(line.external_sale_id, line.cancelled) for line in rest.lines] == [("S000001", True)]
    assert adapter.pull_sales(rest.cursor, 100).cursor is None  # nothing more now: keep your cursor
    assert counts(adapter, "P1", "P9") == {"P1": (7, 3), "P9": (0, 0)}


def test_pages_follow_the_cursor(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 1, *(seat("P1", n) for n in range(1, 6))))
    for _ in range(5):
        simulator.sell(ORG, interface.id, "P1", 1, "FULL")
    seen, cursor = [], None
    while True:
        page = adapter.pull_sales(cursor, 2)
        if page.cursor is None:
            break
        seen += [line.external_sale_id for line in page.lines]
        cursor = page.cursor
    assert seen == [f"S00000{n}" for n in range(1, 6)]


def test_an_older_version_is_refused_and_the_same_one_accepted_again_per_performance(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 5, seat("P1", 1), seat("P1", 2)))
    adapter.export_allotment(allotment(interface.id, 5, seat("P1", 1)))  # a retried export
    adapter.export_allotment(allotment(interface.id, 3, seat("P2", 1)))  # another performance

    with pytest.raises(ExternalError) as refused:
        adapter.export_allotment(allotment(interface.id, 4, seat("P1", 1), seat("P1", 2), seat("P1", 3)))

    assert refused.value.as_dict()["category"] == "external"
    assert refused.value.details["reason"] == "older_version"
    assert counts(adapter, "P1", "P2") == {"P1": (1, 0), "P2": (1, 0)}


def test_a_new_allotment_without_a_sold_seat_keeps_that_sale_and_never_sells_it_again(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 1, seat("P1", 1), seat("P1", 2), seat("P1", 3)))
    simulator.sell(ORG, interface.id, "P1", ["P1-A1"], "FULL")

    adapter.export_allotment(allotment(interface.id, 2, seat("P1", 2), seat("P1", 3)))

    assert counts(adapter, "P1") == {"P1": (2, 1)}
    with pytest.raises(Conflict):
        simulator.sell(ORG, interface.id, "P1", ["P1-A1"], "FULL")
    simulator.sell(ORG, interface.id, "P1", 2, "FULL")
    with pytest.raises(Conflict) as beyond:
        simulator.sell(ORG, interface.id, "P1", 1, "FULL")
    assert beyond.value.details["available"] == 0
    assert [line.cancelled for line in adapter.pull_sales(None, 100).lines] == [False, False, False]


def test_an_allotment_naming_a_performance_without_places_empties_it(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 1, seat("P1", 1), standing("P1", 4)))
    emptied = Allotment(interface.id, 2, "2026-12-02T10:00:00+00:00", ())
    object.__setattr__(emptied, "performances", ("P1",))  # what the lead's Allotment.performances adds

    adapter.export_allotment(emptied)

    assert counts(adapter, "P1") == {"P1": (0, 0)}


def test_standing_places_are_sold_up_to_the_area_s_count(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 1, standing("P1", 3)))
    simulator.sell(ORG, interface.id, "P1", 2, "FULL")
    with pytest.raises(Conflict):
        simulator.sell(ORG, interface.id, "P1", 2, "FULL")
    simulator.sell(ORG, interface.id, "P1", 1, "FULL")
    assert counts(adapter, "P1") == {"P1": (3, 3)}


def fail(interface_id: str, mode: str, times: int | None = 1, delay: float | None = None) -> None:
    simulator_protocol.set_failure(ORG, interface_id, mode, times, delay)


def test_a_late_answer_and_a_500_are_technical_errors_then_it_answers_again(sim):
    interface, adapter = sim
    adapter.timeout = 0.5
    fail(interface.id, "timeout", times=1, delay=1.0)
    with pytest.raises(TechnicalError) as late:
        adapter.pull_sales(None, 10)
    assert late.value.details["reason"] == "timeout"

    fail(interface.id, "error_500", times=2)
    for call in (lambda: adapter.pull_sales(None, 10), lambda: adapter.read_counts(["P1"])):
        with pytest.raises(TechnicalError) as failed:
            call()
        assert failed.value.details["status"] == 500
    assert adapter.pull_sales(None, 10).lines == ()


def test_malformed_records_are_rejected_alone_and_a_malformed_answer_is_external(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 1, *(seat("P1", n) for n in range(1, 5))))
    simulator.sell(ORG, interface.id, "P1", 4, "FULL", price=1200)
    fail(interface.id, "malformed", times=None)

    page = adapter.pull_sales(None, 10)

    assert [line.line for line in page.lines] == ["2", "3"]  # the 1st and 4th records are broken
    assert [r.line for r in page.rejected] == ["1", "4"]
    assert all(r.reason.startswith("malformed record") for r in page.rejected)
    assert page.cursor is not None  # the page is read: the broken records are errors, not a stop
    with pytest.raises(ExternalError) as counts_failed:
        adapter.read_counts(["P1"])
    assert counts_failed.value.details["reason"] == "malformed_answer"


def test_a_record_sent_twice_is_rejected_once(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 1, seat("P1", 1), seat("P1", 2)))
    simulator.sell(ORG, interface.id, "P1", 2, "FULL")
    fail(interface.id, "duplicate", times=1)

    page = adapter.pull_sales(None, 10)

    assert [line.line for line in page.lines] == ["1", "2"]
    assert [(r.external_sale_id, r.line) for r in page.rejected] == [("S000001", "1")]
    assert "duplicate" in page.rejected[0].reason
    assert adapter.pull_sales(None, 10).rejected == ()  # told once


def test_different_records_of_one_sale_line_in_a_page_are_all_rejected():
    record = {
        "external_sale_id": "X1",
        "line": "1",
        "distributor_performance_id": "P1",
        "distributor_seat_category_id": "C",
        "distributor_audience_subcategory_id": "FULL",
        "price": 100,
        "seat": "A1",
        "cancelled": False,
    }
    lines, rejected = read_records([record, {**record, "price": 200}, {**record, "line": "2"}, "text"])

    assert [line.line for line in lines] == ["2"]
    assert [r.reason.split(":")[0] for r in rejected] == [
        "the page holds different records for this sale line",
        "the page holds different records for this sale line",
        "malformed record",
    ]


def test_wrong_credentials_are_a_technical_error(sim):
    interface, _ = sim
    adapter = HttpAdapter(
        connections.simulator_url(ORG, interface.id), LOGIN, "wrong", transport=simulator_protocol.in_process
    )
    with pytest.raises(TechnicalError) as refused:
        adapter.read_counts(["P1"])
    assert refused.value.details["reason"] == "not_authorized"


def test_the_adapter_for_each_kind_of_connection(organisation):
    simulated = simulated_interface()
    adapter = connections.adapter_for(ORG, simulated)
    assert isinstance(adapter, Adapter)
    assert adapter.kind == AdapterKind.SIMULATED
    assert adapter.url == f"http://127.0.0.1:8000/distributor-simulator/{ORG}/{simulated.id}"
    assert adapter._headers["Authorization"] == "Basic U0lNVVNFUjpzaW0tcGFzcw=="  # SIMUSER:sim-pass

    other = simulated_interface(url="http://127.0.0.1:9/elsewhere", password=None, code="SIM2")
    adapter = connections.adapter_for(ORG, other)
    assert adapter.url == "http://127.0.0.1:9/elsewhere"
    assert adapter._headers["Authorization"] == "Basic U0lNVVNFUjo="  # SIMUSER and no password


def test_the_adapter_of_a_file_interface_is_the_file_adapter(organisation):
    file_adapter = pytest.importorskip("chalicelib.distributors.file_adapter")
    channel, pos = external_channel("FILE")
    spec = InterfaceSpec.model_validate(
        {
            "name": "Files",
            "channel_id": channel,
            "connection": {"adapter": "file"},
            "contact_id": distributor_contact("FILE"),
            "point_of_sale_id": pos,
        }
    )
    interface = service.create_interface(ORG, spec)
    assert isinstance(connections.adapter_for(ORG, interface), file_adapter.FileAdapter)


def test_an_url_that_is_not_http_is_refused_before_any_call(organisation):
    interface = simulated_interface(url="file:///etc/passwd")
    with pytest.raises(TechnicalError) as refused:
        connections.adapter_for(ORG, interface).read_counts(["P1"])
    assert refused.value.details["reason"] == "bad_url"


def test_a_change_made_on_a_stale_state_is_refused_so_a_place_is_never_sold_twice(sim):
    interface, adapter = sim
    adapter.export_allotment(allotment(interface.id, 1, seat("P1", 1)))
    stale = simulator_store.read_state(ORG, interface.id)

    simulator.sell(ORG, interface.id, "P1", 1, "FULL")  # another sale commits first

    with pytest.raises(VersionConflict):
        simulator_store.commit(stale, {"external_sale_id": "S999999", "lines": []})
    assert counts(adapter, "P1") == {"P1": (1, 1)}
