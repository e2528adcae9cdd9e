"""The limits table: counters per client, buyer or account that expire (rates, caps, login throttles).

A cap holds under concurrency without reading first: every addition is a conditional UpdateItem.
Rates count in fixed windows: the window's index is in the sort key, so a new window is a new item
and one UpdateItem (ADD, under `taken <= cap - n`) counts whatever came before. Fixed windows let a
client use its rate at the end of one window and again at the start of the next (up to twice the
rate within a short span around a boundary), never more within one window. Held places count in a
window that each addition extends: a new or live counter is one UpdateItem; a lapsed one is read,
then started anew by a conditional PutItem. `window_ends` is checked in conditions because TTL
deletes expired items only eventually.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError

from chalicelib.db.base import TableMeta, TableModel
from chalicelib.db.conditions import store_errors

# Expired items linger this long before TTL may delete them (a counter read just after stays right).
TTL_SLACK = 3600
# Tries of a held-places counter that other requests keep starting anew meanwhile.
ATTEMPTS = 3


class LimitsTable(TableModel):
    class Meta(metaclass=TableMeta):
        logical_name = "limits"

    pk = UnicodeAttribute(hash_key=True)  # what is counted and for whom, e.g. GUEST#ip#<address>
    # the counter's scope (a performance id) or "-"; a rate's ends with #<its window's index>
    sk = UnicodeAttribute(range_key=True)
    taken = NumberAttribute(default=0)
    window_ends = NumberAttribute(default=0)  # epoch seconds; the counter starts again after it
    blocked_until = NumberAttribute(null=True)  # a cooldown or a login delay
    failures = NumberAttribute(null=True)
    expires = TTLAttribute(null=True)


def _ttl(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds + TTL_SLACK, UTC)


def _condition_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def window_ends(now: int, window: int) -> int:
    """When the fixed window that `now` falls in ends (windows start at multiples of `window`)."""
    return (now // window + 1) * window


@store_errors
def add_in_window(pk: str, scope: str, n: int, cap: int, now: int, window: int) -> bool:
    """Add `n` to this fixed window's counter if it stays within `cap`: one UpdateItem, whether the
    window's counter exists yet or not."""
    if n > cap:
        return False
    ends = window_ends(now, window)
    try:
        LimitsTable(pk, f"{scope}#{now // window}").update(
            actions=[
                LimitsTable.taken.add(n),
                LimitsTable.window_ends.set(ends),
                LimitsTable.expires.set(_ttl(ends)),
            ],
            condition=LimitsTable.taken.does_not_exist() | (LimitsTable.taken <= cap - n),
        )
        return True
    except UpdateError as exc:
        if not _condition_failed(exc):
            raise
    return False


def _cooling(item: LimitsTable, now: int) -> bool:
    return bool(item.blocked_until) and int(item.blocked_until) > now


@store_errors
def add_while_held(
    pk: str, sk: str, n: int, cap: int, now: int, window: int
) -> tuple[bool, LimitsTable | None]:
    """Add `n` to a held-places counter if it stays within `cap` and no cooldown runs; the window
    runs `window` seconds from now on every addition (the counter lives while its client keeps
    holding), and a lapsed counter starts anew. Refused: False and the counter as read (its cooldown).
    """
    if n > cap:
        return False, None
    live = (LimitsTable.window_ends > now) & (LimitsTable.taken <= cap - n)
    cooling = LimitsTable.blocked_until.exists() & (LimitsTable.blocked_until > now)
    actions = [
        LimitsTable.taken.add(n),
        LimitsTable.window_ends.set(now + window),
        LimitsTable.expires.set(_ttl(now + window)),
    ]
    found = None
    for _ in range(ATTEMPTS):
        try:
            LimitsTable(pk, sk).update(
                actions=actions, condition=LimitsTable.pk.does_not_exist() | (live & ~cooling)
            )
            return True, None
        except UpdateError as exc:
            if not _condition_failed(exc):
                raise
        found = read(pk, sk)
        if found is not None and int(found.window_ends) > now:
            if _cooling(found, now) or int(found.taken) > cap - n:
                return False, found
            continue  # another request started the window meanwhile: add to it
        fresh = LimitsTable(pk, sk, taken=n, window_ends=now + window, expires=_ttl(now + window))
        try:
            fresh.save(condition=LimitsTable.pk.does_not_exist() | (LimitsTable.window_ends <= now))
            return True, None
        except PutError as exc:
            if not _condition_failed(exc):
                raise
        # another request started the window between the read and this write: look once more
    return False, found


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
