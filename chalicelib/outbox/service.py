"""The outbox worker: carries out due items with a lease, retries with backoff, gives up into `dead`."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.config import settings
from chalicelib.db import shared_reads
from chalicelib.errors import DomainError, TransientStoreError
from chalicelib.observability import logger
from chalicelib.outbox import model as m
from chalicelib.outbox import repository
from chalicelib.outbox.repository import now

# effect -> "module:function" taking (org_id, payload, item) and returning a result dict
HANDLERS = {
    m.EMAIL: "chalicelib.mail.service:deliver_item",
    m.CARD_REFUND: "chalicelib.sales.giving_back:carry_out_refund",
    m.GIVE_BACK_STOCK: "chalicelib.sales.giving_back:give_back_stock_effect",
    m.FIGURES: "chalicelib.reports.service:count_order_effect",
    m.CODE_SCANNED: "chalicelib.advantages.dashboard:code_scanned_effect",
    m.CODES_GIVEN_BACK: "chalicelib.advantages.order_codes:codes_given_back_effect",
    m.SEASON_TICKETS: "chalicelib.season_tickets.subscriptions:project_effect",
}


# effect -> "module:function" carrying out several claimed items of a batch together, taking
# [(org_id, payload, item)] and returning one result dict per item (the figures: one transaction)
BATCH_HANDLERS = {
    m.FIGURES: "chalicelib.reports.service:count_orders_effect",
}


class Obsolete(Exception):
    """An effect no longer to be carried out (the tickets of a confirmation were cancelled since)."""


@dataclass
class Drained:
    carried_out: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0  # finished or held by another worker meanwhile

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _handler(effect: str, handlers: dict[str, str] = HANDLERS) -> Callable[..., Any]:
    module, _, name = handlers[effect].partition(":")
    return getattr(importlib.import_module(module), name)


def describe(exc: BaseException) -> str:
    """'MessageRejected: Email address not verified ...' for an AWS error, else the exception."""
    error = (getattr(exc, "response", None) or {}).get("Error") or {}
    name, message = type(exc).__name__, str(exc)
    if error.get("Code"):
        name, message = error["Code"], error.get("Message")
    return f"{name}: {message}" if message else name


def _permanent(exc: Exception) -> bool:
    # our own domain refusals (not found, invalid) will not change by waiting; store faults will
    return isinstance(exc, DomainError) and not isinstance(exc, TransientStoreError)


HELD = "held"  # claimed, to be carried out with the batch's other items of its effect


def carry_out(pk: str, sk: str, at: datetime | None = None) -> str:
    """One attempt at one item: 'sent', 'failed', 'dead' or 'skipped'. Safe to call for any key."""
    return _attempt(pk, sk, at)[0]


def _attempt(
    pk: str, sk: str, at: datetime | None, held: dict[str, list] | None = None
) -> tuple[str, str | None]:
    """Claim the item and carry it out; one whose effect is carried out by batch goes into `held`
    (if given) once claimed, its outcome "held" until `_attempt_together` does it."""
    moment = at or now()
    item = repository.claim(pk, sk, moment)
    if item is None:
        return "skipped", None
    if held is not None and item.effect in BATCH_HANDLERS:
        held.setdefault(item.effect, []).append(item)
        return HELD, item.effect
    try:
        handler = _handler(item.effect)
        result = handler(item.org_id, dict(item.payload or {}), item) or {}
    except Obsolete as exc:
        note = {"note": str(exc)}
        _record(lambda: repository.finish(item, now(), note, m.OBSOLETE))
        logger.info("outbox item obsolete", extra={**_context(item), "reason": note["note"]})
        return m.OBSOLETE, item.effect
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the item and retried
        return _failed(item, exc), item.effect
    return _done(item, result), item.effect


def _attempt_together(effect: str, items: list) -> list[str]:
    """Carry out claimed items of one effect with its batch handler; each item's outcome."""
    try:
        results = _handler(effect, BATCH_HANDLERS)([(i.org_id, dict(i.payload or {}), i) for i in items])
    except Exception as exc:  # noqa: BLE001 - every item of the batch is recorded failed and retried
        return [_failed(item, exc) for item in items]
    return [_done(item, result or {}) for item, result in zip(items, results, strict=True)]


