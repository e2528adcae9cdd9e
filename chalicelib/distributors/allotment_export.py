"""The allotment export (the seed's "export des contingents"): the places of the distributor's quotas
for some performances, with the distributor's ids and a new version, sent through the interface's
adapter; the result recorded per performance and the pending-export marks it covered cleared.

Before building, the distributor's sales are pulled (when its adapter can) so that seats it sold
meanwhile are reintegrated first and stay sold; a pull that fails stops the export (never send a shrunk
allotment over sales we do not know). A distributor's failure is in the result, never raised."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.distributors import export_build, export_store, repository
from chalicelib.distributors.adapters import Adapter, Allotment, Capability
from chalicelib.distributors.categories import DistributorError, ErrorCategory, TechnicalError
from chalicelib.distributors.model import AdapterKind, Interface, InterfaceStatus
from chalicelib.errors import Conflict
from chalicelib.observability import logger

SENT, FAILED = "sent", "failed"
PULL_LIMIT = 500  # sale lines per pull before an export
PULL_ROUNDS = 20  # pages pulled at most; more sales waiting: the export waits for the reintegration


def adapter_for(org_id: str, interface: Interface) -> Adapter:
    """The interface's adapter (connections.adapter_for); a file interface's without it."""
    try:
        from chalicelib.distributors import connections
    except ImportError:
        connections = None  # type: ignore[assignment]
    if connections is not None:
        return connections.adapter_for(org_id, interface)
    if interface.data["connection"]["adapter"] == AdapterKind.FILE:
        from chalicelib.distributors.file_adapter import FileAdapter

        return FileAdapter(org_id, interface)
    raise TechnicalError("No connection to an http distributor in this version", {"reason": "no_adapter"})


def _usable(interface: Interface) -> None:
    if interface.data.get("status") == InterfaceStatus.SUSPENDED:
        raise Conflict(
            f"The interface {interface.data.get('name')} is suspended: nothing is exported",
            {"reason": "interface_suspended", "interface_id": interface.id},
        )


def export(
    org_id: str,
    interface_id: str,
    performance_ids: list[str] | None = None,
    by: str = "system",
    max_performances: int | None = None,
    strict: bool = False,
) -> dict[str, Any]:
    """Export the allotment of `performance_ids` (None: every performance on sale and to come where
    the distributor has places, and those whose export is pending). Named performances not on sale,
    over, or where the distributor has no place (and none is due) are left out; `strict` (an operator
    naming them): InvalidInput instead, and each named one is exported.

    Answers {"interface_id", "version", "performances": [ids], "places", "status": "sent"|"failed",
    "reference", "errors": [categorized], "at", "by"}. Raises only for the caller's mistakes:
    NotFound; InvalidInput (strict) for a performance not on sale; Conflict for a suspended interface,
    one whose adapter takes no allotment, or more performances than `max_performances` (reason
    `use_a_run`). The distributor's failures, missing mappings and a failed pull are the result.
    """
    interface = repository.get_interface(org_id, interface_id)
    _usable(interface)
    at = clock.iso()
    with catalog.shared_reads():
        quota_ids = export_build.distributor_quotas(org_id, interface.channel_id)
        marks = {m.performance_id: m for m in export_store.pending_marks(org_id, interface_id)}
        targets = export_build.target_performances(org_id, performance_ids, list(marks), quota_ids, strict)
    if max_performances is not None and len(targets) > max_performances:
        raise Conflict(
            f"{len(targets)} performances to export: more than {max_performances} at once, start an "
            "allotment export run instead",
            {"reason": "use_a_run", "performances": len(targets), "max": max_performances},
        )
    if performance_ids is None:  # a due export of a performance now over or closed will never be sent
        covered = {p.id for p in targets}
        for mark in marks.values():
            if mark.performance_id not in covered:
                export_store.clear_pending(org_id, interface_id, mark)
    run = _Run(org_id, interface, [p.id for p in targets], at, by)
    if not targets:
        return run.answer(None, SENT, 0, None, [])
    try:
        adapter = adapter_for(org_id, interface)
    except DistributorError as exc:
        return run.failed(None, [exc.as_dict()])
    if Capability.EXPORT_ALLOTMENT not in adapter.supports:
        raise Conflict(
            f"The distributor of {interface.data.get('name')} takes no allotment export",
            {"reason": "not_supported", "capability": Capability.EXPORT_ALLOTMENT.value},
        )
    pulled = _pull_first(org_id, interface, adapter)
    if pulled is not None:
        return run.failed(None, [pulled])
    with catalog.shared_reads():
        ids = export_build.SeasonIds(org_id, interface_id)
        built = [
            export_build.mapped(org_id, p, export_build.places_of(org_id, p, quota_ids), ids) for p in targets
        ]
    run.counts = {b.performance_id: b.count for b in built}
    errors = [error for b in built for error in b.errors]
    if errors:
        return run.failed(None, errors[: export_build.MAX_LISTED_ERRORS])
    version = export_store.next_version(org_id, interface_id)
    places = tuple(place for b in built for place in b.places)
    covered = tuple(b.distributor_performance_id for b in built if b.distributor_performance_id)
    allotment = Allotment(interface_id, version, at, places, covered)
    try:
        receipt = adapter.export_allotment(allotment)
    except DistributorError as exc:
        return run.failed(version, [exc.as_dict()])
    except Exception as exc:  # noqa: BLE001 - whatever the distributor's side does is a failed export
        logger.exception("allotment export failed", extra={"interface_id": interface_id})
        error = TechnicalError(f"The export failed: {type(exc).__name__}", {"reason": "unexpected"})
        return run.failed(version, [error.as_dict()])
    answer = run.answer(version, SENT, sum(run.counts.values()), receipt.reference, [])
    answer["accepted"] = receipt.accepted
    for performance_id in run.performances:
        mark = marks.get(performance_id)
        if mark is not None:
            export_store.clear_pending(org_id, interface_id, mark)
    return answer


def last_exports(org_id: str, interface_id: str, performance_id: str | None = None) -> dict[str, Any]:
    """The last export of each performance (version, at, status, places, errors, reference, by, the
    last version sent) and whether one is pending: {"items": [...], "pending_performance_ids": [...]}."""
    repository.get_interface(org_id, interface_id)  # NotFound for another organisation's or none
    pending = [m.performance_id for m in export_store.pending_marks(org_id, interface_id, performance_id)]
    records = export_store.results(org_id, interface_id, performance_id)
    items = [{**r.as_dict(), "pending": r.performance_id in pending} for r in records]
    return {
        "items": sorted(items, key=lambda item: item["performance_id"]),
        "pending_performance_ids": sorted(pending),
    }


def _pull_first(org_id: str, interface: Interface, adapter: Adapter) -> dict[str, Any] | None:
    """Reintegrate the distributor's sales before its allotment is built; the error that stops the
    export, or None. A file interface's sales files are not taken here (its runs take them)."""
    if Capability.PULL_SALES not in adapter.supports or adapter.kind == AdapterKind.FILE:
        return None
    try:
        from chalicelib.distributors import pull
    except ImportError:
        return None
    try:
        for _ in range(PULL_ROUNDS):
            outcome = pull.pull_sales(org_id, interface.id, PULL_LIMIT)
            technical = [
                e for e in outcome.get("errors", []) if e.get("category") == ErrorCategory.TECHNICAL.value
            ]
            if technical:
                return _pull_failed(technical[0].get("message", "a technical error"))
            if not outcome.get("more"):
                return None
    except DistributorError as exc:
        return _pull_failed(exc.message)
    except Exception as exc:  # noqa: BLE001 - any failure of the pull stops the export the same way
        logger.exception("sales pull before an export failed", extra={"interface_id": interface.id})
        return _pull_failed(type(exc).__name__)
    return TechnicalError(
        "The distributor has more sales waiting than one export reintegrates: run the sales "
        "reintegration, then export again",
        {"reason": "sales_waiting"},
    ).as_dict()


