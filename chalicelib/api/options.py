"""Options over HTTP: the back-office's actions (each with its own right) and a relay's requests on a
company point of sale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import Field

from chalicelib.api.routing import SHOPPER, Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right, ShopperCaller
from chalicelib.options import model as m
from chalicelib.options import service as options
from chalicelib.options.repository import Option

api = Api(__name__, tag="options", shared_catalog_reads=True)
blueprint = api.blueprint

READ, CREATE, MODIFY, EXECUTE = (Right("options", a) for a in ("read", "create", "modify", "execute"))
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Quantities = Annotated[dict[Id, Annotated[int, Field(ge=1, le=10_000)]], Field(min_length=1, max_length=20)]
OPTION = "/backoffice/options/{option_id}"


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
    payment_date: str | None
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


def option_out(option: Option) -> OptionOut:
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
        payment_date=option.payment_date,
        waiting_and_fits=option.flagged_fits,
        allowed_actions=m.allowed_actions(options.situation(option)),
        history=option.history,
    )


class OptionList(Out):
    options: list[OptionOut]


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
    payment_date: date | None = None


class LinesBody(Body):
    lines: list[LineBody] = Field(min_length=1, max_length=20)


class DirectBody(Body):
    contact_id: Id
    performance_id: Id
    lines: list[LineBody] = Field(min_length=1, max_length=20)


class SearchQuery(Body):
    contact_id: Id | None = None
    season_id: Id | None = None
    activity_id: Id | None = None
    event_id: Id | None = None
    performance_id: Id | None = None
    state: Literal[m.STATES] | None = None  # type: ignore[valid-type]
    placement: Literal["placed", "not_placed"] | None = None
    only_expired: bool = False


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


@api.route("/backoffice/options", summary="Search options", auth=READ, query=SearchQuery, response=OptionList)
def search(caller: OperatorCaller, query: SearchQuery) -> OptionList:
    found = options.search(caller.org_id, options.Search(**query.model_dump()))
    return OptionList(options=[option_out(o) for o in found])


@api.route(OPTION, summary="An option with its request, placement and history", auth=READ, response=OptionOut)
def detail(caller: OperatorCaller, option_id: str) -> OptionOut:
    return option_out(options.get(caller.org_id, option_id))


@api.route(
    "/backoffice/options",
    "POST",
    summary="Record a contact's option request",
    auth=CREATE,
    body=ContactRequestBody,
    response=OptionOut,
    status=201,
)
def request_for_contact(caller: OperatorCaller, body: ContactRequestBody) -> OptionOut:
    option = options.request_for_contact(
        caller.org_id, caller.operator.login, body.contact_id, body.request()
    )
    return option_out(option)


@api.route(
    "/backoffice/options/direct",
    "POST",
    summary="Place an option directly, without a request",
    auth=CREATE,
    body=DirectBody,
    response=OptionOut,
    status=201,
)
def direct(caller: OperatorCaller, body: DirectBody) -> OptionOut:
    option = options.direct(
        caller.org_id, caller.operator.login, body.contact_id, body.performance_id, _lines(body.lines)
    )
    return option_out(option)


@api.route(
    OPTION + "/duplicate",
    "POST",
    summary="Duplicate an option as a new request",
    auth=CREATE,
    response=OptionOut,
    status=201,
)
def duplicate(caller: OperatorCaller, option_id: str) -> OptionOut:
    return option_out(options.duplicate(caller.org_id, option_id, caller.operator.login))


@api.route(
    OPTION + "/place",
    "POST",
    summary="Place an option: the final quantities granted (takes the stock)",
    auth=MODIFY,
    body=PlaceBody,
    response=OptionOut,
)
def place(caller: OperatorCaller, option_id: str, body: PlaceBody) -> OptionOut:
    option = options.place(
        caller.org_id,
        option_id,
        caller.operator.login,
        body.performance_id,
        _lines(body.lines),
        body.audience_subcategory_id,
        body.payment_date.isoformat() if body.payment_date else None,
    )
    return option_out(option)


@api.route(
    OPTION + "/placement",
    "PUT",
    summary="Change a placement until it is ordered",
    auth=MODIFY,
    body=LinesBody,
    response=OptionOut,
)
def modify_placement(caller: OperatorCaller, option_id: str, body: LinesBody) -> OptionOut:
    return option_out(
        options.modify_placement(caller.org_id, option_id, caller.operator.login, _lines(body.lines))
    )


def _action(path: str, summary: str, right: Right, call) -> None:
    def handler(caller: OperatorCaller, option_id: str) -> OptionOut:
        return option_out(call(caller.org_id, option_id, caller.operator.login))

    handler.__name__ = path.strip("/").replace("-", "_")
    api.route(OPTION + path, "POST", summary=summary, auth=right, response=OptionOut)(handler)


_action("/refuse", "Refuse an option (a pending refusal; its stock goes back)", MODIFY, options.refuse)
_action("/cancel-refusal", "Cancel a pending refusal", MODIFY, options.cancel_refusal)
_action("/waiting-list", "Put a refused option on the waiting list", MODIFY, options.put_on_waiting_list)
_action("/back-to-refused", "Send a waiting option back to refused", MODIFY, options.back_to_refused)
_action(
    "/cancel-validation",
    "Cancel a validation while its order is not taken up",
    EXECUTE,
    options.cancel_validation,
)
_action("/firm", "Make a validated option firm: it no longer changes", EXECUTE, options.firm)


@api.route(
    "/backoffice/options/validate",
    "POST",
    summary="Validate options: placed ones become a reservation per contact, refusals final",
    auth=EXECUTE,
    body=ValidateBody,
    response=ValidateOut,
)
def validate(caller: OperatorCaller, body: ValidateBody) -> ValidateOut:
    outcomes = options.validate(caller.org_id, body.option_ids, caller.operator.login)
    return ValidateOut(outcomes=[OutcomeOut(**vars(o)) for o in outcomes])


class ReportQuery(Body):
    performance_id: Id | None = None
    event_id: Id | None = None
    season_id: Id | None = None
    quota_id: Id | None = None
    category_id: Id | None = None
    format: Literal["json", "csv"] = "json"


class ReportRowOut(Out):
    performance_id: str
    performance_label: str
    event_id: str
    event_name: str
    starts_at: str
    quota_id: str | None
    quota_name: str
    category_id: str
    category_name: str
    requested: int
    placed: int
    ordered: int


class ReportTotals(Out):
    requested: int
    placed: int
    ordered: int


class ReportOut(Out):
    rows: list[ReportRowOut]
    totals: ReportTotals


@api.route(
    "/backoffice/options/report",
    summary="Option status report: requested, placed and ordered places per performance, quota and category",
    auth=READ,
    query=ReportQuery,
    response=ReportOut,
)
def report(caller: OperatorCaller, query: ReportQuery):
    from chalice import Response

    from chalicelib.options import report as option_report

    filters = query.model_dump(exclude={"format"})
    rows = option_report.status_report(caller.org_id, **filters)
    if query.format == "csv":
        headers = {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="options.csv"',
        }
        return Response(option_report.to_csv(rows, include_total=True), status_code=200, headers=headers)
    totals = option_report.totals(rows)
    return ReportOut(
        rows=[
            ReportRowOut(**{k: v for k, v in vars(r).items() if k in ReportRowOut.model_fields}) for r in rows
        ],
        totals=ReportTotals(requested=totals.requested, placed=totals.placed, ordered=totals.ordered),
    )


@api.route(
    OPTION + "/summary.pdf",
    summary="The option's summary as a PDF (what the customer is emailed)",
    auth=READ,
    produces="application/pdf",
)
def summary_pdf(caller: OperatorCaller, option_id: str):
    from chalice import Response

    from chalicelib.options import documents

    option = options.get(caller.org_id, option_id)
    names = documents.names_for(option)
    pdf = documents.summary_pdf(option, names.get("organisation") or caller.org_id, names)
    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="option-{option.number}.pdf"',
    }
    return Response(pdf, status_code=200, headers=headers)


class SentOut(Out):
    email_id: str
    status: str
    to: str


@api.route(
    OPTION + "/confirmation",
    "POST",
    summary="Email the customer the option's summary now",
    auth=EXECUTE,
    response=SentOut,
)
def send_confirmation(caller: OperatorCaller, option_id: str) -> SentOut:
    from chalicelib.options import documents

    entry = documents.send_confirmation(options.get(caller.org_id, option_id))
    return SentOut(email_id=entry.email_id, status=entry.status, to=entry.to)


# A company's relay, on a company point of sale.


class MyOptions(Out):
    options: list[OptionOut]


@api.route(
    "/shop/{org_id}/pos/{pos_code}/options",
    "POST",
    summary="Request an option (a company's relay)",
    auth=SHOPPER,
    body=RequestBody,
    response=OptionOut,
    status=201,
)
def request_online(caller: ShopperCaller, org_id: str, pos_code: str, body: RequestBody) -> OptionOut:
    return option_out(options.request_online(org_id, pos_code, caller.shopper.email, body.request()))


@api.route("/shop/{org_id}/options", summary="My options", auth=SHOPPER, response=MyOptions)
def my_options(caller: ShopperCaller, org_id: str) -> MyOptions:
    return MyOptions(options=[option_out(o) for o in options.my_options(org_id, caller.shopper.email)])


@api.route(
    "/shop/{org_id}/options/{option_id}",
    "PUT",
    summary="Change my request until it is placed or its deadline",
    auth=SHOPPER,
    body=RequestBody,
    response=OptionOut,
)
def edit_request(caller: ShopperCaller, org_id: str, option_id: str, body: RequestBody) -> OptionOut:
    return option_out(options.edit_request(org_id, caller.shopper.email, option_id, body.request()))


@api.route(
    "/shop/{org_id}/options/{option_id}",
    "DELETE",
    summary="Withdraw my request",
    auth=SHOPPER,
    response=OptionOut,
)
def withdraw(caller: ShopperCaller, org_id: str, option_id: str) -> OptionOut:
    return option_out(options.withdraw(org_id, caller.shopper.email, option_id))
