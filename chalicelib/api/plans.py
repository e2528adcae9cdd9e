"""Back-office routes of seating plans (import, export, seats) and of layouts' seat assignments."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Response
from pydantic import Field, model_validator

from chalicelib.api.body import LARGE_BODY
from chalicelib.api.catalog import as_output, output_model
from chalicelib.api.errors import JSON
from chalicelib.api.routing import Api, Body, Out
from chalicelib.api.selection import SelectionIn
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.catalog import plan_service, registry
from chalicelib.catalog.kinds import AreaAssignment, Code, Name, Ref, SeatingPlanSpec, StandingArea
from chalicelib.catalog.seating import AssignmentChange

api = Api(__name__, tag="back-office: seating plans")
blueprint = api.blueprint

READ, CREATE, MODIFY = Right("catalog", "read"), Right("catalog", "create"), Right("catalog", "modify")
PlanOut = output_model(registry.kind("seating_plan"))
LayoutOut = output_model(registry.kind("layout"))


class LayoutSeed(Body):
    """The layout to create with the plan, from the file's category and quota columns (codes)."""

    code: Code
    name: Name


class PlanImport(SeatingPlanSpec):
    """A plan file: CSV text (header `zone,block,row,number,x,y[,rank][,accessible][,category][,quota]`)
    or the JSON document `{"blocks": [{"zone", "block", "seats": [{"row", "number", "x", "y",
    "rank"?, "accessible"?}]}], "areas": [...]}`. Seat ids are `<zone>-<block>-<row>-<number>`."""

    format: Literal["csv", "json"]
    content: str | dict[str, Any]
    layout: LayoutSeed | None = None

    @model_validator(mode="after")
    def _csv_is_text(self) -> PlanImport:
        if self.format == "csv" and not isinstance(self.content, str):
            raise ValueError("a csv plan's content is the file's text")
        return self


class PlanImported(Out):
    plan: PlanOut  # type: ignore[valid-type]
    layout: LayoutOut | None = None  # type: ignore[valid-type]


class ExportQuery(Body):
    format: Literal["csv", "json"] = "csv"


class SeatOut(Out):
    seat_id: str
    row: str
    number: str
    x: float
    y: float
    rank: int
    accessible: bool


class BlockSeatsOut(Out):
    zone: str
    block: str
    seats: list[SeatOut]


class Bounds(Out):
    min_x: float
    max_x: float
    min_y: float
    max_y: float


class PlanSeatsOut(Out):
    blocks: list[BlockSeatsOut]
    areas: list[StandingArea]
    bounds: Bounds | None


class AssignmentIn(Body):
    """Set `seat_category_id` and/or `quota_id` on the selected seats; a field left out keeps each
    seat's value. `seat_category_id: null` unassigns the seats (not for sale, quota removed too);
    `quota_id: null` leaves them in the general stock. A quota alone skips seats without category."""

    seat_category_id: Ref | None = None
    quota_id: Ref | None = None
    selection: SelectionIn

    @model_validator(mode="after")
    def _sets_something(self) -> AssignmentIn:
        if not {"seat_category_id", "quota_id"} & self.model_fields_set:
            raise ValueError("set seat_category_id, quota_id or both")
        return self

    def change(self) -> AssignmentChange:
        return AssignmentChange(
            set_category="seat_category_id" in self.model_fields_set,
            seat_category_id=self.seat_category_id,
            set_quota="quota_id" in self.model_fields_set,
            quota_id=self.quota_id,
        )


class CategoryCount(Out):
    seat_category_id: str | None = Field(description="None: seats without category (not for sale)")
    change: int


class QuotaCount(Out):
    quota_id: str | None = Field(description="None: seats in no quota")
    change: int


class AssignmentOut(Out):
    selected: int
    changed: int
    skipped: int = Field(description="Seats a quota-only change left alone: they have no category")
    seat_categories: list[CategoryCount]
    quotas: list[QuotaCount]


class SeatAssignmentOut(Out):
    seat_category_id: str
    quota_id: str | None


