"""The runs table: the execution history of workflows and scheduled jobs."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.db.base import TableMeta, TableModel


class RunsTable(TableModel):
    """Root model: pk = <scope>#<workflow>, sk = <started_at ISO>#<execution name>."""

    class Meta(metaclass=TableMeta):
        logical_name = "runs"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class RunItem(RunsTable):
    scope = UnicodeAttribute()
    workflow = UnicodeAttribute()
    execution = UnicodeAttribute()
    status = UnicodeAttribute()
    started_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute()
    summary = JSONAttribute(default=dict)
    error = UnicodeAttribute(null=True)
    cause = UnicodeAttribute(null=True)


def run_pk(scope: str, workflow: str) -> str:
    return f"{scope}#{workflow}"
