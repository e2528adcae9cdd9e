"""The allotment export: the distributor's seats (not blocked; its own held or sold ones kept) and
standing places with its ids, a version per export that two exports never share, mapping errors that
send nothing, a failed pull of its sales that stops the export, and the result kept per performance."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from datetime import UTC, datetime

import boto3
import pytest

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.config import settings
from chalicelib.distributors import allotment_export, export_pending, export_store, files, mappings, service
from chalicelib.distributors.adapters import SUPPORTS, Allotment, ExportReceipt
from chalicelib.distributors.allotment_files import read_allotment_csv, read_allotment_json
from chalicelib.distributors.categories import TechnicalError
from chalicelib.distributors.file_adapter import FileAdapter
from chalicelib.distributors.model import AdapterKind, InterfaceSpec, MappingKind
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.inventory import service as inventory
from tests.service.test_distributor_mappings import DistributorWorld, build_distributor_world

ORG = "demo"
BEFORE_THE_SHOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # the world's P1 is on 2027-01-15


@dataclass
class World:
    w: DistributorWorld

    @property
    def interface_id(self) -> str:
        return self.w.interface_id

    @property
    def performance(self) -> str:
        return self.w.performances[0]


def map_everything(w: DistributorWorld, interface_id: str | None = None) -> None:
    interface_id = interface_id or w.interface_id
    for kind, our_id, theirs in (
        (MappingKind.PERFORMANCE, w.performances[0], "PERF-15-01"),
        (MappingKind.SEAT_CATEGORY, w.categories["CAT1"], "C1"),
        (MappingKind.SEAT_CATEGORY, w.categories["CAT2"], "C2"),
        (MappingKind.ZONE, f"{w.plan}/STALLS", "PARTERRE"),
        (MappingKind.ZONE, f"{w.plan}/PIT", "FOSSE"),
    ):
        mappings.create_mapping(ORG, interface_id, w.season, kind, our_id, theirs)


@pytest.fixture
def world(organisation):
    with clock.at(BEFORE_THE_SHOW):
        w = build_distributor_world()
        map_everything(w)
        yield World(w)


def hold(performance_id: str, seat_ids: list[str], quota: str, minutes: int = 20) -> str:
    performance = catalog.get(ORG, "performance", performance_id)
    shards = inventory.stock_shards(performance.state)
    refs = inventory.seat_refs(performance_id, shards, seat_ids)
    made = inventory.place_hold(
        ORG, performance_id, "reintegration", refs, minutes * 60, quota_ids=frozenset({quota})
    )
    return made.hold_id


def hold_places(performance_id: str, area: str, quota: str, count: int) -> str:
    performance = catalog.get(ORG, "performance", performance_id)
    shards = inventory.stock_shards(performance.state)
    counters = [c for c in inventory.area_counters(performance_id, shards, area) if c.quota_id == quota]
    takes = inventory.spread_over_counters(performance_id, shards, counters, count)
    return inventory.place_hold(ORG, performance_id, "reintegration", [], 1200, areas=takes).hold_id


def seats_of(allotment: Allotment) -> list[tuple[str | None, int]]:
    return [(p.seat_id, p.places) for p in allotment.places]


def written_allotment(interface_id: str, version: int) -> tuple[Allotment, Allotment]:
    base = files.key(ORG, interface_id, files.EXPORTS, f"allotment-v{version}")
    return read_allotment_csv(files.get_text(base + ".csv")), read_allotment_json(
        files.get_text(base + ".json")
    )


def test_the_allotment_is_the_quotas_seats_not_blocked_and_its_standing_places(world):
    w, p1 = world, world.performance
    from chalicelib.catalog.seating import Selection
    from chalicelib.inventory import stock

    stock.change_seats(ORG, p1, Selection(seat_ids=("STALLS-R-B-1",)), "block")
    inventory.sell_hold(hold(p1, ["STALLS-R-B-2"], w.w.quota), "order-1")  # the distributor's sale
    hold(p1, ["STALLS-R-B-3"], w.w.quota)  # a sale being reintegrated
    hold_places(p1, "PIT", w.w.quota, 3)
    box = catalog.get_by_code(ORG, "quota", "BOXQ").id
    inventory.sell_hold(hold(p1, ["STALLS-L-A-1"], box), "order-2")  # another quota's: not the distributor's

    result = allotment_export.export(ORG, w.interface_id, by="operator:admin")

    assert (result["status"], result["version"], result["errors"]) == ("sent", 1, [])
    assert (result["performances"], result["places"]) == ([p1], 3 + 10)
    csv_file, json_file = written_allotment(w.interface_id, 1)
    assert csv_file == json_file
    assert seats_of(json_file) == [("STALLS-R-B-2", 1), ("STALLS-R-B-3", 1), ("STALLS-R-B-4", 1), (None, 10)]
    first, pit = json_file.places[0], json_file.places[-1]
    assert (first.distributor_performance_id, first.distributor_seat_category_id) == ("PERF-15-01", "C2")
    assert (first.zone, first.block, first.row, first.number, first.distributor_zone_id) == (
        "STALLS",
        "R",
        "B",
        "2",
        "PARTERRE",
    )
    assert (pit.zone, pit.distributor_zone_id, pit.seat_category_id) == (
        "PIT",
        "FOSSE",
        w.w.categories["CAT2"],
    )
    assert result["reference"].split() == [
        files.key(ORG, w.interface_id, files.EXPORTS, "allotment-v1.csv"),
        files.key(ORG, w.interface_id, files.EXPORTS, "allotment-v1.json"),
    ]
    [record] = export_store.results(ORG, w.interface_id)
    assert (record.performance_id, record.version, record.status, record.places, record.by) == (
        p1,
        1,
        "sent",
        13,
        "operator:admin",
    )
    assert record.sent_version == 1


def test_performances_not_on_sale_or_over_are_not_exported(world):
    w = world
    after_the_show = datetime(2027, 2, 1, tzinfo=UTC)

    export_store.mark_pending(ORG, w.interface_id, w.performance, {"STALLS-R-B-1"})
    with clock.at(after_the_show):
        result = allotment_export.export(ORG, w.interface_id)

    assert (result["status"], result["version"], result["performances"]) == ("sent", None, [])
    assert list(files.list_names(files.key(ORG, w.interface_id, files.EXPORTS))) == []
    assert export_pending.pending_performances(ORG, w.interface_id) == []  # never to be sent now
    draft = w.w.performances[1]
    assert allotment_export.export(ORG, w.interface_id, [draft, "gone"])["performances"] == []  # a run's
    with pytest.raises(InvalidInput) as refused:
        allotment_export.export(ORG, w.interface_id, [draft], strict=True)  # an operator's
    assert (refused.value.details["performance_id"], refused.value.details["reason"]) == (
        draft,
        "not_on_sale",
    )


def test_each_export_has_the_next_version(world):
    versions = [allotment_export.export(ORG, world.interface_id)["version"] for _ in range(3)]

    assert versions == [1, 2, 3]
    [record] = export_store.results(ORG, world.interface_id)
    assert (record.version, record.sent_version) == (3, 3)


def test_two_exports_at_once_never_share_a_version(world, monkeypatch):
    # A rival export takes a version between this one's read and its conditional write.
    real = export_store.update_if
    rival: list[int] = []

    def racing(item, actions, condition):
        if isinstance(item, export_store.AllotmentVersionItem) and not rival:
            rival.append(0)
            rival[0] = export_store.next_version(ORG, world.interface_id)
        return real(item, actions, condition)

    monkeypatch.setattr(export_store, "update_if", racing)

    mine = export_store.next_version(ORG, world.interface_id)

    assert (rival[0], mine) == (1, 2)


def test_a_missing_mapping_fails_the_export_with_mapping_errors_and_sends_nothing(world):
    w = world
    zone = next(
        m for m in mappings.list_mappings(ORG, w.interface_id, w.w.season, "zone") if "PIT" in m.our_id
    )
    mappings.delete_mapping(ORG, w.interface_id, zone.id, None)

    result = allotment_export.export(ORG, w.interface_id)

    assert (result["status"], result["version"], result["reference"]) == ("failed", None, None)
    assert [(e["category"], e["kind"], e["our_id"]) for e in result["errors"]] == [
        ("mapping", "zone", f"{w.w.plan}/PIT")
    ]
    assert list(files.list_names(files.key(ORG, w.interface_id, files.EXPORTS))) == []
    [record] = export_store.results(ORG, w.interface_id)
    assert (record.status, record.version, record.places, record.errors) == (
        "failed",
        None,
        14,
        result["errors"],
    )


def test_the_file_adapter_writes_under_the_interfaces_s3_url(world):
    w = world
    boto3.client("s3").create_bucket(
        Bucket="fnac-drop", CreateBucketConfiguration={"LocationConstraint": settings().region}
    )
    interface = service.get_interface(ORG, w.interface_id)
    spec = InterfaceSpec(**{**interface.data, "connection": {"adapter": "file", "url": "s3://fnac-drop/in/"}})
    service.replace_interface(ORG, w.interface_id, spec, None)

    result = allotment_export.export(ORG, w.interface_id)

    assert result["reference"].split() == [
        "s3://fnac-drop/in/allotment-v1.csv",
        "s3://fnac-drop/in/allotment-v1.json",
    ]
    body = boto3.client("s3").get_object(Bucket="fnac-drop", Key="in/allotment-v1.json")["Body"].read()
    assert seats_of(read_allotment_json(body.decode()))[-1] == (None, 10)


def test_the_file_adapter_pulls_no_sales_its_inbox_has_them(world):
    adapter = FileAdapter(ORG, service.get_interface(ORG, world.interface_id))

    with pytest.raises(TechnicalError) as pulled:
        adapter.pull_sales(None, 10)
    with pytest.raises(TechnicalError):
        adapter.read_counts(["PERF-15-01"])

    assert "inbox" in pulled.value.message and pulled.value.as_dict()["category"] == "technical"


class FakeDistributor:
    """An http distributor: takes allotments, or fails as told."""

    kind = AdapterKind.HTTP
    supports = SUPPORTS[AdapterKind.HTTP]

    def __init__(self, fail: Exception | None = None) -> None:
        self.received: list[Allotment] = []
        self.fail = fail

    def export_allotment(self, allotment: Allotment) -> ExportReceipt:
        if self.fail:
            raise self.fail
        self.received.append(allotment)
        return ExportReceipt(accepted=len(allotment.places), reference=f"rcpt-{allotment.version}")


@pytest.fixture
def http_world(world, monkeypatch):
    """The FNAC interface speaks http; its adapter is a fake and its sales pull is `pulls`."""
    interface = service.get_interface(ORG, world.interface_id)
    connection = {"adapter": "http", "url": "https://fnac.example/api", "login": "u", "password": "p"}
    service.replace_interface(
        ORG, world.interface_id, InterfaceSpec(**{**interface.data, "connection": connection}), None
    )
    distributor = FakeDistributor()
    monkeypatch.setattr(allotment_export, "adapter_for", lambda org, iface: distributor)
    pulls: list[object] = []
    answers: list[object] = []

    def pull_sales(org_id, interface_id, limit):
        pulls.append((interface_id, limit))
        answer = answers.pop(0) if answers else {"read": 0, "errors": [], "more": False}
        if isinstance(answer, Exception):
            raise answer
        return answer

    fake = types.ModuleType("chalicelib.distributors.pull")
    fake.pull_sales = pull_sales
    monkeypatch.setitem(sys.modules, "chalicelib.distributors.pull", fake)
    import chalicelib.distributors as package

    monkeypatch.setattr(package, "pull", fake, raising=False)
    return world, distributor, pulls, answers


def test_sales_are_pulled_before_the_allotment_is_built(http_world):
    w, distributor, pulls, answers = http_world
    answers.append({"read": 500, "errors": [], "more": True})

    result = allotment_export.export(ORG, w.interface_id)

    assert result["status"] == "sent" and result["reference"] == "rcpt-1"
    assert pulls == [(w.interface_id, allotment_export.PULL_LIMIT)] * 2
    assert len(distributor.received) == 1


@pytest.mark.parametrize(
    "failure",
    [
        TechnicalError("time-out", {"reason": "timeout"}),
        {"errors": [{"category": "technical", "message": "503"}]},
    ],
)
def test_a_failed_pull_stops_the_export(http_world, failure):
    w, distributor, _, answers = http_world
    answers.append(failure)

    result = allotment_export.export(ORG, w.interface_id)

    assert (result["status"], result["version"]) == ("failed", None)
    assert [(e["category"], e["reason"]) for e in result["errors"]] == [("technical", "pull_failed")]
    assert distributor.received == []
    [record] = export_store.results(ORG, w.interface_id)
    assert record.status == "failed"


def test_a_distributors_failure_is_in_the_result_and_keeps_the_export_pending(http_world):
    w, distributor, _, _ = http_world
    from chalicelib.catalog.seating import Selection
    from chalicelib.inventory import stock

    before = export_pending.check_stock_change(ORG, w.performance, ["STALLS-R-B-1"], "block", None)
    stock.change_seats(ORG, w.performance, Selection(seat_ids=("STALLS-R-B-1",)), "block")
    export_pending.note_stock_change(ORG, w.performance, before, "block", None)
    distributor.fail = TechnicalError("The distributor answered 500", {"status": 500})

    failed = allotment_export.export(ORG, w.interface_id)
    distributor.fail = None
    sent = allotment_export.export(ORG, w.interface_id)

    assert (failed["status"], failed["version"], failed["errors"]) == (
        "failed",
        1,
        [{"category": "technical", "message": "The distributor answered 500", "status": 500}],
    )
    assert (sent["status"], sent["version"]) == ("sent", 2)
    assert export_pending.pending_performances(ORG, w.interface_id) == []


def test_a_change_during_the_export_keeps_it_pending(http_world):
    w, distributor, _, _ = http_world
    export_store.mark_pending(ORG, w.interface_id, w.performance, {"STALLS-R-B-1"})

    def meanwhile(allotment: Allotment) -> ExportReceipt:
        export_store.mark_pending(ORG, w.interface_id, w.performance, {"STALLS-R-B-2"})
        return ExportReceipt(accepted=1)

    distributor.export_allotment = meanwhile

    assert allotment_export.export(ORG, w.interface_id)["status"] == "sent"
    assert export_pending.pending_performances(ORG, w.interface_id) == [w.performance]


def test_a_suspended_interface_exports_nothing(world):
    interface = service.get_interface(ORG, world.interface_id)
    service.replace_interface(
        ORG, world.interface_id, InterfaceSpec(**{**interface.data, "status": "suspended"}), None
    )

    with pytest.raises(Conflict) as refused:
        allotment_export.export(ORG, world.interface_id)

    assert refused.value.details["reason"] == "interface_suspended"
