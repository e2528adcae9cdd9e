"""Seating plan and layout use cases: import and export plans, draw their seats, assign layouts' seats."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

from chalicelib.catalog import plans, registry, repository, seating, seating_repository, service
from chalicelib.catalog.kinds import LayoutSpec, SeatingPlanSpec
from chalicelib.catalog.model import Stored
from chalicelib.catalog.seating import AssignmentChange, LayoutBlock, SeatAssignment, Selection
from chalicelib.errors import InvalidInput
from chalicelib.observability import logger

SEED_KINDS = {"category": "seat_category", "quota": "quota"}


def import_plan(
    org_id: str,
    spec: SeatingPlanSpec,
    file_format: str,
    content: str | dict[str, Any],
    layout: tuple[str, str] | None = None,
) -> tuple[Stored, Stored | None]:
    """Import a hall's seating plan in one request, and, given a layout's (code, name), the layout
    that the file's category and quota columns describe.

    A plan is immutable once imported: the seats of a hall that changed are a new import (a new
    plan, another code), so the layouts and performances built on the old plan keep their seats.
    Seat ids are `<zone>-<block>-<row>-<number>` (see plans.seat_id).
    """
    spec = SeatingPlanSpec.model_validate(spec.model_dump(include=set(SeatingPlanSpec.model_fields)))
    service.check_references(org_id, registry.kind("seating_plan"), spec)
    if file_format == "csv":
        parsed = plans.parse_csv(str(content), spec.areas)
    else:
        parsed = plans.parse_json(content, spec.areas)
    layout_blocks = _layout_blocks_from_seeds(org_id, parsed, layout is not None)
    data = {**spec.model_dump(mode="json"), "areas": [a.model_dump(mode="json") for a in parsed.areas]}
    plan_id, layout_id = service.new_id(), service.new_id() if layout else None
    plan = _store_plan(org_id, plan_id, data, parsed, layout_id, layout_blocks)
    if layout is None or layout_id is None:
        return plan, None
    return plan, _create_seeded_layout(org_id, plan, layout_id, layout, layout_blocks)


def _store_plan(
    org_id: str,
    plan_id: str,
    data: dict[str, Any],
    parsed: plans.ParsedPlan,
    layout_id: str | None,
    layout_blocks: list[LayoutBlock],
) -> Stored:
    """Records first, then the item that points at them: a failure never leaves a plan without seats."""
    try:
        seating_repository.save_plan_blocks(org_id, plan_id, parsed.blocks)
        if layout_id:
            seating_repository.save_layout_blocks(org_id, layout_id, layout_blocks)
        return repository.create(org_id, "seating_plan", plan_id, data, plans.plan_state(parsed.blocks))
    except Exception:
        _discard_records(org_id, plan_id, layout_id)
        raise


def _create_seeded_layout(
    org_id: str, plan: Stored, layout_id: str, layout: tuple[str, str], blocks: list[LayoutBlock]
) -> Stored:
    """The layout item over its stored records; if it cannot be made, the plan goes too."""
    try:
        spec = LayoutSpec(seating_plan_id=plan.id, code=layout[0], name=layout[1])
        return repository.create(
            org_id, "layout", layout_id, spec.model_dump(mode="json"), ids_in_use(blocks)
        )
    except Exception:
        with contextlib.suppress(Exception):
            repository.delete(org_id, plan, None)
        _discard_records(org_id, plan.id, layout_id)
        raise


def _layout_blocks_from_seeds(org_id: str, parsed: plans.ParsedPlan, with_layout: bool) -> list[LayoutBlock]:
    """The layout blocks that the file's category/quota codes describe, with the codes made ids."""
    if not with_layout:
        if parsed.seeds:
            raise InvalidInput(
                "The plan's category and quota columns describe a layout: give its code and name in layout",
                {"field": "layout"},
            )
        return []
    used = {column for column, _ in parsed.code_sites}
    ids = {
        column: {item.data["code"]: item.id for item in service.all_items(org_id, SEED_KINDS[column])}
        for column in used
    }
    problems = plans.Problems()
    for (column, code), where in parsed.code_sites.items():
        if code not in ids[column]:
            problems.add(where, f"no {SEED_KINDS[column].replace('_', ' ')} with code {code}")
    problems.raise_if_any("The plan's layout columns")
    blocks = []
    for block in parsed.blocks:
        seats = {}
        for seat in block.seats:
            category, quota = parsed.seeds.get(seat.seat_id, (None, None))
            if category:
                seats[seat.seat_id] = SeatAssignment(ids["category"][category], quota and ids["quota"][quota])
        if seats:
            blocks.append(LayoutBlock(block.zone, block.block, seats))
    return blocks


def _discard_records(org_id: str, plan_id: str, layout_id: str | None) -> None:
    """Best effort: records left behind are unreachable, since no item names them."""
    try:
        seating_repository.delete_plan_blocks(org_id, plan_id)
        if layout_id:
            seating_repository.delete_layout_blocks(org_id, layout_id)
    except Exception:  # noqa: BLE001 - the first failure is the one the caller must see
        logger.warning("could not discard a failed import's records", extra={"plan_id": plan_id})


def export_plan(org_id: str, plan_id: str, file_format: str) -> tuple[Stored, str | dict[str, Any]]:
    """The plan in the import's CSV text or JSON shape: importing it again gives the same seats."""
    plan = repository.get(org_id, "seating_plan", plan_id)
    blocks = seating_repository.plan_blocks(org_id, plan_id)
    if file_format == "csv":
        return plan, plans.plan_csv(blocks)
    return plan, plans.plan_document(blocks, plan.data.get("areas", []))


