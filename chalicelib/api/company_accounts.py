"""Company accounts over HTTP: a company asks for one over the shop, the organisation accepts or refuses
it (rights area `contacts`), and the company's relay logs in with e-mail, password and contact number."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chalicelib.api.accounts_models import EmailStr, Password, ShopperOut, ShopperSession
from chalicelib.api.routing import PUBLIC, Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right
from chalicelib.customers import company_accounts as service
from chalicelib.customers.company_account_store import CompanyRequest

api = Api(__name__, tag="company accounts")
blueprint = api.blueprint

READ, MODIFY = Right("contacts", "read"), Right("contacts", "modify")
REQUESTS = "/backoffice/company-accounts"
REQUEST = REQUESTS + "/{request_id}"
Status = Literal["requested", "accepted", "refused"]


class AccountRequestIn(Body):
    company_name: str = Field(min_length=1, max_length=200)
    address: str = Field(default="", max_length=500)
    company_type: str = Field(min_length=1, max_length=64, description="A company type's id or code")
    relay_name: str = Field(min_length=1, max_length=200, description="The person acting for the company")
    email: EmailStr = Field(description="The relay's e-mail: their login, where the decision is sent")
    password: str = Password


class AccountRequestedOut(Out):
    request_id: str
    status: Status
    message: str


class CompanyTypeOut(Out):
    id: str
    code: str
    name: str


class CompanyTypesOut(Out):
    company_types: list[CompanyTypeOut]


class RelayLogin(Body):
    email: EmailStr
    password: str = Field(min_length=1, max_length=200)
    contact_number: str = Field(min_length=1, max_length=32, description="Sent by e-mail at acceptance")


class RelayOut(Out):
    contact_id: str
    contact_number: str
    company_id: str
    name: str


class RelaySession(ShopperSession):
    relay: RelayOut


class StatusQuery(Body):
    status: Status | None = None


class RefusalIn(Body):
    reason: str = Field(min_length=1, max_length=2000, description="E-mailed to the relay")


class RequestOut(Out):
    request_id: str
    status: Status
    company_name: str
    address: str
    company_type_id: str
    relay_name: str
    email: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None = Field(description="A refusal's reason")
    company_id: str | None = Field(description="The company created at acceptance")
    contact_id: str | None = Field(description="The relay contact created at acceptance")
    contact_number: str | None = Field(description="The relay's contact number (the contact's code)")
    shopper_id: str | None = Field(description="The relay's shop account")


class RequestsOut(Out):
    requests: list[RequestOut]


def _out(request: CompanyRequest) -> RequestOut:
    return RequestOut(**{name: getattr(request, name) for name in RequestOut.model_fields})


@api.route(
    "/shop/{org_id}/company-types",
    summary="The company types a company may choose when it asks for an account",
    auth=PUBLIC,
    response=CompanyTypesOut,
)
def list_company_types(_caller: None, org_id: str) -> CompanyTypesOut:
    return CompanyTypesOut(company_types=[CompanyTypeOut(**t) for t in service.company_types(org_id)])


@api.route(
    "/shop/{org_id}/company-accounts",
    "POST",
    summary="A company asks for an online account; the organisation accepts or refuses it by e-mail",
    auth=PUBLIC,
    body=AccountRequestIn,
    response=AccountRequestedOut,
    status=202,
)
def request_account(_caller: None, org_id: str, body: AccountRequestIn) -> AccountRequestedOut:
    request = service.request_account(org_id, service.AccountRequest(**body.model_dump()))
    return AccountRequestedOut(
        request_id=request.request_id,
        status="requested",
        message=f"The organisation will answer at {request.email}; once it accepts, log in with the "
        "e-mail, the secret you chose and the contact number it sends.",
    )


@api.route(
    "/shop/{org_id}/relay-login",
    "POST",
    summary="Log a company's relay in with e-mail, password and contact number (the shop's session)",
    auth=PUBLIC,
    body=RelayLogin,
    response=RelaySession,
)
def log_in_relay(_caller: None, org_id: str, body: RelayLogin) -> RelaySession:
    token, expires_at, shopper, contact = service.log_in_relay(
        org_id, body.email, body.password, body.contact_number
    )
    return RelaySession(
        token=token,
        expires_at=expires_at,
        shopper=ShopperOut(
            shopper_id=shopper.shopper_id,
            email=shopper.email,
            name=shopper.name,
            email_verified=shopper.email_verified,
        ),
        relay=RelayOut(
            contact_id=contact["id"],
            contact_number=contact["code"],
            company_id=contact["company_id"],
            name=contact["name"],
        ),
    )


@api.route(
    REQUESTS,
    summary="Company account requests, newest first (filter by status)",
    auth=READ,
    query=StatusQuery,
    response=RequestsOut,
)
def list_requests(caller: OperatorCaller, query: StatusQuery) -> RequestsOut:
    return RequestsOut(requests=[_out(r) for r in service.list_requests(caller.org_id, query.status)])


@api.route(REQUEST, summary="One company account request", auth=READ, response=RequestOut)
def get_request(caller: OperatorCaller, request_id: str) -> RequestOut:
    return _out(service.get_request(caller.org_id, request_id))


@api.route(
    REQUEST + "/accept",
    "POST",
    summary="Accept: the company, its relay contact (contact number) and shop account; the relay is e-mailed "
    "(safe to repeat)",
    auth=MODIFY,
    response=RequestOut,
)
def accept_request(caller: OperatorCaller, request_id: str) -> RequestOut:
    return _out(service.accept(caller.org_id, request_id, caller.operator.login))


@api.route(
    REQUEST + "/refuse",
    "POST",
    summary="Refuse with a reason, e-mailed to the relay (safe to repeat)",
    auth=MODIFY,
    body=RefusalIn,
    response=RequestOut,
)
def refuse_request(caller: OperatorCaller, request_id: str, body: RefusalIn) -> RequestOut:
    return _out(service.refuse(caller.org_id, request_id, caller.operator.login, body.reason))
