"""Pulling an http distributor's sales feed: page by page from the interface's cursor, saved once a page
is recorded; rejected records are external errors; the adapter's technical failure is raised for the
run's Retry, the cursor left where it was; a page re-read is absorbed (already integrated)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from chalicelib.distributors import connections, pull, service
from chalicelib.distributors import reintegration_store as store
from chalicelib.distributors.adapters import RejectedRecord, SalesPage
from chalicelib.distributors.categories import TechnicalError
from chalicelib.distributors.model import InterfaceSpec
from tests.service.test_distributor_sales_world import ORG, build_distributor_world, sale


@dataclass
class Feed:
    """A distributor's feed: pages of records after a cursor (the cursor is the next record's index)."""

    records: list
    rejected_at: dict[int, RejectedRecord] = field(default_factory=dict)
    fail: bool = False
    asked: list = field(default_factory=list)

    def pull_sales(self, cursor: str | None, limit: int) -> SalesPage:
        self.asked.append((cursor, limit))
        if self.fail:
            raise TechnicalError("the distributor timed out", {"reason": "timeout"})
        start = int(cursor or 0)
        page = self.records[start : start + limit]
        if not page:
            return SalesPage((), None)
        rejected = tuple(r for n, r in self.rejected_at.items() if start <= n < start + limit)
        return SalesPage(tuple(page), str(start + len(page)), rejected)


@pytest.fixture
def world(organisation):
    w = build_distributor_world()
    current = service.get_interface(ORG, w.interface_id)
    data = {
        **current.data,
        "connection": {"adapter": "http", "url": "https://fnac.example/api", "login": "x"},
    }
    service.replace_interface(ORG, w.interface_id, InterfaceSpec.model_validate(data), None)
    return w


def use(monkeypatch, feed: Feed) -> None:
    monkeypatch.setattr(connections, "adapter_for", lambda org_id, interface: feed)


def test_the_feed_is_read_page_by_page_up_to_the_limit_and_the_cursor_kept(world, monkeypatch):
    seats = world.distributor_seats()
    feed = Feed(
        [sale(f"S{n}", seat=seats[n]) for n in range(5)], {0: RejectedRecord("malformed record: price")}
    )
    use(monkeypatch, feed)
    monkeypatch.setattr(pull, "PAGE", 2)

    first = pull.pull_sales(ORG, world.interface_id, 3)
    rest = pull.pull_sales(ORG, world.interface_id, 100)

    assert (first["read"], first["integrated"], first["failed"], first["more"]) == (3, 2, 1, True)
    assert first["errors"][0]["category"] == "external" and first["errors"][0]["reason"] == "rejected"
    assert (rest["integrated"], rest["more"]) == (3, False)
    assert [cursor for cursor, _ in feed.asked] == [None, "2", "4", "5"]
    assert store.pull_cursor(ORG, world.interface_id) == "5"
    assert store.sold_counts(ORG, world.interface_id, world.performance_id)["sold"] == 5


def test_a_technical_failure_of_the_distributor_is_raised_and_the_cursor_stays(world, monkeypatch):
    feed = Feed([sale("S1")], fail=True)
    use(monkeypatch, feed)

    with pytest.raises(TechnicalError):
        pull.pull_sales(ORG, world.interface_id, 10)

    assert store.pull_cursor(ORG, world.interface_id) is None


def test_a_page_read_again_after_a_stop_is_absorbed(world, monkeypatch):
    feed = Feed([sale("S1"), sale("S2")])
    use(monkeypatch, feed)
    pull.pull_sales(ORG, world.interface_id, 10)
    store.save_pull_cursor(ORG, world.interface_id, None)  # as if the cursor had not been saved

    again = pull.pull_sales(ORG, world.interface_id, 10)

    assert (again["already_integrated"], again["integrated"]) == (2, 0)
