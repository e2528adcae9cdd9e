"""The http adapter: docs/distributor-protocol.md over HTTP(S) with the standard library.

Failures fall in their category: no answer in time, no connection, a 5xx, refused credentials are
technical (TechnicalError); an answer that is not the protocol's is external (ExternalError); in a sales
page each malformed or repeated record is rejected alone (SalesPage.rejected), the others returned.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from chalicelib.distributors.adapters import (
    SUPPORTS,
    Allotment,
    DistributorCounts,
    ExportReceipt,
    RejectedRecord,
    SaleLine,
    SalesPage,
)
from chalicelib.distributors.allotment_files import allotment_json
from chalicelib.distributors.categories import ExternalError, TechnicalError
from chalicelib.distributors.model import AdapterKind

DEFAULT_TIMEOUT = 10.0
COUNTS_PER_CALL = 50  # performances per counts request (the URL stays short)
RAW_KEPT = 300  # characters of a rejected record kept


def default_timeout() -> float:
    """Seconds an adapter waits for a distributor's answer (GUICHET_DISTRIBUTOR_TIMEOUT, default 10)."""
    return float(os.environ.get("GUICHET_DISTRIBUTOR_TIMEOUT") or DEFAULT_TIMEOUT)


@dataclass(frozen=True)
class HttpCall:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    timeout: float


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


# Sends one request; raises TimeoutError or OSError when no answer comes (a status is an answer).
Transport = Callable[[HttpCall], HttpReply]


def urllib_transport(request: HttpCall) -> HttpReply:
    prepared = urllib.request.Request(  # noqa: S310 - the url is an operator's http(s) setting
        request.url, data=request.body, headers=request.headers, method=request.method
    )
    try:
        with urllib.request.urlopen(prepared, timeout=request.timeout) as answer:  # noqa: S310
            return HttpReply(answer.status, answer.read(), dict(answer.headers))
    except urllib.error.HTTPError as answer:
        with answer:
            return HttpReply(answer.code, answer.read(), dict(answer.headers or {}))
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise TimeoutError(str(reason)) from exc
        raise OSError(str(reason)) from exc
    except http.client.HTTPException as exc:  # a broken answer: the connection, not its content
        raise OSError(f"broken HTTP answer: {type(exc).__name__}") from exc


