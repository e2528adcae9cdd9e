"""Options over HTTP for operators: every action of the seed, each with its own right (an option area's
right, or the same action in the "options" area)."""

from __future__ import annotations

from typing import Literal

from chalicelib.api.errors import JSON, error_body
from chalicelib.api.option_models import (
    ContactRequestBody,
    DirectBody,
    Id,
    LinesBody,
    OptionList,
    OptionOut,
    OutcomeOut,
    PlaceBody,
    RequestBody,
    SearchQuery,
    ValidateBody,
    ValidateOut,
    _lines,
    option_out,
)
from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.options import scope as option_scope
from chalicelib.options import service as options

api = Api(__name__, tag="options", shared_catalog_reads=True)
blueprint = api.blueprint

OPTION = "/backoffice/options/{option_id}"


def right(area: str, action: str) -> tuple[Right, Right]:
    """The option area's right, or the same action in the whole "options" area."""
    return (Right(f"option_{area}", action), Right("options", action))


READ = right("requests", "read")


def scoped(caller: OperatorCaller, option_id: str, audience_subcategory_id: str | None = None):
    """The option, if it is in the caller's scope (403 naming why not)."""
    option = options.get(caller.org_id, option_id)
    option_scope.check_option(caller.operator.scope, option, audience_subcategory_id)
    return option


@api.route(
    "/backoffice/options",
    summary="Search options (those in the operator's scope)",
    auth=READ,
    query=SearchQuery,
    response=OptionList,
)
def search(caller: OperatorCaller, query: SearchQuery) -> OptionList:
    found = options.search(caller.org_id, options.Search(**query.model_dump()))
    shown, hidden, reason = option_scope.visible(caller.operator.scope, found)
    return OptionList(options=[option_out(o) for o in shown], hidden_out_of_scope=hidden, scope_note=reason)


@api.route(OPTION, summary="An option with its request, placement and history", auth=READ, response=OptionOut)
def detail(caller: OperatorCaller, option_id: str) -> OptionOut:
    return option_out(scoped(caller, option_id))


@api.route(
    "/backoffice/options",
    "POST",
    summary="Record a contact's option request",
    auth=right("requests", "create"),
    body=ContactRequestBody,
    response=OptionOut,
    status=201,
)
def request_for_contact(caller: OperatorCaller, body: ContactRequestBody) -> OptionOut:
    option_scope.check_lines(caller.operator.scope, caller.org_id, body.performance_id, list(body.quantities))
    option = options.request_for_contact(
        caller.org_id, caller.operator.login, body.contact_id, body.request()
    )
    return option_out(option)


@api.route(
    "/backoffice/options/direct",
    "POST",
    summary="Place an option directly, without a request",
    auth=right("placements", "create"),
    body=DirectBody,
    response=OptionOut,
    status=201,
)
def direct(caller: OperatorCaller, body: DirectBody) -> OptionOut:
    categories = [line.category_id for line in body.lines]
    rate = body.audience_subcategory_id
    option_scope.check_lines(caller.operator.scope, caller.org_id, body.performance_id, categories, rate)
    option = options.direct(
        caller.org_id, caller.operator.login, body.contact_id, body.performance_id, _lines(body.lines), rate
    )
    return option_out(option)


@api.route(
    OPTION + "/duplicate",
    "POST",
    summary="Duplicate an option as a new request",
    auth=right("requests", "create"),
    response=OptionOut,
    status=201,
)
def duplicate(caller: OperatorCaller, option_id: str) -> OptionOut:
    scoped(caller, option_id)
    return option_out(options.duplicate(caller.org_id, option_id, caller.operator.login))


@api.route(
    OPTION + "/place",
    "POST",
    summary="Place an option: the final quantities granted (takes the stock)",
    auth=right("placements", "modify"),
    body=PlaceBody,
    response=OptionOut,
)
def place(caller: OperatorCaller, option_id: str, body: PlaceBody) -> OptionOut:
    # judged as it will be placed: a group desk places requests at its group rate
    scoped(caller, option_id, body.audience_subcategory_id)
    option = options.place(
        caller.org_id,
        option_id,
        caller.operator.login,
        body.performance_id,
        _lines(body.lines),
        body.audience_subcategory_id,
        body.payment_date.isoformat() if body.payment_date else None,
        body.internal_remark,
        body.order_id,
    )
    return option_out(option)


