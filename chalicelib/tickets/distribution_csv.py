"""Ticket distribution by file: export the orders' tickets as CSV, fill in names and e-mails, import.

Columns: ticket_id, event, performance (the venue's local time with its offset), place, category,
audience, beneficiary_name, beneficiary_email. On import only ticket_id and the two beneficiary columns
are read; a row whose name and e-mail are both empty is not distributed, nor is a row that names the
ticket's current beneficiary again. The file is applied whole or not at all: any wrong row (a bad
e-mail, a name without an e-mail, an unknown ticket or one of another company, a ticket named twice,
a ticket scanned, cancelled or past its change deadline) is reported with its line and field, and
nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from chalicelib.auth.model import Shopper
from chalicelib.catalog import zones
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.sales import repository as sales
from chalicelib.sales import tickets as sold
from chalicelib.sales.documents import Order
from chalicelib.tickets import distribution as d
from chalicelib.tickets import distribution_store

COLUMNS = [
    "ticket_id",
    "event",
    "performance",
    "place",
    "category",
    "audience",
    "beneficiary_name",
    "beneficiary_email",
]
REQUIRED = ("ticket_id", "beneficiary_name", "beneficiary_email")
MAX_ROWS = 2000
_FORMULA = ("=", "+", "-", "@")


@dataclass
class Imported:
    distributed: list[d.Entry] = field(default_factory=list)
    unchanged: int = 0  # rows naming the ticket's current beneficiary again
    empty: int = 0  # rows left empty: not distributed


@dataclass(frozen=True)
class _Row:
    line: int
    ticket_id: str
    name: str
    email: str


def _cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA) else value


def _uncell(value: str) -> str:
    value = (value or "").strip()
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA) else value


def export(shopper: Shopper, order_ids: list[str] | None) -> str:
    """The orders' tickets (the relay's latest paid orders when none are named), cancelled ones left out."""
    relay = d.relay_of(shopper)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in d.entries(relay, d.orders_of(relay, order_ids)):
        ticket = entry.stored.ticket
        if ticket.status == sold.CANCELLED:
            continue
        beneficiary = d.beneficiary_of(entry.stored)
        writer.writerow(
            [
                ticket.ticket_id,
                _cell(str(ticket.document.get("event_name") or "")),
                zones.local_iso(str(ticket.document["starts_at"]), entry.zone),
                _cell(sold.place_text(ticket.document)),
                _cell(str(ticket.document.get("category_name") or "")),
                _cell(str(ticket.document.get("audience_name") or "")),
                _cell(beneficiary.name) if beneficiary else "",
                beneficiary.email if beneficiary else "",
            ]
        )
    return out.getvalue()


def _missing_column(column: str) -> dict:
    return {"line": 1, "field": column, "reason": "missing column", "code": "missing"}


def _rows(text: str) -> list[_Row]:
    text = text.lstrip("\ufeff")
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        names = [_uncell(n).lower() for n in next(reader)]
    except StopIteration:
        names = []
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InvalidInput(
            "The file's first line names its columns: ticket_id, beneficiary_name, beneficiary_email",
            {"field": "csv", "errors": [_missing_column(c) for c in missing]},
        )
    where = {c: names.index(c) for c in REQUIRED}
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(f"At most {MAX_ROWS} rows a file", {"field": "csv", "max_rows": MAX_ROWS})

        def cell(name: str, cells: list[str] = cells) -> str:
            return _uncell(cells[where[name]]) if where[name] < len(cells) else ""

        line = reader.line_num
        rows.append(_Row(line, cell("ticket_id"), cell("beneficiary_name"), cell("beneficiary_email")))
    return rows


def _error(row: _Row, column: str, reason: str, code: str) -> dict:
    return {"line": row.line, "field": column, "reason": reason, "code": code}


def _beneficiary(row: _Row) -> d.Beneficiary | dict:
    try:
        return d.checked(row.name, row.email)
    except InvalidInput as exc:
        column = "beneficiary_name" if exc.details.get("field") == "name" else "beneficiary_email"
        if column == "beneficiary_email" and not row.email:
            return _error(row, column, "a beneficiary needs an e-mail", "missing")
        if column == "beneficiary_name" and not row.name:
            return _error(row, column, "a beneficiary needs a name", "missing")
        return _error(row, column, exc.message, "invalid")


class _Orders:
    """The company's orders met in the file, each read once."""

    def __init__(self, relay: d.Relay) -> None:
        self.relay, self.read, self.companies = relay, {}, {}

    def get(self, order_id: str) -> Order | None:
        if order_id not in self.read:
            try:
                order = sales.get_order(order_id)
            except NotFound:
                order = None
            owned = order is not None and d.owns(self.relay, order, self.companies)
            self.read[order_id] = order if owned else None
        return self.read[order_id]


