"""Allotment exports of a distributor interface over HTTP (rights area `distributors`): the last export
per performance (and which are pending), and an export run now for a few performances (a large or
scheduled export is a run: see the runs routes)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.distributors import allotment_export
from chalicelib.distributors.model import Ref

api = Api(__name__, tag="distributors")
blueprint = api.blueprint

READ, EXECUTE = Right("distributors", "read"), Right("distributors", "execute")
EXPORTS = "/backoffice/distributors/interfaces/{interface_id}/exports"
MAX_PERFORMANCES = 20  # performances an export run now covers; more: a run


class AllotmentExportOut(Out):
    performance_id: str
    version: int | None = Field(description="null when the export failed before it had one")
    at: str
    status: str = Field(description="sent | failed")
    places: int
    errors: list[dict[str, Any]] = Field(description="{category, message, ...details}")
    reference: str | None = Field(default=None, description="The distributor's receipt, or the files' keys")
    by: str | None = None
    sent_version: int | None = Field(default=None, description="The last version the distributor took")
    sent_at: str | None = None
    pending: bool = Field(description="Seats changed since: an export is due")


class AllotmentExportsOut(Out):
    items: list[AllotmentExportOut]
    pending_performance_ids: list[str]


class AllotmentExportsQuery(Body):
    performance_id: Ref | None = None


class AllotmentExportIn(Body):
    performance_ids: list[Ref] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PERFORMANCES,
        description="The performances to export; none: every one on sale where the distributor has places",
    )


class AllotmentExportResultOut(Out):
    interface_id: str
    version: int | None
    performances: list[str]
    places: int
    status: str = Field(description="sent | failed")
    reference: str | None
    errors: list[dict[str, Any]]
    at: str
    by: str
    accepted: int | None = Field(default=None, description="Places the distributor took")


@api.route(
    EXPORTS,
    summary="The last allotment export of each performance (version, status, places, errors) and the "
    "performances whose export is pending",
    auth=READ,
    query=AllotmentExportsQuery,
    response=AllotmentExportsOut,
)
def list_allotment_exports(
    caller: OperatorCaller, interface_id: str, query: AllotmentExportsQuery
) -> AllotmentExportsOut:
    found = allotment_export.last_exports(caller.org_id, interface_id, query.performance_id)
    return AllotmentExportsOut.model_validate(found)


@api.route(
    EXPORTS,
    "POST",
    summary="Export the allotment now (a few performances; the answer says whether the distributor took "
    "it, and the errors by category)",
    auth=EXECUTE,
    body=AllotmentExportIn,
    response=AllotmentExportResultOut,
)
def export_allotment_now(
    caller: OperatorCaller, interface_id: str, body: AllotmentExportIn
) -> AllotmentExportResultOut:
    result = allotment_export.export(
        caller.org_id,
        interface_id,
        body.performance_ids,
        by=f"operator:{caller.operator.login}",
        max_performances=MAX_PERFORMANCES,
        strict=True,
    )
    return AllotmentExportResultOut(**result)
