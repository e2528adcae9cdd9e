"""Figures in DynamoDB: an order's counted contribution and the sharded aggregate cells, one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.db.base import connection
from chalicelib.db.conditions import failed_items, store_errors, transient, update_if
from chalicelib.db.reports import (
    ContributionItem,
    FigureItem,
    FiguresMetaItem,
    contribution_key,
    figure_pk,
    meta_key,
)
from chalicelib.reports.model import MEASURES, SHARDS, Contribution, decode, encode, shard_of

# One TransactWriteItems holds at most 100 actions: the contribution item and 99 cells.
MAX_CELLS = 99


class TooManyCells(RuntimeError):
    """An order whose change touches more cells than one transaction holds (never seen in practice)."""


@store_errors
def generations(org_id: str) -> tuple[int, int | None]:
    """The organisation's current generation of figures, and the one a rebuild is writing, if any."""
    try:
        item = FiguresMetaItem.get(*meta_key(org_id), consistent_read=True)
    except DoesNotExist:
        return 0, None
    rebuilding = None if item.rebuilding is None else int(item.rebuilding)
    return int(item.generation or 0), rebuilding


@store_errors
def begin_generation(org_id: str) -> int:
    """The generation a rebuild writes: the next one (a rebuild started again resumes the same one)."""
    current, _ = generations(org_id)
    pk, sk = meta_key(org_id)
    FiguresMetaItem(pk, sk).update(
        actions=[FiguresMetaItem.org_id.set(org_id), FiguresMetaItem.rebuilding.set(current + 1)]
    )
    return current + 1


@store_errors
def switch_generation(org_id: str, generation: int) -> bool:
    """Reports read `generation` from now on; False when another rebuild switched meanwhile."""
    pk, sk = meta_key(org_id)
    return update_if(
        FiguresMetaItem(pk, sk),
        [
            FiguresMetaItem.generation.set(generation),
            FiguresMetaItem.rebuilding.remove(),
            FiguresMetaItem.rebuilt_at.set(clock.iso()),
        ],
        FiguresMetaItem.rebuilding == generation,
    )


@store_errors
def superseded(org_id: str, generation: int) -> list[int]:
    """The generations older than `generation` whose items are not deleted yet."""
    try:
        item = FiguresMetaItem.get(*meta_key(org_id), consistent_read=True)
    except DoesNotExist:
        return list(range(generation))
    return list(range(int(item.pruned_below or 0), generation))


@store_errors
def mark_pruned(org_id: str, generation: int) -> None:
    """Generations below `generation` are deleted: the next rebuild's pruning starts from it."""
    pk, sk = meta_key(org_id)
    update_if(
        FiguresMetaItem(pk, sk),
        [FiguresMetaItem.pruned_below.set(generation)],
        FiguresMetaItem.pruned_below.does_not_exist() | (FiguresMetaItem.pruned_below < generation),
    )


@store_errors
def delete_cells(org_id: str, generation: int, family: str, bucket: str) -> int:
    """Delete every cell of one bucket of a superseded generation, over the shards; how many."""
    deleted = 0
    with FigureItem.batch_write() as batch:
        for shard in range(SHARDS):
            pk = figure_pk(org_id, generation, family, bucket, shard)
            for item in FigureItem.query(pk, attributes_to_get=["pk", "sk"]):
                batch.delete(item)
                deleted += 1
    return deleted


@store_errors
def delete_contributions(order_ids: list[str], generations: list[int]) -> int:
    """Delete what these orders contributed to superseded generations (absent items cost nothing)."""
    with ContributionItem.batch_write() as batch:
        for order_id in order_ids:
            for generation in generations:
                batch.delete(ContributionItem(*contribution_key(order_id, generation)))
    return len(order_ids) * len(generations)


@store_errors
def counted(order_id: str, generation: int) -> tuple[tuple[int, int] | None, Contribution]:
    """What the order contributed when last counted in `generation`, and at which (version, scans)."""
    try:
        item = ContributionItem.get(*contribution_key(order_id, generation), consistent_read=True)
    except DoesNotExist:
        return None, {}
    return _read_at(item), decode(item.cells)


@dataclass(frozen=True)
class Count:
    """One order counted: what it contributes now, read at (order version, scans seen), and what that
    adds to the cells."""

    order_id: str
    read_at: tuple[int, int]
    now: Contribution
    delta: Contribution


