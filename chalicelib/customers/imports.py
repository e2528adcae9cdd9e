"""CSV files of contacts (and their levels) as plain rules: read every row, name every problem by line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import InvalidInput

MAX_ROWS = 10_000
MAX_LISTED = 50  # problems named in an answer; all are counted
HEADER_WORDS = {"contact", "contact_code", "code", "email", "e-mail", "contact_email"}


@dataclass(frozen=True)
class Row:
    line: int  # in the file, from 1, header included
    contact: str  # a contact's code or e-mail
    level: str = ""


@dataclass
class Problems:
    """What is wrong with a file: the first MAX_LISTED named (line, column, value, reason), all counted."""

    listed: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0

    def add(self, line: int, column: str, value: str, reason: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append({"line": line, "column": column, "value": value[:200], "reason": reason})

    def raise_if_any(self) -> None:
        if not self.count:
            return
        summary = "; ".join(f"line {p['line']}: {p['reason']}" for p in self.listed[:5])
        raise InvalidInput(
            f"The file has {self.count} problem(s), nothing was imported: {summary}",
            {"field": "csv", "problems": self.listed, "problem_count": self.count},
        )


def _delimiter(first_line: str) -> str:
    """Spreadsheets in French write ';' between cells; tabs come from a copy and paste."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_rows(text: str, *, with_level: bool, problems: Problems | None = None) -> list[Row]:
    """The file's rows: the first cell a contact's code or e-mail, the second its level when asked.
    A first row naming the columns (contact, code or email) is a header; blank lines are skipped.
    Rows missing a cell go to `problems` (raised here when none is given)."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise InvalidInput("The file is empty", {"field": "csv"})
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=_delimiter(first))
    rows: list[Row] = []
    raise_here = problems is None
    problems = Problems() if problems is None else problems
    for number, cells in enumerate(reader, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if not rows and not problems.count and cells[0].lower() in HEADER_WORDS:
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(
                f"A file holds at most {MAX_ROWS:,} rows; split it", {"field": "csv", "max_rows": MAX_ROWS}
            )
        level = cells[1] if len(cells) > 1 else ""
        if not cells[0]:
            problems.add(number, "contact", "", "no contact code or e-mail")
        elif with_level and not level:
            problems.add(number, "level", "", "no level")
        else:
            rows.append(Row(number, cells[0], level if with_level else ""))
    if raise_here:
        problems.raise_if_any()
    return rows


@dataclass(frozen=True)
class ContactIndex:
    """Contacts by code (as typed, then without case) and by e-mail (without case)."""

    by_code: Mapping[str, str]
    by_folded_code: Mapping[str, str]
    by_email: Mapping[str, str]

    @classmethod
    def of(cls, contacts: Iterable[tuple[str, str, str]]) -> ContactIndex:
        """From (id, code, email) triples. An e-mail two contacts share names neither: it is ambiguous."""
        by_code: dict[str, str] = {}
        folded: dict[str, str | None] = {}
        emails: dict[str, str | None] = {}
        for contact_id, code, email in contacts:
            by_code[code] = contact_id
            folded[code.lower()] = None if code.lower() in folded else contact_id
            key = (email or "").lower()
            if key:
                emails[key] = None if key in emails else contact_id
        return cls(
            by_code,
            {code: i for code, i in folded.items() if i is not None},
            {email: i for email, i in emails.items() if i is not None},
        )

    def find(self, value: str) -> str | None:
        if "@" in value:
            return self.by_email.get(value.lower())
        return self.by_code.get(value) or self.by_folded_code.get(value.lower())


def resolve(rows: list[Row], index: ContactIndex) -> tuple[dict[int, str], list[Row]]:
    """Each row's contact id by line, and the rows naming no contact (or an e-mail two contacts share)."""
    found: dict[int, str] = {}
    unknown: list[Row] = []
    for row in rows:
        contact_id = index.find(row.contact)
        if contact_id is None:
            unknown.append(row)
        else:
            found[row.line] = contact_id
    return found, unknown


def level_rows(
    rows: list[Row], index: ContactIndex, indicator_id: str, order: tuple[str, ...], problems: Problems
) -> dict[str, str]:
    """contact id -> level for a file of levels of one indicator; every row checked before any is kept,
    so a bad file is refused whole with each bad row named (with those `problems` already found)."""
    found, unknown = resolve(rows, index)
    for row in unknown:
        problems.add(row.line, "contact", row.contact, f"no contact with code or e-mail {row.contact!r}")
    folded = {level.lower(): level for level in order}
    levels: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for row in rows:
        level = folded.get(row.level.lower())
        if level is None:
            reason = f"{indicator_id} has no level {row.level!r} (its levels: {', '.join(order)})"
            problems.add(row.line, "level", row.level, reason)
            continue
        contact_id = found.get(row.line)
        if contact_id is None:
            continue
        if contact_id in levels and levels[contact_id] != level:
            reason = f"this contact is given level {levels[contact_id]} on line {first_line[contact_id]}"
            problems.add(row.line, "level", row.level, reason)
            continue
        levels[contact_id] = level
        first_line.setdefault(contact_id, row.line)
    problems.raise_if_any()
    return levels
