"""Option use cases: search, placements, refusals, the waiting list, firm options, expiry; with the
requests (options/requests.py) and validation (options/validation.py), re-exported here."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.catalog import service as catalog
from chalicelib.errors import (
    InvalidInput,
    NotFound,
)
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options import stock as option_stock
from chalicelib.options.confirmation import check_audience, check_into_order
from chalicelib.options.placement import (
    check_categories,
    drop,
    hold_request,
    take_stock,
)
from chalicelib.options.repository import Option, PlacedLine
from chalicelib.options.requests import (
    delete_for_contact,
    duplicate,
    edit_for_contact,
    edit_request,
    my_option,
    my_options,
    new_option,
    relay_contact,
    request_for_contact,
    request_online,
    withdraw,
)
from chalicelib.options.rules import (
    MAX_FALLBACKS,
    LineIn,
    RequestIn,
    check_allowed,
    check_payment_date,
    iso,
    now,
    placement_deadline,
    valid_lines,
)
from chalicelib.options.store import (
    follow_order,
    get,
    situation,
    transition,
    update,
)
from chalicelib.options.validation import (
    Outcome,
    cancel_validation,
    confirmation,
    validate,
)
from chalicelib.options.waiting_list import (
    back_to_refused,
    flag_waiting_options,
    put_on_waiting_list,
    stock_returned,
)


@dataclass(frozen=True)
class Search:
    contact_id: str | None = None
    season_id: str | None = None
    activity_id: str | None = None
    event_id: str | None = None
    performance_id: str | None = None
    state: str | None = None
    placement: str | None = None  # "placed" (seats granted) or "not_placed"
    only_expired: bool = False
    number: int | None = None
    taken_up: str | None = None  # "with" (its order is paid) or "without"


def search(org_id: str, query: Search) -> list[Option]:
    """The options matching every criterion given, by number; validated ones moved with their order."""
    found = [follow_order(o) for o in _matching(org_id, query)]
    if query.state:
        found = [o for o in found if o.state == query.state]
    if query.taken_up == "with":
        found = [o for o in found if o.state == m.TAKEN_UP]
    elif query.taken_up == "without":
        found = [o for o in found if o.state != m.TAKEN_UP]
    return found


def _matching(org_id: str, query: Search) -> list[Option]:
    events = (
        {e.id: e.data for e in catalog.all_items(org_id, "event")}
        if (query.season_id or query.activity_id)
        else {}
    )
    found = []
    for option in repository.all_of_org(org_id):
        if query.number is not None and option.number != query.number:
            continue
        if query.contact_id and option.contact_id != query.contact_id:
            continue
        if query.event_id and option.event_id != query.event_id:
            continue
        if query.performance_id and query.performance_id not in (
            option.performance_id,
            option.placed_performance_id,
        ):
            continue
        if query.placement == "placed" and not option.placed:
            continue
        if query.placement == "not_placed" and option.placed:
            continue
        if query.only_expired and option.state != m.EXPIRED:
            continue
        event = events.get(option.event_id, {})
        if query.season_id and event.get("season_id") != query.season_id:
            continue
        if query.activity_id and event.get("activity_id") != query.activity_id:
            continue
        found.append(option)
    return found


def place(
    org_id: str,
    option_id: str,
    operator: str,
    performance_id: str | None,
    lines: list[LineIn],
    audience_subcategory_id: str | None = None,
    payment_date: str | None = None,
    internal_remark: str | None = None,
    into_order_id: str | None = None,
    confirm_by: int | None = None,
    direct: bool = False,
) -> Option:
    """Grant the final quantities on the requested date, a fallback date, or a category up if accepted;
    with the confirmation: the option rate, the payment date, internal remarks, and the contact's
    reservation to validate it into (else a new order). `confirm_by` brings the deadline forward (a
    direct option's confirmation date); `direct` marks an option placed at once online."""
    option = get(org_id, option_id)
    m.next_state(situation(option), m.PLACE)
    check_into_order(option, into_order_id)
    if audience_subcategory_id:
        check_audience(org_id, audience_subcategory_id)
    performance_id = performance_id or option.performance_id
    allowed_dates = {option.performance_id, *option.fallback_performance_ids}
    if performance_id not in allowed_dates:
        raise InvalidInput(
            "Place on the requested date or one of its fallback dates", {"field": "performance_id"}
        )
    lines = valid_lines(lines)
    check_categories(option, lines)
    check_allowed(org_id, performance_id, [line.category_id for line in lines], "lines")
    check_payment_date(org_id, performance_id, payment_date)
    deadline = placement_deadline(org_id, performance_id)
    if confirm_by is not None:
        deadline = min(deadline, confirm_by)
    drop(option.request_holds)  # the request's places give way to what is granted
    try:
        placed = take_stock(option, performance_id, lines, deadline)
    except Exception:
        if option.request_holds:
            option.request_holds = hold_request(option)

            def rehold(current: Option, holds: list[PlacedLine] = option.request_holds) -> None:
                current.request_holds = holds

            update(option_id, rehold)
        raise

    def change(current: Option) -> None:
        current.state = m.next_state(situation(current), m.PLACE)
        current.placed_performance_id = performance_id
        current.placed = placed
        current.request_holds = []
        current.deadline = deadline
        current.flagged_fits = False
        current.audience_subcategory_id = audience_subcategory_id or current.audience_subcategory_id
        current.payment_date = payment_date or current.payment_date
        current.internal_remark = internal_remark if internal_remark is not None else current.internal_remark
        current.into_order_id = into_order_id
        current.direct = direct
        current.history.append({"at": iso(), "state": m.PLACED, "by": operator, "action": m.PLACE})

    try:
        done = update(option_id, change, confirmation)
    except Exception:
        for line in placed:
            option_stock.release(line)
        raise
    return done


def modify_placement(org_id: str, option_id: str, operator: str, lines: list[LineIn]) -> Option:
    """Change the granted quantities until the option is ordered: the old stock goes back first."""
    option = get(org_id, option_id)
    m.next_state(situation(option), m.MODIFY_PLACEMENT)
    lines = valid_lines(lines)
    check_categories(option, lines)
    for line in option.placed:
        option_stock.release(line)
    placed = take_stock(
        option, option.placed_performance_id or option.performance_id, lines, option.deadline or now()
    )

    def change(current: Option) -> None:
        current.state = m.next_state(situation(current), m.MODIFY_PLACEMENT)
        current.placed = placed
        current.history.append({"at": iso(), "state": m.PLACED, "by": operator, "action": m.MODIFY_PLACEMENT})

    return update(option_id, change)


def direct(
    org_id: str,
    operator: str,
    contact_id: str,
    performance_id: str,
    lines: list[LineIn],
    audience_subcategory_id: str | None = None,
) -> Option:
    """An option placed at once, without a request (profiles do not apply), at the option rate given."""
    request = RequestIn(performance_id, {line.category_id: line.quantity for line in valid_lines(lines)})
    option = new_option(org_id, contact_id, operator, request, None, None)
    option.requested = {}
    repository.create(option)
    return place(org_id, option.option_id, operator, performance_id, lines, audience_subcategory_id)


def refuse(org_id: str, option_id: str, operator: str) -> Option:
    """A pending refusal: the stock goes back now; cancelling the refusal takes it again."""
    option = get(org_id, option_id)
    m.next_state(situation(option), m.REFUSE)
    drop(option.placed)
    drop(option.request_holds)

    def change(current: Option) -> None:
        current.request_holds = []
        current.refused_from = current.state
        current.state = m.next_state(situation(current), m.REFUSE)
        current.history.append({"at": iso(), "state": current.state, "by": operator, "action": m.REFUSE})

    refused = update(option_id, change)
    if option.placed or option.request_holds:
        stock_returned(org_id, option.placed_performance_id or option.performance_id)
    return refused


def cancel_refusal(org_id: str, option_id: str, operator: str) -> Option:
    """Back to what was refused: a placement takes its stock again, a request holds its places again
    (when options count against availability); short of places, nothing changes."""
    option = get(org_id, option_id)
    target = m.next_state(situation(option), m.CANCEL_REFUSAL)
    placed, holds, taken = option.placed, [], []
    if target == m.PLACED and option.placed:
        lines = [LineIn(p.category_id, p.quantity, p.quota_id) for p in option.placed]
        placed = taken = take_stock(
            option, option.placed_performance_id or option.performance_id, lines, option.deadline or now()
        )
    elif target == m.REQUESTED:
        holds = taken = hold_request(option)

    def change(current: Option) -> None:
        current.state = m.next_state(situation(current), m.CANCEL_REFUSAL)
        current.placed = placed
        current.request_holds = holds
        current.history.append(
            {"at": iso(), "state": current.state, "by": operator, "action": m.CANCEL_REFUSAL}
        )

    try:
        return update(option_id, change)
    except Exception:
        drop(taken)
        raise


def firm(org_id: str, option_id: str, operator: str) -> Option:
    option = get(org_id, option_id)
    m.next_state(situation(option), m.FIRM)

    def change(current: Option) -> None:
        m.next_state(situation(current), m.FIRM)
        current.firm = True
        current.history.append({"at": iso(), "state": current.state, "by": operator, "action": m.FIRM})

    return update(option_id, change)


def expire(option_id: str) -> bool:
    """An open option past its deadline lapses: its stock goes back at once (option-expiry workflow)."""
    try:
        option = repository.get(option_id)
    except NotFound:
        return False
    if option.state not in m.OPEN_STATES or option.deadline is None or option.deadline > now():
        return False
    drop(option.placed)
    drop(option.request_holds)
    transition(option_id, m.EXPIRE, "option-expiry", clear_request_holds=True)
    if option.placed or option.request_holds:
        stock_returned(option.org_id, option.placed_performance_id or option.performance_id)
    return True


def find_lapsed(limit: int) -> list[str]:
    return repository.lapsed_ids(now(), limit)


def send_expiry_notice(option_id: str) -> None:
    """Tell the option's customer it has lapsed (the option-expiry workflow, once `expire` said so)."""
    from chalicelib.options import documents

    documents.send_expiry_notice(repository.get(option_id))


# The whole use-case surface in one place for the API, workflows and tests.
__all__ = [
    "MAX_FALLBACKS",
    "LineIn",
    "Outcome",
    "RequestIn",
    "Search",
    "back_to_refused",
    "cancel_refusal",
    "cancel_validation",
    "delete_for_contact",
    "direct",
    "duplicate",
    "edit_for_contact",
    "edit_request",
    "expire",
    "find_lapsed",
    "firm",
    "flag_waiting_options",
    "follow_order",
    "get",
    "modify_placement",
    "my_option",
    "my_options",
    "place",
    "put_on_waiting_list",
    "refuse",
    "relay_contact",
    "request_for_contact",
    "request_online",
    "search",
    "situation",
    "validate",
    "withdraw",
]
