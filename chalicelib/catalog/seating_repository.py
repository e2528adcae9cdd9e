"""Per-block records of seating plans and layouts: written in batches, read with one paged query."""

from __future__ import annotations

from chalicelib.catalog.seating import LayoutBlock, PlanBlock, PlanSeat, SeatAssignment
from chalicelib.db.conditions import store_errors
from chalicelib.db.plans import (
    LayoutBlockItem,
    PlanBlockItem,
    block_sk,
    layout_blocks_pk,
    plan_blocks_pk,
)


@store_errors
def save_plan_blocks(org_id: str, plan_id: str, blocks: list[PlanBlock]) -> None:
    pk = plan_blocks_pk(org_id, plan_id)
    with PlanBlockItem.batch_write() as batch:
        for block in blocks:
            batch.save(
                PlanBlockItem(
                    pk,
                    block_sk(block.zone, block.block),
                    plan_id=plan_id,
                    zone=block.zone,
                    block=block.block,
                    seat_count=len(block.seats),
                    seats=[seat.as_row() for seat in block.seats],
                )
            )


@store_errors
def plan_blocks(org_id: str, plan_id: str) -> list[PlanBlock]:
    """Every block of the plan with its seats, ordered by zone then block."""
    query = PlanBlockItem.query(plan_blocks_pk(org_id, plan_id), PlanBlockItem.sk.startswith("BLOCK#"))
    return [
        PlanBlock(item.zone, item.block, [PlanSeat.from_row(row) for row in item.seats]) for item in query
    ]


@store_errors
def delete_plan_blocks(org_id: str, plan_id: str) -> None:
    _delete_blocks(PlanBlockItem, plan_blocks_pk(org_id, plan_id))


@store_errors
def save_layout_blocks(org_id: str, layout_id: str, blocks: list[LayoutBlock]) -> None:
    pk = layout_blocks_pk(org_id, layout_id)
    with LayoutBlockItem.batch_write() as batch:
        for block in blocks:
            batch.save(
                LayoutBlockItem(
                    pk,
                    block_sk(block.zone, block.block),
                    layout_id=layout_id,
                    zone=block.zone,
                    block=block.block,
                    categories={seat: a.seat_category_id for seat, a in block.seats.items()},
                    quotas={seat: a.quota_id for seat, a in block.seats.items() if a.quota_id},
                )
            )


@store_errors
def layout_blocks(org_id: str, layout_id: str) -> list[LayoutBlock]:
    query = LayoutBlockItem.query(
        layout_blocks_pk(org_id, layout_id), LayoutBlockItem.sk.startswith("BLOCK#")
    )
    blocks = []
    for item in query:
        quotas = item.quotas or {}
        seats = {
            seat: SeatAssignment(category, quotas.get(seat))
            for seat, category in (item.categories or {}).items()
        }
        blocks.append(LayoutBlock(item.zone, item.block, seats))
    return blocks


@store_errors
def delete_layout_blocks(org_id: str, layout_id: str) -> None:
    _delete_blocks(LayoutBlockItem, layout_blocks_pk(org_id, layout_id))


def _delete_blocks(model: type[PlanBlockItem] | type[LayoutBlockItem], pk: str) -> None:
    query = model.query(pk, model.sk.startswith("BLOCK#"), attributes_to_get=["pk", "sk"])
    with model.batch_write() as batch:
        for item in query:
            batch.delete(item)
