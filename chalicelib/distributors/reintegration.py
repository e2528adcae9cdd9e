"""Sales reintegration: each sale line a distributor reports becomes an order on the interface's
contact, alone: mapped, its seat taken from the distributor's quota, priced, paid; or fails in its
category (external, mapping, technical), recorded, the rest going on. A cancelled line cancels its order.

Exactly once per (interface, external sale id, line): the line's record is written first (its order id
chosen from the line), then a process holds it by a lease while it takes the seat, makes and pays the
order. A replay of an integrated line answers already_integrated; a replay after a stop finishes the
same order; a second process waits for the lease or answers a technical error (run it again later).
A hold placed but not yet recorded expires with the lease, before another process may resume the line.
A failed line is tried again, as a new attempt (a new order id), when the distributor sends it again.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.clock import seconds
from chalicelib.distributors import reintegration_store as store
from chalicelib.distributors import repository
from chalicelib.distributors.adapters import SaleLine
from chalicelib.distributors.categories import DistributorError, ExternalError, TechnicalError
from chalicelib.distributors.reintegration_orders import Seller
from chalicelib.distributors.reintegration_plan import Mapper, Plan, check_line
from chalicelib.distributors.reintegration_store import CANCELLED, FAILED, INTEGRATED, STARTED, LineRecord
from chalicelib.observability import logger
from chalicelib.sales.model import CANCELLED as ORDER_CANCELLED
from chalicelib.sales.model import EXPIRED as ORDER_EXPIRED

LEASE_SECONDS = 120
WAIT_SECONDS = 5.0  # how long a second process waits for the first to finish the same line
POLL_SECONDS = 0.2
MAX_LISTED_ERRORS = 100  # a result lists this many errors (all are counted)
SOURCES = ("api", "file", "pull")


@dataclass(frozen=True)
class LineOutcome:
    external_sale_id: str
    line: str
    status: str  # integrated | already_integrated | cancelled | failed
    category: str | None = None
    message: str | None = None
    order_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "external_sale_id": self.external_sale_id,
            "line": self.line,
            "status": self.status,
            "category": self.category,
            "message": self.message,
            "order_id": self.order_id,
            **self.details,
        }


def _failed(line: SaleLine, error: DistributorError) -> LineOutcome:
    details = {k: v for k, v in error.details.items() if k not in ("category", "message")}
    return LineOutcome(
        str(line.external_sale_id),
        str(line.line),
        "failed",
        error.category.value,
        error.message,
        None,
        details,
    )


def order_id_for(org_id: str, interface_id: str, external_sale_id: str, line: str, attempt: int) -> str:
    """The order's id, from the line and its attempt: found again after a stop, never two for one."""
    digest = hashlib.sha256(f"{org_id}|{interface_id}|{external_sale_id}|{line}|{attempt}".encode()).digest()
    return "DS" + base64.b32encode(digest).decode()[:12]


def integrate(org_id: str, interface_id: str, lines: list[SaleLine], source: str) -> list[LineOutcome]:
    """Each line integrated alone, in order: one outcome per line (a failure never stops the others)."""
    interface = repository.get_interface(org_id, interface_id)
    with catalog.shared_reads():
        try:
            seller, mapper = Seller.of(org_id, interface), Mapper(org_id, interface)
        except DistributorError as exc:
            return [_failed(line, exc) for line in lines]
        return [_one(seller, mapper, line, source) for line in lines]


def _one(seller: Seller, mapper: Mapper, line: SaleLine, source: str) -> LineOutcome:
    try:
        check_line(line)
        if line.cancelled:
            return _cancel(seller, line)
        # A missing mapping is answered before anything is read or written: nothing can be taken for the
        # line. (A replay of a line integrated before its mapping was deleted says so, and changes nothing.)
        mapper.ids(line)
        return _sell(seller, mapper, line, source)
    except DistributorError as exc:
        return _failed(line, exc)
    except Exception as exc:  # noqa: BLE001 - one line's failure is its own: the others go on
        logger.exception("sale line not integrated", extra={"external_sale_id": str(line.external_sale_id)})
        return _failed(line, TechnicalError(f"{type(exc).__name__}: {exc}", {"reason": "failed"}))


