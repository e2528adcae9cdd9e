"""Catalog reads kept between requests: no request while nothing changed; a change made here seen at
once, one made elsewhere once the generation is read again (at most a second later)."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import repository
from chalicelib.catalog import service as catalog
from chalicelib.errors import NotFound

ORG = "demo"


@pytest.fixture
def channel_id(aws) -> str:
    spec = k.SalesChannelSpec(code="WEB", name="Web", type="internet_b2c")
    return catalog.create(ORG, "sales_channel", spec).id


@pytest.fixture
def clock(monkeypatch):
    """The catalog generation's window clock, held still; `clock(seconds)` moves it on."""
    moment = [repository._clock()]
    monkeypatch.setattr(repository, "_clock", lambda: moment[0])

    def move(seconds: float) -> None:
        moment[0] += seconds

    return move


def channel_read(channel_id: str):
    return lambda: catalog.get(ORG, "sales_channel", channel_id)


def request_reads(*reads):
    """What one shop request would read, with the reads shared as the shop's routes share them."""
    with catalog.shared_reads():
        return [read() for read in reads]


def count_item_reads(monkeypatch) -> list[str]:
    made: list[str] = []
    real = repository.get

    def counted(org_id, kind, item_id):
        made.append(item_id)
        return real(org_id, kind, item_id)

    monkeypatch.setattr(repository, "get", counted)
    return made


def test_a_second_request_reads_the_same_items_without_asking_dynamodb(channel_id, monkeypatch):
    made = count_item_reads(monkeypatch)
    read = channel_read(channel_id)

    first = request_reads(read)[0]
    second = request_reads(read)[0]

    assert first.data["name"] == second.data["name"] == "Web"
    assert made == [channel_id]


def test_a_change_made_by_this_process_is_seen_by_its_next_request(channel_id):
    read = channel_read(channel_id)
    request_reads(read)
    current = repository.get(ORG, "sales_channel", channel_id)
    repository.replace(ORG, current, {**current.data, "name": "Web shop"}, None)

    assert request_reads(read)[0].data["name"] == "Web shop"


def test_a_change_made_by_another_process_is_seen_once_the_generation_is_read_again(
    channel_id, clock, monkeypatch
):
    read = channel_read(channel_id)
    request_reads(read)
    seen_here = dict(repository._generations)  # what this process read, and when
    current = repository.get(ORG, "sales_channel", channel_id)
    repository.replace(ORG, current, {**current.data, "name": "Web shop"}, None)
    # Another Lambda instance wrote it: this process still trusts the generation it read before.
    monkeypatch.setattr(repository, "_generations", seen_here)

    assert request_reads(read)[0].data["name"] == "Web"  # within the check window: kept reads
    clock(repository.GENERATION_CHECK_SECONDS)
    assert request_reads(read)[0].data["name"] == "Web shop"


def test_the_generation_is_read_at_most_once_per_window_however_many_requests(channel_id, clock, monkeypatch):
    read = channel_read(channel_id)
    request_reads(read)
    asked: list[str] = []
    real = repository._read_generation
    monkeypatch.setattr(repository, "_read_generation", lambda org: asked.append(org) or real(org))

    for _ in range(20):
        request_reads(read)
    assert asked == []
    clock(repository.GENERATION_CHECK_SECONDS)
    request_reads(read)
    request_reads(read)
    assert asked == [ORG]


def test_a_caller_changing_what_it_read_changes_nothing_for_the_next_request(channel_id):
    read = channel_read(channel_id)
    request_reads(read)[0].data["name"] = "scribbled"

    assert request_reads(read)[0].data["name"] == "Web"


def test_reads_outside_a_shared_request_always_ask_dynamodb(channel_id, monkeypatch):
    made = count_item_reads(monkeypatch)

    catalog.get(ORG, "sales_channel", channel_id)
    catalog.get(ORG, "sales_channel", channel_id)

    assert made == [channel_id, channel_id]


def test_a_performance_put_on_sale_elsewhere_a_moment_ago_is_sold_at_once(organisation, clock, monkeypatch):
    """The opening workflow runs in another process: a refusal made on kept reads is checked again."""
    from chalicelib.shop import service as shop
    from tests.shop_world import build_world

    world = build_world()
    event_id = catalog.get(ORG, "performance", world.performance_id).data["event_id"]
    event = repository.get(ORG, "event", event_id)
    repository.replace(ORG, event, {**event.data, "status": "draft"}, None)  # not on sale, seen here
    front = shop.shop_front(ORG, "WEB1")
    with pytest.raises(NotFound), catalog.shared_reads():
        shop.on_sale(front, world.performance_id)
    seen_here = dict(repository._generations)
    event = repository.get(ORG, "event", event_id)
    repository.replace(ORG, event, {**event.data, "status": "published"}, None)  # another process
    monkeypatch.setattr(repository, "_generations", seen_here)

    with catalog.shared_reads():
        with pytest.raises(NotFound):
            shop._on_sale_as_read(front, world.performance_id)  # what this process kept says
        showing, _, _ = shop.on_sale(front, world.performance_id)  # checked again before refusing
    assert showing.id == world.performance_id
