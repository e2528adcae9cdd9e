"""The producer space over HTTP: a producer's relay (shop) and operators (rights area `reports`, under
/backoffice/producers/{company_id}) read a producer's events, availability per quota, takings per
performance and cultural contacts, as JSON or CSV. Another producer's event: 403 not_your_event."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.api.routing import SHOPPER, Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right, ShopperCaller
from chalicelib.reports import statements
from chalicelib.spaces import cultural_contacts as contacts
from chalicelib.spaces import producer

api = Api(__name__, tag="producer space", shared_catalog_reads=True)
blueprint = api.blueprint

READ = Right("reports", "read")
SHOP = "/shop/{org_id}/producer/events"
BACKOFFICE = "/backoffice/producers/{company_id}/events"
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class ReportQuery(Body):
    performance_id: Id | None = None
    format: Literal["json", "csv"] = "json"


class ExportQuery(Body):
    format: Literal["json", "csv"] = "json"


class PerformanceOut(Out):
    performance_id: str
    performance: str = Field(description='"Hamlet, 2026-12-12 20:00 +01:00": the venue\'s clock')
    starts_at: str = Field(description="Venue-local start with its offset")
    timezone: str


class EventOut(Out):
    event_id: str
    name: str
    producer_company_ids: list[str]
    performances: list[PerformanceOut]


class EventsOut(Out):
    company_id: str
    events: list[EventOut]


class AvailabilityRowOut(PerformanceOut):
    quota_id: str | None
    quota: str
    kind: str = Field(description="seated | standing")
    area: str | None
    category: str | None = Field(description="A standing area's seat category")
    capacity: int
    free: int
    held: int | None = Field(description="None for standing places: held and sold are one figure")
    sold: int | None
    blocked: int
    taken: int = Field(description="Held or sold")


class AvailabilityOut(Out):
    event_id: str
    rows: list[AvailabilityRowOut]
    totals: dict[str, int]


class TakingsRowOut(Out):
    performance_id: str
    performance: str
    starts_at: str
    timezone: str
    category_id: str
    category: str
    audience_subcategory_id: str
    audience: str
    tickets: int
    amount: int = Field(description="In cents, net of cancellations and refunds")


class PerformanceTakingsOut(Out):
    performance_id: str
    performance: str
    tickets: int
    amount: int


class TakingsOut(Out):
    event_id: str
    currency: str
    rows: list[TakingsRowOut]
    by_performance: list[PerformanceTakingsOut]
    totals: dict[str, int]


class ContactRowOut(Out):
    shopper_id: str
    name: str
    email: str
    phone: str | None
    language: str | None
    address: dict[str, str] | None
    address_text: str
    consent_at: str | None
    performance_ids: list[str]
    tickets: int


class ContactsOut(Out):
    event_id: str
    rows: list[ContactRowOut]
    totals: dict[str, int]


class CompanyOut(Out):
    company_id: str
    name: str
    events: int


class CompaniesOut(Out):
    companies: list[CompanyOut]


CSV_COLUMNS = {
    "availability": list(AvailabilityRowOut.model_fields),
    "takings": list(TakingsRowOut.model_fields),
    "cultural-contacts": [c for c in ContactRowOut.model_fields if c != "address"],
}


def _answer(name: str, event_id: str, fmt: str, report: dict[str, Any], model: type[Out]):
    if fmt == "csv":
        from chalice import Response

        rows = [
            {**row, "performance_ids": " ".join(row.get("performance_ids", []))} for row in report["rows"]
        ]
        headers = {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}-{event_id}.csv"',
        }
        return Response(statements.to_csv(rows, CSV_COLUMNS[name]), status_code=200, headers=headers)
    return model.model_validate(report)


def _mine(caller: ShopperCaller) -> str:
    return producer.producer_company(caller.shopper)


# The producer's relay, in the shop.


@api.route(
    SHOP, summary="My producer space: the events my company produces", auth=SHOPPER, response=EventsOut
)
def my_events(caller: ShopperCaller, org_id: str) -> EventsOut:
    company_id = _mine(caller)
    return EventsOut(company_id=company_id, events=producer.events(org_id, company_id))


@api.route(
    SHOP + "/{event_id}/availability",
    summary="Availability per performance and quota of an event I produce (format=csv to export)",
    auth=SHOPPER,
    query=ReportQuery,
    response=AvailabilityOut,
)
def my_availability(caller: ShopperCaller, org_id: str, event_id: str, query: ReportQuery):
    report = producer.availability(org_id, _mine(caller), event_id, query.performance_id)
    return _answer("availability", event_id, query.format, report, AvailabilityOut)


@api.route(
    SHOP + "/{event_id}/takings",
    summary="Takings per performance, seat category and audience subcategory of an event I produce",
    auth=SHOPPER,
    query=ReportQuery,
    response=TakingsOut,
)
def my_takings(caller: ShopperCaller, org_id: str, event_id: str, query: ReportQuery):
    report = producer.takings(org_id, _mine(caller), event_id, query.performance_id)
    return _answer("takings", event_id, query.format, report, TakingsOut)


@api.route(
    SHOP + "/{event_id}/cultural-contacts",
    summary="The buyers of an event I produce who agreed to be contacted",
    auth=SHOPPER,
    query=ExportQuery,
    response=ContactsOut,
)
def my_cultural_contacts(caller: ShopperCaller, org_id: str, event_id: str, query: ExportQuery):
    report = contacts.cultural_contacts(org_id, _mine(caller), event_id)
    return _answer("cultural-contacts", event_id, query.format, report, ContactsOut)


# Operators see any producer's space.


@api.route(
    "/backoffice/producers",
    summary="The companies that produce events, with how many",
    auth=READ,
    response=CompaniesOut,
)
def producers(caller: OperatorCaller) -> CompaniesOut:
    return CompaniesOut(companies=producer.producer_companies(caller.org_id))


@api.route(BACKOFFICE, summary="A producer's events, as its relay sees them", auth=READ, response=EventsOut)
def producer_events(caller: OperatorCaller, company_id: str) -> EventsOut:
    producer.company_must_exist(caller.org_id, company_id)
    return EventsOut(company_id=company_id, events=producer.events(caller.org_id, company_id))


@api.route(
    BACKOFFICE + "/{event_id}/availability",
    summary="A producer's availability per performance and quota, as its relay sees it",
    auth=READ,
    query=ReportQuery,
    response=AvailabilityOut,
)
def producer_availability(caller: OperatorCaller, company_id: str, event_id: str, query: ReportQuery):
    producer.company_must_exist(caller.org_id, company_id)
    report = producer.availability(caller.org_id, company_id, event_id, query.performance_id)
    return _answer("availability", event_id, query.format, report, AvailabilityOut)


@api.route(
    BACKOFFICE + "/{event_id}/takings",
    summary="A producer's takings per performance, seat category and audience subcategory",
    auth=READ,
    query=ReportQuery,
    response=TakingsOut,
)
def producer_takings(caller: OperatorCaller, company_id: str, event_id: str, query: ReportQuery):
    producer.company_must_exist(caller.org_id, company_id)
    report = producer.takings(caller.org_id, company_id, event_id, query.performance_id)
    return _answer("takings", event_id, query.format, report, TakingsOut)


@api.route(
    BACKOFFICE + "/{event_id}/cultural-contacts",
    summary="A producer's cultural contacts for one of its events",
    auth=READ,
    query=ExportQuery,
    response=ContactsOut,
)
def producer_cultural_contacts(caller: OperatorCaller, company_id: str, event_id: str, query: ExportQuery):
    producer.company_must_exist(caller.org_id, company_id)
    report = contacts.cultural_contacts(caller.org_id, company_id, event_id)
    return _answer("cultural-contacts", event_id, query.format, report, ContactsOut)