@store_errors
def apply(
    org_id: str,
    generation: int,
    order_id: str,
    read_at: tuple[int, int],
    now: Contribution,
    delta: Contribution,
) -> bool:
    """Store `now` as the order's contribution and add `delta` to the cells, in one transaction whose
    condition holds only if nothing later than `read_at` was counted: False (nothing written) else."""
    return apply_together(org_id, generation, [Count(order_id, read_at, now, delta)])


def summed(counts: list[Count]) -> Contribution:
    """The counts' deltas added up cell by cell (a change that cancels out is left out)."""
    total: Contribution = {}
    for count in counts:
        for cell, change in count.delta.items():
            target = total.setdefault(cell, {})
            for measure, value in change.items():
                target[measure] = target.get(measure, 0) + value
    kept = {cell: {m: v for m, v in change.items() if v} for cell, change in total.items()}
    return {cell: change for cell, change in kept.items() if change}


def _read_at(item: ContributionItem) -> tuple[int, int]:
    return int(item.order_version), int(item.scans_seen or 0)


@store_errors
def counted_together(
    order_ids: list[str], generation: int
) -> dict[str, tuple[tuple[int, int] | None, Contribution]]:
    """`counted` for several orders, in one read."""
    keys = [contribution_key(order_id, generation) for order_id in order_ids]
    found = {
        item.pk.removeprefix("FIGC#"): (_read_at(item), decode(item.cells))
        for item in ContributionItem.batch_get(keys, consistent_read=True)
    }
    return {order_id: found.get(order_id, (None, {})) for order_id in order_ids}


@store_errors
def apply_together(org_id: str, generation: int, counts: list[Count]) -> bool:
    """Several orders counted in one transaction: each contribution stored under its own condition
    (nothing later than its read counted), the deltas added up into one shard's cells (reports sum
    the shards; the first order's shard, so that concurrent batches spread over them). False, with
    nothing written, if any contribution's condition fails: count those orders one by one then."""
    cells = summed(counts)
    if len(counts) + len(cells) > MAX_CELLS + 1:
        raise TooManyCells(f"{len(counts)} orders change {len(cells)} cells; one transaction holds 100")
    shard = shard_of(counts[0].order_id)
    try:
        with TransactWrite(connection=connection()) as tx:
            for count in counts:
                tx.save(_contribution_item(org_id, generation, count), condition=_not_later(count.read_at))
            for (family, bucket, sort), change in cells.items():
                cell = FigureItem(figure_pk(org_id, generation, family, bucket, shard), sort)
                tx.update(cell, actions=[getattr(FigureItem, m).add(v) for m, v in sorted(change.items())])
    except TransactWriteError as exc:
        if any(n < len(counts) for n in failed_items(exc)):
            return False
        raise transient(exc) from exc
    return True


def _contribution_item(org_id: str, generation: int, count: Count) -> ContributionItem:
    version, scans = count.read_at
    pk, sk = contribution_key(count.order_id, generation)
    return ContributionItem(
        pk,
        sk,
        org_id=org_id,
        order_version=version,
        scans_seen=scans,
        cells=encode(count.now),
        counted_at=clock.iso(),
    )


def _not_later(read_at: tuple[int, int]) -> Any:
    """No count of the order from a later read than `read_at` is stored (or none at all)."""
    version, scans = read_at
    later = (ContributionItem.order_version < version) | (
        (ContributionItem.order_version == version) & (ContributionItem.scans_seen < scans)
    )
    return ContributionItem.pk.does_not_exist() | later


@store_errors
def read_cells(
    org_id: str, generation: int, family: str, bucket: str, low: str, high: str
) -> dict[str, dict[str, int]]:
    """The cells of one bucket whose sort key is between `low` and `high`, summed over the shards."""
    summed: dict[str, dict[str, int]] = {}
    for shard in range(SHARDS):
        pk = figure_pk(org_id, generation, family, bucket, shard)
        for item in FigureItem.query(pk, FigureItem.sk.between(low, high)):
            cell = summed.setdefault(item.sk, dict.fromkeys(MEASURES, 0))
            for measure in MEASURES:
                cell[measure] += int(getattr(item, measure) or 0)
    return summed


def sum_cells(rows: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {m: sum(row[m] for row in rows.values()) for m in MEASURES}
