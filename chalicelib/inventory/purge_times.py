"""The move away from purge-at-first-expiry: live and sold holds lose the purge time once given."""

from __future__ import annotations

from pynamodb.exceptions import UpdateError

from chalicelib.db import cursors
from chalicelib.db.conditions import store_errors
from chalicelib.db.holds import HOLD_ACTIVE, HOLD_CONVERTED, HoldItem

LIVE = (HOLD_ACTIVE, HOLD_CONVERTED)


@store_errors
def drop_live_purge_times(cursor: str | None, limit: int) -> tuple[int, str | None]:
    """One page: live and sold holds that an older version gave a purge time (their first expiry
    plus a week) lose it, before DynamoDB deletes them. Returns how many changed and the cursor to
    go on from (None: done). Safe to run again."""
    stale = HoldItem.purge_at.exists() & HoldItem.status.is_in(*LIVE)
    start = cursors.decode_key(cursor, valid=lambda key: set(key) == {"pk"})
    scan = HoldItem.scan(stale, limit=limit, last_evaluated_key=start, consistent_read=True)
    changed = 0
    for item in scan:
        try:  # the hold may have ended meanwhile: its new purge time stays
            item.update(actions=[HoldItem.purge_at.remove()], condition=HoldItem.status.is_in(*LIVE))
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            continue
        changed += 1
    return changed, cursors.encode_key(scan.last_evaluated_key)