class HttpAdapter:
    """One distributor's protocol endpoint (`url` without a trailing slash), with Basic credentials."""

    supports = SUPPORTS[AdapterKind.HTTP]

    def __init__(
        self,
        url: str,
        login: str = "",
        password: str | None = None,
        *,
        timeout: float | None = None,
        transport: Transport | None = None,
        kind: AdapterKind = AdapterKind.HTTP,
    ) -> None:
        self.url = url.rstrip("/")
        self.kind = kind
        self.timeout = default_timeout() if timeout is None else timeout
        self.transport = transport or urllib_transport
        self._headers = {"Accept": "application/json", "User-Agent": "guichet-distributors/1"}
        if login or password:
            token = base64.b64encode(f"{login}:{password or ''}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    # --- the protocol's three calls ------------------------------------------------------------

    def export_allotment(self, allotment: Allotment) -> ExportReceipt:
        document = json.loads(allotment_json(allotment))
        covered = {p.distributor_performance_id for p in allotment.places if p.distributor_performance_id}
        covered.update(getattr(allotment, "performances", ()) or ())
        document["performances"] = sorted(covered)
        body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
        status, answer = self._send("PUT", "/allotment", body)
        if status == 409:
            details = answer.get("details", {}) if isinstance(answer, dict) else {}
            raise ExternalError(
                f"The distributor holds a newer allotment than version {allotment.version}",
                {"reason": "older_version", "version": allotment.version, "distributor": details},
            )
        self._expect_ok(status, answer, "allotment")
        accepted, reference = _field(answer, "accepted", int), _field(answer, "reference", (str, type(None)))
        return ExportReceipt(accepted=accepted, reference=reference)

    def pull_sales(self, cursor: str | None, limit: int) -> SalesPage:
        query = urlencode({"limit": limit, **({"cursor": cursor} if cursor else {})})
        status, answer = self._send("GET", f"/sales?{query}")
        self._expect_ok(status, answer, "sales")
        records = _field(answer, "records", list)
        next_cursor = _field(answer, "cursor", (str, type(None)))
        lines, rejected = read_records(records)
        if not records:
            next_cursor = None  # an empty page: nothing more now, keep the cursor you have
        return SalesPage(lines=tuple(lines), cursor=next_cursor, rejected=tuple(rejected))

    def read_counts(self, distributor_performance_ids: list[str]) -> list[DistributorCounts]:
        wanted = list(dict.fromkeys(distributor_performance_ids))
        counts: list[DistributorCounts] = []
        for start in range(0, len(wanted), COUNTS_PER_CALL):
            chunk = wanted[start : start + COUNTS_PER_CALL]
            status, answer = self._send("GET", "/counts?" + urlencode([("performance", p) for p in chunk]))
            self._expect_ok(status, answer, "counts")
            for row in _field(answer, "counts", list):
                try:
                    counts.append(_counts(row))
                except (TypeError, ValueError, KeyError) as exc:
                    raise ExternalError(
                        f"The distributor's counts hold a malformed row: {exc}",
                        {"reason": "malformed_answer", "raw": json.dumps(row)[:RAW_KEPT]},
                    ) from None
        return counts

    # --- one request ---------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = HttpCall(method, self.url + path, headers, body, self.timeout)
        where = {"url": self.url + path.split("?")[0], "method": method}
        if not self.url.startswith(("https://", "http://")):  # never file:// or another scheme
            raise TechnicalError(
                "The interface's url is not an http(s) address", {"reason": "bad_url", **where}
            )
        try:
            reply = self.transport(request)
        except TimeoutError:
            raise TechnicalError(
                f"The distributor did not answer within {self.timeout:g} s", {"reason": "timeout", **where}
            ) from None
        except OSError as exc:
            raise TechnicalError(
                f"The distributor could not be reached: {exc}", {"reason": "unreachable", **where}
            ) from None
        if reply.status in (401, 403):
            raise TechnicalError(
                "The distributor refused our credentials (check the interface's login and password)",
                {"reason": "not_authorized", "status": reply.status, **where},
            )
        if reply.status >= 500 or reply.status in (404, 405, 408, 429):
            raise TechnicalError(
                f"The distributor answered {reply.status}",
                {"reason": "http_status", "status": reply.status, **where},
            )
        try:
            return reply.status, json.loads(reply.body)
        except ValueError:
            if reply.status >= 400:
                return reply.status, None
            raise ExternalError(
                "The distributor's answer is not JSON",
                {
                    "reason": "malformed_answer",
                    "raw": reply.body[:RAW_KEPT].decode(errors="replace"),
                    **where,
                },
            ) from None

    def _expect_ok(self, status: int, answer: Any, what: str) -> None:
        if 200 <= status < 300:
            if not isinstance(answer, dict):
                raise ExternalError(
                    f"The distributor's {what} answer is not a JSON object", {"reason": "malformed_answer"}
                )
            return
        message = answer.get("message") if isinstance(answer, dict) else None
        raise TechnicalError(
            f"The distributor refused the {what} request ({status}){': ' + message if message else ''}",
            {"reason": "http_status", "status": status},
        )


def _field(answer: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = answer.get(name)
    if name not in answer or not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ExternalError(
            f"The distributor's answer has no valid {name!r}", {"reason": "malformed_answer", "field": name}
        )
    return value


def _counts(row: Any) -> DistributorCounts:
    if not isinstance(row, dict) or not isinstance(row["distributor_performance_id"], str):
        raise ValueError("not an object with a distributor_performance_id")
    values = [row[name] for name in ("allocated", "sold")]
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in values):
        raise ValueError("allocated and sold are whole numbers")
    return DistributorCounts(row["distributor_performance_id"], *values)


_TEXT = ("external_sale_id", "line", "distributor_performance_id", "distributor_seat_category_id")


def sale_line(record: Any) -> SaleLine:
    """A protocol record as a SaleLine; ValueError naming what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a record is a JSON object")
    for name in (*_TEXT, "distributor_audience_subcategory_id"):
        value = record.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise ValueError(f"{name}: a non-empty text of at most 100 characters")
    price = record.get("price")
    if not isinstance(price, int) or isinstance(price, bool) or price < 0:
        raise ValueError("price: a whole number of cents, 0 or more")
    seat = record.get("seat")
    if seat is not None and (not isinstance(seat, str) or not seat or len(seat) > 200):
        raise ValueError("seat: a seat id, or null for standing")
    cancelled = record.get("cancelled", False)
    if not isinstance(cancelled, bool):
        raise ValueError("cancelled: true or false")
    return SaleLine(
        external_sale_id=record["external_sale_id"],
        line=record["line"],
        distributor_performance_id=record["distributor_performance_id"],
        distributor_seat_category_id=record["distributor_seat_category_id"],
        distributor_audience_subcategory_id=record["distributor_audience_subcategory_id"],
        price=price,
        seat=seat,
        cancelled=cancelled,
    )


def _text_or_none(record: Any, name: str) -> str | None:
    value = record.get(name) if isinstance(record, dict) else None
    return value if isinstance(value, str) else None


def read_records(records: list[Any]) -> tuple[list[SaleLine], list[RejectedRecord]]:
    """The page's sale lines, and its records rejected: malformed ones, and every record of a
    (sale, line) the page holds more than once (a repeat of the same record: the repeat only)."""
    parsed: list[tuple[Any, SaleLine | None, str]] = []
    for record in records:
        try:
            parsed.append((record, sale_line(record), ""))
        except ValueError as exc:
            parsed.append((record, None, f"malformed record: {exc}"))
    by_key: dict[tuple[str, str], list[SaleLine]] = {}
    for _, line, _reason in parsed:
        if line is not None:
            by_key.setdefault((line.external_sale_id, line.line), []).append(line)
    conflicting = {key for key, found in by_key.items() if len(set(found)) > 1}
    lines: list[SaleLine] = []
    rejected: list[RejectedRecord] = []
    kept: set[tuple[str, str]] = set()
    for record, line, reason in parsed:
        key = (line.external_sale_id, line.line) if line else None
        if line is not None and key in conflicting:
            reason = "the page holds different records for this sale line"
        elif line is not None and key in kept:
            reason = "duplicate record: this sale line is already in the page"
        if reason:
            raw = json.dumps(record, sort_keys=True, default=str)[:RAW_KEPT]
            rejected.append(
                RejectedRecord(
                    reason, raw, _text_or_none(record, "external_sale_id"), _text_or_none(record, "line")
                )
            )
            continue
        kept.add(key)
        lines.append(line)
    return lines, rejected
