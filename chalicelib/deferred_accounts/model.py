"""The deferred account as plain Python: entries, the running balance, invoices and ageing.

Amounts are in cents. An entry's `amount` is signed from the organisation's side: an order is a
debit (+, the company owes more), a cancellation and a payment are credits (-). The balance is the
sum of the entries: what the company owes now.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from chalicelib.errors import Conflict

ORDER = "order"  # debit: an order paid on account
CANCELLATION = "cancellation"  # credit: an order paid on account was cancelled
PAYMENT = "payment"  # credit: the company paid (against an invoice)
ENTRY_KINDS = (ORDER, CANCELLATION, PAYMENT)
INVOICED_KINDS = (ORDER, CANCELLATION)  # what an invoice bills; payments settle invoices

UNPAID = "unpaid"
PARTLY_PAID = "partly_paid"
PAID = "paid"

# Ageing buckets: days past the due date of what is still unpaid.
AGEING_BUCKETS = ("current", "1-30", "31-60", "61-90", "over_90")

# Refusal reasons of a payment on account (details.reason of the answer).
CREDIT_LIMIT_EXCEEDED = "credit_limit_exceeded"
OVERDUE_INVOICES = "overdue_invoices"
DISABLED = "deferred_account_disabled"
NOT_A_RELAY = "not_a_relay"


class OnAccountRefused(Conflict):
    """A payment on account is refused: over the credit limit, or invoices overdue (details.reason)."""

    code = "on_account_refused"


@dataclass
class Account:
    org_id: str
    company_id: str
    enabled: bool
    credit_limit: int
    payment_terms_days: int
    balance: int = 0
    version: int = 1
    updated_at: str | None = None
    updated_by: str | None = None

    @property
    def available(self) -> int:
        """What may still be ordered on account before the credit limit."""
        return self.credit_limit - self.balance

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "available": self.available}


@dataclass
class Entry:
    entry_id: str
    kind: str
    amount: int  # signed: + debit, - credit
    at: str
    order_id: str | None = None
    invoice_number: int | None = None  # the invoice that billed it (orders, cancellations)
    paid_invoice: int | None = None  # the invoice a payment settles
    note: str = ""
    by: str | None = None
    currency: str = "EUR"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Invoice:
    org_id: str
    company_id: str
    number: int
    reference: str
    period_from: str  # local dates, inclusive
    period_to: str
    issued_on: str
    due_on: str
    total: int
    paid: int = 0
    currency: str = "EUR"
    entries: list[dict[str, Any]] = field(default_factory=list)  # the billed entries, as they were
    payments: list[dict[str, Any]] = field(default_factory=list)  # {entry_id, amount, at, by, note}
    created_by: str | None = None
    version: int = 1

    @property
    def outstanding(self) -> int:
        return max(0, self.total - self.paid)

    @property
    def status(self) -> str:
        if self.outstanding == 0:
            return PAID
        return PARTLY_PAID if self.paid else UNPAID

    def days_overdue(self, today: date) -> int:
        return (today - date.fromisoformat(self.due_on)).days

    def overdue(self, today: date) -> bool:
        return self.outstanding > 0 and self.days_overdue(today) > 0

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        data = asdict(self)
        data.update(outstanding=self.outstanding, status=self.status)
        if today is not None:
            data["overdue_days"] = max(0, self.days_overdue(today)) if self.outstanding else 0
        return data


def reference_of(number: int) -> str:
    return f"INV-{number:06d}"


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "1-30"
    if days_overdue <= 60:
        return "31-60"
    if days_overdue <= 90:
        return "61-90"
    return "over_90"


def ageing(invoices: list[Invoice], today: date) -> dict[str, int]:
    """What is still unpaid, by days past the due date."""
    buckets = dict.fromkeys(AGEING_BUCKETS, 0)
    for invoice in invoices:
        if invoice.outstanding:
            buckets[bucket_of(invoice.days_overdue(today))] += invoice.outstanding
    return buckets


def overdue(invoices: list[Invoice], today: date) -> list[dict[str, Any]]:
    return [
        {
            "number": i.number,
            "reference": i.reference,
            "due_on": i.due_on,
            "outstanding": i.outstanding,
            "days_overdue": i.days_overdue(today),
        }
        for i in invoices
        if i.overdue(today)
    ]


def check_may_order(account: Account, invoices: list[Invoice], total: int, today: date) -> None:
    """Refuse an order on account over the credit limit or while an invoice is overdue."""
    late = overdue(invoices, today)
    if late:
        raise OnAccountRefused(
            "An invoice is past its due date and unpaid: settle it before ordering on account",
            {"field": "on_account", "reason": OVERDUE_INVOICES, "invoices": late},
        )
    if account.balance + total > account.credit_limit:
        raise OnAccountRefused(
            "This order would take the deferred account over its credit limit",
            {
                "field": "on_account",
                "reason": CREDIT_LIMIT_EXCEEDED,
                "credit_limit": account.credit_limit,
                "balance": account.balance,
                "order_total": total,
                "available": max(0, account.available),
            },
        )
