"""A batch's counters as writes to put in the transaction of a code's conditional transition, so that
the dashboard's figures move exactly when a code's state does (and never when its condition fails)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.db import advantages as keys
from chalicelib.db.advantages import CodeCountItem
from chalicelib.db.base import connection
from chalicelib.db.conditions import Transaction, Write, failed_items, transient, update_if


def count_write(org_id: str, advantage_id: str, batch_id: str, shard: int, **deltas: int) -> Write:
    """Add `deltas` (generated=49, used=1, in_carts=-1 ...) to one shard of the batch's counters."""
    actions = [getattr(CodeCountItem, name).add(delta) for name, delta in deltas.items() if delta]
    item = CodeCountItem(*keys.count_key(org_id, advantage_id, batch_id, shard))
    return Write(item, actions, None, {"reason": "counter", "batch_id": batch_id})


def transact(writes: list[Write], extra: list[Any] | None = None) -> list[int] | None:
    """Write all or nothing: None when written, else the positions whose condition failed. A write
    without actions is left out (a counter with nothing to add). `extra` are items to put (e.g. an
    outbox item), after the writes."""
    writes = [w for w in writes if w.actions]
    if len(writes) == 1 and not extra:
        only = writes[0]
        return None if update_if(only.item, only.actions, only.condition) else [0]
    tx = Transaction(connection=connection())
    try:
        with tx:
            for write in writes:
                write.add_to(tx)
            for item, condition in extra or []:
                tx.save(item, condition=condition)
    except TransactWriteError as exc:
        failed = failed_items(exc, tx)  # in the order written above
        if not failed:
            raise transient(exc) from exc
        return failed
    return None
