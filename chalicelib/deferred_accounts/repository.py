"""The deferred accounts in the sales table: conditional writes, one transaction per ledger change.

Every entry is written with the running balance it changes (the account item's `balance` and
`headroom`, and its `version`), so the balance always equals the sum of the entries; an order on
account is written only while `headroom` (credit limit - balance) covers it, in the order's own
transaction (see `debit_writes`).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.db.base import connection, plain
from chalicelib.db.conditions import Write, failed_items, store_errors, transient
from chalicelib.deferred_accounts.items import (
    AccountItem,
    CounterItem,
    DirectoryItem,
    EntryItem,
    InvoiceItem,
    account_key,
    account_pk,
    counter_key,
    directory_key,
    entry_key,
    invoice_key,
)
from chalicelib.deferred_accounts.model import (
    CREDIT_LIMIT_EXCEEDED,
    Account,
    Entry,
    Invoice,
    reference_of,
)
from chalicelib.errors import AlreadyExists, Conflict, NotFound, VersionConflict


def _account(item: AccountItem) -> Account:
    return Account(
        org_id=item.org_id,
        company_id=item.company_id,
        enabled=bool(item.enabled),
        credit_limit=int(item.credit_limit),
        payment_terms_days=int(item.payment_terms_days),
        balance=int(item.balance or 0),
        version=int(item.version),
        updated_at=item.updated_at,
        updated_by=item.updated_by,
    )


def _entry(item: EntryItem) -> Entry:
    return Entry(
        entry_id=item.entry_id,
        kind=item.kind,
        amount=int(item.amount),
        at=item.at,
        order_id=item.order_id,
        invoice_number=None if item.invoice_number is None else int(item.invoice_number),
        paid_invoice=None if item.paid_invoice is None else int(item.paid_invoice),
        note=item.note or "",
        by=item.by,
        currency=item.currency or "EUR",
    )


def _map(value: Any) -> dict[str, Any]:
    return plain(value.as_dict() if hasattr(value, "as_dict") else dict(value))


def _invoice(item: InvoiceItem) -> Invoice:
    number = int(item.number)
    return Invoice(
        org_id=item.org_id,
        company_id=item.company_id,
        number=number,
        reference=reference_of(number),
        period_from=item.period_from,
        period_to=item.period_to,
        issued_on=item.issued_on,
        due_on=item.due_on,
        total=int(item.total),
        paid=int(item.paid or 0),
        currency=item.currency or "EUR",
        entries=[_map(e) for e in item.entries or []],
        payments=[_map(p) for p in item.payments or []],
        created_by=item.created_by,
        version=int(item.version),
    )


@store_errors
def get_account(org_id: str, company_id: str) -> Account | None:
    try:
        return _account(AccountItem.get(*account_key(org_id, company_id), consistent_read=True))
    except DoesNotExist:
        return None


@store_errors
def account_ids(org_id: str) -> list[str]:
    try:
        item = DirectoryItem.get(*directory_key(org_id), consistent_read=True)
    except DoesNotExist:
        return []
    return sorted(item.company_ids or [])


@store_errors
def create_account(account: Account) -> Account:
    pk, sk = account_key(account.org_id, account.company_id)
    item = AccountItem(
        pk,
        sk,
        org_id=account.org_id,
        company_id=account.company_id,
        enabled=account.enabled,
        credit_limit=account.credit_limit,
        payment_terms_days=account.payment_terms_days,
        balance=0,
        headroom=account.credit_limit,
        version=1,
        updated_at=account.updated_at,
        updated_by=account.updated_by,
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=AccountItem.pk.does_not_exist())
            tx.update(
                DirectoryItem(*directory_key(account.org_id)),
                actions=[DirectoryItem.company_ids.add({account.company_id})],
            )
    except TransactWriteError as exc:
        if 0 in failed_items(exc):
            raise AlreadyExists(
                "This company has a deferred account already", {"company_id": account.company_id}
            ) from exc
        raise transient(exc) from exc
    return account


@store_errors
def save_settings(account: Account) -> Account:
    """New settings, written if nothing changed the account since it was read (`version`); the
    headroom follows the new credit limit and the balance read with that version."""
    expected = account.version
    try:
        AccountItem(*account_key(account.org_id, account.company_id)).update(
            actions=[
                AccountItem.enabled.set(account.enabled),
                AccountItem.credit_limit.set(account.credit_limit),
                AccountItem.payment_terms_days.set(account.payment_terms_days),
                AccountItem.headroom.set(account.credit_limit - account.balance),
                AccountItem.version.set(expected + 1),
                AccountItem.updated_at.set(account.updated_at),
                AccountItem.updated_by.set(account.updated_by),
            ],
            condition=AccountItem.version == expected,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflict(
                "The deferred account changed meanwhile; read it again", {"company_id": account.company_id}
            ) from exc
        raise
    account.version = expected + 1
    return account


def _entry_item(org_id: str, company_id: str, entry: Entry) -> EntryItem:
    pk, sk = entry_key(org_id, company_id, entry.at, entry.entry_id)
    return EntryItem(
        pk,
        sk,
        org_id=org_id,
        company_id=company_id,
        entry_id=entry.entry_id,
        kind=entry.kind,
        amount=entry.amount,
        at=entry.at,
        order_id=entry.order_id,
        invoice_number=entry.invoice_number,
        paid_invoice=entry.paid_invoice,
        note=entry.note or None,
        by=entry.by,
        currency=entry.currency,
    )


def _entry_write(org_id: str, company_id: str, entry: Entry, refusal: dict[str, Any]) -> Write:
    """The entry as an update that creates it (never overwrites one): PynamoDB sends a transaction's
    puts before its updates, and the order's transaction finds its writes by their position among
    the updates, after its own."""
    item = _entry_item(org_id, company_id, entry)
    values = item.attribute_values
    attributes = EntryItem.get_attributes()
    actions = [
        attributes[name].set(value)
        for name, value in values.items()
        if name not in ("pk", "sk") and value is not None
    ]
    return Write(EntryItem(item.pk, item.sk), actions, EntryItem.pk.does_not_exist(), refusal)


def _balance_actions(amount: int) -> list[Any]:
    return [
        AccountItem.balance.add(amount),
        AccountItem.headroom.add(-amount),
        AccountItem.version.add(1),
    ]


def debit_writes(org_id: str, company_id: str, entry: Entry) -> list[Write]:
    """An order's debit, for the order's transaction: the balance grows only while the account is
    enabled and the credit limit covers it; the entry is written once."""
    account = AccountItem(*account_key(org_id, company_id))
    refusal = {"reason": CREDIT_LIMIT_EXCEEDED, "company_id": company_id}
    covered = (AccountItem.enabled == True) & (AccountItem.headroom >= entry.amount)  # noqa: E712
    return [
        Write(account, _balance_actions(entry.amount), covered, refusal),
        _entry_write(org_id, company_id, entry, {"reason": "already_on_account", "order_id": entry.order_id}),
    ]


def credit_writes(org_id: str, company_id: str, entry: Entry) -> list[Write]:
    """A credit (a cancellation) for another transaction: the entry and the balance, together."""
    account = AccountItem(*account_key(org_id, company_id))
    refusal = {"reason": "no_deferred_account"}
    return [
        Write(account, _balance_actions(entry.amount), AccountItem.pk.exists(), refusal),
        _entry_write(org_id, company_id, entry, {"reason": "entry_exists"}),
    ]


@store_errors
def entries(org_id: str, company_id: str) -> list[Entry]:
    query = EntryItem.query(
        account_pk(org_id, company_id), EntryItem.sk.startswith("ENTRY#"), consistent_read=True
    )
    return [_entry(item) for item in query]


@store_errors
def invoices(org_id: str, company_id: str) -> list[Invoice]:
    query = InvoiceItem.query(
        account_pk(org_id, company_id), InvoiceItem.sk.startswith("INVOICE#"), consistent_read=True
    )
    return [_invoice(item) for item in query]


@store_errors
def get_invoice(org_id: str, company_id: str, number: int) -> Invoice:
    try:
        return _invoice(InvoiceItem.get(*invoice_key(org_id, company_id, number), consistent_read=True))
    except DoesNotExist as exc:
        raise NotFound(f"Invoice {number} does not exist", {"number": number}) from exc


@store_errors
def last_invoice_number(org_id: str) -> int:
    try:
        return int(CounterItem.get(*counter_key(org_id), consistent_read=True).last)
    except DoesNotExist:
        return 0


class InvoiceNumberTaken(Conflict):
    """The counter or an entry changed meanwhile: read again and try again."""

    code = "invoice_number_taken"


@store_errors
def put_invoice(invoice: Invoice, billed: list[Entry], previous: int) -> Invoice:
    """The invoice, its number taken from the counter (`previous` + 1, only if the counter still
    says `previous`), and its entries marked billed (only if no other invoice took them): one
    transaction. Retry when the counter or an entry moved meanwhile."""
    org_id, company_id, number = invoice.org_id, invoice.company_id, invoice.number
    counter = CounterItem(*counter_key(org_id))
    fresh = CounterItem.pk.does_not_exist() if previous == 0 else CounterItem.last == previous
    pk, sk = invoice_key(org_id, company_id, number)
    item = InvoiceItem(
        pk,
        sk,
        org_id=org_id,
        company_id=company_id,
        number=number,
        period_from=invoice.period_from,
        period_to=invoice.period_to,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        total=invoice.total,
        paid=invoice.paid,
        currency=invoice.currency,
        entries=invoice.entries,
        payments=[],
        created_by=invoice.created_by,
        version=1,
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(counter, actions=[CounterItem.last.set(number)], condition=fresh)
            tx.save(item, condition=InvoiceItem.pk.does_not_exist())
            for entry in billed:
                tx.update(
                    EntryItem(*entry_key(org_id, company_id, entry.at, entry.entry_id)),
                    actions=[EntryItem.invoice_number.set(number)],
                    condition=EntryItem.pk.exists() & EntryItem.invoice_number.does_not_exist(),
                )
    except TransactWriteError as exc:
        if failed_items(exc) or _collided(exc):
            raise InvoiceNumberTaken("Another invoice was numbered meanwhile", {"number": number}) from exc
        raise transient(exc) from exc
    return invoice


def _collided(exc: TransactWriteError) -> bool:
    return any(r is not None and r.code == "TransactionConflict" for r in exc.cancellation_reasons or [])


@store_errors
def add_payment(invoice: Invoice, entry: Entry, payment: dict[str, Any]) -> None:
    """The payment on the invoice (if unchanged since read), its ledger entry and the balance: one
    transaction; VersionConflict when the invoice changed meanwhile."""
    org_id, company_id = invoice.org_id, invoice.company_id
    amount = -entry.amount
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                InvoiceItem(*invoice_key(org_id, company_id, invoice.number)),
                actions=[
                    InvoiceItem.paid.add(amount),
                    InvoiceItem.payments.set((InvoiceItem.payments | []).append([payment])),
                    InvoiceItem.version.set(invoice.version + 1),
                ],
                condition=InvoiceItem.version == invoice.version,
            )
            tx.save(_entry_item(org_id, company_id, entry), condition=EntryItem.pk.does_not_exist())
            tx.update(
                AccountItem(*account_key(org_id, company_id)),
                actions=_balance_actions(entry.amount),
                condition=AccountItem.pk.exists(),
            )
    except TransactWriteError as exc:
        if failed_items(exc) or _collided(exc):
            raise VersionConflict(
                "The invoice changed meanwhile; read it again", {"number": invoice.number}
            ) from exc
        raise transient(exc) from exc
