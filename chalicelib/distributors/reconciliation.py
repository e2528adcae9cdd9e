"""Reconciliation of a distributor interface: per performance and quota, our allocated / sold / returned
places beside the counts the distributor reported, their differences and the fix to propose.

A distributor reports per performance (its id), not per quota: with several quotas on a performance,
its counts are compared with the performance's totals over them (`compared`), shown on each row.

Fixes, in the order they are proposed:
- "mapping": the performance has no performance mapping (or the distributor reports a performance id
  no mapping names): its counts cannot be matched;
- "reintegrate": the distributor reports another number sold than we integrated (more: sales to bring
  in; fewer: a cancellation to bring in);
- "export_again": its allocated differs from what we would export (or, without its counts, from what
  the last export sent);
- "none".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.distributors import reported_counts, repository
from chalicelib.distributors.reconciliation_stock import (
    QuotaCounts,
    interface_quotas,
    performance_mappings,
    performances,
    quota_counts,
)
from chalicelib.distributors.release import released
from chalicelib.errors import NotFound

MAPPING, REINTEGRATE, EXPORT_AGAIN, NONE = "mapping", "reintegrate", "export_again", "none"
SoldCounts = Callable[[str, str, str], dict[str, int]]


def integrated_counts_reader() -> SoldCounts | None:
    """Reintegration's count of the places it sold and returned per performance, once it exists."""
    try:
        from chalicelib.distributors import reintegration_store
    except ImportError:
        return None
    return getattr(reintegration_store, "sold_counts", None)


def last_exports_reader() -> Callable[[str, str], Any] | None:
    """The export's records: (org, interface) -> the last export per performance, once it exists."""
    try:
        from chalicelib.distributors import export_store
    except ImportError:
        return None
    return getattr(export_store, "results", None)


def pending_reader() -> Callable[[str, str], list[str]] | None:
    """The performances whose export is due (seats of the distributor changed since), once it exists."""
    try:
        from chalicelib.distributors import export_pending
    except ImportError:
        return None
    return getattr(export_pending, "pending_performances", None)


def _last_exports(org_id: str, interface_id: str) -> dict[str, dict[str, Any]] | None:
    """performance id -> {"version", "at", "status", "places", "pending"}; None when exports are not
    recorded in this version."""
    reader = last_exports_reader()
    if reader is None:
        return None
    found = reader(org_id, interface_id)
    pending = set((pending_reader() or (lambda org, interface: []))(org_id, interface_id))
    kept = ("version", "at", "status", "places")
    exports: dict[str, dict[str, Any]] = {}
    for record in found or []:
        data = record.as_dict() if hasattr(record, "as_dict") else dict(record)
        if data.get("performance_id"):
            exports[data["performance_id"]] = {name: data.get(name) for name in kept}
    for performance_id, export in exports.items():
        export["pending"] = performance_id in pending
    for performance_id in pending - set(exports):
        exports[performance_id] = {name: None for name in kept} | {"pending": True}
    return exports


def table(org_id: str, interface_id: str, performance_id: str | None = None) -> list[dict[str, Any]]:
    """One row per performance x quota of the interface, by performance date; the distributor's counts
    that no mapping matches come last (performance_id null, fix "mapping")."""
    interface = repository.get_interface(org_id, interface_id)
    mapped = performance_mappings(org_id, interface_id)
    theirs_by_id = reported_counts.all_reported(org_id, interface_id)
    exports = _last_exports(org_id, interface_id)
    releases = released(org_id, interface_id)
    sold_counts = integrated_counts_reader()
    rows: list[dict[str, Any]] = []
    with catalog.shared_reads():
        quotas = interface_quotas(org_id, interface)
        try:
            found = performances(org_id, performance_id)
        except NotFound:
            raise NotFound(
                f"No performance {performance_id}",
                {"field": "performance_id", "performance_id": performance_id},
            ) from None
        for performance in found if quotas else []:
            counts = quota_counts(org_id, performance.id, quotas)
            distributor_id = mapped.get(performance.id)
            theirs = theirs_by_id.get(distributor_id) if distributor_id else None
            last = None if exports is None else exports.get(performance.id)
            sent = bool(last and (last["pending"] or last["places"]))
            if theirs is None and not sent and all(c.empty for c in counts.values()):
                continue  # the distributor has nothing on this performance, and was sent nothing
            context = {
                "performance": performance,
                "distributor_id": distributor_id,
                "theirs": theirs.as_dict() if theirs else None,
                "last_export": last,
                "exports_known": exports is not None,
                "released": releases[performance.id].as_dict() if performance.id in releases else None,
                "integrated": _integrated(sold_counts, org_id, interface_id, performance.id),
            }
            rows.extend(_rows(org_id, counts, context))
    if performance_id is None:
        matched = set(mapped.values())
        rows.extend(_unmatched(r.as_dict()) for d, r in sorted(theirs_by_id.items()) if d not in matched)
    return rows