@api.route(
    OPTION + "/placement",
    "PUT",
    summary="Change a placement until it is ordered",
    auth=right("placement_management", "modify"),
    body=LinesBody,
    response=OptionOut,
)
def modify_placement(caller: OperatorCaller, option_id: str, body: LinesBody) -> OptionOut:
    scoped(caller, option_id)
    return option_out(
        options.modify_placement(caller.org_id, option_id, caller.operator.login, _lines(body.lines))
    )


def _action(path: str, summary: str, needs: tuple[Right, Right], call) -> None:
    def handler(caller: OperatorCaller, option_id: str) -> OptionOut:
        scoped(caller, option_id)
        return option_out(call(caller.org_id, option_id, caller.operator.login))

    handler.__name__ = path.strip("/").replace("-", "_")
    api.route(OPTION + path, "POST", summary=summary, auth=needs, response=OptionOut)(handler)


_action(
    "/refuse",
    "Refuse an option (a pending refusal; its stock goes back)",
    right("refusals", "modify"),
    options.refuse,
)
_action(
    "/cancel-refusal",
    "Cancel a pending refusal (a request or placement takes its places again)",
    right("refusal_cancellations", "modify"),
    options.cancel_refusal,
)
_action(
    "/waiting-list",
    "Put a refused option on the waiting list",
    right("waiting_list", "modify"),
    options.put_on_waiting_list,
)
_action(
    "/back-to-refused",
    "Send a waiting option back to refused",
    right("waiting_list_returns", "modify"),
    options.back_to_refused,
)
_action(
    "/cancel-validation",
    "Cancel a validation while its order is not taken up (its lines leave the order)",
    right("order_cancellations", "execute"),
    options.cancel_validation,
)
_action(
    "/firm",
    "Make a validated option firm: it no longer changes",
    right("firm_placements", "execute"),
    options.firm,
)


@api.route(
    OPTION,
    "PUT",
    summary="Change a contact's request (until it is placed)",
    auth=right("requests", "modify"),
    body=RequestBody,
    response=OptionOut,
)
def edit_request(caller: OperatorCaller, option_id: str, body: RequestBody) -> OptionOut:
    scoped(caller, option_id)
    option_scope.check_lines(caller.operator.scope, caller.org_id, body.performance_id, list(body.quantities))
    option = options.edit_for_contact(caller.org_id, caller.operator.login, option_id, body.request())
    return option_out(option)


@api.route(
    OPTION,
    "DELETE",
    summary="Delete a contact's request: it is cancelled, its places go back",
    auth=right("requests", "delete"),
    response=OptionOut,
)
def delete_request(caller: OperatorCaller, option_id: str) -> OptionOut:
    scoped(caller, option_id)
    return option_out(options.delete_for_contact(caller.org_id, caller.operator.login, option_id))


@api.route(
    "/backoffice/options/validate",
    "POST",
    summary="Validate options: placed ones become a reservation per contact, refusals final",
    auth=right("orders", "execute"),
    body=ValidateBody,
    response=ValidateOut,
)
def validate(caller: OperatorCaller, body: ValidateBody) -> ValidateOut:
    option_scope.check_all(caller.operator.scope, caller.org_id, body.option_ids)
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
    performance_label: str  # "Hamlet - 2026-07-01 20:00 +02:00", on the venue's clock
    event_id: str
    event_name: str
    starts_at: str  # on the venue's clock, ISO 8601 with its offset
    timezone: str  # the venue's IANA zone
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
    auth=right("reports", "read"),
    query=ReportQuery,
    response=ReportOut,
)
def report(caller: OperatorCaller, query: ReportQuery):
    from chalice import Response

    from chalicelib.options import report as option_report

    option_scope.check_family(caller.operator.scope)
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

    option = scoped(caller, option_id)
    accept = (api.blueprint.current_request.headers.get("accept") or "").lower()
    if "application/pdf" not in accept and "*/*" not in accept:
        # API Gateway sends binary bodies only to a client that accepts them; say so, in our shape
        message = "This route answers a PDF: send the header Accept: application/pdf"
        details = {"header": "Accept", "expected": "application/pdf"}
        return Response(error_body("not_acceptable", message, details), status_code=406, headers=JSON)
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
    auth=right("placements", "execute"),
    response=SentOut,
)
def send_confirmation(caller: OperatorCaller, option_id: str) -> SentOut:
    from chalicelib.options import documents

    entry = documents.send_confirmation(scoped(caller, option_id))
    return SentOut(email_id=entry.email_id, status=entry.status, to=entry.to)


# The box office's routes for taking an option's order up share this blueprint.
from chalicelib.api import option_box_office  # noqa: E402, F401
