"""Distributor interfaces and mappings as plain rules: what an operator sets, and the mapping CSV."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from chalicelib.errors import InvalidInput, NotFound

Name = Annotated[str, Field(min_length=1, max_length=200)]
Ref = Annotated[str, Field(min_length=1, max_length=64)]
Email = Annotated[str, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# A distributor's own id for one of our items: whatever it uses, on one line, no separators of ours.
DistributorId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\s,;#]+(?: [^\s,;#]+)*$")]


class AdapterKind(StrEnum):
    FILE = "file"
    HTTP = "http"
    SIMULATED = "simulated"  # the local simulated distributor: test stacks only


class PricePolicy(StrEnum):
    REFUSE_DIFFERENT_PRICE = "refuse_different_price"
    ACCEPT_DISTRIBUTOR_PRICE = "accept_distributor_price"  # and record the difference


class InterfaceStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class MappingKind(StrEnum):
    """What a mapping pairs with a distributor's id. The seed's five families: products (event,
    performance, season ticket), zones and blocks, seat categories, layouts, audience subcategories."""

    EVENT = "event"
    PERFORMANCE = "performance"
    SEASON_TICKET = "season_ticket"
    ZONE = "zone"  # our id: <seating_plan_id>/<zone> or <seating_plan_id>/<zone>/<block>
    SEAT_CATEGORY = "seat_category"
    LAYOUT = "layout"
    AUDIENCE_SUBCATEGORY = "audience_subcategory"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class ConnectionIn(_In):
    """How to reach the distributor. The password is written to Secrets Manager, never answered:
    omitted (null) keeps the one set, "" removes it."""

    adapter: AdapterKind
    url: str = Field(default="", max_length=500, description="http(s):// for http; s3:// or empty for file")
    login: str = Field(default="", max_length=200)
    # kept as typed: spaces around a password are part of it
    password: Annotated[str, StringConstraints(strip_whitespace=False)] | None = Field(
        default=None, max_length=1000
    )

    @model_validator(mode="after")
    def _url_fits_adapter(self) -> ConnectionIn:
        if self.adapter == AdapterKind.HTTP and not self.url.startswith(("https://", "http://")):
            raise ValueError("an http adapter needs a url starting with https:// (or http://)")
        if self.adapter == AdapterKind.FILE and self.url and not self.url.startswith("s3://"):
            raise ValueError("a file adapter's url is empty (the stack's bucket) or s3://bucket/prefix")
        return self


class InterfaceSpec(_In):
    """A distributor interface (external sales): its channel, connection and the rules of its sales."""

    name: Name
    type: Literal["external_sales"] = "external_sales"
    channel_id: Ref = Field(description="An external sales channel (one interface per channel)")
    connection: ConnectionIn
    contact_id: Ref = Field(description="The contact that reintegrated orders belong to")
    deferred_account: bool = Field(default=False, description="Reintegrated orders are paid on account")
    point_of_sale_id: Ref = Field(description="A point of sale of the interface's channel")
    reseller_price_policy: PricePolicy = PricePolicy.REFUSE_DIFFERENT_PRICE
    alert_recipients: list[Email] = Field(default_factory=list, max_length=20)
    status: InterfaceStatus = InterfaceStatus.ACTIVE
    release_days_before: int | None = Field(
        default=None,
        ge=0,
        le=365,
        description="Days before a performance when unsold allotment goes back to general sale",
    )
    release_to_quota_id: Ref | None = Field(
        default=None, description="The quota released seats go to; required with release_days_before"
    )

    @model_validator(mode="after")
    def _release_names_a_quota(self) -> InterfaceSpec:
        if self.release_days_before is not None and not self.release_to_quota_id:
            raise ValueError("release_to_quota_id: required when release_days_before is set")
        return self


@dataclass
class Interface:
    """A stored interface: its settings without the password, and whether one is set."""

    org_id: str
    id: str
    version: int
    data: dict[str, Any]  # InterfaceSpec without connection.password
    password_set: bool
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def channel_id(self) -> str:
        return self.data["channel_id"]


def stored_settings(spec: InterfaceSpec) -> dict[str, Any]:
    """What is kept in the table: everything but the password."""
    return spec.model_dump(mode="json", exclude={"connection": {"password"}})


@dataclass(frozen=True)
class Mapping:
    season_id: str
    kind: MappingKind
    our_id: str
    distributor_id: str
    version: int = 1
    our_code: str | None = None

    @property
    def id(self) -> str:
        return mapping_id(self.season_id, self.kind, self.our_id)


def our_digest(our_id: str) -> str:
    """Our id, in a mapping's key and route, as 20 hex digits: zone ids are long and hold "/"."""
    return hashlib.sha256(our_id.encode()).hexdigest()[:20]


