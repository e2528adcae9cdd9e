"""The deferred account's operations: settings, balances and ageing, the checkout's debit and the
cancellation's credit, invoices per period and payments against them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from chalicelib.catalog import organisation, zones
from chalicelib.catalog import service as catalog
from chalicelib.clock import iso, now
from chalicelib.deferred_accounts import repository
from chalicelib.deferred_accounts.model import (
    AGEING_BUCKETS,
    CANCELLATION,
    DISABLED,
    INVOICED_KINDS,
    ORDER,
    PAYMENT,
    Account,
    Entry,
    Invoice,
    ageing,
    check_may_order,
    overdue,
    reference_of,
)
from chalicelib.errors import Conflict, InvalidInput, NotFound, PermissionDenied

MAX_ENTRIES_PER_INVOICE = 90  # one transaction holds at most 100 writes
NUMBERING_ATTEMPTS = 20


def today(org_id: str) -> date:
    """The organisation's local date now."""
    return zones.local_date(now(), organisation.time_zone(org_id))


def _company(org_id: str, company_id: str) -> dict[str, Any]:
    try:
        found = catalog.get(org_id, "company", company_id)
    except NotFound as exc:
        raise NotFound(f"Company {company_id} does not exist", {"company_id": company_id}) from exc
    return {"id": found.id, **found.data}


def account(org_id: str, company_id: str) -> Account:
    found = repository.get_account(org_id, company_id)
    if found is None:
        raise NotFound(f"Company {company_id} has no deferred account", {"company_id": company_id})
    return found


def save_settings(
    org_id: str,
    company_id: str,
    *,
    enabled: bool,
    credit_limit: int,
    payment_terms_days: int,
    by: str,
    expected_version: int | None = None,
) -> Account:
    """Open the company's deferred account or change its settings (a lower limit than the balance
    is allowed: new orders on account are refused until payments bring the balance under it)."""
    _company(org_id, company_id)
    current = repository.get_account(org_id, company_id)
    if current is None:
        return repository.create_account(
            Account(org_id, company_id, enabled, credit_limit, payment_terms_days, 0, 1, iso(), by)
        )
    if expected_version is not None and expected_version != current.version:
        from chalicelib.errors import VersionConflict

        raise VersionConflict(
            "The deferred account changed meanwhile; read it again",
            {"company_id": company_id, "version": current.version},
        )
    current.enabled, current.credit_limit = enabled, credit_limit
    current.payment_terms_days, current.updated_at, current.updated_by = payment_terms_days, iso(), by
    return repository.save_settings(current)


def summary(org_id: str, company_id: str, day: date | None = None) -> dict[str, Any]:
    """The account with its balance, what is invoiced or not yet, what is overdue and its ageing."""
    found = account(org_id, company_id)
    day = day or today(org_id)
    invoices = repository.invoices(org_id, company_id)
    entries = repository.entries(org_id, company_id)
    uninvoiced = sum(e.amount for e in entries if e.kind in INVOICED_KINDS and e.invoice_number is None)
    try:
        name = _company(org_id, company_id).get("name", "")
    except NotFound:
        name = ""
    return {
        **found.as_dict(),
        "company_name": name,
        "uninvoiced": uninvoiced,
        "invoiced_outstanding": sum(i.outstanding for i in invoices),
        "ageing": ageing(invoices, day),
        "overdue_invoices": overdue(invoices, day),
        "as_of": day.isoformat(),
    }


def all_accounts(org_id: str) -> dict[str, Any]:
    """Every account's summary, and the totals of balances and ageing."""
    day = today(org_id)
    accounts = [summary(org_id, company_id, day) for company_id in repository.account_ids(org_id)]
    totals = {
        "balance": sum(a["balance"] for a in accounts),
        "ageing": {b: sum(a["ageing"][b] for a in accounts) for b in AGEING_BUCKETS},
    }
    return {"accounts": accounts, "totals": totals, "as_of": day.isoformat()}


def entries(org_id: str, company_id: str) -> list[Entry]:
    account(org_id, company_id)
    return repository.entries(org_id, company_id)


def invoices(org_id: str, company_id: str) -> list[Invoice]:
    account(org_id, company_id)
    return repository.invoices(org_id, company_id)


def invoice(org_id: str, company_id: str, number: int) -> Invoice:
    return repository.get_invoice(org_id, company_id, number)


# The checkout's side.


def debit_for_order(org_id: str, company_id: str, order_id: str, total: int, currency: str, at: str, by: str):
    """Check the account may take the order (enabled, no overdue invoice, within the credit limit)
    and give the writes that debit it in the order's own transaction."""
    found = repository.get_account(org_id, company_id)
    if found is None or not found.enabled:
        raise PermissionDenied(
            "This company may not pay on account: its deferred account is not open",
            {"field": "on_account", "reason": DISABLED, "company_id": company_id},
        )
    check_may_order(found, repository.invoices(org_id, company_id), total, today(org_id))
    entry = Entry(f"order-{order_id}", ORDER, total, at, order_id=order_id, by=by, currency=currency)
    return repository.debit_writes(org_id, company_id, entry)


