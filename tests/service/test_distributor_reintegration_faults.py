"""A reintegration stopped at any step (a write failing, or the process dying right after a write) is
finished by a replay: one paid order for the line, its seat sold, never a second order or a seat lost."""

from __future__ import annotations

import pytest

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.distributors import reintegration
from chalicelib.distributors import reintegration_store as store
from chalicelib.inventory import service as inventory
from chalicelib.sales import repository
from tests.service.fault_harness import DIE, FAIL, Faults, attempt, injected
from tests.service.test_distributor_sales_world import ORG, build_distributor_world, sale


@pytest.fixture
def world(organisation):
    return build_distributor_world(per_row=20)


def _integrate(world, line):
    return reintegration.integrate(ORG, world.interface_id, [line], "file")


def _orders_of_line(world, seat: str) -> list:
    found, _ = repository.orders_of_buyer(ORG, f"contact-{world.contact_id}", 500, None)
    return [o for o in found if any(line.seat_id == seat for line in o.lines)]


def _seat_status(world, seat: str) -> str | None:
    shards = inventory.stock_shards(catalog.get(ORG, "performance", world.performance_id).state)
    return {s.seat_id: s.status for s in inventory.map_seats(world.performance_id, shards)}[seat]


def test_a_line_stopped_at_any_write_is_finished_by_a_replay_with_one_order(world):
    seats = iter(world.distributor_seats())
    with injected(Faults(armed=True)) as counting:
        [first] = _integrate(world, sale("COUNT", seat=next(seats)))
    assert first.status == "integrated"
    points = len(counting.points)
    assert points >= 6  # the line's record, hold, hold recorded, order, payment, sale, finished

    tried = 0
    for mode in (FAIL, DIE):
        for target in range(1, points + 1):
            seat = next(seats, None)
            if seat is None:
                break
            sale_id = f"{mode}-{target}"
            with injected(Faults(target=target, mode=mode)):
                attempt(lambda sale_id=sale_id, seat=seat: _integrate(world, sale(sale_id, seat=seat)))
            with clock.moved(reintegration.LEASE_SECONDS + 1):
                [replayed] = _integrate(world, sale(sale_id, seat=seat))
                [again] = _integrate(world, sale(sale_id, seat=seat))
            assert replayed.status in ("integrated", "already_integrated"), (mode, target, replayed)
            assert again.status == "already_integrated"
            paid = [o for o in _orders_of_line(world, seat) if o.status == "paid"]
            assert [o.order_id for o in paid] == [replayed.order_id], (mode, target)
            assert _seat_status(world, seat) == "sold"
            record = store.get_line(ORG, world.interface_id, sale_id, "1")
            assert record.status == "integrated" and record.order_id == replayed.order_id
            tried += 1
    assert tried >= 2 * min(points, 18)
    counts = store.sold_counts(ORG, world.interface_id, world.performance_id)
    assert counts == {"sold": tried + 1, "returned": 0}


def test_a_cancellation_stopped_at_any_write_is_finished_by_a_replay(world):
    seats = iter(world.distributor_seats())
    with injected(Faults(armed=True)) as counting:
        _integrate(world, sale("COUNT", seat=next(seats)))
        _integrate(world, sale("COUNT", cancelled=True))
    points = len(counting.points)
    for target in range(1, points + 1):
        seat = next(seats, None)
        if seat is None:
            break
        sale_id = f"C-{target}"
        [sold] = _integrate(world, sale(sale_id, seat=seat))
        with injected(Faults(target=target, mode=DIE)):
            attempt(lambda sale_id=sale_id: _integrate(world, sale(sale_id, cancelled=True)))
        with clock.moved(reintegration.LEASE_SECONDS + 1):
            [cancelled] = _integrate(world, sale(sale_id, cancelled=True))
        assert cancelled.status in ("cancelled", "already_integrated"), (target, cancelled)
        assert repository.get_order(sold.order_id).status == "cancelled"
        assert _seat_status(world, seat) == "free"
