"""The distributors' items, kept in the catalog table (settings, like the catalog) under their own keys.

Keys (pk, sk):
- DISTRIBUTORS#<org>, INTERFACE#<id>                    an interface's settings (no password)
- DISTRIBUTORS#<org>, CHANNEL#<channel_id>              guard: one interface per external channel
- DISTRIBUTORS#<org>#<interface>, MAP#<season>#<kind>#<digest of our id>  a mapping
- DISTRIBUTORS#<org>#<interface>, EXT#<season>#<kind>#<distributor_id>   guard: a distributor id
                                                        names one of our items per season and kind
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.db.catalog import CatalogTable


class InterfaceItem(CatalogTable):
    org_id = UnicodeAttribute()
    interface_id = UnicodeAttribute()
    version = NumberAttribute()
    data = MapAttribute(default=dict)
    password_set = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class ChannelGuardItem(CatalogTable):
    interface_id = UnicodeAttribute()


class MappingItem(CatalogTable):
    season_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    our_id = UnicodeAttribute()
    distributor_id = UnicodeAttribute()
    version = NumberAttribute(default=1)
    updated_at = UTCDateTimeAttribute(null=True)


class DistributorIdGuardItem(CatalogTable):
    our_id = UnicodeAttribute()


def interfaces_pk(org_id: str) -> str:
    return f"DISTRIBUTORS#{org_id}"


def interface_sk(interface_id: str) -> str:
    return f"INTERFACE#{interface_id}"


def channel_sk(channel_id: str) -> str:
    return f"CHANNEL#{channel_id}"


def mappings_pk(org_id: str, interface_id: str) -> str:
    return f"DISTRIBUTORS#{org_id}#{interface_id}"


def mapping_sk(season_id: str, kind: str, digest: str) -> str:
    """`digest`: model.our_digest of our id (the item keeps our id itself)."""
    return f"MAP#{season_id}#{kind}#{digest}"


def mappings_prefix(season_id: str | None, kind: str | None = None) -> str:
    if season_id is None:
        return "MAP#"
    return f"MAP#{season_id}#" if kind is None else f"MAP#{season_id}#{kind}#"


def guard_sk(season_id: str, kind: str, distributor_id: str) -> str:
    return f"EXT#{season_id}#{kind}#{distributor_id}"