def _received(line: SaleLine) -> dict[str, Any]:
    return {
        "performance": line.distributor_performance_id,
        "seat_category": line.distributor_seat_category_id,
        "audience_subcategory": line.distributor_audience_subcategory_id,
        "price": line.price,
        "seat": line.seat,
    }


def _claim(seller: Seller, line: SaleLine, source: str) -> LineRecord | LineOutcome:
    """The line's record, held by this process's lease; or the outcome when there is nothing to do."""
    org_id, interface_id = seller.org_id, seller.interface.id
    give_up_at = time.monotonic() + WAIT_SECONDS
    while True:
        now = seconds()
        record = store.get_line(org_id, interface_id, line.external_sale_id, line.line)
        if record is None:
            record = LineRecord(
                org_id, interface_id, line.external_sale_id, line.line, STARTED, 1,
                order_id_for(org_id, interface_id, line.external_sale_id, line.line, 1),
                now + LEASE_SECONDS, source=source, received=_received(line),
            )  # fmt: skip
            if store.create_line(record):
                return record
            continue
        if record.status in (INTEGRATED, CANCELLED):
            message = "integrated before" if record.status == INTEGRATED else "cancelled before"
            return LineOutcome(
                line.external_sale_id, line.line, "already_integrated", None, message, record.order_id
            )
        if record.status == FAILED:
            attempt = record.attempt + 1
            new_order = order_id_for(org_id, interface_id, line.external_sale_id, line.line, attempt)
            if store.change_line(
                record,
                {"status": FAILED, "attempt": record.attempt},
                status=STARTED, attempt=attempt, order_id=new_order, lease_until=now + LEASE_SECONDS,
                hold_id=None, plan=None, error=None, source=source, received=_received(line),
            ):  # fmt: skip
                return record
            continue
        if record.lease_until > now:
            if time.monotonic() < give_up_at:
                time.sleep(POLL_SECONDS)
                continue
            raise TechnicalError(
                "Another run is integrating this line now; run it again later", {"reason": "in_progress"}
            )
        if store.change_line(
            record,
            {"status": STARTED, "attempt": record.attempt, "lease_until": record.lease_until},
            lease_until=now + LEASE_SECONDS,
        ):
            return record


def _sell(seller: Seller, mapper: Mapper, line: SaleLine, source: str) -> LineOutcome:
    claimed = _claim(seller, line, source)
    if isinstance(claimed, LineOutcome):
        return claimed
    record = claimed
    taking = False  # a hold may have been placed and not recorded: the lease must run out first
    try:
        order = seller.order(record.order_id) if record.hold_id else None
        if order is not None and order.status in (ORDER_CANCELLED, ORDER_EXPIRED):
            raise TechnicalError(
                f"Order {order.order_id} was {order.status} meanwhile", {"reason": "order_ended"}
            )
        if order is None:
            plan = Plan.from_dict(record.plan) if record.plan else mapper.plan(line)
            hold_id = _live_hold(record)
            if hold_id is None:
                taking = True
                hold_id, plan = seller.take(plan, record.lease_until)
                _record_hold(record, hold_id, plan)
                taking = False
            order = seller.reserve(record.order_id, plan, hold_id)
        order = seller.sell(seller.pay(order))
        plan = Plan.from_dict(record.plan or {})
        if not store.finish_line(
            record, INTEGRATED, plan.performance_id, 1, {"attempt": record.attempt, "status": STARTED}
        ):
            raise TechnicalError("The line changed while it was integrated", {"reason": "in_progress"})
        details = {"price_difference": plan.price_difference} if plan.price_difference else {}
        return LineOutcome(
            line.external_sale_id, line.line, "integrated", None, None, order.order_id, details
        )
    except DistributorError as exc:
        _give_up(seller, record, exc)
        return _failed(line, exc)
    except Exception:
        _pause(record, keep_lease=taking)
        raise


def _live_hold(record: LineRecord) -> str | None:
    """The recorded hold when it still holds the place (a stopped attempt's); an ended one released."""
    from chalicelib.inventory import service as inventory

    if not record.hold_id:
        return None
    holds = inventory.get_holds([record.hold_id])
    if holds and holds[0].is_active and holds[0].expires_at > seconds() + 5:
        return record.hold_id
    if holds and holds[0].is_active:
        inventory.release_hold(record.hold_id)
    if not store.change_line(record, {"attempt": record.attempt, "hold_id": record.hold_id}, hold_id=None):
        raise TechnicalError("The line changed while it was integrated", {"reason": "in_progress"})
    return None


