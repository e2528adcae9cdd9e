"""Distributor interfaces over HTTP (rights area `distributors`): the interfaces, their mappings (one by
one or as a CSV file) and the on-sale sheet of an event, as JSON or CSV."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from chalice import Response
from pydantic import Field

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.distributors import (
    mappings,
    on_sale_sheet,
    referrers,  # noqa: F401 - the catalog refuses deleting what interfaces and mappings name
    service,
)
from chalicelib.distributors.model import (
    AdapterKind,
    DistributorId,
    Interface,
    InterfaceSpec,
    InterfaceStatus,
    Mapping,
    MappingKind,
    PricePolicy,
    Ref,
)

api = Api(__name__, tag="distributors")
blueprint = api.blueprint

READ, CREATE = Right("distributors", "read"), Right("distributors", "create")
MODIFY, DELETE = Right("distributors", "modify"), Right("distributors", "delete")
INTERFACES = "/backoffice/distributors/interfaces"
INTERFACE = INTERFACES + "/{interface_id}"
MAPPINGS = INTERFACE + "/mappings"
MAPPING = MAPPINGS + "/{mapping_id}"
CSV_HEADERS = {"Content-Type": "text/csv; charset=utf-8"}


class VersionQuery(Body):
    version: int | None = Field(
        default=None, ge=1, description="Refuse the change unless this is the version"
    )


class ConnectionOut(Out):
    adapter: AdapterKind
    url: str
    login: str
    password_set: bool = Field(description="A password is kept in Secrets Manager (never answered)")


class InterfaceOut(Out):
    id: str
    version: int
    name: str
    type: str
    channel_id: str
    connection: ConnectionOut
    contact_id: str
    deferred_account: bool
    point_of_sale_id: str
    reseller_price_policy: PricePolicy
    alert_recipients: list[str]
    status: InterfaceStatus
    release_days_before: int | None = None
    release_to_quota_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class InterfacePage(Out):
    items: list[InterfaceOut]


def _interface_out(interface: Interface) -> InterfaceOut:
    data = interface.data
    connection = ConnectionOut(**data["connection"], password_set=interface.password_set)
    return InterfaceOut(
        **{**data, "connection": connection},
        id=interface.id,
        version=interface.version,
        created_at=interface.created_at,
        updated_at=interface.updated_at,
    )


@api.route(INTERFACES, summary="List distributor interfaces", auth=READ, response=InterfacePage)
def list_distributor_interfaces(caller: OperatorCaller) -> InterfacePage:
    return InterfacePage(items=[_interface_out(i) for i in service.list_interfaces(caller.org_id)])


@api.route(
    INTERFACES,
    "POST",
    summary="Create a distributor interface (its password goes to Secrets Manager)",
    auth=CREATE,
    body=InterfaceSpec,
    response=InterfaceOut,
    status=201,
)
def create_distributor_interface(caller: OperatorCaller, body: InterfaceSpec) -> InterfaceOut:
    return _interface_out(service.create_interface(caller.org_id, body))


@api.route(INTERFACE, summary="One distributor interface", auth=READ, response=InterfaceOut)
def get_distributor_interface(caller: OperatorCaller, interface_id: str) -> InterfaceOut:
    return _interface_out(service.get_interface(caller.org_id, interface_id))


@api.route(
    INTERFACE,
    "PUT",
    summary="Replace a distributor interface's settings (password: omitted keeps it, empty removes it)",
    auth=MODIFY,
    body=InterfaceSpec,
    query=VersionQuery,
    response=InterfaceOut,
)
def replace_distributor_interface(
    caller: OperatorCaller, interface_id: str, body: InterfaceSpec, query: VersionQuery
) -> InterfaceOut:
    return _interface_out(service.replace_interface(caller.org_id, interface_id, body, query.version))


@api.route(
    INTERFACE,
    "DELETE",
    summary="Delete a distributor interface, its mappings and its password",
    auth=DELETE,
    query=VersionQuery,
    status=204,
)
def delete_distributor_interface(caller: OperatorCaller, interface_id: str, query: VersionQuery) -> None:
    service.delete_interface(caller.org_id, interface_id, query.version)


class MappingIn(Body):
    season_id: Ref
    kind: MappingKind
    our_id: str = Field(
        min_length=1,
        max_length=200,
        description="Our item's id; a zone: <seating_plan_id>/<zone>, a block: <plan_id>/<zone>/<block>",
    )
    distributor_id: DistributorId


class MappingChange(Body):
    distributor_id: DistributorId


class MappingOut(Out):
    id: str
    season_id: str
    kind: MappingKind
    our_id: str
    our_code: str | None = Field(description="Our item's code (a zone: zone[/block]); null if it is gone")
    distributor_id: str
    version: int


class MappingPage(Out):
    items: list[MappingOut]


class MappingQuery(Body):
    season_id: Ref | None = None
    kind: MappingKind | None = None


class SeasonQuery(Body):
    season_id: Ref


class MappingFile(Body):
    content: str = Field(
        min_length=1,
        max_length=1_000_000,
        description="CSV text: header kind,our_id,our_code,distributor_id (or our_code naming the item)",
    )


class ImportOut(Out):
    created: int
    changed: int
    unchanged: int


def _mapping_out(m: Mapping) -> MappingOut:
    return MappingOut(
        id=m.id,
        season_id=m.season_id,
        kind=m.kind,
        our_id=m.our_id,
        our_code=m.our_code,
        distributor_id=m.distributor_id,
        version=m.version,
    )


@api.route(
    MAPPINGS,
    summary="An interface's mappings (of a season, of a kind)",
    auth=READ,
    query=MappingQuery,
    response=MappingPage,
)
def list_distributor_mappings(caller: OperatorCaller, interface_id: str, query: MappingQuery) -> MappingPage:
    found = mappings.list_mappings(caller.org_id, interface_id, query.season_id, query.kind)
    return MappingPage(items=[_mapping_out(m) for m in found])


@api.route(
    MAPPINGS,
    "POST",
    summary="Map one of our items to the distributor's id",
    auth=CREATE,
    body=MappingIn,
    response=MappingOut,
    status=201,
)
def create_distributor_mapping(caller: OperatorCaller, interface_id: str, body: MappingIn) -> MappingOut:
    created = mappings.create_mapping(
        caller.org_id, interface_id, body.season_id, body.kind, body.our_id, body.distributor_id
    )
    return _mapping_out(created)


@api.route(MAPPING, summary="One mapping", auth=READ, response=MappingOut)
def get_distributor_mapping(caller: OperatorCaller, interface_id: str, mapping_id: str) -> MappingOut:
    return _mapping_out(mappings.get_mapping(caller.org_id, interface_id, mapping_id))


@api.route(
    MAPPING,
    "PUT",
    summary="Change a mapping's distributor id",
    auth=MODIFY,
    body=MappingChange,
    query=VersionQuery,
    response=MappingOut,
)
def change_distributor_mapping(
    caller: OperatorCaller, interface_id: str, mapping_id: str, body: MappingChange, query: VersionQuery
) -> MappingOut:
    changed = mappings.change_mapping(
        caller.org_id, interface_id, mapping_id, body.distributor_id, query.version
    )
    return _mapping_out(changed)


@api.route(MAPPING, "DELETE", summary="Delete a mapping", auth=DELETE, query=VersionQuery, status=204)
def delete_distributor_mapping(
    caller: OperatorCaller, interface_id: str, mapping_id: str, query: VersionQuery
) -> None:
    mappings.delete_mapping(caller.org_id, interface_id, mapping_id, query.version)


@api.route(
    INTERFACE + "/mapping-file",
    summary="A season's mappings as CSV (kind,our_id,our_code,distributor_id): the import's format",
    auth=READ,
    query=SeasonQuery,
    produces="text/csv",
)
def export_distributor_mappings(caller: OperatorCaller, interface_id: str, query: SeasonQuery) -> Response:
    text = mappings.export_mappings(caller.org_id, interface_id, query.season_id)
    disposition = f'attachment; filename="mappings-{interface_id}-{query.season_id}.csv"'
    return Response(text, status_code=200, headers={**CSV_HEADERS, "Content-Disposition": disposition})


@api.route(
    INTERFACE + "/mapping-file",
    "POST",
    summary="Import a season's mappings from CSV: all lines or none, problems named by line",
    auth=(CREATE, MODIFY),
    body=MappingFile,
    query=SeasonQuery,
    response=ImportOut,
    max_body=1_100_000,
)
def import_distributor_mappings(
    caller: OperatorCaller, interface_id: str, body: MappingFile, query: SeasonQuery
) -> ImportOut:
    counts = mappings.import_mappings(caller.org_id, interface_id, query.season_id, body.content)
    return ImportOut(**counts)


class SheetQuery(Body):
    format: Literal["json", "csv", "pdf"] = "json"


class SheetItem(Out):
    id: str
    code: str
    name: str
    rank: int | None = None
    distributor_id: str | None


class SheetQuota(Out):
    seats: int = Field(description="Seats of the distributor's external quota (blocked seats left out)")
    places: int = Field(description="Standing places of its quota")
    source: str = Field(description="stock (the performance is on sale) | layout (not yet) | none (no quota)")


class SheetPerformance(Out):
    id: str
    code: str
    starts_at: str
    timezone: str
    starts_at_local: str = Field(description="On the venue's clock, ISO 8601 with its offset")
    status: str
    layout_id: str
    distributor_id: str | None
    quota: SheetQuota


class SheetPrice(Out):
    seat_category_id: str
    audience_subcategory_id: str
    amount: int


class SheetEvent(Out):
    id: str
    code: str
    name: str
    season_id: str
    distributor_id: str | None


class SheetOut(Out):
    interface: dict[str, Any]
    event: SheetEvent
    quota_ids: list[str]
    performances: list[SheetPerformance]
    layouts: list[SheetItem]
    seat_categories: list[SheetItem]
    audience_subcategories: list[SheetItem]
    currency: str
    prices: list[SheetPrice]


@api.route(
    INTERFACE + "/on-sale-sheets/{event_id}",
    summary="An event's on-sale sheet for the distributor; format=csv (a mapping file to fill) or pdf",
    auth=READ,
    query=SheetQuery,
    response=SheetOut,
)
def get_on_sale_sheet(caller: OperatorCaller, interface_id: str, event_id: str, query: SheetQuery) -> Any:
    sheet = on_sale_sheet.build(caller.org_id, interface_id, event_id)
    if query.format == "json":
        return SheetOut(**sheet)
    if query.format == "pdf":
        pdf = on_sale_sheet.sheet_pdf(sheet, caller.org_id)
        disposition = f'inline; filename="on-sale-sheet-{sheet["event"]["code"]}.pdf"'
        return Response(
            pdf,
            status_code=200,
            headers={"Content-Type": "application/pdf", "Content-Disposition": disposition},
        )
    disposition = f'attachment; filename="on-sale-sheet-{sheet["event"]["code"]}.csv"'
    headers = {**CSV_HEADERS, "Content-Disposition": disposition}
    return Response(on_sale_sheet.sheet_csv(sheet), status_code=200, headers=headers)
