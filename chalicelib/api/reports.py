"""Back-office reports (sales, takings, partners, gauge, entries) as JSON or CSV, and the home dashboard."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.api.report_models import (
    DashboardOut,
    EntriesOut,
    EntryRowOut,
    GaugeOut,
    GaugeRowOut,
    PartnerRowOut,
    PartnersOut,
    SalesOut,
    SalesRowOut,
    TakingsOut,
    TakingsRowOut,
)
from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.errors import NotFound
from chalicelib.reports import dashboard, statements
from chalicelib.reports.selection import Filters

api = Api(__name__, tag="back-office: reports", shared_catalog_reads=True)
blueprint = api.blueprint

READ = Right("reports", "read")
REBUILD = "figures-rebuild"
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class ReportQuery(Body):
    season_id: Id | None = None
    event_id: Id | None = None
    performance_id: Id | None = None
    day_from: date | None = Field(
        default=None, description="First day on the organisation's clock, YYYY-MM-DD"
    )
    day_to: date | None = Field(
        default=None, description="Last day on the organisation's clock, YYYY-MM-DD; at most 400 days"
    )
    format: Literal["json", "csv"] = "json"

    def filters(self) -> Filters:
        return Filters(self.season_id, self.event_id, self.performance_id, self.day_from, self.day_to)


CSV_COLUMNS = {
    "sales": list(SalesRowOut.model_fields),
    "takings": list(TakingsRowOut.model_fields),
    "partners": list(PartnerRowOut.model_fields),
    "gauge": list(GaugeRowOut.model_fields),
    "entries": list(EntryRowOut.model_fields),
}


def _answer(name: str, query: ReportQuery, report: dict[str, Any], model: type[Out]):
    if query.format == "csv":
        from chalice import Response

        headers = {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}.csv"',
        }
        return Response(
            statements.to_csv(report["rows"], CSV_COLUMNS[name]), status_code=200, headers=headers
        )
    return model.model_validate(report)


@api.route(
    "/backoffice/reports/sales",
    summary="Sales: tickets and amounts by performance, seat category, audience, channel and point of sale",
    auth=READ,
    query=ReportQuery,
    response=SalesOut,
)
def sales(caller: OperatorCaller, query: ReportQuery):
    return _answer("sales", query, statements.sales(caller.org_id, query.filters()), SalesOut)


@api.route(
    "/backoffice/reports/takings",
    summary="Takings: money received per day and payment method, refunds apart (filter by days only)",
    auth=READ,
    query=ReportQuery,
    response=TakingsOut,
)
def takings(caller: OperatorCaller, query: ReportQuery):
    return _answer("takings", query, statements.takings(caller.org_id, query.filters()), TakingsOut)


@api.route(
    "/backoffice/reports/partners",
    summary="Partner settlement: what each external channel sold and what it owes",
    auth=READ,
    query=ReportQuery,
    response=PartnersOut,
)
def partners(caller: OperatorCaller, query: ReportQuery):
    return _answer("partners", query, statements.partners(caller.org_id, query.filters()), PartnersOut)


@api.route(
    "/backoffice/reports/gauge",
    summary="Gauge: seats free, held, sold, blocked and scanned per performance and block",
    auth=READ,
    query=ReportQuery,
    response=GaugeOut,
)
def gauge(caller: OperatorCaller, query: ReportQuery):
    return _answer("gauge", query, statements.gauge(caller.org_id, query.filters()), GaugeOut)


@api.route(
    "/backoffice/reports/entries",
    summary="Entries: admitted scans per performance, hour and gate, against tickets sold",
    auth=READ,
    query=ReportQuery,
    response=EntriesOut,
)
def entries(caller: OperatorCaller, query: ReportQuery):
    return _answer("entries", query, statements.entries(caller.org_id, query.filters()), EntriesOut)


@api.route(
    "/backoffice/dashboard",
    summary="The operator's home: sales today and over 30 days, coming performances' fill, what to act on",
    auth=READ,
    response=DashboardOut,
)
def home(caller: OperatorCaller) -> DashboardOut:
    report = dashboard.home(caller.org_id, lambda area, action: caller.may(Right(area, action)))
    return DashboardOut.model_validate(report)


class RebuildOut(Out):
    workflow: str
    execution_arn: str


@api.route(
    "/backoffice/reports/figures/rebuild",
    "POST",
    summary="Recount this organisation's figures from its orders (the figures-rebuild workflow)",
    auth=Right("reports", "execute"),
    response=RebuildOut,
    status=202,
)
def rebuild(caller: OperatorCaller) -> RebuildOut:
    from chalicelib.runs import service as runs

    try:
        arn = runs.start_workflow(REBUILD, {"org_id": caller.org_id})
    except KeyError:
        raise NotFound(
            f"The {REBUILD} workflow is not deployed on this stack", {"workflow": REBUILD}
        ) from None
    return RebuildOut(workflow=REBUILD, execution_arn=arn)