def plan_seats(org_id: str, plan_id: str) -> dict[str, Any]:
    """The plan's blocks with every seat and its id, its standing areas and its bounds, for drawing."""
    plan = repository.get(org_id, "seating_plan", plan_id)
    blocks = seating_repository.plan_blocks(org_id, plan_id)
    document = plans.plan_document(blocks, plan.data.get("areas", []), with_ids=True)
    return {**document, "bounds": plan.state.get("bounds")}


def layout_assignments(org_id: str, layout_id: str) -> dict[str, Any]:
    """Each assigned seat's category and quota, per block; a seat not listed is not for sale."""
    layout = repository.get(org_id, "layout", layout_id)
    blocks = seating_repository.layout_blocks(org_id, layout_id)
    return {
        "layout_id": layout.id,
        "seating_plan_id": layout.data["seating_plan_id"],
        "blocks": [
            {
                "zone": block.zone,
                "block": block.block,
                "seats": {
                    seat: {"seat_category_id": a.seat_category_id, "quota_id": a.quota_id}
                    for seat, a in block.seats.items()
                },
            }
            for block in blocks
            if block.seats
        ],
    }


def assign_seats(org_id: str, layout_id: str, selection: Selection, change: AssignmentChange) -> dict:
    """Set (or remove) the category and/or quota of the selected seats; the counts that changed.

    Two operators assigning the same block at once: the last write of the block wins.
    """
    layout = repository.get(org_id, "layout", layout_id)
    _check_named_ids(org_id, change)
    plan_blocks = seating_repository.plan_blocks(org_id, layout.data["seating_plan_id"])
    chosen, missing = seating.select(plan_blocks, selection)
    if missing:
        raise InvalidInput(
            f"{len(missing)} seat(s) are not in the layout's seating plan: {', '.join(missing[:5])}",
            {"fields": [{"field": "selection.seat_ids", "reason": f"no seat {s}"} for s in missing[:20]]},
        )
    if not chosen:
        raise InvalidInput("The selection matches no seat of the layout's plan", {"field": "selection"})
    current = seating_repository.layout_blocks(org_id, layout_id)
    before = ids_in_use(current)
    result = seating.assign(current, chosen, change)
    after = ids_in_use({(b.zone, b.block): b for b in [*current, *result.changed_blocks]}.values())
    # The ids of both sides while the blocks change, so that no id in use can be deleted meanwhile.
    both = {name: sorted({*before[name], *after[name]}) for name in after}
    repository.update_state(org_id, "layout", layout_id, both)
    seating_repository.save_layout_blocks(org_id, layout_id, result.changed_blocks)
    repository.update_state(org_id, "layout", layout_id, after)
    return {
        "selected": sum(len(ids) for ids in chosen.values()),
        "changed": result.changed,
        "skipped": result.skipped,
        "seat_categories": _counts(result.categories, "seat_category_id", "change"),
        "quotas": _counts(result.quotas, "quota_id", "change"),
    }


def ids_in_use(blocks: Iterable[LayoutBlock]) -> dict[str, list[str]]:
    """The seat categories and quotas a layout's seats name, kept in its state (see service.SEAT_REFS)."""
    assignments = [assignment for block in blocks for assignment in block.seats.values()]
    return {
        "seat_category_ids": sorted({a.seat_category_id for a in assignments}),
        "quota_ids": sorted({a.quota_id for a in assignments if a.quota_id}),
    }


def _check_named_ids(org_id: str, change: AssignmentChange) -> None:
    for name, kind, value in (
        ("seat_category_id", "seat_category", change.seat_category_id),
        ("quota_id", "quota", change.quota_id),
    ):
        if value and not repository.existing_ids(org_id, kind, {value}):
            label = kind.replace("_", " ")
            raise InvalidInput(
                f"No {label} {value}", {"field": name, "missing": [{"kind": kind, "id": value}]}
            )


def _counts(counter: Counter[str | None], key: str, value: str) -> list[dict[str, Any]]:
    """Non-zero counts, ids in order and None (unassigned, or no quota) last."""
    ordered = sorted(counter.items(), key=lambda pair: (pair[0] is None, pair[0] or ""))
    return [{key: name, value: count} for name, count in ordered if count]


def layout_summary(org_id: str, layout_id: str) -> dict[str, Any]:
    """Seats per seat category and per quota, the unassigned seats, and the standing areas."""
    layout = repository.get(org_id, "layout", layout_id)
    plan = repository.get(org_id, "seating_plan", layout.data["seating_plan_id"])
    categories: Counter[str | None] = Counter()
    quotas: Counter[str | None] = Counter()
    for block in seating_repository.layout_blocks(org_id, layout_id):
        for assignment in block.seats.values():
            categories[assignment.seat_category_id] += 1
            quotas[assignment.quota_id] += 1
    assigned = sum(categories.values())
    seat_count = int(plan.state.get("seat_count", 0))
    capacity = {area["code"]: area["capacity"] for area in plan.data.get("areas", [])}
    areas = [
        {**area, "capacity": capacity.get(area["area"], 0), "quota_places": sum(area["quotas"].values())}
        for area in layout.data.get("areas", [])
    ]
    named = {area["area"] for area in areas}
    return {
        "layout_id": layout.id,
        "seating_plan_id": plan.id,
        "seat_count": seat_count,
        "assigned": assigned,
        "unassigned": seat_count - assigned,
        "seat_categories": _counts(categories, "seat_category_id", "seats"),
        "quotas": _counts(quotas, "quota_id", "seats"),
        "areas": areas,
        "unassigned_areas": [code for code in capacity if code not in named],
    }
