"""The virtual queue through its services (moto): arrivals, the admitter's runs, the gate on holds."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.catalog import service as catalog
from chalicelib.queue import admitter, repository
from chalicelib.queue import service as queues
from chalicelib.queue.model import (
    EntryStatus,
    QueueAdmissionExpired,
    QueueAdmissionInvalid,
    QueueAdmissionRequired,
    QueueStatus,
    TargetKind,
)
from chalicelib.queue.service import Presented
from chalicelib.sales import carts
from chalicelib.sales.carts import Buyer, HoldRequest
from tests.shop_world import World, build_world

ORG = "demo"
OPENS_AT = 1_800_000_000 - 1_800_000_000 % 60 + 60 * 60  # on a minute, well in the future of any clock
IP = "203.0.113.7"


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock(OPENS_AT - 600)
    monkeypatch.setattr(queues, "now", moved)
    queues.clear_cache()
    yield moved
    queues.clear_cache()


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def queue_up(world: World, rate: int = 100, kind: TargetKind = TargetKind.PERFORMANCE) -> str:
    target = world.performance_id
    if kind == TargetKind.EVENT:
        target = catalog.get(ORG, "performance", world.performance_id).data["event_id"]
    return queues.create_queue(ORG, kind, target, OPENS_AT, rate, 15).queue_id


def run_admitter(clock: Clock, at: float, queue_id: str) -> admitter.Admitted:
    clock.at = at
    return admitter.admit(ORG, queue_id)


def admitted_entry(world: World, clock: Clock, ip: str = IP, buyer: str | None = None):
    """One buyer queued before the opening and admitted by the first run."""
    queue_id = queue_up(world)
    clock.at = OPENS_AT - 30
    joined = queues.join_queue(ORG, world.performance_id, ip, buyer)
    assert run_admitter(clock, OPENS_AT + 30, queue_id).admitted == 1
    return queues.entry_status(ORG, world.performance_id, joined.entry.entry_id, ip)


def test_a_thousand_arrivals_are_admitted_in_order_at_the_rate_and_none_twice(world, clock):
    queue_id = queue_up(world, rate=100)
    arrivals = [OPENS_AT - 300 + 3 * n for n in range(100)]  # early: shuffled by the draw
    arrivals += [OPENS_AT + 0.2 * n for n in range(900)]  # 5 a second for 3 minutes
    runs = [OPENS_AT + 30 + 60 * k for k in range(12)]
    timeline = sorted([(t, "arrive") for t in arrivals] + [(t, "run") for t in runs])
    entries, admitted_by_run = [], []
    for at, what in timeline:
        clock.at = at
        if what == "arrive":
            entries.append(queues.join_queue(ORG, world.performance_id, IP, None).entry)
        else:
            admitted_by_run.append(admitter.admit(ORG, queue_id).admitted)
            assert admitter.admit(ORG, queue_id).admitted == 0  # a re-run in the same minute

    assert admitted_by_run[:10] == [100] * 10 and sum(admitted_by_run) == 1000
    stored = [repository.get_entry(ORG, queue_id, e.key) for e in entries]
    assert all(e.status == EntryStatus.ADMITTED for e in stored)
    # Arrival order, to the second: whoever arrived in an earlier second was admitted no later.
    by_bucket = sorted(stored, key=lambda e: e.key.bucket)
    admitted_at = [e.admitted_at for e in by_bucket]
    assert admitted_at == sorted(admitted_at)
    assert {e.admitted_at for e in stored if e.key.bucket == 0} == {runs[0]}


def test_waiting_buyers_see_distinct_consecutive_positions_once_counted(world, clock):
    queue_id = queue_up(world, rate=10)
    joined = []
    for n in range(40):
        clock.at = OPENS_AT + 1 + n * 0.1
        joined.append(queues.join_queue(ORG, world.performance_id, IP, None))
    run_admitter(clock, OPENS_AT + 61, queue_id)

    views = [queues.entry_status(ORG, world.performance_id, j.entry.entry_id, IP) for j in joined]

    waiting = [v for v in views if v.status == EntryStatus.WAITING]
    assert len(waiting) == 30
    assert sorted(v.position for v in waiting) == list(range(1, 31))
    assert all(v.position_exact for v in waiting)
    assert [v.estimated_wait_seconds for v in waiting if v.position == 30] == [59 + 2 * 60]


def test_early_arrivals_learn_their_place_only_at_the_opening_draw(world, clock):
    queue_id = queue_up(world)
    clock.at = OPENS_AT - 100
    joined = queues.join_queue(ORG, world.performance_id, IP, None)
    assert joined.position is None and joined.estimated_wait_seconds == 100

    run_admitter(clock, OPENS_AT + 30, queue_id)

    assert queues.entry_status(ORG, world.performance_id, joined.entry.entry_id, IP).admission_token


def test_rate_changes_live_and_zero_pauses_admission(world, clock):
    queue_id = queue_up(world, rate=5)
    for n in range(20):
        clock.at = OPENS_AT - 100 + n
        queues.join_queue(ORG, world.performance_id, IP, None)

    first = run_admitter(clock, OPENS_AT + 30, queue_id)
    queues.change_queue(ORG, queue_id, {"rate_per_minute": 0})
    paused = run_admitter(clock, OPENS_AT + 90, queue_id)
    queues.change_queue(ORG, queue_id, {"rate_per_minute": 12})
    faster = run_admitter(clock, OPENS_AT + 150, queue_id)

    assert (first.admitted, paused.admitted, faster.admitted) == (5, 0, 12)
    assert faster.waiting == 3


def test_no_cart_holds_seats_of_a_queued_performance_without_admission(world, clock):
    queue_up(world)
    clock.at = OPENS_AT + 120
    buyer = Buyer(ORG, "guest-ann")
    cart = carts.open_cart(ORG, "WEB1", buyer)
    request = HoldRequest(world.performance_id, seat_ids=(world.seat("L", "B", 4),))

    token = queues.present(None, IP)
    try:
        with pytest.raises(QueueAdmissionRequired):
            carts.add_to_cart(ORG, cart.cart_id, buyer, request)
    finally:
        queues.forget(token)
    assert carts.get_cart(ORG, cart.cart_id, buyer).lines == []


def test_an_admitted_buyer_holds_seats_with_their_admission(world, clock):
    view = admitted_entry(world, clock)
    buyer = Buyer(ORG, "guest-ann")
    cart = carts.open_cart(ORG, "WEB1", buyer)
    request = HoldRequest(world.performance_id, seat_ids=(world.seat("L", "B", 4),))

    token = queues.present(view.admission_token, IP)
    try:
        priced = carts.add_to_cart(ORG, cart.cart_id, buyer, request)
    finally:
        queues.forget(token)
    assert [p.line.seat_id for p in priced.lines] == [world.seat("L", "B", 4)]


def test_an_expired_admission_is_refused(world, clock):
    view = admitted_entry(world, clock)
    clock.at = OPENS_AT + 30 + 15 * 60

    with pytest.raises(QueueAdmissionExpired):
        queues.require_admission(ORG, world.performance_id, "guest-ann", Presented(view.admission_token, IP))
    assert queues.entry_status(ORG, world.performance_id, view.entry.entry_id, IP).status == "expired"


def test_an_admission_from_another_client_or_for_another_buyer_is_refused(world, clock):
    view = admitted_entry(world, clock)
    shown = Presented(view.admission_token, IP)

    with pytest.raises(QueueAdmissionInvalid, match="another client"):
        queues.require_admission(
            ORG, world.performance_id, "guest-ann", Presented(shown.token, "198.51.100.1")
        )
    queues.require_admission(ORG, world.performance_id, "guest-ann", shown)
    with pytest.raises(QueueAdmissionInvalid, match="another buyer"):
        queues.require_admission(ORG, world.performance_id, "guest-bob", shown)


def test_an_admission_of_another_entry_or_a_forged_one_is_refused(world, clock):
    view = admitted_entry(world, clock)
    clock.at = OPENS_AT + 40
    waiting = queues.join_queue(ORG, world.performance_id, IP, None)
    head, body, mac = view.admission_token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["e"] = waiting.entry.ref
    forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    with pytest.raises(QueueAdmissionInvalid, match="not valid"):
        forged = Presented(f"{head}.{forged_body}.{mac}", IP)
        queues.require_admission(ORG, world.performance_id, "guest-ann", forged)


def test_a_stopped_queue_gates_no_more_and_an_event_queue_gates_its_performances(world, clock):
    queue_id = queue_up(world, kind=TargetKind.EVENT)
    clock.at = OPENS_AT + 120
    with pytest.raises(QueueAdmissionRequired):
        queues.require_admission(ORG, world.performance_id, "guest-ann", Presented(None, IP))

    queues.change_queue(ORG, queue_id, {"status": QueueStatus.STOPPED.value})

    queues.require_admission(ORG, world.performance_id, "guest-ann", Presented(None, IP))
    assert admitter.active_queues() == []


def test_arrivals_counted_too_late_for_their_second_take_a_later_one(world, clock, monkeypatch):
    queue_id = queue_up(world, rate=100)
    clock.at = OPENS_AT + 10
    real = repository.count_arrival
    stalls = iter([30.0])

    def stalled(*args):
        seq = real(*args)
        clock.at += next(stalls, 0.0)  # the first count returns 30 s later than it started
        return seq

    monkeypatch.setattr(repository, "count_arrival", stalled)
    late = queues.join_queue(ORG, world.performance_id, IP, None)

    assert late.entry.key.bucket == 41
    run = run_admitter(clock, OPENS_AT + 90, queue_id)
    assert run.admitted == 1  # the gap left by the late count admits nobody and breaks nothing
    assert repository.get_entry(ORG, queue_id, late.entry.key).status == EntryStatus.ADMITTED


def test_an_interrupted_run_done_again_admits_each_entry_once(world, clock, monkeypatch):
    queue_id = queue_up(world, rate=10)
    joined = []
    for n in range(30):
        clock.at = OPENS_AT - 100 + n
        joined.append(queues.join_queue(ORG, world.performance_id, IP, None))
    real = repository.save_head

    def crash(*args):
        monkeypatch.setattr(repository, "save_head", real)
        raise RuntimeError("the Lambda timed out before the head was saved")

    monkeypatch.setattr(repository, "save_head", crash)
    with pytest.raises(RuntimeError):
        run_admitter(clock, OPENS_AT + 30, queue_id)
    again = run_admitter(clock, OPENS_AT + 40, queue_id)
    following = run_admitter(clock, OPENS_AT + 90, queue_id)

    assert (again.admitted, again.waiting) == (0, 20)  # the ten were admitted by the first try
    assert following.admitted == 10
    stored = [repository.get_entry(ORG, queue_id, j.entry.key) for j in joined]
    assert sum(e.status == EntryStatus.ADMITTED for e in stored) == 20
