"""The waiting list: refused options waiting for places, flagged for operators when their places are free."""

from __future__ import annotations

from chalicelib.observability import logger
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options import stock as option_stock
from chalicelib.options.repository import Option
from chalicelib.options.store import get, transition, update


def put_on_waiting_list(org_id: str, option_id: str, operator: str) -> Option:
    """On the waiting list, flagged at once when its requested places are free already."""
    get(org_id, option_id)
    waiting = transition(option_id, m.PUT_ON_WAITING_LIST, operator)
    fits = any(fits_on(waiting, performance_id) for performance_id in dates_of(waiting))
    if not fits:
        return waiting

    def flag(current: Option) -> None:
        current.flagged_fits = current.state == m.WAITING_LIST

    return update(option_id, flag)


def dates_of(option: Option) -> list[str]:
    return [option.performance_id, *option.fallback_performance_ids]


def fits_on(option: Option, performance_id: str) -> bool:
    """Whether every requested category has its places free on the performance."""
    return all(
        option_stock.free_in_category(option.org_id, performance_id, category_id, None) >= quantity
        for category_id, quantity in option.requested.items()
    )


def back_to_refused(org_id: str, option_id: str, operator: str) -> Option:
    get(org_id, option_id)
    return transition(option_id, m.BACK_TO_REFUSED, operator)


def flag_waiting_options(org_id: str, performance_id: str) -> list[Option]:
    """Waiting-list options whose requested places are now free: flagged for operators."""
    flagged = []
    for option in repository.all_of_org(org_id):
        if option.state != m.WAITING_LIST:
            continue
        if performance_id not in dates_of(option):
            continue
        fits = fits_on(option, performance_id)
        if fits != option.flagged_fits:

            def change(current: Option, fits: bool = fits) -> None:
                current.flagged_fits = fits

            option = update(option.option_id, change)
        if fits:
            flagged.append(option)
    return flagged


def stock_returned(org_id: str, performance_id: str) -> None:
    """Places went back on a performance: flag the waiting-list options that now fit."""
    try:
        flag_waiting_options(org_id, performance_id)
    except Exception:  # noqa: BLE001 - a flag is a hint to operators, never worth failing the release
        logger.exception("could not flag waiting-list options", extra={"performance_id": performance_id})
