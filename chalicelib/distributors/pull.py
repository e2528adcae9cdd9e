"""Pulling a distributor's sales: a file interface's sales files taken from its inbox, an http (or
simulated) distributor's sales feed read page by page from the interface's cursor.

The cursor is saved only once a page's lines are recorded, and not past a page where a line failed for
a technical reason: a stop re-reads the page (already integrated lines say so) and nothing is skipped.
A TechnicalError of the adapter (time-out, 5xx, unreachable, refused login) is raised as it is, for a
run's Retry and Catch; a malformed answer (ExternalError) ends the pull with that error in the result.
"""

from __future__ import annotations

from typing import Any

from chalicelib.distributors import reintegration, repository, sales_files
from chalicelib.distributors import reintegration_store as store
from chalicelib.distributors.adapters import Capability, RejectedRecord, require
from chalicelib.distributors.categories import ExternalError
from chalicelib.distributors.model import AdapterKind
from chalicelib.errors import InvalidInput

PAGE = 500  # records asked for at once (the protocol allows 1,000)
COUNTS = ("read", "integrated", "already_integrated", "cancelled", "failed")


def pull_sales(org_id: str, interface_id: str, limit: int) -> dict[str, Any]:
    """Up to `limit` sale lines integrated: {"read", "integrated", "already_integrated", "cancelled",
    "failed", "errors", "errors_by_category", "more"}."""
    if limit < 1:
        raise InvalidInput("limit: at least 1", {"field": "limit"})
    interface = repository.get_interface(org_id, interface_id)
    kind = AdapterKind((interface.data.get("connection") or {}).get("adapter", AdapterKind.FILE))
    require(kind, Capability.PULL_SALES)
    if kind == AdapterKind.FILE:
        return _from_inbox(org_id, interface_id, limit)
    from chalicelib.distributors import connections

    adapter = connections.adapter_for(org_id, interface)
    total = _empty()
    cursor = store.pull_cursor(org_id, interface_id)
    while total["read"] < limit:
        try:
            page = adapter.pull_sales(cursor, min(PAGE, limit - total["read"]))
        except ExternalError as exc:
            _add(total, reintegration.summary([], [exc.as_dict()]))
            total["more"] = False
            return total
        outcomes = reintegration.integrate(org_id, interface_id, list(page.lines), "pull")
        _add(total, reintegration.summary(outcomes, [_rejected(r) for r in page.rejected]))
        if any(o.status == "failed" and o.category == "technical" for o in outcomes):
            total["more"] = True  # this page again next time, once the technical failure is fixed
            return total
        if page.cursor is None:
            total["more"] = False
            return total
        store.save_pull_cursor(org_id, interface_id, page.cursor)
        cursor = page.cursor
        if not page.lines and not page.rejected:
            total["more"] = False
            return total
    total["more"] = True
    return total


def _from_inbox(org_id: str, interface_id: str, limit: int) -> dict[str, Any]:
    total = _empty()
    for key in sales_files.inbox_files(org_id, interface_id):
        left = limit - total["read"]
        if left <= 0:
            total["more"] = True
            break
        done = store.file_record(org_id, interface_id, key.rsplit("/", 1)[-1]) or {}
        start = int(done.get("taken_lines") or 0)  # pulls take a file in order, batch after batch
        result = sales_files.integrate_file(org_id, interface_id, key, start, left)
        _add(total, result)
        if result["more"] or not result.get("file", {}).get("taken", True):
            total["more"] = True
            break
    return total


def _rejected(record: RejectedRecord) -> dict[str, Any]:
    return {
        "category": "external",
        "message": record.reason,
        "reason": "rejected",
        "external_sale_id": record.external_sale_id,
        "line": record.line,
        "raw": record.raw,
    }


def _empty() -> dict[str, Any]:
    return {**{name: 0 for name in COUNTS}, "errors": [], "errors_by_category": {}, "more": False}


def _add(total: dict[str, Any], part: dict[str, Any]) -> None:
    for name in COUNTS:
        total[name] += part.get(name, 0)
    room = reintegration.MAX_LISTED_ERRORS - len(total["errors"])
    total["errors"].extend(part.get("errors", [])[: max(0, room)])
    for category, n in part.get("errors_by_category", {}).items():
        total["errors_by_category"][category] = total["errors_by_category"].get(category, 0) + n