def mapping_id(season_id: str, kind: str, our_id: str) -> str:
    """A mapping's id in routes: `<season>~<kind>~<digest of our id>`, short and URL-safe."""
    return f"{season_id}~{MappingKind(kind).value}~{our_digest(our_id)}"


def mapping_key(value: str) -> tuple[str, MappingKind, str]:
    """(season, kind, digest of our id) from a mapping id; NotFound for text that is not one."""
    try:
        season_id, kind, digest = value.rsplit("~", 2)
        if not season_id or len(digest) != 20:
            raise ValueError(value)
        return season_id, MappingKind(kind), digest
    except ValueError:
        raise NotFound(f"No mapping {value}", {"mapping_id": value}) from None


# The mapping file: one line per mapping of one season.
CSV_COLUMNS = ("kind", "our_id", "our_code", "distributor_id")
MAX_IMPORT_LINES = 5_000
MAX_LISTED_PROBLEMS = 50


@dataclass(frozen=True)
class MappingLine:
    line: int  # in the file, the header being line 1
    kind: MappingKind
    our_id: str  # may be empty when our_code names the item
    our_code: str
    distributor_id: str


@dataclass
class LineProblems:
    """What is wrong with a mapping file, line by line; raised as one refusal (nothing imported)."""

    listed: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0

    def add(self, line: int, column: str, reason: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append({"line": line, "field": column, "reason": reason})

    def raise_if_any(self) -> None:
        if not self.count:
            return
        summary = "; ".join(f"line {p['line']} {p['field']}: {p['reason']}" for p in self.listed[:5])
        raise InvalidInput(
            f"The file has {self.count} problem(s), nothing was imported: {summary}",
            {"field": "content", "problems": self.listed, "problem_count": self.count},
        )


def parse_mapping_csv(text: str, problems: LineProblems) -> list[MappingLine]:
    """The file's lines, each problem of form (unknown kind, missing fields, a distributor id given twice
    in a kind) added to `problems` with its line number. Columns by header name, in any order."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.add(
            1, "header", f"the file is empty: its first line names the columns {','.join(CSV_COLUMNS)}"
        )
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in ("kind", "distributor_id") if name not in header]
    if missing or not ({"our_id", "our_code"} & set(header)):
        needed = missing or ["our_id or our_code"]
        problems.add(1, "header", f"missing column(s): {', '.join(needed)}")
        return []
    if len(rows) - 1 > MAX_IMPORT_LINES:
        problems.add(MAX_IMPORT_LINES + 2, "content", f"a file holds at most {MAX_IMPORT_LINES} mappings")
        return []
    lines: list[MappingLine] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        if not any(cells.values()):
            continue
        line = _line(number, cells, problems)
        if line is None:
            continue
        earlier = seen.setdefault((line.kind, line.distributor_id), number)
        if earlier != number:
            problems.add(
                number,
                "distributor_id",
                f"{line.distributor_id} is also given to a {line.kind} on line {earlier}",
            )
            continue
        lines.append(line)
    return lines


def _line(number: int, cells: dict[str, str], problems: LineProblems) -> MappingLine | None:
    kind, our_id, our_code = cells.get("kind", ""), cells.get("our_id", ""), cells.get("our_code", "")
    distributor_id = cells.get("distributor_id", "")
    before = problems.count
    if not kind:
        problems.add(number, "kind", "missing")
    elif kind not in MappingKind.__members__.values():
        known = ", ".join(MappingKind)
        problems.add(number, "kind", f"unknown kind {kind!r} (one of {known})")
    if not our_id and not our_code:
        problems.add(number, "our_id", "missing (give our_id, or our_code)")
    if not distributor_id:
        problems.add(number, "distributor_id", "missing")
    elif len(distributor_id) > 100 or any(c in distributor_id for c in "\t\r\n#,;"):
        problems.add(number, "distributor_id", "at most 100 characters, without tab, '#', ',' or ';'")
    if problems.count != before:
        return None
    return MappingLine(number, MappingKind(kind), our_id, our_code, distributor_id)


def mapping_csv(mappings: list[Mapping]) -> str:
    """The season's mappings as the import's CSV: importing it again changes nothing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in mappings:
        writer.writerow([m.kind.value, m.our_id, m.our_code or "", m.distributor_id])
    return out.getvalue()
