"""The deferred account (compte d'attente) over HTTP.

Back office (rights area `orders`): every account with its balance, limit and ageing; an account's
settings, entries and invoices; invoices generated per period (PDF); payments recorded against them.
Shop: a company's or agency's relay sees its own company's balance, entries and invoices.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from chalice import Response
from pydantic import Field, model_validator

from chalicelib.api.routing import SHOPPER, Api, Body, Out
from chalicelib.auth.model import OperatorCaller, Right, ShopperCaller
from chalicelib.deferred_accounts import service
from chalicelib.errors import InvalidInput, PermissionDenied

api = Api(__name__, tag="deferred accounts")
blueprint = api.blueprint

ACCOUNTS = "/backoffice/deferred-accounts"
ACCOUNT = ACCOUNTS + "/{company_id}"
INVOICE = ACCOUNT + "/invoices/{number}"
MINE = "/shop/{org_id}/account/deferred-account"
READ, CREATE, MODIFY = Right("orders", "read"), Right("orders", "create"), Right("orders", "modify")
Cents = Annotated[int, Field(ge=0, le=10**11)]


class OverdueInvoice(Out):
    number: int
    reference: str
    due_on: str
    outstanding: int
    days_overdue: int


class AccountOut(Out):
    company_id: str
    company_name: str
    enabled: bool
    credit_limit: int
    payment_terms_days: int
    balance: int = Field(description="What the company owes: the sum of its entries")
    available: int = Field(description="Credit limit less balance")
    uninvoiced: int
    invoiced_outstanding: int
    ageing: dict[str, int] = Field(description="current, 1-30, 31-60, 61-90, over_90: unpaid by days overdue")
    overdue_invoices: list[OverdueInvoice]
    version: int
    updated_at: str | None
    updated_by: str | None
    as_of: str


class Totals(Out):
    balance: int
    ageing: dict[str, int]


class AccountList(Out):
    accounts: list[AccountOut]
    totals: Totals
    as_of: str


class EntryOut(Out):
    entry_id: str
    kind: str = Field(description="order (debit) | cancellation | payment (credits)")
    amount: int = Field(description="Signed cents: + debit, - credit")
    at: str
    order_id: str | None
    invoice_number: int | None = Field(description="The invoice that billed it")
    paid_invoice: int | None = Field(description="A payment: the invoice it settles")
    note: str
    by: str | None
    currency: str


class EntryList(Out):
    entries: list[EntryOut]
    balance: int


class InvoiceOut(Out):
    number: int
    reference: str
    company_id: str
    period_from: str
    period_to: str
    issued_on: str
    due_on: str
    total: int
    paid: int
    outstanding: int
    status: str = Field(description="unpaid | partly_paid | paid")
    overdue_days: int
    currency: str
    entries: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    created_by: str | None


class InvoiceList(Out):
    invoices: list[InvoiceOut]


class SettingsIn(Body):
    enabled: bool = True
    credit_limit: Cents
    payment_terms_days: int = Field(default=30, ge=0, le=365)
    version: int | None = Field(default=None, ge=1, description="The version read (refused if it changed)")


class PeriodIn(Body):
    from_: date = Field(alias="from", description="First local date of the period")
    to: date = Field(description="Last local date of the period (inclusive)")

    @model_validator(mode="after")
    def _in_order(self) -> PeriodIn:
        if self.to < self.from_:
            raise ValueError("the period ends before it begins: `to` is before `from`")
        return self


class PaymentIn(Body):
    amount: int = Field(ge=1, le=10**11, description="Cents; at most the invoice's outstanding amount")
    note: str = Field(default="", max_length=500)
    received_on: date | None = None


def _account_out(summary: dict[str, Any]) -> AccountOut:
    return AccountOut.model_validate(summary)


def _invoice_out(invoice: Any, org_id: str) -> InvoiceOut:
    return InvoiceOut.model_validate(invoice.as_dict(service.today(org_id)))


def _number(value: str) -> int:
    if not value.isdigit() or len(value) > 10:
        raise InvalidInput("An invoice number is a whole number", {"field": "number", "value": value})
    return int(value)


def _pdf(org_id: str, company_id: str, number: int) -> Response:
    pdf = service.invoice_pdf(org_id, company_id, number)
    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="invoice-{number:06d}.pdf"',
    }
    return Response(pdf, status_code=200, headers=headers)


@api.route(
    ACCOUNTS, summary="Deferred accounts: balances, limits and ageing", auth=READ, response=AccountList
)
def list_accounts(caller: OperatorCaller) -> AccountList:
    return AccountList.model_validate(service.all_accounts(caller.org_id))


@api.route(ACCOUNT, summary="A company's deferred account", auth=READ, response=AccountOut)
def get_account(caller: OperatorCaller, company_id: str) -> AccountOut:
    return _account_out(service.summary(caller.org_id, company_id))


@api.route(
    ACCOUNT,
    "PUT",
    summary="Open a company's deferred account or change its credit limit, payment terms, enabled",
    auth=(CREATE, MODIFY),
    body=SettingsIn,
    response=AccountOut,
)
def put_account(caller: OperatorCaller, company_id: str, body: SettingsIn) -> AccountOut:
    service.save_settings(
        caller.org_id,
        company_id,
        enabled=body.enabled,
        credit_limit=body.credit_limit,
        payment_terms_days=body.payment_terms_days,
        by=caller.operator.login,
        expected_version=body.version,
    )
    return _account_out(service.summary(caller.org_id, company_id))


@api.route(ACCOUNT + "/entries", summary="A deferred account's entries", auth=READ, response=EntryList)
def get_entries(caller: OperatorCaller, company_id: str) -> EntryList:
    found = service.entries(caller.org_id, company_id)
    return EntryList(
        entries=[EntryOut.model_validate(e.as_dict()) for e in found], balance=sum(e.amount for e in found)
    )


@api.route(ACCOUNT + "/invoices", summary="A deferred account's invoices", auth=READ, response=InvoiceList)
def get_invoices(caller: OperatorCaller, company_id: str) -> InvoiceList:
    found = service.invoices(caller.org_id, company_id)
    return InvoiceList(invoices=[_invoice_out(i, caller.org_id) for i in found])


@api.route(
    ACCOUNT + "/invoices",
    "POST",
    summary="Invoice the entries of a period not invoiced yet (numbered without gaps)",
    auth=CREATE,
    body=PeriodIn,
    response=InvoiceOut,
    status=201,
)
def post_invoice(caller: OperatorCaller, company_id: str, body: PeriodIn) -> InvoiceOut:
    invoice = service.generate_invoice(caller.org_id, company_id, body.from_, body.to, caller.operator.login)
    return _invoice_out(invoice, caller.org_id)


@api.route(INVOICE, summary="An invoice", auth=READ, response=InvoiceOut)
def get_invoice(caller: OperatorCaller, company_id: str, number: str) -> InvoiceOut:
    return _invoice_out(service.invoice(caller.org_id, company_id, _number(number)), caller.org_id)


@api.route(INVOICE + "/pdf", summary="An invoice as a PDF", auth=READ, produces="application/pdf")
def get_invoice_pdf(caller: OperatorCaller, company_id: str, number: str) -> Response:
    return _pdf(caller.org_id, company_id, _number(number))


@api.route(
    INVOICE + "/payments",
    "POST",
    summary="Record a payment against an invoice (partial allowed)",
    auth=MODIFY,
    body=PaymentIn,
    response=InvoiceOut,
    status=201,
)
def post_payment(caller: OperatorCaller, company_id: str, number: str, body: PaymentIn) -> InvoiceOut:
    invoice = service.record_payment(
        caller.org_id,
        company_id,
        _number(number),
        body.amount,
        caller.operator.login,
        body.note,
        body.received_on,
    )
    return _invoice_out(invoice, caller.org_id)


def _my_company(caller: ShopperCaller, org_id: str) -> str:
    from chalicelib.auth.relays import relay_contact_of

    contact = relay_contact_of(caller.shopper)
    if contact is None or not contact.get("company_id"):
        raise PermissionDenied(
            "Only a company's or an agency's relay sees its deferred account", {"reason": "not_a_relay"}
        )
    return str(contact["company_id"])


@api.route(MINE, summary="My company's deferred account", auth=SHOPPER, response=AccountOut)
def my_account(caller: ShopperCaller, org_id: str) -> AccountOut:
    return _account_out(service.summary(org_id, _my_company(caller, org_id)))


@api.route(
    MINE + "/entries", summary="My company's deferred account entries", auth=SHOPPER, response=EntryList
)
def my_entries(caller: ShopperCaller, org_id: str) -> EntryList:
    found = service.entries(org_id, _my_company(caller, org_id))
    return EntryList(
        entries=[EntryOut.model_validate(e.as_dict()) for e in found], balance=sum(e.amount for e in found)
    )


@api.route(MINE + "/invoices", summary="My company's invoices", auth=SHOPPER, response=InvoiceList)
def my_invoices(caller: ShopperCaller, org_id: str) -> InvoiceList:
    found = service.invoices(org_id, _my_company(caller, org_id))
    return InvoiceList(invoices=[_invoice_out(i, org_id) for i in found])


@api.route(
    MINE + "/invoices/{number}/pdf",
    summary="One of my company's invoices as a PDF",
    auth=SHOPPER,
    produces="application/pdf",
)
def my_invoice_pdf(caller: ShopperCaller, org_id: str, number: str) -> Response:
    return _pdf(org_id, _my_company(caller, org_id), _number(number))
