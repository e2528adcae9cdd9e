"""Seating plan files as plain rules: parse and check CSV or JSON plans, sum them up, export them."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from chalicelib.catalog.kinds import Code, StandingArea
from chalicelib.catalog.seating import PlanBlock, PlanSeat
from chalicelib.errors import InvalidInput

MAX_SEATS = 50_000
MAX_BLOCKS = 1_000  # the plan item lists its blocks, and an item holds at most 400 KB
MAX_PROBLEMS = 20
# A block's plan record and its layout record are each one DynamoDB item (400 KB at most).
MAX_RECORD_BYTES = 350_000
LAYOUT_BYTES_PER_SEAT = 60  # beyond twice the seat id: two ids, quotes and separators
DEFAULT_RANK = 100
MAX_RANK = 1_000_000
COLUMNS = ("zone", "block", "row", "number", "x", "y", "rank", "accessible")
REQUIRED = COLUMNS[:6]
# Seat category and quota codes, for the layout an import may create with the plan.
SEED_COLUMNS = ("category", "quota")
# No "-" (it separates the parts of a seat id) and no "#" (it separates key parts).
LABEL = re.compile(r"[A-Za-z0-9_.]{1,32}")
LABEL_RULE = "use 1 to 32 letters, digits, '_' or '.'"
FIELDS = COLUMNS + SEED_COLUMNS
SEAT_ID = re.compile(rf"(?:{LABEL.pattern}-){{3}}{LABEL.pattern}")
BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}


def seat_id(zone: str, block: str, row: str, number: str) -> str:
    """A seat's stable id: `<zone>-<block>-<row>-<number>`; labels hold no "-", so ids never collide."""
    return f"{zone}-{block}-{row}-{number}"