def _integrated(
    reader: SoldCounts | None, org_id: str, interface_id: str, performance_id: str
) -> dict[str, int] | None:
    if reader is None:
        return None
    counts = reader(org_id, interface_id, performance_id)
    return {"sold": int(counts.get("sold", 0)), "returned": int(counts.get("returned", 0))}


def _rows(org_id: str, counts: dict[str, QuotaCounts], context: dict[str, Any]) -> list[dict[str, Any]]:
    shown = {quota: c for quota, c in counts.items() if not c.empty} or counts
    integrated = context["integrated"]
    compared = {
        "allocated": sum(c.allocated for c in counts.values()),
        "sold": integrated["sold"] if integrated else sum(c.sold for c in counts.values()),
        "returned": integrated["returned"] if integrated else 0,
        "sold_source": "reintegration" if integrated else "stock",
        "quotas": len(shown),
    }
    theirs = context["theirs"]
    differences = (
        None
        if theirs is None
        else {
            "allocated": theirs["allocated"] - compared["allocated"],
            "sold": theirs["sold"] - compared["sold"],
        }
    )
    fix, reason = _fix(context, compared, differences)
    performance = context["performance"]
    head = {
        "performance_id": performance.id,
        "event_id": performance.data.get("event_id"),
        "code": performance.data.get("code"),
        "starts_at": performance.data["starts_at"],
        **catalog.local_start(org_id, performance.data),
        "status": performance.performance_status.value,
        "distributor_performance_id": context["distributor_id"],
    }
    rows = []
    for quota, c in shown.items():
        single = len(shown) == 1
        ours = c.as_dict(
            returned=compared["returned"] if single else None,
            sold=compared["sold"] if single else None,
        )
        rows.append(
            {
                **head,
                "quota_id": quota,
                "ours": ours,
                "compared": compared,
                "last_export": context["last_export"],
                "released": context["released"],
                "theirs": theirs,
                "differences": differences,
                "fix": fix,
                "reason": reason,
            }
        )
    return rows


def _fix(
    context: dict[str, Any], compared: dict[str, Any], differences: dict[str, int] | None
) -> tuple[str, str]:
    if context["distributor_id"] is None:
        return (
            MAPPING,
            "The performance has no performance mapping: the distributor's counts cannot be matched",
        )
    if differences is not None and differences["sold"] > 0:
        return REINTEGRATE, f"The distributor reports {differences['sold']} more sold than we integrated"
    if differences is not None and differences["sold"] < 0:
        return (
            REINTEGRATE,
            f"The distributor reports {-differences['sold']} fewer sold than we integrated: "
            "a cancellation to bring in",
        )
    if differences is not None and differences["allocated"]:
        return (
            EXPORT_AGAIN,
            f"The distributor holds {context['theirs']['allocated']} places; we would export "
            f"{compared['allocated']}",
        )
    last = context["last_export"]
    if differences is None and context["exports_known"]:
        again = _export_due(last, compared["allocated"])
        if again is not None:
            return EXPORT_AGAIN, again
    if differences is None:
        return NONE, "The distributor reported no counts for this performance"
    return NONE, "Our counts and the distributor's agree"


def _export_due(last: dict[str, Any] | None, allocated: int) -> str | None:
    """Why an export is due by the export's own records, or None."""
    if last is None or last.get("status") is None:
        return "Never exported to the distributor" if allocated else None
    if last.get("pending"):
        return "Seats of the distributor changed since the last export"
    if last["status"] != "sent":
        return f"The last export ({last['at']}) failed"
    if last.get("places") is not None and last["places"] != allocated:
        return f"The last export sent {last['places']} places; we would export {allocated}"
    return None


def _unmatched(theirs: dict[str, Any]) -> dict[str, Any]:
    return {
        "performance_id": None,
        "event_id": None,
        "code": None,
        "starts_at": None,
        "timezone": None,
        "starts_at_local": None,
        "status": None,
        "distributor_performance_id": theirs["distributor_performance_id"],
        "quota_id": None,
        "ours": None,
        "compared": None,
        "last_export": None,
        "released": None,
        "theirs": theirs,
        "differences": None,
        "fix": MAPPING,
        "reason": (
            "No performance mapping names the distributor's performance "
            f"{theirs['distributor_performance_id']}"
        ),
    }
