"""Catalog use cases: create, read, list, replace and delete items, with their references checked."""

from __future__ import annotations

import contextlib
import contextvars
import secrets
from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.catalog import (
    cache,
    organisation,
    references,
    registry,
    repository,
    seating,
    seating_repository,
    zones,
)
from chalicelib.catalog.kinds import Spec
from chalicelib.catalog.model import PerformanceStatus, Stored
from chalicelib.catalog.registry import Kind
from chalicelib.errors import Conflict, InvalidInput, NotFound

# System-maintained fields a new item starts with, per kind.
INITIAL_STATE: dict[str, dict[str, Any]] = {"performance": {"status": PerformanceStatus.DRAFT.value}}
# Fields that may not change once the performance is no longer a draft (its stock was built from them).
FROZEN_WHEN_OPEN = ("hall_id", "layout_id")
# Per-block records that go with an item of these kinds (seats, seat assignments).
BLOCK_RECORDS = {
    "seating_plan": seating_repository.delete_plan_blocks,
    "layout": seating_repository.delete_layout_blocks,
}
# A layout's seats name categories and quotas in its block records; its state lists those ids.
SEAT_REFS = {"seat_category": "seat_category_ids", "quota": "quota_ids"}


def new_id() -> str:
    return secrets.token_hex(6)


def check_references(org_id: str, kind: Kind, spec: Spec) -> None:
    """Every id the item names must exist in this organisation; the error names each missing one."""
    wanted: dict[str, set[str]] = {}
    fields: dict[tuple[str, str], str] = {}
    for path, target, value in kind.references(spec.model_dump(mode="json")):
        wanted.setdefault(target, set()).add(value)
        fields[(target, value)] = path
    missing = [
        {"field": fields[(target, value)], "kind": target, "id": value}
        for target, ids in wanted.items()
        for value in sorted(ids - repository.existing_ids(org_id, target, ids))
    ]
    if missing:
        names = ", ".join(f"{m['field']}={m['id']}" for m in missing)
        raise InvalidInput(
            f"Unknown reference(s): {names}", {"field": missing[0]["field"], "missing": missing}
        )


def check_layout_areas(org_id: str, spec: Spec) -> None:
    """A layout's standing areas exist in its plan, name existing quotas and fit the areas' capacity."""
    data = spec.model_dump(mode="json")
    plan = repository.get(org_id, "seating_plan", data["seating_plan_id"])
    quota_ids = {quota for area in data["areas"] for quota in area["quotas"]}
    known = repository.existing_ids(org_id, "quota", quota_ids)
    problems = seating.layout_area_problems(plan.data.get("areas", []), data["areas"], known)
    if problems:
        summary = "; ".join(f"{p['field']}: {p['reason']}" for p in problems[:5])
        raise InvalidInput(f"The layout's standing areas: {summary}", {"fields": problems[:20]})


def check_season_ticket_lines(org_id: str, spec: Spec) -> None:
    """A season ticket's line offers performances of its own event."""
    for index, line in enumerate(spec.lines):  # type: ignore[attr-defined]
        for performance_id in line.performance_ids:
            if repository.get(org_id, "performance", performance_id).data["event_id"] != line.event_id:
                raise InvalidInput(
                    f"Line {line.id} offers performance {performance_id}, which is not of its event",
                    {"field": f"lines.{index}.performance_ids", "performance_id": performance_id},
                )


def _check_kind_rules(org_id: str, kind: Kind, spec: Spec) -> None:
    """The rules of a kind that read other items (after its references are known to exist)."""
    if kind.name == "layout":
        check_layout_areas(org_id, spec)
    elif kind.name == "season_ticket":
        check_season_ticket_lines(org_id, spec)
    elif kind.name == "point_of_sale":
        check_point_of_sale(org_id, spec)


def check_point_of_sale(org_id: str, spec: Spec) -> None:
    """A point of sale's settings fit its channel's type (B2C lists contacts, B2B companies)."""
    channel = repository.get(org_id, "sales_channel", spec.channel_id)  # type: ignore[attr-defined]
    problems = spec.channel_problems(channel.data["type"])  # type: ignore[attr-defined]
    if problems:
        first = problems[0]
        raise InvalidInput(
            f"{first['field']}: {first['reason']}", {"field": first["field"], "problems": problems}
        )


