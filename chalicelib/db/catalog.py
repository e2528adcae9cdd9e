"""The catalog table: what an organisation sells, one partition per (organisation, kind)."""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.db.base import TableMeta, TableModel


class CatalogTable(TableModel):
    """Root model: pk = ORG#<org_id>#<kind>; sk = ID#<id> for an item, CODE#<code> for its code guard."""

    class Meta(metaclass=TableMeta):
        logical_name = "catalog"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class CatalogItem(CatalogTable):
    item_id = UnicodeAttribute()
    code = UnicodeAttribute(null=True)
    version = NumberAttribute()
    # what operators set (the kind's spec) and what the system maintains (status, counts)
    data = MapAttribute(default=dict)
    state = MapAttribute(default=dict)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class CodeGuardItem(CatalogTable):
    """One per (organisation, kind, code): makes codes unique, written in the item's transaction."""

    item_id = UnicodeAttribute()


class CatalogGenerationItem(CatalogTable):
    """One per organisation: a new random value after every catalog write, so that a process keeping
    catalog reads between requests knows, from one small read, whether they are still current."""

    generation = UnicodeAttribute()


def generation_key(org_id: str) -> tuple[str, str]:
    return f"ORG#{org_id}#generation", "GENERATION"


def kind_pk(org_id: str, kind: str) -> str:
    return f"ORG#{org_id}#{kind}"


def item_sk(item_id: str) -> str:
    return f"ID#{item_id}"


def code_sk(code: str) -> str:
    return f"CODE#{code}"