def _pull_failed(message: str) -> dict[str, Any]:
    return TechnicalError(
        f"The distributor's sales could not be reintegrated before the export ({message}): nothing was "
        "sent, so that no seat it sold is taken from it. Export again once its sales come in",
        {"reason": "pull_failed"},
    ).as_dict()


class _Run:
    """One export's answer and its record per performance."""

    def __init__(self, org_id: str, interface: Interface, performances: list[str], at: str, by: str) -> None:
        self.org_id, self.interface = org_id, interface
        self.performances, self.at, self.by = performances, at, by
        self.counts: dict[str, int] = {}

    def failed(self, version: int | None, errors: list[dict[str, Any]]) -> dict[str, Any]:
        return self.answer(version, FAILED, sum(self.counts.values()), None, errors)

    def answer(
        self,
        version: int | None,
        status: str,
        places: int,
        reference: str | None,
        errors: list[dict[str, Any]],
    ) -> dict[str, Any]:
        for performance_id in self.performances:
            own = [e for e in errors if e.get("performance_id") in (None, performance_id)]
            record = export_store.ExportRecord(
                performance_id=performance_id,
                version=version,
                at=self.at,
                status=status,
                places=self.counts.get(performance_id, 0),
                errors=own,
                reference=reference,
                by=self.by,
            )
            export_store.save_result(self.org_id, self.interface.id, record)
        if errors:
            logger.warning(
                "allotment export failed",
                extra={"interface_id": self.interface.id, "errors": len(errors), "version": version},
            )
        return {
            "interface_id": self.interface.id,
            "version": version,
            "performances": list(self.performances),
            "places": places,
            "status": status,
            "reference": reference,
            "errors": errors,
            "at": self.at,
            "by": self.by,
        }
