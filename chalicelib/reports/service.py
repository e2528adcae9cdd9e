"""Keeping the figures: count an order's change (the outbox worker's "figures" item), rebuild from orders."""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib.catalog import organisation
from chalicelib.db.conditions import MAX_TRANSACTION_ACTIONS as MAX_ACTIONS
from chalicelib.errors import NotFound
from chalicelib.observability import logger
from chalicelib.reports import model, repository
from chalicelib.reports.selection import Filters, months, performances, today
from chalicelib.sales import buyers
from chalicelib.sales import orders as sales_orders
from chalicelib.sales import repository as sales_store
from chalicelib.sales.order_store import order_for_effects, tickets_for_effects


def _read(order_id: str):
    """The order as it is now, and its tickets once it was ever paid (their scans are entries)."""
    order = order_for_effects(order_id)
    was_paid = any(entry.get("status") == model.PAID for entry in order.history)
    return order, (tickets_for_effects(order) if was_paid else [])


def count_order(order_id: str) -> bool:
    """Bring the figures up to date with the order as it is now; True if they changed.

    Safe under at-least-once, out-of-order delivery: each call reads the order now and applies the
    difference from what was last counted, in one transaction that holds only if no later read of
    the order was counted first. While a rebuild writes the next generation, both are kept.
    """
    try:
        order, tickets = _read(order_id)
    except NotFound:
        logger.warning("figures: no such order", extra={"order_id": order_id})
        return False
    buyers.note(order)  # who bought each performance: a producer's cultural contacts
    current, rebuilding = repository.generations(order.org_id)
    changed = False
    for generation in (current, rebuilding):
        if generation is not None:
            changed = _count(order, tickets, generation) or changed
    return changed


def _count(order, tickets, generation: int) -> bool:
    read_at = (order.version, model.scans_seen(tickets))
    last, before = repository.counted(order.order_id, generation)
    if not model.newer(*read_at, than=last):
        return False
    now = model.contribution(order, tickets, organisation.time_zone(order.org_id))
    delta = model.difference(before, now)
    written = repository.apply(order.org_id, generation, order.order_id, read_at, now, delta)
    return written and bool(delta)


def count_order_effect(org_id: str, payload: dict, item=None) -> dict:
    """The outbox worker's "figures" item: count the order it names again."""
    return {"changed": count_order(payload["order_id"])}


def count_orders_effect(entries: list[tuple[str, dict, object]]) -> list[dict]:
    """The outbox worker's "figures" items of one batch, counted together; one result per item."""
    changed = count_orders([payload["order_id"] for _, payload, _ in entries])
    return [{"changed": changed[payload["order_id"]]} for _, payload, _ in entries]


def count_orders(order_ids: list[str]) -> dict[str, bool]:
    """count_order for several orders at once (the figures items of an outbox batch, in an on-sale
    rush): their contributions stored and their deltas added into the cells in one transaction per
    organisation and generation (up to the 100 actions one holds), the orders' counts read in one
    request. An order whose count was overtaken meanwhile is counted alone after the transaction
    refused: the figures end as if each order had been counted by itself."""
    changed = dict.fromkeys(order_ids, False)
    by_org: dict[str, list] = {}
    for order_id in changed:
        try:
            order, tickets = _read(order_id)
        except NotFound:
            logger.warning("figures: no such order", extra={"order_id": order_id})
            continue
        buyers.note(order)
        by_org.setdefault(order.org_id, []).append((order, tickets))
    for org_id, entries in by_org.items():
        zone = organisation.time_zone(org_id)
        for generation in repository.generations(org_id):
            if generation is not None:
                for order_id, did in _count_together(org_id, entries, generation, zone).items():
                    changed[order_id] = changed[order_id] or did
    return changed


def _count_together(org_id: str, entries: list, generation: int, zone: str) -> dict[str, bool]:
    last = repository.counted_together([order.order_id for order, _ in entries], generation)
    counts, read = [], {}
    for order, tickets in entries:
        read_at = (order.version, model.scans_seen(tickets))
        seen, before = last[order.order_id]
        if not model.newer(*read_at, than=seen):
            continue
        now = model.contribution(order, tickets, zone)
        counts.append(repository.Count(order.order_id, read_at, now, model.difference(before, now)))
        read[order.order_id] = (order, tickets)
    done: dict[str, bool] = {}
    for chunk in _transactions(counts):
        if repository.apply_together(org_id, generation, chunk):
            done.update({count.order_id: bool(count.delta) for count in chunk})
        else:  # one of them was counted from a later read meanwhile: each on its own
            done.update({count.order_id: _count(*read[count.order_id], generation) for count in chunk})
    return done


def _transactions(counts: list) -> list[list]:
    """The counts in groups whose contributions and summed cells fit one transaction."""
    groups: list[list] = []
    for count in counts:
        if groups and len(groups[-1]) + 1 + len(repository.summed([*groups[-1], count])) <= MAX_ACTIONS:
            groups[-1].append(count)
        else:
            groups.append([count])
    return groups


# The rebuild: the next generation is written from every order, then reports switch to it.


def begin_rebuild(org_id: str) -> int:
    return repository.begin_generation(org_id)


def rebuild_days(org_id: str, generation: int, days: list[str]) -> dict[str, int]:
    """Count every order created on `days` into `generation` (again: a no-op); figures of the count."""
    orders = counted = 0
    for day in days:
        for order in sales_store.orders_of_day(org_id, day):
            orders += 1
            buyers.note(order)  # orders paid before the buyers' list was kept join it
            was_paid = any(entry.get("status") == model.PAID for entry in order.history)
            tickets = sales_orders.tickets_of(order) if was_paid else []
            counted += _count(order, tickets, generation)
    return {"orders": orders, "counted": counted}


def finish_rebuild(org_id: str, generation: int) -> bool:
    return repository.switch_generation(org_id, generation)


def days_between(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def generation(org_id: str) -> int:
    return repository.generations(org_id)[0]


# After the switch, the superseded generations are deleted: their cells and the orders' contributions.


def superseded(org_id: str, generation: int) -> list[int]:
    """The generations to delete once `generation` is current (none if it is not current)."""
    if repository.generations(org_id)[0] != generation:
        return []
    return repository.superseded(org_id, generation)


def prune_days(org_id: str, generations: list[int], days: list[str]) -> dict[str, int]:
    """Delete the superseded contributions of every order created on `days`."""
    orders = 0
    for day in days if generations else []:
        order_ids = [order.order_id for order in sales_store.orders_of_day(org_id, day)]
        orders += len(order_ids)
        repository.delete_contributions(order_ids, generations)
    return {"orders": orders}


def prune_cells(org_id: str, generation: int, generations: list[int], first_day: date) -> dict[str, int]:
    """Delete the superseded generations' cells: every performance's, and every month's from
    `first_day` to the last performance (reservation deadlines fall before it); then mark them gone."""
    found = performances(org_id, Filters())
    last_day = max([today(org_id), *(date.fromisoformat(perf.starts_at[:10]) for perf in found)])
    cells = 0
    for old in generations:
        for perf in found:
            cells += repository.delete_cells(org_id, old, model.PERFORMANCE, perf.performance_id)
        for month in months(min(first_day, today(org_id)), last_day):
            cells += repository.delete_cells(org_id, old, model.MONTH, month)
    repository.mark_pruned(org_id, generation)
    return {"generations": len(generations), "cells": cells}