def create(org_id: str, kind_name: str, spec: Spec, item_id: str | None = None) -> Stored:
    _forget_shared(org_id)
    kind = registry.kind(kind_name)
    check_references(org_id, kind, spec)
    _check_kind_rules(org_id, kind, spec)
    state = dict(INITIAL_STATE.get(kind.name, {}))
    data = spec.model_dump(mode="json")
    if kind.name == "venue" and "timezone" not in spec.model_fields_set:
        data["timezone"] = organisation.time_zone(org_id)  # a new venue is in the organisation's zone
    return repository.create(org_id, kind.name, item_id or new_id(), data, state)


# Reads shared within one request (see `shared_reads`): a hold reads the same point of sale, channel,
# performance and price grid several times; within a request they cannot usefully change.
_shared: contextvars.ContextVar[dict[tuple[Any, ...], Any] | None] = contextvars.ContextVar(
    "catalog_shared_reads", default=None
)


@contextlib.contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block, reading the same catalog item (or list) again costs nothing."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def recheck(org_id: str) -> bool:
    """Before refusing something on what this request read from kept catalog reads (a performance not
    on sale: another instance, the opening workflow, may have just changed it), check the generation
    now: True if it moved, the request's reads dropped so that reading again asks DynamoDB."""
    memo = _shared.get()
    if memo is None or ("generation", org_id) not in memo:
        return False  # read straight from DynamoDB: nothing was kept
    if repository.generation(org_id, fresh=True) == memo[("generation", org_id)]:
        return False
    memo.clear()
    return True


def _forget_shared(org_id: str) -> None:
    cache.forget(org_id)
    memo = _shared.get()
    if memo is not None:
        memo.clear()


def get(org_id: str, kind_name: str, item_id: str) -> Stored:
    memo = _shared.get()
    if memo is None:
        return repository.get(org_id, kind_name, item_id)
    key = ("get", org_id, kind_name, item_id)
    return cache.remembered(org_id, key, lambda: repository.get(org_id, kind_name, item_id), memo)


def spec_of(stored: Stored) -> Spec:
    """The item's data parsed into its kind's declared model, defaults applied in that one place.
    A field an older version stored and the model no longer declares is left out."""
    spec = registry.kind(stored.kind).spec
    return spec.model_validate({name: v for name, v in stored.data.items() if name in spec.model_fields})


def parsed(org_id: str, kind_name: str, item_id: str) -> Spec:
    """One item, read (see `get`) and parsed into its declared model once per shared read."""
    memo = _shared.get()
    key = ("spec", org_id, kind_name, item_id)
    if memo is not None and key in memo:
        return memo[key]
    spec = spec_of(get(org_id, kind_name, item_id))
    if memo is not None:
        memo[key] = spec
    return spec


def get_by_code(org_id: str, kind_name: str, code: str) -> Stored:
    """The item with this code (codes are unique per kind), read by key; NotFound if none."""
    memo = _shared.get()
    if memo is None:
        return repository.get_by_code(org_id, kind_name, code)
    key = ("code", org_id, kind_name, code)
    return cache.remembered(org_id, key, lambda: repository.get_by_code(org_id, kind_name, code), memo)


def list_page(
    org_id: str, kind_name: str, filters: dict[str, str], limit: int, cursor: str | None
) -> tuple[list[Stored], str | None]:
    return repository.page(org_id, kind_name, filters, limit, cursor)


def all_items(org_id: str, kind_name: str, **filters: str) -> list[Stored]:
    """Every item of a kind (catalog kinds are small: hundreds to a few thousand per organisation)."""
    memo = _shared.get()
    if memo is None:
        return _all_items(org_id, kind_name, filters)
    key = ("all", org_id, kind_name, tuple(sorted(filters.items())))
    return list(cache.remembered(org_id, key, lambda: _all_items(org_id, kind_name, filters), memo))


def _all_items(org_id: str, kind_name: str, filters: dict[str, str]) -> list[Stored]:
    items: list[Stored] = []
    cursor = None
    while True:
        chunk, cursor = repository.page(org_id, kind_name, filters, 200, cursor)
        items.extend(chunk)
        if cursor is None:
            return items


