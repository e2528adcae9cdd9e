"""Mappings of an interface, per season: our item <-> the distributor's id, for the seed's kinds; one by
one, or a whole CSV file (all or nothing, its problems named by line)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.distributors import repository
from chalicelib.distributors.model import (
    LineProblems,
    Mapping,
    MappingKind,
    MappingLine,
    mapping_csv,
    mapping_key,
    parse_mapping_csv,
)
from chalicelib.errors import InvalidInput, NotFound, VersionConflict

CATALOG_KINDS = {kind.value for kind in MappingKind} - {MappingKind.ZONE.value}


class _Unknown(Exception):
    """Our id (or code) names nothing that can be mapped; the reason says why."""


class OurItems:
    """Our items of one season as a mapping names them, each read once: their code, or why not."""

    def __init__(self, org_id: str, season_id: str) -> None:
        self.org_id, self.season_id = org_id, season_id
        self._codes: dict[tuple[str, str], str] = {}

    def code(self, kind: MappingKind, our_id: str) -> str:
        """Our item's code (for a zone, `zone` or `zone/block`); _Unknown if it cannot be mapped."""
        key = (kind.value, our_id)
        if key not in self._codes:
            self._codes[key] = self._zone(our_id) if kind == MappingKind.ZONE else self._item(kind, our_id)
        return self._codes[key]

    def id_of_code(self, kind: MappingKind, code: str) -> str:
        if kind == MappingKind.ZONE:
            raise _Unknown("a zone is named by its our_id (<seating_plan_id>/<zone>[/<block>])")
        try:
            return catalog.get_by_code(self.org_id, kind.value, code).id
        except NotFound:
            raise _Unknown(f"no {kind.value.replace('_', ' ')} with code {code}") from None

    def _read(self, kind: str, item_id: str) -> dict[str, Any]:
        try:
            return catalog.get(self.org_id, kind, item_id).data
        except NotFound:
            raise _Unknown(f"no {kind.replace('_', ' ')} {item_id}") from None

    def _item(self, kind: MappingKind, our_id: str) -> str:
        data = self._read(kind.value, our_id)
        season = None
        if kind in (MappingKind.EVENT, MappingKind.SEASON_TICKET):
            season = data.get("season_id")
        elif kind == MappingKind.PERFORMANCE:
            season = self._read("event", data["event_id"]).get("season_id")
        if season is not None and season != self.season_id:
            raise _Unknown(
                f"{kind.value.replace('_', ' ')} {our_id} is of season {season}, not {self.season_id}"
            )
        return str(data.get("code") or our_id)

    def _zone(self, our_id: str) -> str:
        parts = our_id.split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise _Unknown("a zone's our_id is <seating_plan_id>/<zone> or <seating_plan_id>/<zone>/<block>")
        try:
            plan = catalog.get(self.org_id, "seating_plan", parts[0])
        except NotFound:
            raise _Unknown(f"no seating plan {parts[0]}") from None
        blocks = {(b["zone"], b["block"]) for b in plan.state.get("blocks", [])}
        zones = {zone for zone, _ in blocks} | {area["code"] for area in plan.data.get("areas", [])}
        if parts[1] not in zones:
            raise _Unknown(f"seating plan {parts[0]} has no zone or standing area {parts[1]}")
        if len(parts) == 3 and (parts[1], parts[2]) not in blocks:
            raise _Unknown(f"zone {parts[1]} of seating plan {parts[0]} has no block {parts[2]}")
        return "/".join(parts[1:])


def _interface(org_id: str, interface_id: str) -> None:
    repository.get_interface(org_id, interface_id)  # NotFound for another organisation's or none


def _season(org_id: str, season_id: str) -> None:
    try:
        catalog.get(org_id, "season", season_id)
    except NotFound:
        raise InvalidInput(f"season_id: no season {season_id}", {"field": "season_id"}) from None


def list_mappings(org_id: str, interface_id: str, season_id: str | None, kind: str | None) -> list[Mapping]:
    """The interface's mappings (of a season, of a kind), each with our item's code (None if it is gone)."""
    _interface(org_id, interface_id)
    found = repository.list_mappings(org_id, interface_id, season_id, kind if season_id else None)
    if kind:
        found = [m for m in found if m.kind == kind]
    with catalog.shared_reads():
        return [_with_code(org_id, m) for m in found]


def _with_code(org_id: str, mapping: Mapping, items: OurItems | None = None) -> Mapping:
    try:
        code = (items or OurItems(org_id, mapping.season_id)).code(mapping.kind, mapping.our_id)
    except _Unknown:
        code = None
    return replace(mapping, our_code=code)