def _context(item: Any) -> dict[str, Any]:
    return {"item_id": item.email_id, "effect": item.effect, "kind": item.kind}


def _failed(item: Any, exc: Exception) -> str:
    status = repository.fail(item, now(), describe(exc), _permanent(exc))
    log = logger.error if status == m.DEAD else logger.warning
    log("outbox item failed", extra={**_context(item), "status": status, "error": describe(exc)})
    return status


def _done(item: Any, result: dict[str, Any]) -> str:
    _record(lambda: repository.finish(item, now(), result))
    logger.debug("outbox item carried out", extra=_context(item))
    return m.SENT


def _record(write: Callable[[], Any], attempts: int = 3) -> None:
    """Write the outcome of an attempt that happened (an email went, a refund was made): a store
    fault here would have the item done twice, so the write is tried again at once a few times."""
    for attempt in range(attempts):
        try:
            write()
            return
        except TransientStoreError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)


def carry_out_all(keys: Iterable[tuple[str, str]], at: datetime | None = None) -> Drained:
    """Carry out items in turn, emails no faster than the configured SES rate; the items of an effect
    done by batch (the figures) together once the others are done. The items share their reads of an
    order (`db.shared_reads`); each reads the catalog as a shop request does (kept between items
    while the catalog does not change)."""
    drained = Drained()
    rate = max(0.1, float(settings().mail_rate_per_second))
    next_email = 0.0
    held: dict[str, list] = {}
    with shared_reads.shared():
        for pk, sk in keys:
            wait = next_email - time.monotonic()
            if wait > 0:  # the previous item was an email: SES takes `rate` a second
                time.sleep(wait)
            with catalog.shared_reads():
                outcome, effect = _attempt(pk, sk, at, held)
            if outcome != HELD:
                next_email = _count(drained, outcome, effect, next_email, rate)
        for effect, items in held.items():
            with catalog.shared_reads():
                outcomes = _attempt_together(effect, items)
            for outcome in outcomes:
                _count(drained, outcome, effect, next_email, rate)
    return drained


def _count(drained: Drained, outcome: str, effect: str | None, next_email: float, rate: float) -> float:
    """Count the attempt's outcome; when the next email may go."""
    if outcome in (m.SENT, m.OBSOLETE):
        drained.carried_out += 1
    elif outcome == m.FAILED:
        drained.failed += 1
    elif outcome == m.DEAD:
        drained.dead += 1
    else:
        drained.skipped += 1
    return time.monotonic() + 1 / rate if effect == m.EMAIL else next_email


def drain(limit: int = 100, at: datetime | None = None) -> Drained:
    """Carry out what is due now: new items, retries past their backoff, items of a worker that died."""
    return carry_out_all(repository.due(at or now(), limit), at)


def on_new_items(records: list[dict[str, Any]]) -> Drained:
    """The stream's new outbox items (DynamoDB Streams, keys only), carried out at once."""
    keys = []
    for record in records:
        key = (record.get("dynamodb") or {}).get("Keys") or {}
        pk, sk = key.get("pk", {}).get("S", ""), key.get("sk", {}).get("S", "")
        if pk.startswith("OUTBOX#") and sk:
            keys.append((pk, sk))
    return carry_out_all(keys)


def retry(org_id: str, item_id: str) -> Any:
    return repository.retry(org_id, item_id, now())


def retry_all(org_id: str, limit: int = 100) -> int:
    """Every dead item of the organisation goes back to pending (failed ones retry on their own)."""
    count = 0
    for item in repository.read(repository.dead(limit)):
        if item.org_id == org_id:
            repository.retry(org_id, item.email_id, now())
            count += 1
    return count


def problem_counts(org_id: str, limit: int = 200) -> dict[str, int]:
    """The organisation's items that failed (to be tried again) or died, read from the two small
    indexes of unfinished and dead items, not from its whole outbox."""
    from datetime import timedelta

    keys = repository.due(now() + timedelta(days=3650), limit) + repository.dead(limit)
    counts = {m.FAILED: 0, m.DEAD: 0}
    for item in repository.read(keys):
        if item.org_id == org_id and item.status in counts:
            counts[item.status] += 1
    return counts