def _record_hold(record: LineRecord, hold_id: str, plan: Plan) -> None:
    from chalicelib.inventory import service as inventory

    expect = {"attempt": record.attempt, "lease_until": record.lease_until, "hold_id": None}
    if not store.change_line(record, expect, hold_id=hold_id, plan=plan.as_dict()):
        inventory.release_hold(hold_id)
        raise TechnicalError("Another run took this line over; run it again later", {"reason": "in_progress"})


def _give_up(seller: Seller, record: LineRecord, error: DistributorError) -> None:
    """A failure that trying again would not change: nothing of the line is left (its order cancelled,
    its hold released), the line recorded failed with its error."""
    from chalicelib.inventory import service as inventory

    try:
        if record.hold_id and seller.order(record.order_id) is not None:
            seller.cancel(record.order_id, f"not integrated: {error.message}")
        elif record.hold_id:
            inventory.release_hold(record.hold_id)
        store.change_line(
            record, {"attempt": record.attempt, "status": STARTED},
            status=FAILED, error=error.as_dict(), lease_until=0,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - the line stays started: a replay finishes the giving up
        logger.exception("failed sale line not recorded", extra={"order_id": record.order_id})


def _pause(record: LineRecord, *, keep_lease: bool) -> None:
    """A passing failure: the line stays started for a replay, at once unless a hold may be loose."""
    if keep_lease:
        return
    try:
        store.change_line(
            record, {"attempt": record.attempt, "lease_until": record.lease_until}, lease_until=0
        )
    except Exception:  # noqa: BLE001 - the lease runs out by itself
        logger.warning("lease of a sale line kept", extra={"order_id": record.order_id})


def _cancel(seller: Seller, line: SaleLine) -> LineOutcome:
    record = store.get_line(seller.org_id, seller.interface.id, line.external_sale_id, line.line)
    unknown = ExternalError(
        f"Cancellation of a sale that was not integrated: {line.external_sale_id} line {line.line}",
        {"reason": "unknown_sale"},
    )
    if record is None:
        return _failed(line, unknown)
    if record.status == CANCELLED:
        return LineOutcome(
            line.external_sale_id, line.line, "already_integrated", None, "cancelled before", record.order_id
        )
    if record.status == STARTED:
        claimed = _claim(seller, line, record.source or "api")
        if isinstance(claimed, LineOutcome):
            return _cancel(seller, line)
        record = claimed
    order = seller.order(record.order_id) if record.hold_id else None
    if order is None:  # failed, or stopped before its order: nothing sold to give back
        if record.hold_id:
            from chalicelib.inventory import service as inventory

            inventory.release_hold(record.hold_id)
        expect = {"attempt": record.attempt, "status": record.status}
        if not store.change_line(record, expect, status=CANCELLED, lease_until=0):
            return _cancel(seller, line)
        return LineOutcome(line.external_sale_id, line.line, "cancelled", None, "the sale had no order", None)
    seller.cancel(record.order_id, "cancelled by the distributor")
    plan = Plan.from_dict(record.plan or {})
    expect = {"attempt": record.attempt, "status": record.status}
    if not store.finish_line(record, CANCELLED, plan.performance_id, 1, expect):
        return _cancel(seller, line)
    return LineOutcome(line.external_sale_id, line.line, "cancelled", None, None, record.order_id)


def summary(outcomes: list[LineOutcome], errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Counts of a batch: {"read", "integrated", "already_integrated", "cancelled", "failed", "errors"
    (the first MAX_LISTED_ERRORS), "errors_by_category"}; `errors`: failures outside any line (rejected
    records, lines of a file that could not be read), counted as failed."""
    counts = Counter(o.status for o in outcomes)
    listed = [o.as_dict() for o in outcomes if o.status == "failed"]
    extra = errors or []
    by_category = Counter(e.get("category") for e in [*listed, *extra])
    return {
        "read": len(outcomes) + len(extra),
        "integrated": counts["integrated"],
        "already_integrated": counts["already_integrated"],
        "cancelled": counts["cancelled"],
        "failed": counts["failed"] + len(extra),
        "errors": [*extra, *listed][:MAX_LISTED_ERRORS],
        "errors_by_category": dict(sorted((k or "technical", v) for k, v in by_category.items())),
    }