def replace(org_id: str, kind_name: str, item_id: str, spec: Spec, expected_version: int | None) -> Stored:
    _forget_shared(org_id)
    kind = registry.kind(kind_name)
    current = repository.get(org_id, kind.name, item_id)
    data = spec.model_dump(mode="json")
    if kind.name == "performance" and current.performance_status != PerformanceStatus.DRAFT:
        changed = [name for name in FROZEN_WHEN_OPEN if data.get(name) != current.data.get(name)]
        if changed:
            raise Conflict(
                f"{', '.join(changed)} cannot change once the performance is opened for sale",
                {"field": changed[0], "status": current.state.get("status")},
            )
    if kind.name == "layout" and data["seating_plan_id"] != current.data["seating_plan_id"]:
        raise Conflict(
            "A layout's seating plan cannot change (its seat assignments name that plan's seats)",
            {"field": "seating_plan_id"},
        )
    if kind.name == "venue" and "timezone" not in spec.model_fields_set:
        data["timezone"] = zones.zone_of_venue(current.data)  # a replace that names no zone keeps it
    check_references(org_id, kind, spec)
    _check_kind_rules(org_id, kind, spec)
    return repository.replace(org_id, current, data, expected_version)


def _venue_of(org_id: str, performance: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The data of a performance's venue, through its hall; None if either is gone."""
    try:
        hall = get(org_id, "hall", performance["hall_id"]).data
        return get(org_id, "venue", hall["venue_id"]).data
    except (NotFound, KeyError):
        return None


def performance_zone(org_id: str, performance: Mapping[str, Any]) -> str:
    """The time zone of a performance's venue (zones.DEFAULT_ZONE if its hall or venue is gone)."""
    venue = _venue_of(org_id, performance)
    return zones.zone_of_venue(venue) if venue is not None else zones.DEFAULT_ZONE


def hall_zones(org_id: str) -> dict[str, str]:
    """Each hall's time zone (its venue's), for reports over many performances (two small kinds)."""
    venues = {item.id: item.data for item in all_items(org_id, "venue")}
    return {
        hall.id: zones.zone_of_venue(venues.get(hall.data.get("venue_id") or "", {}))
        for hall in all_items(org_id, "hall")
    }


def local_start(org_id: str, performance: Mapping[str, Any]) -> dict[str, str]:
    """`timezone` (the venue's) and `starts_at_local` (the start on the venue's clock, with its offset),
    as the shop answers them beside `starts_at` (the same zones.local_start)."""
    zone, starts_at_local = zones.local_start(performance["starts_at"], _venue_of(org_id, performance))
    return {"timezone": zone, "starts_at_local": starts_at_local}


def referencing(org_id: str, kind_name: str, item_id: str) -> list[dict[str, str]]:
    """Items that name this one, so it cannot be deleted: catalog items, then what other contexts
    registered in `references` (a distributor interface naming a contact, a mapping naming an event)."""
    found = []
    for other, path in registry.referrers(kind_name):
        simple = "." not in path and "[]" not in path and path in other.filters
        candidates = (
            all_items(org_id, other.name, **{path: item_id}) if simple else all_items(org_id, other.name)
        )
        for item in candidates:
            if any(value == item_id for _, _, value in other.references(item.data)):
                found.append({"kind": other.name, "id": item.id, "field": path})
    if kind_name in SEAT_REFS:
        for layout in all_items(org_id, "layout"):
            if item_id in layout.state.get(SEAT_REFS[kind_name], []):
                found.append({"kind": "layout", "id": layout.id, "field": f"seats.{kind_name}_id"})
    found.extend(references.users(org_id, kind_name, item_id))
    return found


def delete(org_id: str, kind_name: str, item_id: str, expected_version: int | None) -> None:
    _forget_shared(org_id)
    current = repository.get(org_id, kind_name, item_id)
    if current.kind == "performance" and current.performance_status != PerformanceStatus.DRAFT:
        raise Conflict("A performance opened for sale cannot be deleted; close or cancel it", {"id": item_id})
    users = referencing(org_id, kind_name, item_id)
    if users:
        first = users[0]
        raise Conflict(
            f"Still used by {first['kind'].replace('_', ' ')} {first['id']} ({len(users)} in all)",
            {"used_by": users[:20]},
        )
    repository.delete(org_id, current, expected_version)
    # After the item: a failure here leaves unreachable records, never an item without its seats.
    if current.kind in BLOCK_RECORDS:
        BLOCK_RECORDS[current.kind](org_id, current.id)
