"""Reading and changing one option: its allowed actions, optimistic writes, transitions."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.errors import (
    Conflict,
    NotFound,
    VersionConflict,
)
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options.repository import Option
from chalicelib.options.rules import (
    SAVE_ATTEMPTS,
    iso,
)


def get(org_id: str, option_id: str) -> Option:
    try:
        option = repository.get(option_id)
    except NotFound:
        option = None
    if option is None or option.org_id != org_id:
        raise NotFound(f"Option {option_id} does not exist", {"option_id": option_id})
    return option


def situation(option: Option) -> m.Situation:
    taken_up = False
    if option.order_id:
        from chalicelib.sales import repository as sales

        try:
            taken_up = sales.get_order(option.order_id).status == "paid"
        except NotFound:
            taken_up = False
    return m.Situation(option.state, option.refused_from, option.firm, taken_up)


def update(option_id: str, change: Callable[[Option], object]) -> Option:
    for _ in range(SAVE_ATTEMPTS):
        option = repository.get(option_id)
        if change(option) is False:
            return option
        try:
            return repository.save(option)
        except VersionConflict:
            continue
    raise Conflict("The option kept changing; try again", {"option_id": option_id})


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
