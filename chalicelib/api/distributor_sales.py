"""Sales reintegration over HTTP (rights area `distributors`): sale lines sent as JSON, a sales file
uploaded (small files integrated at once, bigger ones left in the inbox for a run), the lines integrated."""

from __future__ import annotations

import re
from typing import Any, Literal

from chalice import Response
from pydantic import Field

from chalicelib.api import body as bodies
from chalicelib.api.errors import JSON
from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.distributors import reintegration, sales_files, service
from chalicelib.distributors import reintegration_store as store
from chalicelib.distributors.adapters import SaleLine
from chalicelib.distributors.categories import ExternalError
from chalicelib.errors import InvalidInput

api = Api(__name__, tag="distributors")
blueprint = api.blueprint

READ, CREATE = Right("distributors", "read"), Right("distributors", "create")
INTERFACE = "/backoffice/distributors/interfaces/{interface_id}"
MAX_API_LINES = 1_000  # more goes by file
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

SaleId = Field(min_length=1, max_length=100, pattern=r"^[^#\s](?:[^#]*[^#\s])?$")


class SaleLineIn(Body):
    external_sale_id: str = SaleId
    line: str = SaleId
    distributor_performance_id: str = Field(min_length=1, max_length=100)
    distributor_seat_category_id: str = Field(min_length=1, max_length=100)
    distributor_audience_subcategory_id: str = Field(min_length=1, max_length=100)
    price: int = Field(ge=0, description="cents")
    seat: str | None = Field(
        default=None, min_length=1, max_length=140, description="the allotment's seat_id"
    )
    cancelled: bool = False


class SalesIn(Body):
    lines: list[SaleLineIn] = Field(min_length=1, max_length=MAX_API_LINES)


class OutcomeOut(Out):
    external_sale_id: str
    line: str
    status: Literal["integrated", "already_integrated", "cancelled", "failed"]
    category: Literal["external", "technical", "mapping"] | None = None
    message: str | None = None
    order_id: str | None = None
    reason: str | None = None
    price_difference: int | None = None


class SalesOut(Out):
    outcomes: list[OutcomeOut]
    integrated: int
    already_integrated: int
    cancelled: int
    failed: int
    errors_by_category: dict[str, int]


class FileQuery(Body):
    name: str = Field(
        min_length=1, max_length=100, pattern=FILE_NAME.pattern, description="the file's name in the inbox"
    )


class SaleRecordOut(Out):
    external_sale_id: str
    line: str
    status: Literal["started", "integrated", "failed", "cancelled"]
    attempt: int
    order_id: str | None
    source: str | None
    received: dict[str, Any]
    mapped: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: str | None
    updated_at: str | None


class SalesQuery(Body):
    external_sale_id: str | None = Field(default=None, min_length=1, max_length=100)
    status: Literal["started", "integrated", "failed", "cancelled"] | None = None
    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2000)


class SaleRecordPage(Out):
    items: list[SaleRecordOut]
    cursor: str | None


def _outcomes(outcomes: list[reintegration.LineOutcome]) -> SalesOut:
    counts = reintegration.summary(outcomes)
    return SalesOut(
        outcomes=[OutcomeOut(**o.as_dict()) for o in outcomes],
        integrated=counts["integrated"],
        already_integrated=counts["already_integrated"],
        cancelled=counts["cancelled"],
        failed=counts["failed"],
        errors_by_category=counts["errors_by_category"],
    )


@api.route(
    INTERFACE + "/sales",
    "POST",
    summary="Reintegrate sale lines (at most 1,000; more by file): one outcome per line",
    auth=CREATE,
    body=SalesIn,
    response=SalesOut,
)
def integrate_distributor_sales(caller: OperatorCaller, interface_id: str, body: SalesIn) -> SalesOut:
    lines = [SaleLine(**line.model_dump()) for line in body.lines]
    return _outcomes(reintegration.integrate(caller.org_id, interface_id, lines, "api"))


@api.route(
    INTERFACE + "/sales-files",
    "POST",
    summary="Upload a sales file (CSV with a header, or JSON {records}): up to 1,000 lines integrated at "
    "once, a bigger file kept in the inbox for a run (202 with its key)",
    auth=CREATE,
    query=FileQuery,
    max_body=bodies.LARGE_BODY,
)
def upload_distributor_sales_file(caller: OperatorCaller, interface_id: str, query: FileQuery) -> Response:
    service.get_interface(caller.org_id, interface_id)  # 404 before anything is written
    raw = blueprint.current_request.raw_body or b""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text", {"field": "body", "reason": "not_utf8"}) from None
    try:
        lines = sum(1 for _ in sales_files.records(text))
    except ExternalError as exc:
        raise InvalidInput(f"body: {exc.message}", {"field": "body", "reason": "malformed_file"}) from None
    if lines == 0:
        raise InvalidInput("body: the file holds no sale record", {"field": "body", "reason": "empty"})
    if lines > sales_files.MAX_LINES:
        raise InvalidInput(
            f"body: a sales file holds at most {sales_files.MAX_LINES} lines",
            {"field": "body", "reason": "too_many_lines", "lines": lines},
        )
    key = sales_files.receive(caller.org_id, interface_id, query.name, text)
    if lines > MAX_API_LINES:
        answer = {"key": key, "lines": lines, "status": "in_inbox"}
        return Response(answer, status_code=202, headers=JSON)
    result = sales_files.integrate_file(caller.org_id, interface_id, key, 0, lines)
    return Response({**result, "key": key, "status": "integrated"}, status_code=200, headers=JSON)


@api.route(
    INTERFACE + "/sales",
    summary="Reintegrated sale lines, with their status, order and error",
    auth=READ,
    query=SalesQuery,
    response=SaleRecordPage,
)
def list_distributor_sales(caller: OperatorCaller, interface_id: str, query: SalesQuery) -> SaleRecordPage:
    service.get_interface(caller.org_id, interface_id)
    found, cursor = store.list_lines(
        caller.org_id, interface_id, query.external_sale_id, query.status, query.limit, query.cursor
    )
    return SaleRecordPage(items=[SaleRecordOut(**r.as_dict()) for r in found], cursor=cursor)
