"""Sales files: a distributor's sales (and cancellations) as a CSV with a header or as JSON
{"records": [...]}, the fields of the protocol's sale records; dropped in the interface's S3 inbox or
uploaded through the API, taken in batches (a run maps over them), moved to `taken` once all are taken.

Each record is one sale line. A malformed record, or a record of a (sale, line, cancelled) given earlier
in the file, is an external error naming its line in the file (the header is line 1; in JSON, the
record's position). A batch is recorded taken once none of its lines failed for a technical reason (a
run again retries those), so a re-run of a file or a batch changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from chalicelib.distributors import files, reintegration
from chalicelib.distributors import reintegration_store as store
from chalicelib.distributors.adapters import SaleLine
from chalicelib.distributors.categories import ExternalError

MAX_LINES = 100_000
FIELDS = (
    "external_sale_id",
    "line",
    "distributor_performance_id",
    "distributor_seat_category_id",
    "distributor_audience_subcategory_id",
    "price",
    "seat",
    "cancelled",
)
REQUIRED = FIELDS[:6]
TRUE, FALSE = ("true", "1", "yes", "y"), ("false", "0", "no", "n", "")


def sale_line(record: Any) -> SaleLine:
    """A record (a CSV row's cells, or a JSON object) as a sale line; ValueError names what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a record is an object of the sale record's fields")
    missing = [name for name in REQUIRED if record.get(name) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name in FIELDS[:5]:
        value = record[name]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"{name} is not a text")
        values[name] = str(value).strip()
    price = record["price"]
    if isinstance(price, str) and price.strip().isdigit():
        price = int(price.strip())
    if isinstance(price, bool) or not isinstance(price, int) or price < 0:
        raise ValueError("price is not a whole number of cents")
    seat = record.get("seat")
    if seat is not None and not isinstance(seat, str):
        raise ValueError("seat is not a text")
    cancelled = record.get("cancelled", False)
    if isinstance(cancelled, str) and cancelled.strip().lower() in TRUE + FALSE:
        cancelled = cancelled.strip().lower() in TRUE
    if not isinstance(cancelled, bool):
        raise ValueError("cancelled is not true or false")
    return SaleLine(**values, price=price, seat=(seat.strip() or None) if seat else None, cancelled=cancelled)


def records(text: str) -> Iterator[tuple[int, Any]]:
    """(line in the file, record) one after the other; a record that cannot be read is an ExternalError
    in place of the record. The whole file refused (ExternalError) when it is neither format."""
    body = text.lstrip("\ufeff")
    if body.lstrip().startswith("{"):
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise ExternalError(f"The file is not JSON: {exc}", {"reason": "malformed_file"}) from None
        found = document.get("records") if isinstance(document, dict) else None
        if not isinstance(found, list):
            raise ExternalError('A JSON sales file is {"records": [...]}', {"reason": "malformed_file"})
        yield from enumerate(found, start=1)
        return
    reader = csv.reader(io.StringIO(body))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ExternalError(
            f"The file's header lacks {', '.join(missing)}", {"reason": "malformed_file", "file_line": 1}
        )
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield (
                reader.line_num,
                ExternalError(
                    f"{len(row)} cells where the header names {len(header)}", {"reason": "malformed"}
                ),
            )
            continue
        yield reader.line_num, dict(zip(header, row, strict=True))


def read_batch(text: str, start: int, count: int) -> tuple[list[tuple[int, SaleLine]], list[dict], int]:
    """The sale lines of records start..start+count-1 with their line in the file, the errors of those
    records, and how many records the file holds. Duplicates are found from the file's beginning."""
    seen: dict[tuple[str, str, bool], int] = {}
    lines: list[tuple[int, SaleLine]] = []
    errors: list[dict] = []
    total = 0
    for index, (number, record) in enumerate(records(text)):
        total = index + 1
        if total > MAX_LINES:
            raise ExternalError(f"A sales file holds at most {MAX_LINES} lines", {"reason": "file_too_large"})
        wanted = start <= index < start + count
        try:
            if isinstance(record, ExternalError):
                raise ValueError(record.message)
            line = sale_line(record)
        except ValueError as exc:
            if wanted:
                errors.append(_error(number, record, f"malformed record: {exc}", "malformed"))
            continue
        key = (line.external_sale_id, line.line, line.cancelled)
        earlier = seen.setdefault(key, number)
        if wanted and earlier != number:
            errors.append(_error(number, record, f"this sale line is also on line {earlier}", "duplicate"))
        elif wanted:
            lines.append((number, line))
    return lines, errors, total


def _error(number: int, record: Any, message: str, reason: str) -> dict:
    found = record if isinstance(record, dict) else {}
    return {
        "category": "external",
        "message": message,
        "reason": reason,
        "file_line": number,
        "external_sale_id": found.get("external_sale_id"),
        "line": found.get("line"),
    }


def inbox_files(org_id: str, interface_id: str) -> list[str]:
    """The keys of the interface's sales files waiting in its inbox, oldest name first."""
    keys = []
    for name in files.list_names(files.key(org_id, interface_id, files.INBOX)):
        taken = store.file_record(org_id, interface_id, _name(name))
        if taken and taken["status"] == "taken":  # moved, but its copy's delete did not go through
            files.move(name, files.key(org_id, interface_id, files.TAKEN, _name(name)))
            continue
        keys.append(name)
    return keys


def _name(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def count_lines(key: str) -> int:
    """How many records (sale lines) the file holds, for a run to cut it in batches."""
    return sum(1 for _ in records(files.get_text(key)))


def receive(org_id: str, interface_id: str, name: str, text: str) -> str:
    """An uploaded sales file, put in the interface's inbox: its key."""
    key = files.key(org_id, interface_id, files.INBOX, name)
    files.put_text(key, text)
    return key


def integrate_file(org_id: str, interface_id: str, key: str, start: int, count: int) -> dict[str, Any]:
    """Records start..start+count-1 of an inbox file integrated (pull's counts, errors naming their line
    in the file, "more" when records follow the batch); the file moves to `taken` once every batch is
    taken. A file already taken answers its counts at zero with "already_taken"."""
    name = _name(key)
    done = store.file_record(org_id, interface_id, name)
    if done and done["status"] == "taken":
        return {**reintegration.summary([]), "more": False, "file": {"key": key, "already_taken": True}}
    try:
        lines, errors, total = read_batch(files.get_text(key), start, count)
    except ExternalError as exc:  # the whole file: it is set aside, taken, with its error
        _set_aside(org_id, interface_id, key, name)
        return {
            **reintegration.summary([], [exc.as_dict()]),
            "more": False,
            "file": {"key": key, "taken": True},
        }
    outcomes = reintegration.integrate(org_id, interface_id, [line for _, line in lines], "file")
    result = reintegration.summary(outcomes, errors)
    numbered = [
        {**outcome.as_dict(), "file_line": number}
        for (number, _), outcome in zip(lines, outcomes, strict=True)
        if outcome.status == "failed"
    ]
    result["errors"] = sorted([*errors, *numbered], key=lambda e: e["file_line"])[
        : reintegration.MAX_LISTED_ERRORS
    ]
    batch = max(0, min(count, total - start))
    retry = any(o.status == "failed" and o.category == "technical" for o in outcomes)
    taken = False
    if not retry and store.batch_taken(org_id, interface_id, name, start, batch, total) >= total:
        _set_aside(org_id, interface_id, key, name)
        taken = True
    result["more"] = start + count < total
    result["file"] = {"key": key, "lines": total, "start": start, "count": batch, "taken": taken}
    return result


def _set_aside(org_id: str, interface_id: str, key: str, name: str) -> None:
    store.file_taken(org_id, interface_id, name)
    files.move(key, files.key(org_id, interface_id, files.TAKEN, name))