def credit_for_cancellation(org_id: str, company_id: str, order_id: str, amount: int, currency: str, by: str):
    """The writes that credit back a cancelled order paid on account (in the cancellation's
    transaction; the order's payment, marked returned in that same write, makes it happen once)."""
    entry = Entry(
        f"cancel-{order_id}",
        CANCELLATION,
        -amount,
        iso(),
        order_id=order_id,
        by=by,
        currency=currency,
        note="order cancelled",
    )
    return repository.credit_writes(org_id, company_id, entry)


def refusal_details(org_id: str, company_id: str, total: int) -> dict[str, Any]:
    """What an order on account refused in its transaction (the limit was reached meanwhile) says."""
    found = repository.get_account(org_id, company_id)
    if found is None or not found.enabled:
        return {"field": "on_account", "reason": DISABLED, "company_id": company_id}
    return {
        "field": "on_account",
        "reason": "credit_limit_exceeded",
        "credit_limit": found.credit_limit,
        "balance": found.balance,
        "order_total": total,
        "available": max(0, found.available),
    }


# Invoices and payments.


def generate_invoice(org_id: str, company_id: str, period_from: date, period_to: date, by: str) -> Invoice:
    """Bill the entries of the period (local dates, inclusive) not billed yet: one invoice, numbered
    after the organisation's last one (retried until its number and its entries are its own)."""
    if period_to < period_from:
        raise InvalidInput("The period ends before it begins", {"field": "to"})
    found = account(org_id, company_id)
    zone = organisation.time_zone(org_id)
    issued = today(org_id)
    for _ in range(NUMBERING_ATTEMPTS):
        billed = [
            e
            for e in repository.entries(org_id, company_id)
            if e.kind in INVOICED_KINDS
            and e.invoice_number is None
            and period_from <= zones.local_date(e.at, zone) <= period_to
        ]
        if not billed:
            raise Conflict(
                "Nothing to invoice for this account in this period",
                {
                    "reason": "nothing_to_invoice",
                    "from": period_from.isoformat(),
                    "to": period_to.isoformat(),
                },
            )
        if len(billed) > MAX_ENTRIES_PER_INVOICE:
            raise InvalidInput(
                f"More than {MAX_ENTRIES_PER_INVOICE} entries in the period: invoice a shorter one",
                {"field": "to", "entries": len(billed)},
            )
        previous = repository.last_invoice_number(org_id)
        number = previous + 1
        invoice = Invoice(
            org_id=org_id,
            company_id=company_id,
            number=number,
            reference=reference_of(number),
            period_from=period_from.isoformat(),
            period_to=period_to.isoformat(),
            issued_on=issued.isoformat(),
            due_on=(issued + timedelta(days=found.payment_terms_days)).isoformat(),
            total=sum(e.amount for e in billed),
            paid=0,
            currency=billed[0].currency,
            entries=[
                {
                    "entry_id": e.entry_id,
                    "kind": e.kind,
                    "amount": e.amount,
                    "at": e.at,
                    "order_id": e.order_id,
                }
                for e in billed
            ],
            created_by=by,
        )
        try:
            return repository.put_invoice(invoice, billed, previous)
        except repository.InvoiceNumberTaken:
            continue
    raise Conflict("Invoices are being generated meanwhile; try again", {"reason": "busy"})


def record_payment(
    org_id: str,
    company_id: str,
    number: int,
    amount: int,
    by: str,
    note: str = "",
    received_on: date | None = None,
) -> Invoice:
    """A payment against an invoice (partial allowed, never more than is outstanding): a credit entry
    on the ledger, written with the invoice's paid amount and the balance."""
    if amount <= 0:
        raise InvalidInput("A payment is a positive amount", {"field": "amount"})
    account(org_id, company_id)
    current = repository.get_invoice(org_id, company_id, number)
    if amount > current.outstanding:
        raise InvalidInput(
            "The payment is more than the invoice's outstanding amount",
            {"field": "amount", "outstanding": current.outstanding, "amount": amount},
        )
    at = iso()
    entry_id = f"payment-{uuid.uuid4().hex}"
    entry = Entry(
        entry_id, PAYMENT, -amount, at, paid_invoice=number, note=note, by=by, currency=current.currency
    )
    payment = {
        "entry_id": entry_id,
        "amount": amount,
        "at": at,
        "by": by,
        "note": note,
        "received_on": (received_on or today(org_id)).isoformat(),
    }
    repository.add_payment(current, entry, payment)
    return repository.get_invoice(org_id, company_id, number)


def invoice_pdf(org_id: str, company_id: str, number: int) -> bytes:
    from chalicelib.deferred_accounts import invoice_pdf as pdf

    found = repository.get_invoice(org_id, company_id, number)
    company = _company(org_id, company_id)
    org_name = organisation_name(org_id)
    return pdf.render(found, org_name, company)


def organisation_name(org_id: str) -> str:
    from chalicelib.auth import repository as accounts

    return accounts.organisation_name(org_id)