def create_mapping(
    org_id: str, interface_id: str, season_id: str, kind: MappingKind, our_id: str, distributor_id: str
) -> Mapping:
    kind = MappingKind(kind)
    _interface(org_id, interface_id)
    _season(org_id, season_id)
    items = OurItems(org_id, season_id)
    try:
        code = items.code(kind, our_id)
    except _Unknown as exc:
        raise InvalidInput(f"our_id: {exc}", {"field": "our_id", "reason": str(exc)}) from None
    saved = repository.save_mapping(
        org_id, interface_id, Mapping(season_id, kind, our_id, distributor_id), None
    )
    return replace(saved, our_code=code)


def _current(org_id: str, interface_id: str, mapping_id: str) -> Mapping:
    _interface(org_id, interface_id)
    season_id, kind, digest = mapping_key(mapping_id)
    found = repository.get_mapping(org_id, interface_id, season_id, kind, digest)
    if found is None:
        raise NotFound(f"No mapping {mapping_id}", {"mapping_id": mapping_id})
    return found


def _checked_version(current: Mapping, version: int | None) -> Mapping:
    if version is not None and version != current.version:
        raise VersionConflict(
            "The mapping changed since you read it; read it again", {"version": current.version}
        )
    return current


def get_mapping(org_id: str, interface_id: str, mapping_id: str) -> Mapping:
    return _with_code(org_id, _current(org_id, interface_id, mapping_id))


def change_mapping(
    org_id: str, interface_id: str, mapping_id: str, distributor_id: str, version: int | None
) -> Mapping:
    current = _checked_version(_current(org_id, interface_id, mapping_id), version)
    if current.distributor_id == distributor_id:
        return _with_code(org_id, current)
    saved = repository.save_mapping(
        org_id, interface_id, replace(current, distributor_id=distributor_id), current
    )
    return _with_code(org_id, saved)


def delete_mapping(org_id: str, interface_id: str, mapping_id: str, version: int | None) -> None:
    current = _checked_version(_current(org_id, interface_id, mapping_id), version)
    repository.delete_mapping(org_id, interface_id, current, current.version if version is None else version)


def export_mappings(org_id: str, interface_id: str, season_id: str) -> str:
    return mapping_csv(list_mappings(org_id, interface_id, season_id, None))


def import_mappings(org_id: str, interface_id: str, season_id: str, content: str) -> dict[str, int]:
    """Every line checked first (kind, our item in this season, distributor ids free), then written:
    all of it or, at the first problem, nothing. A line sets the distributor id of our item."""
    _interface(org_id, interface_id)
    _season(org_id, season_id)
    problems = LineProblems()
    lines = parse_mapping_csv(content, problems)
    existing = {
        (m.kind.value, m.our_id): m for m in repository.list_mappings(org_id, interface_id, season_id)
    }
    holders = {(m.kind.value, m.distributor_id): m.our_id for m in existing.values()}
    changes: list[tuple[Mapping, Mapping | None]] = []
    unchanged = 0
    seen: dict[tuple[str, str], int] = {}
    with catalog.shared_reads():
        items = OurItems(org_id, season_id)
        for line in lines:
            our_id = _our_id(items, line, problems)
            if our_id is None:
                continue
            earlier = seen.setdefault((line.kind.value, our_id), line.line)
            if earlier != line.line:
                problems.add(line.line, "our_id", f"{line.kind} {our_id} is mapped on line {earlier} too")
                continue
            holder = holders.get((line.kind.value, line.distributor_id))
            if holder is not None and holder != our_id:
                problems.add(
                    line.line,
                    "distributor_id",
                    f"{line.distributor_id} names {line.kind} {holder} already (change that mapping first)",
                )
                continue
            old = existing.get((line.kind.value, our_id))
            if old is not None and old.distributor_id == line.distributor_id:
                unchanged += 1
                continue
            changes.append((Mapping(season_id, line.kind, our_id, line.distributor_id), old))
    problems.raise_if_any()
    repository.save_mappings(org_id, interface_id, changes)
    changed = sum(1 for _, old in changes if old is not None)
    return {"created": len(changes) - changed, "changed": changed, "unchanged": unchanged}


def _our_id(items: OurItems, line: MappingLine, problems: LineProblems) -> str | None:
    column = "our_id" if line.our_id else "our_code"
    try:
        our_id = line.our_id or items.id_of_code(line.kind, line.our_code)
        items.code(line.kind, our_id)
    except _Unknown as exc:
        problems.add(line.line, column, f"unknown: {exc}")
        return None
    return our_id
