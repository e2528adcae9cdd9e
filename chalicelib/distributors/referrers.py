"""What distributor interfaces and mappings name in the catalog, told to the catalog (catalog.references)
when this module is imported, so that deleting such an item is refused like one that another item uses:
409 "Still used by distributor interface <id>", details `used_by` [{kind, id, field}].

- an interface names its sales channel, contact, point of sale and release quota: one query of the
  organisation's interfaces (a few);
- a mapping names our item by id: one key per (interface, season) read in one BatchGetItem (a key per
  interface only for an event, season ticket or performance, whose season is known); a seating plan's
  zones are found by one query per (interface, season) of that season's zone mappings; a season by one
  query per interface, one item read.
"""

from __future__ import annotations

from typing import Any

from chalicelib.catalog import references
from chalicelib.catalog import service as catalog
from chalicelib.db.conditions import store_errors
from chalicelib.distributors import repository
from chalicelib.distributors.items import MappingItem, mapping_sk, mappings_pk, mappings_prefix
from chalicelib.distributors.model import MappingKind, mapping_id, our_digest
from chalicelib.errors import NotFound

INTERFACE = "distributor_interface"
MAPPING = "distributor_mapping"

# catalog kind -> the interface's fields that may name an item of that kind
INTERFACE_FIELDS: dict[str, tuple[str, ...]] = {
    "sales_channel": ("channel_id",),
    "contact": ("contact_id",),
    "point_of_sale": ("point_of_sale_id",),
    "quota": ("release_to_quota_id",),
}
# Kinds a mapping names by our id (a zone mapping names a seating plan: <plan>/<zone>[/<block>]).
ITEM_KINDS = {kind.value for kind in MappingKind} - {MappingKind.ZONE.value}
MAPPED_KINDS = ITEM_KINDS | {"seating_plan", "season"}


def interfaces_naming(org_id: str, kind: str, item_id: str) -> list[dict[str, str]]:
    """The interfaces whose settings name this sales channel, contact, point of sale or quota."""
    return [
        {"kind": INTERFACE, "id": interface.id, "field": field}
        for interface in repository.list_interfaces(org_id)
        for field in INTERFACE_FIELDS.get(kind, ())
        if interface.data.get(field) == item_id
    ]


@store_errors
def mappings_naming(org_id: str, kind: str, item_id: str) -> list[dict[str, str]]:
    """The mappings (of every interface of the organisation) that name this item."""
    interface_ids = [interface.id for interface in repository.list_interfaces(org_id)]
    if not interface_ids:
        return []
    if kind == "season":
        return _season_mappings(org_id, interface_ids, item_id)
    if kind == "seating_plan":
        return _zone_mappings(org_id, interface_ids, item_id)
    if kind not in ITEM_KINDS:
        return []
    keys = [
        (mappings_pk(org_id, interface_id), mapping_sk(season_id, kind, our_digest(item_id)))
        for interface_id in interface_ids
        for season_id in _seasons_of(org_id, kind, item_id)
    ]
    found = [item for item in MappingItem.batch_get(keys, consistent_read=True) if item.our_id == item_id]
    return [_used_by(item, "our_id") for item in sorted(found, key=lambda item: (item.pk, item.sk))]


def _seasons_of(org_id: str, kind: str, item_id: str) -> list[str]:
    """The seasons a mapping of this item may be in: its own for an event, season ticket or performance
    (mappings check it), every season of the organisation otherwise (a few tens at most)."""
    try:
        if kind in (MappingKind.EVENT, MappingKind.SEASON_TICKET):
            return [catalog.get(org_id, kind, item_id).data["season_id"]]
        if kind == MappingKind.PERFORMANCE:
            event_id = catalog.get(org_id, kind, item_id).data["event_id"]
            return [catalog.get(org_id, "event", event_id).data["season_id"]]
    except (NotFound, KeyError):
        pass  # its season cannot be read: look in every season
    return [season.id for season in catalog.all_items(org_id, "season")]


def _zone_mappings(org_id: str, interface_ids: list[str], plan_id: str) -> list[dict[str, str]]:
    """Zone mappings whose our id is in this seating plan: each season's zone mappings, read."""
    seasons = [season.id for season in catalog.all_items(org_id, "season")]
    found: list[dict[str, str]] = []
    for interface_id in interface_ids:
        for season_id in seasons:
            query = MappingItem.query(
                mappings_pk(org_id, interface_id),
                MappingItem.sk.startswith(mappings_prefix(season_id, MappingKind.ZONE.value)),
                filter_condition=MappingItem.our_id.startswith(f"{plan_id}/"),
                consistent_read=True,
            )
            found.extend(_used_by(item, "our_id") for item in query)
    return found


def _season_mappings(org_id: str, interface_ids: list[str], season_id: str) -> list[dict[str, str]]:
    """One mapping of this season per interface that has any."""
    found: list[dict[str, str]] = []
    for interface_id in interface_ids:
        query = MappingItem.query(
            mappings_pk(org_id, interface_id),
            MappingItem.sk.startswith(mappings_prefix(season_id)),
            consistent_read=True,
            limit=1,
        )
        found.extend(_used_by(item, "season_id") for item in query)
    return found


def _used_by(item: Any, field: str) -> dict[str, str]:
    return {
        "kind": MAPPING,
        "id": mapping_id(item.season_id, item.kind, item.our_id),
        "field": field,
        "interface_id": item.pk.rsplit("#", 1)[1],
    }


references.register(interfaces_naming, kinds=INTERFACE_FIELDS)
references.register(mappings_naming, kinds=MAPPED_KINDS)
