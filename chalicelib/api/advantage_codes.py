"""Single-use codes over HTTP for operators: batches (generated, imported, downloaded, sent), code
tracking and revocation, and the codes' dashboard (the `advantages` rights area)."""

from __future__ import annotations

from typing import Annotated

from chalice import Response
from pydantic import Field, model_validator

from chalicelib import clock
from chalicelib.advantages import batches, codes, dashboard
from chalicelib.advantages.batch_model import WORKFLOW_MAX, CodeBatch
from chalicelib.advantages.model import CodeText, Id, SingleUseCode
from chalicelib.api.routing import Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right

api = Api(__name__, tag="advantages")
blueprint = api.blueprint

ADVANTAGE = "/backoffice/advantages/{advantage_id}"
BATCH = ADVANTAGE + "/batches/{batch_id}"
READ, EXECUTE = Right("advantages", "read"), Right("advantages", "execute")
CodeState = Annotated[str, Field(pattern="^(free|in_cart|used|revoked)$")]


class GenerateBody(Body):
    count: int = Field(ge=1, le=WORKFLOW_MAX, description="Up to 1,000 now; up to 100,000 by the workflow")
    contact_id: Id | None = None


class ImportBody(Body):
    codes: Annotated[list[CodeText], Field(min_length=1, max_length=1000)]
    contact_id: Id | None = None


class RevokeBody(Body):
    codes: Annotated[list[CodeText], Field(min_length=1, max_length=1000)] | None = None
    batch_id: Id | None = None
    after: CodeText | None = Field(default=None, description="A batch: go on after this code")
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_target(self) -> RevokeBody:
        if (self.codes is None) == (self.batch_id is None):
            raise ValueError("name either codes or batch_id")
        return self


class SendBody(Body):
    contact_id: Id | None = None


class CodesQuery(Body):
    after: CodeText | None = None
    limit: int = Field(default=100, ge=1, le=500)
    state: CodeState | None = None
    batch_id: Id | None = None


class DashboardQuery(Body):
    season_id: Id | None = None
    contact_id: Id | None = None
    advantage_id: Id | None = None


class Counts(Out):
    generated: int
    available: int
    in_carts: int
    used: int
    scanned: int
    revoked: int


class BatchOut(Out):
    batch_id: str
    advantage_id: str
    source: str  # generated or imported
    contact_id: str | None
    count: int  # codes asked for
    generated: int  # codes written so far
    status: str  # generating, ready, failed
    created_at: str | None
    created_by: str | None
    sent_at: str | None
    sent_to: str | None
    sent_email: str | None
    error: str | None
    counts: Counts


class GenerateOut(BatchOut):
    codes: list[str]  # empty while a large batch is generating


class BatchList(Out):
    batches: list[BatchOut]


class CodeOut(Out):
    code: str
    state: str  # as of now: a code whose cart expired reads "free"
    batch_id: str | None
    contact_id: str | None
    cart_id: str | None
    order_id: str | None
    used_at: str | None
    used_by: str | None
    revoked_reason: str | None


class CodeDetail(CodeOut):
    advantage_id: str
    cart_expires_at: int | None
    revoked_at: str | None
    scanned_at: str | None
    created_at: str | None


class CodePage(Out):
    codes: list[CodeOut]
    after: str | None


class RevokeOut(Out):
    outcomes: dict[str, str]  # code -> revoked, used, revoked_before, unknown...
    after: str | None = None  # a batch: the code to go on after
    done: bool = True


class DashboardRow(Counts):
    advantage_id: str
    public_name: str
    season_id: str
    batch_id: str
    contact_id: str | None
    status: str
    created_at: str | None
    sent: int


class DashboardTotals(Counts):
    sent: int


class DashboardOut(Out):
    rows: list[DashboardRow]
    totals: DashboardTotals


def _batch_out(batch: CodeBatch) -> dict:
    return {
        **{k: v for k, v in batch.__dict__.items() if k not in ("counts", "requested")},
        "count": batch.requested,
        "generated": batch.counts.generated,
        "counts": batch.counts.shown(),
    }


@api.route(
    ADVANTAGE + "/codes",
    "POST",
    summary="Generate a batch of single-use codes: up to 1,000 now (201), up to 100,000 by a workflow (202)",
    auth=EXECUTE,
    body=GenerateBody,
    response=GenerateOut,
    status=201,
)
def generate_codes(caller: OperatorCaller, advantage_id: str, body: GenerateBody):
    batch, made = batches.generate(
        caller.org_id, advantage_id, body.count, body.contact_id, caller.operator.login
    )
    out = GenerateOut(**_batch_out(batch), codes=made or [])
    if made is None:
        return Response(
            out.model_dump(mode="json"), status_code=202, headers={"Content-Type": "application/json"}
        )
    return out


