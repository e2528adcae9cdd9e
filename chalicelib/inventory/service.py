"""Inventory use cases: place a hold on seats, find and release expired holds."""

from __future__ import annotations

import time
import uuid

from chalicelib.db.holds import HOLD_ACTIVE, HOLD_EXPIRED
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.inventory import repository
from chalicelib.inventory.model import Hold, ReleaseOutcome, SeatRef

# Ended holds stay readable this long (order history, support) before DynamoDB's TTL removes them.
PURGE_AFTER_SECONDS = 7 * 24 * 3600
# One TransactWriteItems takes at most 100 actions: the hold item and one per seat.
MAX_SEATS_PER_HOLD = 99
# A transaction that lost a race with a buyer is read and tried again this many times.
RELEASE_ATTEMPTS = 3


def now_seconds() -> int:
    return int(time.time())


def place_hold(
    org_id: str, performance_id: str, owner: str, seats: list[SeatRef], timeout_seconds: int
) -> Hold:
    """Hold the given seats for `owner` until the timeout, all or none."""
    if not seats or len(seats) > MAX_SEATS_PER_HOLD or len(set(seats)) != len(seats):
        raise InvalidInput(
            f"A hold takes 1 to {MAX_SEATS_PER_HOLD} different seats",
            {"field": "seats", "max": MAX_SEATS_PER_HOLD},
        )
    now = now_seconds()
    hold = Hold(
        hold_id=uuid.uuid4().hex,
        org_id=org_id,
        performance_id=performance_id,
        owner=owner,
        status=HOLD_ACTIVE,
        expires_at=now + timeout_seconds,
        seats=list(seats),
    )
    repository.save_new_hold(hold, now, PURGE_AFTER_SECONDS)
    return hold


def find_expired_holds(limit: int, now: int | None = None) -> list[str]:
    """Ids of active holds past their expiry, at most `limit`."""
    return repository.expired_hold_ids(now_seconds() if now is None else now, limit)


def release_expired_hold(hold_id: str, now: int | None = None) -> ReleaseOutcome:
    """Mark an expired hold ended and free the seats it still holds; a second call changes nothing."""
    now = now_seconds() if now is None else now
    for _ in range(RELEASE_ATTEMPTS):
        try:
            hold = repository.get_hold(hold_id)
        except NotFound:
            return ReleaseOutcome(hold_id, False, 0, "unknown hold")
        if hold.status != HOLD_ACTIVE:
            return ReleaseOutcome(hold_id, False, 0, f"already {hold.status}")
        if not hold.is_expired(now):
            return ReleaseOutcome(hold_id, False, 0, "not expired yet")
        seats = repository.seats_still_held(hold)
        try:
            repository.end_hold(hold, seats, HOLD_EXPIRED, now)
        except Conflict:
            continue
        return ReleaseOutcome(hold_id, True, len(seats), "expired")
    raise Conflict(f"Hold {hold_id} kept changing while being released", {"hold_id": hold_id})
