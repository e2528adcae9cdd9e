"""Figures items of one outbox batch counted together: one transaction, the same figures as one by one."""

from __future__ import annotations

from unittest import mock

import pytest

from chalicelib.outbox import repository as outbox_store
from chalicelib.outbox import service as outbox
from chalicelib.reports import service, statements
from chalicelib.reports.selection import Filters
from chalicelib.sales import orders
from chalicelib.sales import repository as sales_store
from tests.service.test_figures_service import GUEST, ORG, checkout, pay
from tests.shop_world import World, build_world


@pytest.fixture
def world(organisation) -> World:
    return build_world()


def figures_items():
    items = outbox_store.read(outbox_store.due(outbox.now(), 500))
    return [(item.pk, item.sk) for item in items if item.effect == "figures"]


def counted_transactions(monkeypatch) -> list[int]:
    """How many orders each figures transaction counted."""
    made: list[int] = []
    real = service.repository.apply_together

    def counted(org_id, generation, counts):
        made.append(len(counts))
        return real(org_id, generation, counts)

    monkeypatch.setattr(service.repository, "apply_together", counted)
    return made


def test_the_figures_of_several_paid_orders_in_one_batch_go_in_one_transaction(world, monkeypatch):
    paid = [pay(checkout(world, GUEST, world.seat("L", "B", n))) for n in (4, 5, 6)]
    cancelled = pay(checkout(world, GUEST, world.seat("L", "B", 7), pit=2))
    orders.cancel_by_operator(ORG, cancelled.order_id, "admin", "card")
    made = counted_transactions(monkeypatch)

    drained = outbox.carry_out_all(figures_items())

    assert drained.carried_out == 5 and not drained.failed  # 3 paid; 1 paid then cancelled: 2 items
    assert made == [4]  # the 4 orders, once each, in one transaction
    report = statements.sales(ORG, Filters())
    assert report["totals"] == {"tickets": 3, "amount": 9000}
    assert all(service.count_order(o.order_id) is False for o in [*paid, cancelled])  # all up to date


def test_an_order_counted_from_a_later_read_meanwhile_is_counted_alone_and_the_rest_still_count(world):
    first = pay(checkout(world, GUEST, world.seat("L", "B", 4)))
    second = pay(checkout(world, GUEST, world.seat("L", "B", 5)))
    older = sales_store.get_order(second.order_id)
    orders.cancel_by_operator(ORG, second.order_id, "admin", "card")
    service.count_order(second.order_id)  # another worker counted the cancellation first

    # this batch read the second order before its cancellation: its contribution's condition fails
    reads = {first.order_id: (sales_store.get_order(first.order_id), []), second.order_id: (older, [])}
    with mock.patch.object(service, "_read", side_effect=lambda order_id: reads[order_id]):
        changed = service.count_orders([first.order_id, second.order_id])

    assert changed == {first.order_id: True, second.order_id: False}
    assert statements.sales(ORG, Filters())["totals"] == {"tickets": 1, "amount": 3000}


def test_a_batch_whose_transaction_fails_leaves_every_item_to_be_tried_again(world, monkeypatch):
    for n in (4, 5):
        pay(checkout(world, GUEST, world.seat("L", "B", n)))
    items = figures_items()

    from chalicelib.errors import TransientStoreError

    down = mock.patch.object(service.repository, "apply_together", side_effect=TransientStoreError("down"))
    with down:
        drained = outbox.carry_out_all(items)
    assert drained.failed == 2 and statements.sales(ORG, Filters())["totals"]["tickets"] == 0

    later = outbox.drain(at=outbox.now().replace(year=outbox.now().year + 1))
    assert later.carried_out == 2
    assert statements.sales(ORG, Filters())["totals"] == {"tickets": 2, "amount": 6000}


def test_many_orders_are_counted_in_as_many_transactions_as_the_limit_needs(world, monkeypatch):
    from chalicelib.reports import repository

    counts = [
        repository.Count(
            f"order{n}",
            (1, 0),
            {("P", "perf", f"S#{n}"): {"tickets": 1}},
            {("P", "perf", f"S#{n}"): {"tickets": 1}},
        )
        for n in range(120)
    ]
    groups = service._transactions(counts)

    assert [len(g) for g in groups] == [50, 50, 20]  # each order and its own cell: 2 actions
    assert all(len(g) + len(repository.summed(g)) <= 100 for g in groups)
