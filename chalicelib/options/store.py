"""Reading and changing one option: its allowed actions, optimistic writes, transitions."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib import versioned
from chalicelib.errors import (
    Conflict,
    NotFound,
)
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options.repository import Option
from chalicelib.options.rules import (
    SAVE_ATTEMPTS,
    iso,
)
from chalicelib.owned import yours


def get(org_id: str, option_id: str) -> Option:
    """The organisation's option, moved with its order first (see `follow_order`)."""
    option = yours(lambda: repository.get(option_id), lambda o: o.org_id == org_id, "Option", option_id)
    return follow_order(option)


# An order's status -> what its validated option does.
ORDER_MOVES = {"paid": m.TAKE_UP, "expired": m.EXPIRE, "cancelled": m.CANCEL_ORDER}


def order_status(option: Option) -> str | None:
    if not option.order_id:
        return None
    from chalicelib.sales import repository as sales

    try:
        return sales.get_order(option.order_id).status
    except NotFound:
        return None


def follow_order(option: Option, status: str | None = None) -> Option:
    """A validated option moves with its order: taken up once it is paid, expired or cancelled with it.

    Orders are paid, cancelled and expired by the shop, the box office and hold-cleanup; the option
    catches up whenever it is read, and a second read changes nothing."""
    if option.state not in (m.VALIDATED, m.TAKEN_UP):
        return option
    action = ORDER_MOVES.get(status or order_status(option) or "")
    if action is None or (option.state, action) not in m.TRANSITIONS:
        return option

    def change(current: Option) -> bool:
        if (current.state, action) not in m.TRANSITIONS:
            return False
        current.state = m.TRANSITIONS[(current.state, action)]
        current.history.append({"at": iso(), "state": current.state, "by": "order", "action": action})
        return True

    return update(option.option_id, change)


def situation(option: Option) -> m.Situation:
    """Its order counts as taken up once it is no longer a reservation (paid, or being paid by card)."""
    status = order_status(option) if option.state == m.VALIDATED else None
    taken_up = status is not None and status != "reservation"
    return m.Situation(option.state, option.refused_from, option.firm, taken_up, option.direct)


def update(option_id: str, change: Callable[[Option], object], effects=None) -> Option:
    """Read, change and write the option, again if it changed meanwhile; `effects(option)` (read as
    changed) gives the outbox effects to write in the same transaction (the customer's email)."""
    return versioned.update(
        lambda: repository.get(option_id),
        change,
        lambda option, _: repository.save(option, [e for e in (effects(option) if effects else []) if e]),
        lambda: Conflict("The option kept changing; try again", {"option_id": option_id}),
        SAVE_ATTEMPTS,
    )


def transition(
    option_id: str, action: str, by: str, note: str | None = None, *, clear_request_holds: bool = False
) -> Option:
    def change(current: Option) -> None:
        if clear_request_holds:
            current.request_holds = []
        before = current.state
        current.state = m.next_state(situation(current), action)
        if action == m.REFUSE:
            current.refused_from = before
        entry = {"at": iso(), "state": current.state, "by": by, "action": action}
        if note:
            entry["note"] = note
        current.history.append(entry)

    return update(option_id, change)
