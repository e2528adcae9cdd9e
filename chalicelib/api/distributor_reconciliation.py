"""A distributor interface's reconciliation table and the release of its unsold allotment, over HTTP
(rights area `distributors`: reading the table needs `read`, a release `modify`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.distributors import reconciliation, release
from chalicelib.distributors.model import Ref
from chalicelib.observability import logger

api = Api(__name__, tag="distributors")
blueprint = api.blueprint

READ, MODIFY = Right("distributors", "read"), Right("distributors", "modify")
INTERFACE = "/backoffice/distributors/interfaces/{interface_id}"


class ReconciliationQuery(Body):
    performance_id: Ref | None = Field(default=None, description="Only this performance's rows")


class Ours(Out):
    allocated: int = Field(
        description="Places an export sends: the quota's seats but blocked ones, and its places"
    )
    sold: int = Field(description="Places sold through the distributor")
    returned: int | None = Field(description="Places it sold then cancelled; null with several quotas")
    free: int
    held: int
    blocked: int = Field(description="Blocked seats of the quota (not exported)")
    seats: int
    places: int = Field(description="Standing places of the quota")


class Compared(Out):
    allocated: int = Field(description="Over the interface's quotas on the performance")
    sold: int
    returned: int
    sold_source: Literal["reintegration", "stock"]
    quotas: int


class Theirs(Out):
    distributor_performance_id: str
    allocated: int
    sold: int
    reported_at: str


class Differences(Out):
    allocated: int = Field(description="Theirs minus ours")
    sold: int = Field(description="Theirs minus ours")


class LastExport(Out):
    version: int | None = None
    at: str | None = None
    status: str | None = None
    places: int | None = None
    pending: bool = Field(default=False, description="Seats of the distributor changed since: export due")


class ReleasedOut(Out):
    performance_id: str
    to_quota_id: str
    released_at: str
    last_run_at: str
    seats: int
    places: int


class ReconciliationRow(Out):
    performance_id: str | None = Field(
        description="null: the distributor reports a performance no mapping names"
    )
    event_id: str | None
    code: str | None
    starts_at: str | None
    timezone: str | None
    starts_at_local: str | None
    status: str | None
    distributor_performance_id: str | None
    quota_id: str | None
    ours: Ours | None
    compared: Compared | None
    last_export: LastExport | None
    released: ReleasedOut | None
    theirs: Theirs | None
    differences: Differences | None
    fix: Literal["export_again", "reintegrate", "mapping", "none"]
    reason: str


class ReconciliationOut(Out):
    interface_id: str
    items: list[ReconciliationRow]


@api.route(
    INTERFACE + "/reconciliation",
    summary="Per performance and quota: our counts, the distributor's, their differences and the fix",
    auth=READ,
    query=ReconciliationQuery,
    response=ReconciliationOut,
)
def distributor_reconciliation(
    caller: OperatorCaller, interface_id: str, query: ReconciliationQuery
) -> ReconciliationOut:
    rows = reconciliation.table(caller.org_id, interface_id, query.performance_id)
    return ReconciliationOut(interface_id=interface_id, items=[ReconciliationRow(**row) for row in rows])


class ReleasedPerformance(Out):
    performance_id: str
    seats: int
    places: int
    first: bool = Field(description="The performance's first release")


class ReleaseOut(Out):
    performances: list[ReleasedPerformance]
    seats: int
    places: int
    export: dict[str, Any] | None = Field(
        description="The export of the released performances (null: nothing released, or no export yet)"
    )


def _export(org_id: str, interface_id: str, performance_ids: list[str], by: str) -> dict[str, Any] | None:
    """The allotment export of the released performances, once the export exists."""
    if not performance_ids:
        return None
    try:
        from chalicelib.distributors import allotment_export
    except ImportError:
        return None
    export = getattr(allotment_export, "export", None)
    if export is None:
        return None
    try:
        return export(org_id, interface_id, performance_ids, by=by)
    except Exception as exc:  # noqa: BLE001 - the release is done; the operator exports again
        logger.exception("export after a release failed", extra={"interface_id": interface_id})
        return {"status": "failed", "errors": [{"category": "technical", "message": str(exc)[:300]}]}


@api.route(
    INTERFACE + "/releases",
    "POST",
    summary="Release the unsold allotment that is due now back to general sale, then export it",
    auth=MODIFY,
    response=ReleaseOut,
)
def release_distributor_allotment(caller: OperatorCaller, interface_id: str) -> ReleaseOut:
    done = release.release_due(caller.org_id, interface_id)
    ids = [p["performance_id"] for p in done["performances"]]
    exported = _export(caller.org_id, interface_id, ids, caller.operator.login)
    return ReleaseOut(**done, export=exported)
