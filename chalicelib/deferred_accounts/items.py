"""The deferred accounts' items, kept in the sales table (next to the orders they follow).

Keys (pk, sk):
- DEFERRED#<org>#<company>, ACCOUNT            settings and the running balance (`balance`, and
                                               `headroom` = credit limit - balance, the condition
                                               an order on account is written under)
- DEFERRED#<org>#<company>, ENTRY#<at>#<id>    one ledger entry (order, cancellation, payment)
- DEFERRED#<org>#<company>, INVOICE#<number>   an invoice (number zero-padded: they sort)
- DEFERRED#<org>, ACCOUNTS                     the organisation's accounts (a set of company ids)
- DEFERRED#<org>, INVOICE_COUNTER              the last invoice number given (no gaps, no repeats)
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from chalicelib.db.sales import SalesTable


class AccountItem(SalesTable):
    org_id = UnicodeAttribute()
    company_id = UnicodeAttribute()
    enabled = BooleanAttribute(default=False)
    credit_limit = NumberAttribute(default=0)
    payment_terms_days = NumberAttribute(default=30)
    balance = NumberAttribute(default=0)
    headroom = NumberAttribute(default=0)
    version = NumberAttribute(default=1)
    updated_at = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)


class EntryItem(SalesTable):
    org_id = UnicodeAttribute()
    company_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    amount = NumberAttribute()
    at = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    invoice_number = NumberAttribute(null=True)
    paid_invoice = NumberAttribute(null=True)
    note = UnicodeAttribute(null=True)
    by = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(null=True)


class InvoiceItem(SalesTable):
    org_id = UnicodeAttribute()
    company_id = UnicodeAttribute()
    number = NumberAttribute()
    period_from = UnicodeAttribute()
    period_to = UnicodeAttribute()
    issued_on = UnicodeAttribute()
    due_on = UnicodeAttribute()
    total = NumberAttribute()
    paid = NumberAttribute(default=0)
    currency = UnicodeAttribute(null=True)
    entries = ListAttribute(of=MapAttribute, default=list)
    payments = ListAttribute(of=MapAttribute, default=list)
    created_by = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)


class DirectoryItem(SalesTable):
    company_ids = UnicodeSetAttribute(null=True)


class CounterItem(SalesTable):
    last = NumberAttribute(default=0)


def account_pk(org_id: str, company_id: str) -> str:
    return f"DEFERRED#{org_id}#{company_id}"


def account_key(org_id: str, company_id: str) -> tuple[str, str]:
    return account_pk(org_id, company_id), "ACCOUNT"


def entry_key(org_id: str, company_id: str, at: str, entry_id: str) -> tuple[str, str]:
    return account_pk(org_id, company_id), f"ENTRY#{at}#{entry_id}"


def invoice_key(org_id: str, company_id: str, number: int) -> tuple[str, str]:
    return account_pk(org_id, company_id), f"INVOICE#{number:010d}"


def directory_key(org_id: str) -> tuple[str, str]:
    return f"DEFERRED#{org_id}", "ACCOUNTS"


def counter_key(org_id: str) -> tuple[str, str]:
    return f"DEFERRED#{org_id}", "INVOICE_COUNTER"