def import_file(shopper: Shopper, text: str) -> Imported:
    """Apply the file's beneficiaries: all rows or, when any row is wrong, none."""
    relay = d.relay_of(shopper)
    rows = _rows(text)
    ids = [r.ticket_id for r in rows if r.ticket_id and len(r.ticket_id) <= 64]
    stored = distribution_store.read_many(ids)
    orders, errors, first_line = _Orders(relay), [], {}
    refused, wanted, result = [], [], Imported()
    for row in rows:
        found = stored.get(row.ticket_id)
        order = orders.get(found.ticket.order_id) if found and found.ticket.org_id == relay.org_id else None
        if not row.ticket_id:
            errors.append(_error(row, "ticket_id", "a row needs its ticket's id", "missing"))
            continue
        if order is None:
            reason = "no ticket of your company's orders has this id"
            errors.append(_error(row, "ticket_id", reason, "unknown"))
            continue
        if row.ticket_id in first_line:
            reason = f"the ticket is on line {first_line[row.ticket_id]} too"
            errors.append(_error(row, "ticket_id", reason, "duplicate"))
            continue
        first_line[row.ticket_id] = row.line
        if not row.name and not row.email:
            result.empty += 1
            continue
        beneficiary = _beneficiary(row)
        if isinstance(beneficiary, dict):
            errors.append(beneficiary)
            continue
        zone = sold.performance_zone(order.org_id, found.ticket.performance_id)
        entry = d.entry_for(found, order, zone, d.change_hours(order))
        if d.beneficiary_of(found) == beneficiary:
            result.unchanged += 1  # nothing to change, even on a ticket scanned since
        elif entry.locked:
            conflict = d.refusal(entry)
            refused.append({**conflict.details, **_error(row, "ticket_id", conflict.message, entry.locked)})
        else:
            wanted.append((entry, beneficiary))
    if errors:
        every = sorted(errors + refused, key=lambda e: e["line"])
        message = f"{len(every)} row(s) of the file are wrong; nothing was applied"
        raise InvalidInput(message, {"field": "csv", "errors": every})
    if refused:
        raise Conflict(
            f"{len(refused)} ticket(s) of the file can no longer be changed; nothing was applied",
            {"reason": "tickets_locked", "errors": refused},
        )
    return _apply(relay, wanted, result)


def _apply(relay: d.Relay, wanted: list, result: Imported) -> Imported:
    changes, effects = [], []
    for entry, beneficiary in wanted:
        change, emails = d.change_for(entry, relay, beneficiary)
        changes.append(change)
        effects.extend(emails)
    if len(changes) + len(effects) > distribution_store.MAX_WRITES:
        raise InvalidInput(
            f"A file changes at most {distribution_store.MAX_WRITES // 2} tickets at once "
            f"(this one changes {len(changes)}): split it",
            {"field": "csv", "reason": "too_many_changes", "changes": len(changes)},
        )
    distribution_store.apply(changes, effects)
    if changes:
        again = distribution_store.read_many([c.ticket_id for c in changes])
        result.distributed = [
            d.entry_for(again[e.stored.ticket.ticket_id], e.order, e.zone, d.change_hours(e.order))
            for e, _ in wanted
        ]
    return result