class Problems:
    """What is wrong with a file, the first MAX_PROBLEMS named, all of them counted."""

    def __init__(self) -> None:
        self.listed: list[dict[str, str]] = []
        self.count = 0

    def add(self, where: str, reason: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_PROBLEMS:
            self.listed.append({"field": where, "reason": reason})

    def raise_if_any(self, subject: str) -> None:
        if not self.count:
            return
        summary = "; ".join(f"{p['field']}: {p['reason']}" for p in self.listed[:5])
        raise InvalidInput(
            f"{subject} has {self.count} problem(s): {summary}",
            {"fields": self.listed, "problem_count": self.count},
        )


@dataclass
class ParsedPlan:
    blocks: list[PlanBlock]
    areas: list[StandingArea]
    # seat id -> (seat category code, quota code), for the layout made with the plan
    seeds: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # (column, code) -> where it is first used, to name an unknown code
    code_sites: dict[tuple[str, str], str] = field(default_factory=dict)


class _Builder:
    """Groups seats by (zone, block) in file order and refuses duplicates."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.blocks: dict[tuple[str, str], PlanBlock] = {}
        self.first_at: dict[str, str] = {}
        self.seeds: dict[str, tuple[str | None, str | None]] = {}
        self.code_sites: dict[tuple[str, str], str] = {}

    def add(
        self, where: str, zone: str, block: str, seat: PlanSeat, category: str | None, quota: str | None
    ) -> None:
        if seat.seat_id in self.first_at:
            self.problems.add(where, f"seat {seat.seat_id} is already at {self.first_at[seat.seat_id]}")
            return
        if len(self.first_at) >= MAX_SEATS:
            self.problems.add(where, f"a plan has at most {MAX_SEATS:,} seats")
            self.problems.raise_if_any("The plan")
        self.first_at[seat.seat_id] = where
        key = (zone, block)
        if key not in self.blocks:
            self.blocks[key] = PlanBlock(zone, block)
        self.blocks[key].seats.append(seat)
        if quota and not category:
            self.problems.add(f"{where}: category", "a seat with a quota needs a seat category")
            return
        if category:
            self.seeds[seat.seat_id] = (category, quota)
            for column, code in (("category", category), ("quota", quota)):
                if code:
                    self.code_sites.setdefault((column, code), f"{where}: {column}")

    def finish(self, areas: list[StandingArea]) -> ParsedPlan:
        blocks = list(self.blocks.values())
        if not blocks and not areas and not self.problems.count:
            self.problems.add("content", "the plan has no seats and no standing areas")
        if len(blocks) > MAX_BLOCKS:
            self.problems.add("content", f"{len(blocks):,} blocks; a plan has at most {MAX_BLOCKS:,}")
        for block in blocks:
            _check_record_size(block, self.problems)
        seen: set[str] = set()
        for index, area in enumerate(areas):
            if area.code in seen:
                self.problems.add(f"areas[{index}].code", f"standing area {area.code} is declared twice")
            seen.add(area.code)
        self.problems.raise_if_any("The plan")
        return ParsedPlan(blocks, areas, self.seeds, self.code_sites)


def _check_record_size(block: PlanBlock, problems: Problems) -> None:
    plan_bytes = len(json.dumps([seat.as_row() for seat in block.seats]))
    layout_bytes = sum(2 * len(seat.seat_id) + LAYOUT_BYTES_PER_SEAT for seat in block.seats)
    biggest = max(plan_bytes, layout_bytes)
    if biggest > MAX_RECORD_BYTES:
        fits = len(block.seats) * MAX_RECORD_BYTES // biggest
        problems.add(
            f"block {block.zone}/{block.block}",
            f"{len(block.seats):,} seats do not fit one block record; split it into blocks of "
            f"at most about {fits:,} seats",
        )


def parse_csv(text: str, areas: list[StandingArea] | None = None) -> ParsedPlan:
    """A plan from CSV text: a header row, then one seat per line; `;` and decimal commas also work."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = _columns(next(reader, None))
    positions = [columns.index(name) if name in columns else None for name in FIELDS]
    builder = _Builder()
    try:
        for values in reader:
            if len(values) != len(columns):
                if any(value.strip() for value in values):
                    reason = f"{len(values)} fields where the header has {len(columns)}"
                    builder.problems.add(f"line {reader.line_num}", reason)
                continue
            fields = [values[i].strip() if i is not None else "" for i in positions]
            if any(fields):
                _add_csv_seat(builder, reader.line_num, fields)
    except csv.Error as exc:
        builder.problems.add(f"line {reader.line_num}", f"not readable as CSV: {exc}")
    return builder.finish(areas or [])


def _columns(header: list[str] | None) -> list[str]:
    problems = Problems()
    columns = [name.strip().lower() for name in header or []]
    for name in REQUIRED:
        if name not in columns:
            problems.add("line 1", f"the header has no {name} column")
    for name in columns:
        if name not in FIELDS:
            problems.add("line 1", f"unknown column {name!r}; columns are {', '.join(FIELDS)}")
    if len(set(columns)) != len(columns):
        problems.add("line 1", "a column is named twice")
    problems.raise_if_any("The plan's header")
    return columns


def _add_csv_seat(builder: _Builder, line: int, fields: list[str]) -> None:
    """One seat line; the common case costs one regex and three conversions, problems are looked
    into only when that fails."""
    zone, block, row, number, x_text, y_text, rank_text, accessible_text, category, quota = fields
    sid = seat_id(zone, block, row, number)
    try:
        x, y, rank = float(x_text), float(y_text), int(rank_text) if rank_text else DEFAULT_RANK
        accessible = BOOLEANS[accessible_text.lower()]
        valid = bool(SEAT_ID.fullmatch(sid)) and math.isfinite(x + y) and 0 <= rank <= MAX_RANK
        valid = valid and (not rank_text or rank_text.isdigit())
    except (ValueError, KeyError):
        valid = False
    if not valid:
        checked = _check_csv_seat(builder.problems, line, fields)
        if checked is None:
            return
        x, y, rank, accessible = checked
    seat = PlanSeat(sid, row, number, x, y, rank, accessible)
    builder.add(f"line {line}", zone, block, seat, category or None, quota or None)


def _check_csv_seat(
    problems: Problems, line: int, fields: list[str]
) -> tuple[float, float, int, bool] | None:
    """Each problem of a seat line, named by its field; the values when there is none."""
    before = problems.count
    for name, value in zip(FIELDS[:4], fields[:4], strict=True):
        if not LABEL.fullmatch(value):
            problems.add(f"line {line}: {name}", "missing" if not value else LABEL_RULE)
    x, y = _coordinate(fields[4], line, "x", problems), _coordinate(fields[5], line, "y", problems)
    rank = _rank(fields[6], line, problems)
    if fields[7].lower() not in BOOLEANS:
        problems.add(f"line {line}: accessible", "use true/false, 1/0 or yes/no")
    if problems.count > before:
        return None
    return x, y, rank, BOOLEANS[fields[7].lower()]


def _coordinate(value: str, line: int, name: str, problems: Problems) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        problems.add(f"line {line}: {name}", "missing" if not value else f"{value!r} is not a number")
    return number


def _rank(value: str, line: int, problems: Problems) -> int:
    if not value:
        return DEFAULT_RANK
    if not value.isdigit() or int(value) > MAX_RANK:
        problems.add(f"line {line}: rank", f"use a whole number from 0 to {MAX_RANK:,}")
        return DEFAULT_RANK
    return int(value)


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Label = Annotated[str, BeforeValidator(_text), Field(pattern=rf"^{LABEL.pattern}$")]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SeatFile(_File):
    row: Label
    number: Label
    x: float = Field(allow_inf_nan=False)
    y: float = Field(allow_inf_nan=False)
    rank: int = Field(default=DEFAULT_RANK, ge=0, le=MAX_RANK)
    accessible: bool = False
    category: Code | None = None
    quota: Code | None = None


class BlockFile(_File):
    zone: Label
    block: Label
    seats: list[SeatFile] = Field(max_length=MAX_SEATS)


class PlanFile(_File):
    """The JSON plan: blocks of seats, and standing areas."""

    blocks: list[BlockFile] = Field(default_factory=list, max_length=MAX_BLOCKS)
    areas: list[StandingArea] = Field(default_factory=list, max_length=100)


def _path(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def parse_json(content: dict[str, Any] | str, areas: list[StandingArea] | None = None) -> ParsedPlan:
    """A plan from the JSON shape (a document or its text); `areas` add to those it declares."""
    try:
        document = PlanFile.model_validate_json(content) if isinstance(content, str) else None
        document = document or PlanFile.model_validate(content)
    except ValidationError as exc:
        problems = Problems()
        for issue in exc.errors(include_url=False, include_input=False):
            problems.add(f"content{_path(issue['loc'])}", issue["msg"])
        problems.raise_if_any("The plan")
        raise  # unreachable: a ValidationError has at least one issue
    builder = _Builder()
    for b, block in enumerate(document.blocks):
        for s, seat in enumerate(block.seats):
            sid = seat_id(block.zone, block.block, seat.row, seat.number)
            plan_seat = PlanSeat(sid, seat.row, seat.number, seat.x, seat.y, seat.rank, seat.accessible)
            where = f"content.blocks[{b}].seats[{s}]"
            builder.add(where, block.zone, block.block, plan_seat, seat.category, seat.quota)
    return builder.finish([*(areas or []), *document.areas])


def plan_state(blocks: list[PlanBlock]) -> dict[str, Any]:
    """What the plan item keeps about its seats, so that lists and drawings need not add them up."""
    xs = [seat.x for block in blocks for seat in block.seats]
    ys = [seat.y for block in blocks for seat in block.seats]
    return {
        "seat_count": len(xs),
        "block_count": len(blocks),
        "blocks": [{"zone": b.zone, "block": b.block, "seat_count": len(b.seats)} for b in blocks],
        "bounds": {"min_x": min(xs), "max_x": max(xs), "min_y": min(ys), "max_y": max(ys)} if xs else None,
    }


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def plan_csv(blocks: list[PlanBlock]) -> str:
    """The plan in the import's CSV shape: importing it again gives the same seats."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for block in blocks:
        for seat in block.seats:
            accessible = "true" if seat.accessible else "false"
            x, y = _number(seat.x), _number(seat.y)
            writer.writerow([block.zone, block.block, seat.row, seat.number, x, y, seat.rank, accessible])
    return out.getvalue()


def _seat_out(seat: PlanSeat, with_id: bool) -> dict[str, Any]:
    out = {"seat_id": seat.seat_id} if with_id else {}
    out.update(row=seat.row, number=seat.number, x=_number(seat.x), y=_number(seat.y))
    out.update(rank=seat.rank, accessible=seat.accessible)
    return out


def plan_document(blocks: list[PlanBlock], areas: list[dict[str, Any]], with_ids: bool = False) -> dict:
    """The plan in the import's JSON shape; `with_ids` adds each seat's id, for drawing it."""
    return {
        "blocks": [
            {"zone": b.zone, "block": b.block, "seats": [_seat_out(s, with_ids) for s in b.seats]}
            for b in blocks
        ],
        "areas": areas,
    }
