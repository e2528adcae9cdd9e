"""What the option routes take and answer (back-office and shop alike)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from chalicelib.api.routing import Body, Out
from chalicelib.options import model as m
from chalicelib.options import service as options

if TYPE_CHECKING:  # the type only: the routes reach options through its service
    from chalicelib.options.repository import Option

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Quantities = Annotated[dict[Id, Annotated[int, Field(ge=1, le=10_000)]], Field(min_length=1, max_length=20)]


class PlacedLineOut(Out):
    category_id: str
    quantity: int
    quota_id: str | None
    seat_ids: list[str]
    area: str | None
    holds_stock: bool


class OptionOut(Out):
    option_id: str
    number: int
    state: str
    contact_id: str
    company_id: str | None
    created_at: str
    created_by: str
    channel_id: str | None
    event_id: str
    event_name: str
    performance_id: str
    performance_starts_at: str
    fallback_performance_ids: list[str]
    requested: dict[str, int]
    accept_upgrade: bool
    remark: str
    editable_until: datetime | None
    deadline: datetime | None
    placed_performance_id: str | None
    placed: list[PlacedLineOut]
    firm: bool
    order_id: str | None
    audience_subcategory_id: str | None
    audience_category_id: str | None
    payment_date: str | None
    internal_remark: str
    into_order_id: str | None
    waiting_and_fits: bool
    allowed_actions: list[str]
    history: list[dict]


def _moment(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


def _name(org_id: str, kind: str, item_id: str) -> str:
    from chalicelib.catalog import service as catalog
    from chalicelib.errors import NotFound

    try:
        return str(catalog.get(org_id, kind, item_id).data.get("name") or "")
    except NotFound:
        return ""


def _starts(org_id: str, performance_id: str) -> str:
    from chalicelib.catalog import service as catalog
    from chalicelib.errors import NotFound

    try:
        return str(catalog.get(org_id, "performance", performance_id).data["starts_at"])
    except NotFound:
        return ""


def _audience_category(option: Option) -> str | None:
    from chalicelib.catalog import service as catalog
    from chalicelib.errors import NotFound

    if not option.audience_subcategory_id:
        return None
    try:
        return catalog.get(option.org_id, "audience_subcategory", option.audience_subcategory_id).data[
            "audience_category_id"
        ]
    except NotFound:
        return None


def option_out(option: Option, who: str = m.OPERATOR) -> OptionOut:
    """The option as `who` sees it: an operator's or a relay's actions."""
    return OptionOut(
        option_id=option.option_id,
        number=option.number,
        state=option.state,
        contact_id=option.contact_id,
        company_id=option.company_id,
        created_at=option.created_at,
        created_by=option.created_by,
        channel_id=option.channel_id,
        event_id=option.event_id,
        event_name=_name(option.org_id, "event", option.event_id),
        performance_id=option.performance_id,
        performance_starts_at=_starts(option.org_id, option.performance_id),
        fallback_performance_ids=option.fallback_performance_ids,
        requested=option.requested,
        accept_upgrade=option.accept_upgrade,
        remark=option.remark,
        editable_until=_moment(option.editable_until),
        deadline=_moment(option.deadline),
        placed_performance_id=option.placed_performance_id,
        placed=[
            PlacedLineOut(
                category_id=p.category_id,
                quantity=p.quantity,
                quota_id=p.quota_id,
                seat_ids=p.seat_ids,
                area=p.area,
                holds_stock=bool(p.hold_ids),
            )
            for p in option.placed
        ],
        firm=option.firm,
        order_id=option.order_id,
        audience_subcategory_id=option.audience_subcategory_id,
        audience_category_id=_audience_category(option),
        payment_date=option.payment_date,
        internal_remark=option.internal_remark if who == m.OPERATOR else "",
        into_order_id=option.into_order_id,
        waiting_and_fits=option.flagged_fits,
        allowed_actions=m.allowed_actions(options.situation(option), who),
        history=option.history,
    )


class OptionList(Out):
    options: list[OptionOut]
    hidden_out_of_scope: int = Field(default=0, description="Options found but outside the operator's scope")
    scope_note: str | None = Field(default=None, description="Why options were left out, if any were")


class RequestBody(Body):
    performance_id: Id
    quantities: Quantities = Field(description="seat category id -> places")
    fallback_performance_ids: list[Id] = Field(default_factory=list, max_length=options.MAX_FALLBACKS)
    accept_upgrade: bool = Field(default=False, description="Accept the next category up if mine is full")
    remark: str = Field(default="", max_length=2000)

    def request(self) -> options.RequestIn:
        return options.RequestIn(
            self.performance_id,
            dict(self.quantities),
            tuple(self.fallback_performance_ids),
            self.accept_upgrade,
            self.remark,
        )


class ContactRequestBody(RequestBody):
    contact_id: Id


class LineBody(Body):
    category_id: Id
    quantity: int = Field(ge=1, le=10_000)
    quota_id: Id | None = None


class PlaceBody(Body):
    performance_id: Id | None = Field(
        default=None, description="The requested date or a fallback; default: the first"
    )
    lines: list[LineBody] = Field(min_length=1, max_length=20)
    audience_subcategory_id: Id | None = Field(
        default=None, description="The option rate of the confirmation"
    )
    payment_date: date | None = Field(default=None, description="Becomes the reservation's deadline")
    internal_remark: str | None = Field(default=None, max_length=2000, description="Seen by operators only")
    order_id: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, description="Validate into this reservation of the contact; default: a new order"
    )


class LinesBody(Body):
    lines: list[LineBody] = Field(min_length=1, max_length=20)


class DirectBody(Body):
    contact_id: Id
    performance_id: Id
    lines: list[LineBody] = Field(min_length=1, max_length=20)
    audience_subcategory_id: Id | None = Field(default=None, description="The option rate")


class SearchQuery(Body):
    contact_id: Id | None = None
    season_id: Id | None = None
    activity_id: Id | None = None
    event_id: Id | None = None
    performance_id: Id | None = None
    state: Literal[m.STATES] | None = None  # type: ignore[valid-type]
    placement: Literal["placed", "not_placed"] | None = None
    only_expired: bool = False
    number: int | None = Field(default=None, ge=1, description="The option's number")
    taken_up: Literal["with", "without"] | None = Field(
        default=None, description="Options whose order is paid (with) or not (without)"
    )


class ValidateBody(Body):
    option_ids: list[Id] = Field(min_length=1, max_length=200)


class OutcomeOut(Out):
    option_id: str
    ok: bool
    state: str | None
    order_id: str | None
    error: str | None


class ValidateOut(Out):
    outcomes: list[OutcomeOut]


def _lines(body: list[LineBody]) -> list[options.LineIn]:
    return [options.LineIn(line.category_id, line.quantity, line.quota_id) for line in body]
