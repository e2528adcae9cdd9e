"""The limits table: counters per client, buyer or account that expire (rates, caps, login throttles).

Every change is one conditional UpdateItem or PutItem: a cap holds under concurrency without reading
first. `window_ends` is checked in conditions because TTL deletes expired items only eventually.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError

from chalicelib.db.base import TableMeta, TableModel
from chalicelib.db.conditions import store_errors

# Expired items linger this long before TTL may delete them (a counter read just after stays right).
TTL_SLACK = 3600


class LimitsTable(TableModel):
    class Meta(metaclass=TableMeta):
        logical_name = "limits"

    pk = UnicodeAttribute(hash_key=True)  # what is counted and for whom, e.g. GUEST#ip#<address>
    sk = UnicodeAttribute(range_key=True)  # the counter's scope (a performance id) or "-"
    taken = NumberAttribute(default=0)
    window_ends = NumberAttribute(default=0)  # epoch seconds; the counter starts again after it
    blocked_until = NumberAttribute(null=True)  # a cooldown or a login delay
    failures = NumberAttribute(null=True)
    expires = TTLAttribute(null=True)


def _ttl(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds + TTL_SLACK, UTC)


def _condition_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


@store_errors
def add_within_window(pk: str, sk: str, n: int, cap: int, now: int, window: int, extend: bool) -> bool:
    """Add `n` to the counter if it stays within `cap` and no cooldown runs; a lapsed window starts anew.

    `extend`: the window runs `window` seconds from now on every addition (a held-places counter lives
    while its client keeps holding); otherwise it runs from the first addition (a rate).
    """
    item = LimitsTable(pk, sk)
    live = (LimitsTable.window_ends > now) & (LimitsTable.taken <= cap - n)
    cooling = LimitsTable.blocked_until.exists() & (LimitsTable.blocked_until > now)
    actions = [LimitsTable.taken.add(n)]
    if extend:
        actions += [LimitsTable.window_ends.set(now + window), LimitsTable.expires.set(_ttl(now + window))]
    for _ in range(3):
        try:
            item.update(actions=actions, condition=live & ~cooling)
            return True
        except UpdateError as exc:
            if not _condition_failed(exc):
                raise
        if n > cap:
            return False
        fresh = LimitsTable(pk, sk, taken=n, window_ends=now + window, expires=_ttl(now + window))
        try:
            fresh.save(condition=LimitsTable.pk.does_not_exist() | (LimitsTable.window_ends <= now))
            return True
        except PutError as exc:
            if not _condition_failed(exc):
                raise
        # Both failed: over the cap, cooling down, or another request started the window: look once more.
    return False


@store_errors
def give_back(pk: str, sk: str, n: int, now: int, cooldown: int) -> None:
    """Subtract `n` from a live counter and start a cooldown before the next addition."""
    actions = [LimitsTable.taken.add(-n)]
    if cooldown:
        actions.append(LimitsTable.blocked_until.set(now + cooldown))
    try:
        LimitsTable(pk, sk).update(actions=actions, condition=LimitsTable.window_ends > now)
    except UpdateError as exc:
        if not _condition_failed(exc):
            raise


@store_errors
def read(pk: str, sk: str) -> LimitsTable | None:
    try:
        return LimitsTable.get(pk, sk, consistent_read=True)
    except LimitsTable.DoesNotExist:
        return None


@store_errors
def record_failure(pk: str, sk: str, now: int, window: int) -> int:
    """Count one more failure (a wrong password) and return the count; it lapses `window` after the last."""
    item = LimitsTable(pk, sk)
    try:
        item.update(
            actions=[
                LimitsTable.failures.add(1),
                LimitsTable.window_ends.set(now + window),
                LimitsTable.expires.set(_ttl(now + window)),
            ],
            condition=LimitsTable.window_ends > now,
        )
        return int(item.failures)
    except UpdateError as exc:
        if not _condition_failed(exc):
            raise
    # A lapsed or missing counter starts at one: the old failures are forgotten.
    LimitsTable(pk, sk, failures=1, window_ends=now + window, expires=_ttl(now + window)).save()
    return 1


@store_errors
def block_until(pk: str, sk: str, until: int) -> None:
    """Refuse attempts until `until`, never shortening a longer block already set."""
    try:
        LimitsTable(pk, sk).update(
            actions=[LimitsTable.blocked_until.set(until)],
            condition=LimitsTable.blocked_until.does_not_exist() | (LimitsTable.blocked_until < until),
        )
    except UpdateError as exc:
        if not _condition_failed(exc):
            raise


@store_errors
def forget(pk: str, sk: str) -> None:
    LimitsTable(pk, sk).delete()
