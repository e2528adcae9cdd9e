"""Ticket distribution over HTTP: a company's or agency's relay gives its orders' tickets to beneficiaries.

Every route needs a shop account acting for a relay (403 `not_a_relay` otherwise); a ticket or order of
another company answers 404. Refusals: 409 with `details.reason` = beneficiary_change_closed (with
`details.deadline`, the venue's local time with its offset), ticket_scanned, ticket_cancelled,
performance_started, ticket_changed (another relay changed it meanwhile: read it again).
"""

from __future__ import annotations

from typing import Annotated

from chalice import Response
from pydantic import Field, field_validator

from chalicelib.api.accounts_models import EmailStr
from chalicelib.api.routing import SHOPPER, Api, Body, Out
from chalicelib.auth.model import ShopperCaller
from chalicelib.catalog import zones
from chalicelib.tickets import distribution, distribution_csv
from chalicelib.tickets.distribution import Entry

api = Api(__name__, tag="shop: ticket distribution", shared_catalog_reads=True)
blueprint = api.blueprint

TICKETS = "/shop/{org_id}/account/distribution/tickets"
MAX_FILE = 512 * 1024


class BeneficiaryOut(Out):
    name: str
    email: str
    given_at: str | None = Field(description="When the ticket was given to them (UTC)")


class DistributedTicketOut(Out):
    ticket_id: str
    order_id: str
    performance_id: str
    event_name: str
    starts_at: str = Field(description="UTC")
    starts_at_local: str = Field(description="The venue's local time with its offset")
    timezone: str
    place: str
    category_name: str
    audience_name: str
    status: str = Field(description="valid | used (scanned) | cancelled")
    beneficiary: BeneficiaryOut | None
    barcode_revision: int = Field(description="0: the barcode printed with the order; each change adds one")
    change_deadline: str = Field(description="Until then the beneficiary may be changed (local time, offset)")
    locked: str | None = Field(
        description="Why the ticket cannot be given or changed now: ticket_scanned | ticket_cancelled | "
        "beneficiary_change_closed | performance_started; null when it can"
    )


class DistributedTicketList(Out):
    tickets: list[DistributedTicketOut]


class BeneficiaryIn(Body):
    name: Annotated[str, Field(min_length=1, max_length=distribution.MAX_NAME)]
    email: EmailStr


class ImportIn(Body):
    csv: Annotated[str, Field(min_length=1, max_length=MAX_FILE)] = Field(
        description="The exported file with beneficiary_name and beneficiary_email filled in (, or ;)"
    )


class ImportOut(Out):
    distributed: list[DistributedTicketOut] = Field(description="Tickets given or changed by the file")
    unchanged: int = Field(description="Rows naming the ticket's current beneficiary again")
    empty: int = Field(description="Rows left empty: not distributed")


class OrdersQuery(Body):
    order_ids: str | None = Field(
        default=None,
        max_length=3300,
        description="Comma-separated order ids; none: my latest paid orders",
    )

    @field_validator("order_ids")
    @classmethod
    def _listed(cls, value: str | None) -> str | None:
        ids = [part.strip() for part in (value or "").split(",") if part.strip()]
        if len(ids) > distribution.MAX_ORDERS:
            raise ValueError(f"at most {distribution.MAX_ORDERS} orders")
        return ",".join(ids) or None

    def ids(self) -> list[str] | None:
        return self.order_ids.split(",") if self.order_ids else None


def ticket_out(entry: Entry) -> DistributedTicketOut:
    from chalicelib.sales.tickets import place_text

    ticket, document = entry.stored.ticket, entry.stored.ticket.document
    beneficiary = document.get("beneficiary")
    return DistributedTicketOut(
        ticket_id=ticket.ticket_id,
        order_id=ticket.order_id,
        performance_id=ticket.performance_id,
        event_name=document.get("event_name") or "",
        starts_at=str(document["starts_at"]),
        starts_at_local=zones.local_iso(str(document["starts_at"]), entry.zone),
        timezone=entry.zone,
        place=place_text(document),
        category_name=document.get("category_name") or "",
        audience_name=document.get("audience_name") or "",
        status=ticket.status,
        beneficiary=BeneficiaryOut(
            name=beneficiary["name"], email=beneficiary["email"], given_at=beneficiary.get("at")
        )
        if beneficiary
        else None,
        barcode_revision=entry.stored.revision,
        change_deadline=zones.local_iso(entry.deadline, entry.zone),
        locked=entry.locked,
    )


@api.route(
    TICKETS,
    summary="My company's tickets with their beneficiaries (the orders named, or my latest paid ones)",
    auth=SHOPPER,
    query=OrdersQuery,
    response=DistributedTicketList,
)
def list_tickets(caller: ShopperCaller, org_id: str, query: OrdersQuery) -> DistributedTicketList:
    found = distribution.listing(caller.shopper, query.ids())
    return DistributedTicketList(tickets=[ticket_out(e) for e in found])


@api.route(
    TICKETS + "/{ticket_id}/beneficiary",
    "PUT",
    summary="Give a ticket to a beneficiary, or change its beneficiary: a new barcode, e-mailed to them",
    auth=SHOPPER,
    body=BeneficiaryIn,
    response=DistributedTicketOut,
)
def give(caller: ShopperCaller, org_id: str, ticket_id: str, body: BeneficiaryIn) -> DistributedTicketOut:
    return ticket_out(distribution.give(caller.shopper, ticket_id, body.name, body.email))


@api.route(
    TICKETS + "/{ticket_id}/beneficiary",
    "DELETE",
    summary="Take a ticket back from its beneficiary: their barcode is void",
    auth=SHOPPER,
    response=DistributedTicketOut,
)
def take_back(caller: ShopperCaller, org_id: str, ticket_id: str) -> DistributedTicketOut:
    return ticket_out(distribution.take_back(caller.shopper, ticket_id))


@api.route(
    TICKETS + ".csv",
    summary="My company's tickets as CSV to fill in: " + ", ".join(distribution_csv.COLUMNS),
    auth=SHOPPER,
    query=OrdersQuery,
    produces="text/csv",
)
def export_tickets(caller: ShopperCaller, org_id: str, query: OrdersQuery) -> Response:
    text = distribution_csv.export(caller.shopper, query.ids())
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="tickets.csv"',
    }
    return Response(text, status_code=200, headers=headers)


@api.route(
    TICKETS + ".csv",
    "POST",
    summary="Import the filled-in CSV: every row is applied, or none when any is wrong (line and field said)",
    auth=SHOPPER,
    body=ImportIn,
    response=ImportOut,
)
def import_tickets(caller: ShopperCaller, org_id: str, body: ImportIn) -> ImportOut:
    imported = distribution_csv.import_file(caller.shopper, body.csv)
    return ImportOut(
        distributed=[ticket_out(e) for e in imported.distributed],
        unchanged=imported.unchanged,
        empty=imported.empty,
    )
