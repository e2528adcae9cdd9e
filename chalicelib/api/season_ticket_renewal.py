"""The renewal of a season ticket over HTTP (rights area `season_tickets`): run it for next season's
product (`execute`) and read its report (`read`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator

from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.season_tickets import renewal

api = Api(__name__, tag="season tickets")
blueprint = api.blueprint

RENEWAL = "/backoffice/season-tickets/{item_id}/renewal"
PosCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class RenewalIn(Body):
    closes_at: datetime = Field(
        description="The end of the renewal window (ISO 8601 with its offset): the reservations' deadline"
    )
    pos_code: PosCode = Field(
        description="The point of sale whose channel lets subscribers pay or cancel their renewal online"
    )

    @field_validator("closes_at")
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2027-06-30T23:59:00+02:00")
        return value


class RenewedPerformance(Out):
    line_id: str | None
    performance_id: str
    seat_category_id: str | None
    seat_ids: list[str | None]
    kept: str = Field(description="same_seat | preferred_seat (the contact's) | best_in_category")
    unit_price: int
    from_performance_id: str | None = None
    from_seat_ids: list[str] = Field(default_factory=list)


class RenewedOut(Out):
    subscription_id: str = Field(description="Last season's subscription")
    buyer_name: str | None
    email: str | None
    updated_at: str | None
    order_id: str | None = Field(description="The reservation to pay or cancel before the window closes")
    performances: list[RenewedPerformance]


class NotRenewedOut(Out):
    subscription_id: str
    buyer_name: str | None
    email: str | None
    updated_at: str | None
    reason: str = Field(
        description="line_not_in_new_product | no_price | no_seat_in_category | performance_not_on_sale | "
        "no_performance | seats_taken_meanwhile | failed (a later run tries these again)"
    )
    details: dict[str, Any]


class RenewalCounts(Out):
    subscriptions: int = Field(description="Active subscriptions of the renewed product")
    renewed: int
    not_renewed: int
    pending: int = Field(description="Not handled yet (a run stopped before them, or none ran)")


class RenewalReport(Out):
    season_ticket_id: str
    renews_id: str | None
    counts: RenewalCounts
    renewed: list[RenewedOut]
    not_renewed: list[NotRenewedOut]


@api.route(
    RENEWAL,
    "POST",
    summary="Renew last season's subscribers into this product: their seats as reservations until closes_at",
    auth=Right("season_tickets", "execute"),
    body=RenewalIn,
    response=RenewalReport,
)
def renew_season_ticket(caller: OperatorCaller, item_id: str, body: RenewalIn) -> RenewalReport:
    closes_at = int(body.closes_at.timestamp())
    found = renewal.renew(caller.org_id, item_id, closes_at, body.pos_code, caller.operator.login)
    return RenewalReport.model_validate(found)


@api.route(
    RENEWAL,
    summary="The renewal's report: renewed (order, seats, how kept) and not renewed (reason), with counts",
    auth=Right("season_tickets", "read"),
    response=RenewalReport,
)
def get_renewal_report(caller: OperatorCaller, item_id: str) -> RenewalReport:
    return RenewalReport.model_validate(renewal.report(caller.org_id, item_id))