class BlockAssignmentsOut(Out):
    zone: str
    block: str
    seats: dict[str, SeatAssignmentOut]


class LayoutAssignmentsOut(Out):
    layout_id: str
    seating_plan_id: str
    blocks: list[BlockAssignmentsOut]


class SeatsPerCategory(Out):
    seat_category_id: str
    seats: int


class SeatsPerQuota(Out):
    quota_id: str | None
    seats: int


class AreaSummary(AreaAssignment):
    capacity: int
    quota_places: int


class LayoutSummaryOut(Out):
    layout_id: str
    seating_plan_id: str
    seat_count: int
    assigned: int
    unassigned: int
    seat_categories: list[SeatsPerCategory]
    quotas: list[SeatsPerQuota]
    areas: list[AreaSummary]
    unassigned_areas: list[str]


def _plain_json(document: dict[str, Any]) -> Response:
    """Large documents (tens of thousands of seats) go out as built; their model documents them."""
    return Response(document, status_code=200, headers=JSON)


@api.route(
    "/backoffice/seating-plans/import",
    "POST",
    summary="Import a seating plan (CSV or JSON) and, optionally, its layout",
    auth=CREATE,
    body=PlanImport,
    response=PlanImported,
    status=201,
    max_body=LARGE_BODY,  # a 20,000-seat plan as JSON passes 1 MB
)
def import_seating_plan(caller: OperatorCaller, body: PlanImport) -> PlanImported:
    seed = (body.layout.code, body.layout.name) if body.layout else None
    plan, layout = plan_service.import_plan(caller.org_id, body, body.format, body.content, seed)
    return PlanImported(plan=as_output(PlanOut, plan), layout=layout and as_output(LayoutOut, layout))


@api.route(
    "/backoffice/seating-plans/{item_id}/export",
    summary="A seating plan as the import's CSV (default) or, with format=json, its JSON",
    auth=READ,
    query=ExportQuery,
    produces="text/csv",
)
def export_seating_plan(caller: OperatorCaller, item_id: str, query: ExportQuery) -> Response:
    plan, exported = plan_service.export_plan(caller.org_id, item_id, query.format)
    if isinstance(exported, dict):
        return _plain_json(exported)
    disposition = f'attachment; filename="{plan.data["code"]}.csv"'
    headers = {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition}
    return Response(exported, status_code=200, headers=headers)


@api.route(
    "/backoffice/seating-plans/{item_id}/seats",
    summary="A seating plan's blocks, seats, standing areas and bounds, for drawing it",
    auth=READ,
    response=PlanSeatsOut,
)
def seating_plan_seats(caller: OperatorCaller, item_id: str) -> Response:
    return _plain_json(plan_service.plan_seats(caller.org_id, item_id))


@api.route(
    "/backoffice/layouts/{item_id}/assignments",
    summary="Each assigned seat's category and quota, per block (an absent seat is not for sale)",
    auth=READ,
    response=LayoutAssignmentsOut,
)
def layout_assignments(caller: OperatorCaller, item_id: str) -> Response:
    return _plain_json(plan_service.layout_assignments(caller.org_id, item_id))


@api.route(
    "/backoffice/layouts/{item_id}/assignments",
    "POST",
    summary="Assign the selected seats to a seat category and/or a quota",
    auth=MODIFY,
    body=AssignmentIn,
    response=AssignmentOut,
)
def assign_layout_seats(caller: OperatorCaller, item_id: str, body: AssignmentIn) -> AssignmentOut:
    result = plan_service.assign_seats(caller.org_id, item_id, body.selection.selection(), body.change())
    return AssignmentOut.model_validate(result)


@api.route(
    "/backoffice/layouts/{item_id}/summary",
    summary="Seats per seat category and per quota, unassigned seats and standing areas",
    auth=READ,
    response=LayoutSummaryOut,
)
def layout_summary(caller: OperatorCaller, item_id: str) -> LayoutSummaryOut:
    return LayoutSummaryOut.model_validate(plan_service.layout_summary(caller.org_id, item_id))