@api.route(
    ADVANTAGE + "/codes/import",
    "POST",
    summary="Import single-use codes from a list, as a batch",
    auth=EXECUTE,
    body=ImportBody,
    response=GenerateOut,
    status=201,
)
def import_codes(caller: OperatorCaller, advantage_id: str, body: ImportBody) -> GenerateOut:
    made = codes.import_codes(caller.org_id, advantage_id, body.codes, body.contact_id, caller.operator.login)
    batch = batches.get(caller.org_id, advantage_id, made.batch_id)
    return GenerateOut(**_batch_out(batch), codes=made.codes)


@api.route(ADVANTAGE + "/batches", summary="An advantage's batches of codes", auth=READ, response=BatchList)
def list_batches(caller: OperatorCaller, advantage_id: str) -> BatchList:
    found = batches.list_batches(caller.org_id, advantage_id)
    return BatchList(batches=[BatchOut(**_batch_out(b)) for b in found])


@api.route(BATCH, summary="One batch: its progress and figures", auth=READ, response=BatchOut)
def get_batch(caller: OperatorCaller, advantage_id: str, batch_id: str) -> BatchOut:
    return BatchOut(**_batch_out(batches.get(caller.org_id, advantage_id, batch_id)))


@api.route(
    BATCH + "/codes.csv",
    summary="A batch's codes as CSV (code, state, contact)",
    auth=READ,
    produces="text/csv",
)
def batch_csv(caller: OperatorCaller, advantage_id: str, batch_id: str) -> Response:
    text = batches.codes_csv(caller.org_id, advantage_id, batch_id)
    disposition = f'attachment; filename="codes-{batch_id}.csv"'
    return Response(
        text,
        status_code=200,
        headers={"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition},
    )


@api.route(
    BATCH + "/send",
    "POST",
    summary="Email a batch's codes (CSV attached) to a contact, by default the batch's",
    auth=EXECUTE,
    body=SendBody,
    response=BatchOut,
)
def send_batch(caller: OperatorCaller, advantage_id: str, batch_id: str, body: SendBody) -> BatchOut:
    return BatchOut(**_batch_out(batches.send(caller.org_id, advantage_id, batch_id, body.contact_id)))


@api.route(
    ADVANTAGE + "/codes",
    summary="Track an advantage's codes, by state and batch",
    auth=READ,
    query=CodesQuery,
    response=CodePage,
)
def list_codes(caller: OperatorCaller, advantage_id: str, query: CodesQuery) -> CodePage:
    page, after = codes.list_codes(
        caller.org_id, advantage_id, query.after, query.limit, query.state, query.batch_id
    )
    return CodePage(codes=[_code_out(code) for code in page], after=after)


@api.route(
    ADVANTAGE + "/codes/{code}",
    summary="One code: state, batch, use, revocation, scan",
    auth=READ,
    response=CodeDetail,
)
def get_code(caller: OperatorCaller, advantage_id: str, code: str) -> CodeDetail:
    return CodeDetail(**codes.code_detail(caller.org_id, advantage_id, code))


@api.route(
    ADVANTAGE + "/codes/revoke",
    "POST",
    summary="Revoke codes not used yet (a list, or a batch a page at a time), with a reason",
    auth=EXECUTE,
    body=RevokeBody,
    response=RevokeOut,
)
def revoke_codes(caller: OperatorCaller, advantage_id: str, body: RevokeBody) -> RevokeOut:
    if body.batch_id:
        outcomes, after = codes.revoke_batch(
            caller.org_id, advantage_id, body.batch_id, body.reason, body.after
        )
        return RevokeOut(outcomes=outcomes, after=after, done=after is None)
    return RevokeOut(outcomes=codes.revoke_codes(caller.org_id, advantage_id, body.codes or [], body.reason))


@api.route(
    "/backoffice/code-dashboard",
    summary="Single-use codes per advantage and batch: generated, sent, in carts, used, scanned, revoked",
    auth=READ,
    query=DashboardQuery,
    response=DashboardOut,
)
def code_dashboard(caller: OperatorCaller, query: DashboardQuery) -> DashboardOut:
    found = dashboard.dashboard(caller.org_id, query.season_id, query.contact_id, query.advantage_id)
    return DashboardOut.model_validate(found)


def _code_out(code: SingleUseCode) -> CodeOut:
    return CodeOut(
        code=code.code,
        state=str(code.state_at(clock.seconds())),
        batch_id=code.batch_id,
        contact_id=code.contact_id,
        cart_id=code.cart_id,
        order_id=code.order_id,
        used_at=code.used_at,
        used_by=code.used_by,
        revoked_reason=code.revoked_reason,
    )
