"""Option use cases: requests (online by a company's relay, or by an operator), placements, refusals,
the waiting list, validation into reservation orders, firm options, expiry."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.catalog import service as catalog
from chalicelib.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SeatUnavailable,
    VersionConflict,
)
from chalicelib.inventory import service as inventory
from chalicelib.observability import logger
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options import stock as option_stock
from chalicelib.options.repository import Option, PlacedLine
from chalicelib.shop.model import parse_time

MAX_FALLBACKS = 3
SAVE_ATTEMPTS = 5
DAY = 86400
# Without a "confirm within N days after placing" setting, a placed option lapses after this.
DEFAULT_CONFIRM_DAYS = 10


@dataclass(frozen=True)
class RequestIn:
    performance_id: str
    quantities: dict[str, int]  # seat category -> places
    fallback_performance_ids: tuple[str, ...] = ()
    accept_upgrade: bool = False
    remark: str = ""


@dataclass(frozen=True)
class LineIn:
    category_id: str
    quantity: int
    quota_id: str | None = None


def _now() -> int:
    return inventory.now_seconds()


def _iso(epoch: int | None = None) -> str:
    return datetime.fromtimestamp(epoch or _now(), tz=UTC).isoformat(timespec="seconds")


def _starts(org_id: str, performance_id: str) -> int:
    moment = parse_time(catalog.get(org_id, "performance", performance_id).data["starts_at"])
    return int(moment.timestamp()) if moment else 0


# Settings: what may be requested or placed at all.


def _check_allowed(
    org_id: str, performance_id: str, categories: list[str], field: str = "quantities"
) -> None:
    """Options allowed by the season, the activity and each seat category (the settings)."""
    try:
        performance = catalog.get(org_id, "performance", performance_id).data
    except NotFound:
        raise InvalidInput(
            "No such performance", {"field": "performance_id", "value": performance_id}
        ) from None
    event = catalog.get(org_id, "event", performance["event_id"]).data
    season = catalog.get(org_id, "season", event["season_id"]).data
    activity = catalog.get(org_id, "activity", event["activity_id"]).data
    if not season.get("options_allowed", True):
        raise PermissionDenied(
            "This season takes no options", {"field": "performance_id", "season": season["code"]}
        )
    if not activity.get("options_allowed"):
        raise PermissionDenied(
            "This activity takes no options", {"field": "performance_id", "activity": activity["code"]}
        )
    for category_id in categories:
        try:
            category = catalog.get(org_id, "seat_category", category_id).data
        except NotFound:
            raise InvalidInput("No such seat category", {"field": field, "value": category_id}) from None
        if not category.get("option_allowed", True):
            raise PermissionDenied(
                f"Seat category {category['code']} takes no options", {"field": field, "value": category_id}
            )


def _check_limitations(
    org_id: str, company_id: str | None, performance_id: str, quantity: int, option_id: str
) -> None:
    """The option limitation tables of the contact's company type."""
    if not company_id:
        return
    company_type = catalog.get(org_id, "company", company_id).data["company_type_id"]
    tables = [
        t.data
        for t in catalog.all_items(org_id, "option_limitation")
        if company_type in t.data["company_type_ids"]
    ]
    for table in tables:
        most = table.get("max_places_per_option")
        if most is not None and quantity > most:
            raise InvalidInput(
                f"At most {most} places per option for this kind of customer ({table['code']})",
                {"field": "quantities", "max": most},
            )
        per_show = table.get("max_places_per_performance")
        if per_show is not None:
            others = sum(
                max(o.placed_quantity, o.requested_quantity)
                for o in repository.all_of_org(org_id)
                if o.company_id == company_id
                and o.option_id != option_id
                and o.state not in (m.REFUSED, m.CANCELLED, m.EXPIRED)
                and performance_id in (o.performance_id, o.placed_performance_id)
            )
            if others + quantity > per_show:
                raise InvalidInput(
                    f"At most {per_show} places per performance for this customer ({table['code']})",
                    {"field": "quantities", "max": per_show, "already": others},
                )


def _check_profile(org_id: str, channel_id: str, request: RequestIn, today: str) -> dict:
    """The channel's seat option profile in force today must allow the request (requests only)."""
    for profile in (p.data for p in catalog.all_items(org_id, "seat_option_profile")):
        if not profile.get("validated") or channel_id not in profile["channel_ids"]:
            continue
        if not (str(profile["starts_on"]) <= today <= str(profile["ends_on"])):
            continue
        performance = catalog.get(org_id, "performance", request.performance_id).data
        for chosen in (request.performance_id, *request.fallback_performance_ids):
            if profile["performance_ids"] and chosen not in profile["performance_ids"]:
                raise PermissionDenied(
                    "This performance cannot be requested as an option here", {"field": "performance_id"}
                )
        if profile["event_ids"] and performance["event_id"] not in profile["event_ids"]:
            raise PermissionDenied(
                "This event cannot be requested as an option here", {"field": "performance_id"}
            )
        for category_id, quantity in request.quantities.items():
            if profile["seat_category_ids"] and category_id not in profile["seat_category_ids"]:
                raise PermissionDenied(
                    "This seat category cannot be requested as an option here",
                    {"field": "quantities", "value": category_id},
                )
            if quantity < profile["minimum_quantity"]:
                raise InvalidInput(
                    f"At least {profile['minimum_quantity']} places per seat category",
                    {
                        "field": "quantities",
                        "minimum": profile["minimum_quantity"],
                        "category_id": category_id,
                    },
                )
        return profile
    raise PermissionDenied("This point of sale takes no option requests now", {"field": "pos_code"})


def _check_request(request: RequestIn) -> None:
    if not request.quantities or any(q < 1 for q in request.quantities.values()):
        raise InvalidInput("Ask for at least one place in a seat category", {"field": "quantities"})
    if len(request.fallback_performance_ids) > MAX_FALLBACKS:
        raise InvalidInput(f"At most {MAX_FALLBACKS} fallback dates", {"field": "fallback_performance_ids"})


def _request_deadline(org_id: str, performance_id: str) -> int:
    """A request is editable (and can be placed) until the performance's confirmation cut-off."""
    settings = option_stock.settings_of(org_id, performance_id)
    return _starts(org_id, performance_id) - (settings.confirm_days_before_performance or 0) * DAY


def _placement_deadline(org_id: str, performance_id: str) -> int:
    settings = option_stock.settings_of(org_id, performance_id)
    after = _now() + (settings.confirm_days_after_placing or DEFAULT_CONFIRM_DAYS) * DAY
    return min(after, _request_deadline(org_id, performance_id))


# Requests.


def _new_option(
    org_id: str, contact_id: str, by: str, request: RequestIn, channel_id: str | None, pos_id: str | None
) -> Option:
    _check_request(request)
    try:
        contact = catalog.get(org_id, "contact", contact_id).data
    except NotFound:
        raise InvalidInput("No such contact", {"field": "contact_id", "value": contact_id}) from None
    for performance_id in (request.performance_id, *request.fallback_performance_ids):
        _check_allowed(org_id, performance_id, list(request.quantities))
    option_id = uuid.uuid4().hex[:16]
    _check_limitations(
        org_id, contact.get("company_id"), request.performance_id, sum(request.quantities.values()), option_id
    )
    event_id = catalog.get(org_id, "performance", request.performance_id).data["event_id"]
    deadline = _request_deadline(org_id, request.performance_id)
    if deadline <= _now():
        raise InvalidInput("Options on this performance are closed", {"field": "performance_id"})
    return Option(
        option_id=option_id,
        org_id=org_id,
        number=repository.next_number(org_id),
        state=m.REQUESTED,
        contact_id=contact_id,
        company_id=contact.get("company_id"),
        created_at=_iso(),
        created_by=by,
        channel_id=channel_id,
        pos_id=pos_id,
        event_id=event_id,
        performance_id=request.performance_id,
        fallback_performance_ids=list(request.fallback_performance_ids),
        requested=dict(request.quantities),
        accept_upgrade=request.accept_upgrade,
        remark=request.remark,
        editable_until=deadline,
        deadline=deadline,
        history=[{"at": _iso(), "state": m.REQUESTED, "by": by}],
    )


def relay_contact(org_id: str, email: str) -> dict:
    """The relay contact a shopper account acts as (same email)."""
    for contact in catalog.all_items(org_id, "contact"):
        if contact.data["email"].lower() == email.lower() and contact.data.get("relay"):
            return {"id": contact.id, **contact.data}
    raise PermissionDenied("Only a company's relay requests options; this account is none", {})


def request_online(org_id: str, pos_code: str, email: str, request: RequestIn) -> Option:
    """A company's relay requests an option on a company point of sale; its channel's profile applies."""
    found = catalog.all_items(org_id, "point_of_sale", code=pos_code)
    if not found:
        raise NotFound(f"No point of sale {pos_code}", {"pos_code": pos_code})
    pos = found[0]
    contact = relay_contact(org_id, email)
    _check_request(request)
    profile = _check_profile(org_id, pos.data["channel_id"], request, datetime.now(UTC).date().isoformat())
    option = _new_option(
        org_id, contact["id"], f"contact:{contact['id']}", request, pos.data["channel_id"], pos.id
    )
    option.payment_date = str(profile["payment_date"]) if profile.get("payment_date") else None
    _record_request(option)
    logger.info("option requested", extra={"option_id": option.option_id, "number": option.number})
    return option


def request_for_contact(org_id: str, operator: str, contact_id: str, request: RequestIn) -> Option:
    """An operator records a contact's request (profiles do not apply to operators)."""
    return _record_request(_new_option(org_id, contact_id, operator, request, None, None))


def _record_request(option: Option) -> Option:
    """Store a new request; when options count against availability, it holds its places first."""
    option.request_holds = _hold_request(option)
    try:
        repository.create(option)
    except Exception:
        _drop(option.request_holds)
        raise
    return option


def _hold_request(option: Option) -> list[PlacedLine]:
    """A request's places, held on its first-choice date when options count against availability.

    A category short of places is recorded without holding (the operator decides at placement).
    """
    if not option_stock.settings_of(option.org_id, option.performance_id).count_against_availability:
        return []
    held = []
    for category_id, quantity in option.requested.items():
        wanted = PlacedLine(category_id, quantity)
        try:
            held.append(
                option_stock.take(
                    option.org_id, option.option_id, option.performance_id, wanted, option.deadline
                )
            )
        except (SeatUnavailable, InvalidInput):
            continue
    return held


def _drop(lines: list[PlacedLine]) -> None:
    for line in lines:
        option_stock.release(line)


def my_options(org_id: str, email: str) -> list[Option]:
    contact = relay_contact(org_id, email)
    return [o for o in repository.all_of_org(org_id) if o.contact_id == contact["id"]]


def my_option(org_id: str, email: str, option_id: str) -> Option:
    contact = relay_contact(org_id, email)
    option = get(org_id, option_id)
    if option.contact_id != contact["id"]:
        raise NotFound(f"Option {option_id} does not exist", {"option_id": option_id})
    return option


def edit_request(org_id: str, email: str, option_id: str, request: RequestIn) -> Option:
    """The customer changes their request until it is placed or its deadline passes."""
    option = my_option(org_id, email, option_id)
    if option.editable_until is not None and _now() >= option.editable_until:
        raise Conflict("The request can no longer be changed", {"option_id": option_id})
    _check_request(request)
    if option.channel_id:
        _check_profile(org_id, option.channel_id, request, datetime.now(UTC).date().isoformat())
    for performance_id in (request.performance_id, *request.fallback_performance_ids):
        _check_allowed(org_id, performance_id, list(request.quantities))
    _check_limitations(
        org_id, option.company_id, request.performance_id, sum(request.quantities.values()), option_id
    )

    m.next_state(_situation(option), m.EDIT_REQUEST)
    _drop(option.request_holds)
    option.performance_id, option.requested = request.performance_id, dict(request.quantities)
    holds = _hold_request(option)

    def change(current: Option) -> None:
        current.state = m.next_state(_situation(current), m.EDIT_REQUEST)
        current.request_holds = holds
        current.performance_id = request.performance_id
        current.fallback_performance_ids = list(request.fallback_performance_ids)
        current.requested = dict(request.quantities)
        current.accept_upgrade = request.accept_upgrade
        current.remark = request.remark
        current.history.append(
            {"at": _iso(), "state": current.state, "by": f"contact:{current.contact_id}", "note": "edited"}
        )

    return _update(option_id, change)


def withdraw(org_id: str, email: str, option_id: str) -> Option:
    option = my_option(org_id, email, option_id)
    m.next_state(_situation(option), m.WITHDRAW)
    _drop(option.request_holds)
    return _transition(option_id, m.WITHDRAW, "customer", clear_request_holds=True)


# Reads.


def get(org_id: str, option_id: str) -> Option:
    try:
        option = repository.get(option_id)
    except NotFound:
        option = None
    if option is None or option.org_id != org_id:
        raise NotFound(f"Option {option_id} does not exist", {"option_id": option_id})
    return option


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


def search(org_id: str, query: Search) -> list[Option]:
    events = (
        {e.id: e.data for e in catalog.all_items(org_id, "event")}
        if (query.season_id or query.activity_id)
        else {}
    )
    found = []
    for option in repository.all_of_org(org_id):
        if query.contact_id and option.contact_id != query.contact_id:
            continue
        if query.event_id and option.event_id != query.event_id:
            continue
        if query.performance_id and query.performance_id not in (
            option.performance_id,
            option.placed_performance_id,
        ):
            continue
        if query.state and option.state != query.state:
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


# Operator actions.


def situation(option: Option) -> m.Situation:
    """The option's state and what else decides which actions are allowed now."""
    return _situation(option)


def _situation(option: Option) -> m.Situation:
    taken_up = False
    if option.order_id:
        from chalicelib.sales import repository as sales

        try:
            taken_up = sales.get_order(option.order_id).status == "paid"
        except NotFound:
            taken_up = False
    return m.Situation(option.state, option.refused_from, option.firm, taken_up)


def _update(option_id: str, change: Callable[[Option], object]) -> Option:
    for _ in range(SAVE_ATTEMPTS):
        option = repository.get(option_id)
        if change(option) is False:
            return option
        try:
            return repository.save(option)
        except VersionConflict:
            continue
    raise Conflict("The option kept changing; try again", {"option_id": option_id})


def _transition(
    option_id: str, action: str, by: str, note: str | None = None, *, clear_request_holds: bool = False
) -> Option:
    def change(current: Option) -> None:
        if clear_request_holds:
            current.request_holds = []
        before = current.state
        current.state = m.next_state(_situation(current), action)
        if action == m.REFUSE:
            current.refused_from = before
        entry = {"at": _iso(), "state": current.state, "by": by, "action": action}
        if note:
            entry["note"] = note
        current.history.append(entry)

    return _update(option_id, change)


def _lines(lines: list[LineIn]) -> list[LineIn]:
    if not lines or any(line.quantity < 1 for line in lines):
        raise InvalidInput("Grant at least one place per line", {"field": "lines"})
    if len({(line.category_id, line.quota_id) for line in lines}) != len(lines):
        raise InvalidInput("One line per seat category and quota", {"field": "lines"})
    return lines


def _take(
    option: Option, performance_id: str, lines: list[LineIn], deadline: int, *, hold: bool = False
) -> list[PlacedLine]:
    """Stock for the placement: held when options count against availability (or `hold`), else
    checked only."""
    settings = option_stock.settings_of(option.org_id, performance_id)
    placed: list[PlacedLine] = []
    try:
        for line in lines:
            wanted = PlacedLine(line.category_id, line.quantity, line.quota_id)
            if hold or settings.count_against_availability:
                placed.extend(
                    _take_counted(option, performance_id, wanted, deadline, settings, overbook=not hold)
                )
            else:
                _check_overbooking(option, performance_id, wanted, settings.overbooking_percent)
                placed.append(wanted)
    except Exception:
        for line in placed:
            option_stock.release(line)
        raise
    return placed


def _take_counted(
    option: Option, performance_id: str, wanted: PlacedLine, deadline: int, settings, *, overbook: bool
) -> list[PlacedLine]:
    """Hold the places; short of them, and when the activity allows overbooking, hold what is free
    and record the rest as overbooked (holding nothing), within the percent of the category's size."""
    try:
        return [option_stock.take(option.org_id, option.option_id, performance_id, wanted, deadline)]
    except SeatUnavailable as exc:
        available = exc.details.get("available")
        if not overbook or not settings.overbooking_percent or available is None:
            raise
        over = wanted.quantity - available
        size = option_stock.category_size(option.org_id, performance_id, wanted.category_id, wanted.quota_id)
        already = sum(
            line.quantity
            for other in repository.all_of_org(option.org_id)
            if other.option_id != option.option_id
            and other.state in (m.PLACED, m.VALIDATED)
            and other.placed_performance_id == performance_id
            for line in other.placed
            if line.category_id == wanted.category_id and not line.hold_ids
        )
        allowed = (size * settings.overbooking_percent) // 100
        if already + over > allowed:
            raise Conflict(
                "Placing this would overbook the category beyond what is allowed",
                {
                    "field": "lines",
                    "category_id": wanted.category_id,
                    "overbooked": already,
                    "allowed": allowed,
                },
            ) from exc
        lines = []
        if available:
            part = PlacedLine(wanted.category_id, available, wanted.quota_id)
            lines.append(option_stock.take(option.org_id, option.option_id, performance_id, part, deadline))
        lines.append(PlacedLine(wanted.category_id, over, wanted.quota_id))
        return lines


def _check_overbooking(option: Option, performance_id: str, line: PlacedLine, percent: int) -> None:
    """Placements that hold no seats may together exceed what is free by at most `percent`."""
    free = option_stock.free_in_category(option.org_id, performance_id, line.category_id, line.quota_id)
    others = sum(
        placed.quantity
        for other in repository.all_of_org(option.org_id)
        if other.option_id != option.option_id
        and other.state == m.PLACED
        and other.placed_performance_id == performance_id
        for placed in other.placed
        if placed.category_id == line.category_id and not placed.hold_ids
    )
    allowed = free + (free * percent) // 100
    if others + line.quantity > allowed:
        raise Conflict(
            "Placing this would overbook the category beyond what is allowed",
            {
                "field": "lines",
                "category_id": line.category_id,
                "free": free,
                "placed": others,
                "allowed": allowed,
            },
        )


def place(
    org_id: str,
    option_id: str,
    operator: str,
    performance_id: str | None,
    lines: list[LineIn],
    audience_subcategory_id: str | None = None,
    payment_date: str | None = None,
) -> Option:
    """Grant the final quantities on the requested date, a fallback date, or a category up if accepted."""
    option = get(org_id, option_id)
    m.next_state(_situation(option), m.PLACE)
    performance_id = performance_id or option.performance_id
    allowed_dates = {option.performance_id, *option.fallback_performance_ids}
    if performance_id not in allowed_dates:
        raise InvalidInput(
            "Place on the requested date or one of its fallback dates", {"field": "performance_id"}
        )
    lines = _lines(lines)
    _check_categories(option, lines)
    _check_allowed(org_id, performance_id, [line.category_id for line in lines], "lines")
    deadline = _placement_deadline(org_id, performance_id)
    _drop(option.request_holds)  # the request's places give way to what is granted
    try:
        placed = _take(option, performance_id, lines, deadline)
    except Exception:
        if option.request_holds:
            option.request_holds = _hold_request(option)

            def rehold(current: Option, holds: list[PlacedLine] = option.request_holds) -> None:
                current.request_holds = holds

            _update(option_id, rehold)
        raise

    def change(current: Option) -> None:
        current.state = m.next_state(_situation(current), m.PLACE)
        current.placed_performance_id = performance_id
        current.placed = placed
        current.request_holds = []
        current.deadline = deadline
        current.flagged_fits = False
        current.audience_subcategory_id = audience_subcategory_id or current.audience_subcategory_id
        current.payment_date = payment_date or current.payment_date
        current.history.append({"at": _iso(), "state": m.PLACED, "by": operator, "action": m.PLACE})

    try:
        done = _update(option_id, change)
    except Exception:
        for line in placed:
            option_stock.release(line)
        raise
    _notify(done)
    return done


def _check_categories(option: Option, lines: list[LineIn]) -> None:
    """Granted categories are the requested ones, or one category up when the customer accepts it."""
    if not option.requested:  # a direct option: the operator grants what they choose
        return
    requested = set(option.requested)
    ranks = {c.id: c.data["rank"] for c in catalog.all_items(option.org_id, "seat_category")}
    for line in lines:
        if line.category_id in requested:
            continue
        upgrade = any(ranks.get(line.category_id, 99) == ranks.get(r, 0) - 1 for r in requested)
        if not (option.accept_upgrade and upgrade):
            raise InvalidInput(
                "Grant the requested categories (or the next one up when the customer accepts it)",
                {"field": "lines", "category_id": line.category_id},
            )


def modify_placement(org_id: str, option_id: str, operator: str, lines: list[LineIn]) -> Option:
    """Change the granted quantities until the option is ordered: the old stock goes back first."""
    option = get(org_id, option_id)
    m.next_state(_situation(option), m.MODIFY_PLACEMENT)
    lines = _lines(lines)
    _check_categories(option, lines)
    for line in option.placed:
        option_stock.release(line)
    placed = _take(
        option, option.placed_performance_id or option.performance_id, lines, option.deadline or _now()
    )

    def change(current: Option) -> None:
        current.state = m.next_state(_situation(current), m.MODIFY_PLACEMENT)
        current.placed = placed
        current.history.append(
            {"at": _iso(), "state": m.PLACED, "by": operator, "action": m.MODIFY_PLACEMENT}
        )

    return _update(option_id, change)


def direct(org_id: str, operator: str, contact_id: str, performance_id: str, lines: list[LineIn]) -> Option:
    """An option placed at once, without a request (profiles do not apply)."""
    request = RequestIn(performance_id, {line.category_id: line.quantity for line in _lines(lines)})
    option = _new_option(org_id, contact_id, operator, request, None, None)
    option.requested = {}
    repository.create(option)
    return place(org_id, option.option_id, operator, performance_id, lines)


def duplicate(org_id: str, option_id: str, operator: str) -> Option:
    """A new request like this option's (e.g. for another audience subcategory)."""
    source = get(org_id, option_id)
    request = RequestIn(
        source.performance_id,
        dict(source.requested) or {line.category_id: line.quantity for line in source.placed},
        tuple(source.fallback_performance_ids),
        source.accept_upgrade,
        source.remark,
    )
    option = _new_option(org_id, source.contact_id, operator, request, source.channel_id, source.pos_id)
    option.history[0]["note"] = f"duplicate of option {source.number}"
    return _record_request(option)


def refuse(org_id: str, option_id: str, operator: str) -> Option:
    """A pending refusal: the stock goes back now; cancelling the refusal takes it again."""
    option = get(org_id, option_id)
    m.next_state(_situation(option), m.REFUSE)
    _drop(option.placed)
    _drop(option.request_holds)

    def change(current: Option) -> None:
        current.request_holds = []
        current.refused_from = current.state
        current.state = m.next_state(_situation(current), m.REFUSE)
        current.history.append({"at": _iso(), "state": current.state, "by": operator, "action": m.REFUSE})

    refused = _update(option_id, change)
    if option.placed or option.request_holds:
        _stock_returned(org_id, option.placed_performance_id or option.performance_id)
    return refused


def cancel_refusal(org_id: str, option_id: str, operator: str) -> Option:
    option = get(org_id, option_id)
    target = m.next_state(_situation(option), m.CANCEL_REFUSAL)
    placed = option.placed
    if target == m.PLACED and option.placed:
        lines = [LineIn(p.category_id, p.quantity, p.quota_id) for p in option.placed]
        placed = _take(
            option, option.placed_performance_id or option.performance_id, lines, option.deadline or _now()
        )

    def change(current: Option) -> None:
        current.state = m.next_state(_situation(current), m.CANCEL_REFUSAL)
        current.placed = placed
        current.history.append(
            {"at": _iso(), "state": current.state, "by": operator, "action": m.CANCEL_REFUSAL}
        )

    return _update(option_id, change)


def put_on_waiting_list(org_id: str, option_id: str, operator: str) -> Option:
    get(org_id, option_id)
    return _transition(option_id, m.PUT_ON_WAITING_LIST, operator)


def back_to_refused(org_id: str, option_id: str, operator: str) -> Option:
    get(org_id, option_id)
    return _transition(option_id, m.BACK_TO_REFUSED, operator)


def flag_waiting_options(org_id: str, performance_id: str) -> list[Option]:
    """Waiting-list options whose requested places are now free: flagged for operators."""
    flagged = []
    for option in repository.all_of_org(org_id):
        if option.state != m.WAITING_LIST:
            continue
        dates = [option.performance_id, *option.fallback_performance_ids]
        if performance_id not in dates:
            continue
        fits = all(
            option_stock.free_in_category(org_id, performance_id, category_id, None) >= quantity
            for category_id, quantity in option.requested.items()
        )
        if fits != option.flagged_fits:

            def change(current: Option, fits: bool = fits) -> None:
                current.flagged_fits = fits

            option = _update(option.option_id, change)
        if fits:
            flagged.append(option)
    return flagged


def _stock_returned(org_id: str, performance_id: str) -> None:
    """Places went back on a performance: flag the waiting-list options that now fit."""
    try:
        flag_waiting_options(org_id, performance_id)
    except Exception:  # noqa: BLE001 - a flag is a hint to operators, never worth failing the release
        logger.exception("could not flag waiting-list options", extra={"performance_id": performance_id})


def firm(org_id: str, option_id: str, operator: str) -> Option:
    option = get(org_id, option_id)
    m.next_state(_situation(option), m.FIRM)

    def change(current: Option) -> None:
        m.next_state(_situation(current), m.FIRM)
        current.firm = True
        current.history.append({"at": _iso(), "state": current.state, "by": operator, "action": m.FIRM})

    return _update(option_id, change)


@dataclass(frozen=True)
class Outcome:
    option_id: str
    ok: bool
    state: str | None
    order_id: str | None = None
    error: str | None = None


def validate(org_id: str, option_ids: list[str], operator: str) -> list[Outcome]:
    """Validate options: pending refusals become final; placed options become one reservation order
    per contact (their seats stay held until its payment date)."""
    from chalicelib.errors import DomainError

    outcomes: list[Outcome] = []
    by_contact: dict[str, list[Option]] = {}
    for option_id in dict.fromkeys(option_ids):
        try:
            option = get(org_id, option_id)
            m.next_state(_situation(option), m.VALIDATE)
        except DomainError as exc:
            outcomes.append(Outcome(option_id, False, None, error=exc.message))
            continue
        if option.state == m.REFUSAL_PENDING:
            done = _transition(option_id, m.VALIDATE, operator)
            outcomes.append(Outcome(option_id, True, done.state))
        else:
            by_contact.setdefault(option.contact_id, []).append(option)
    for contact_id, options in by_contact.items():
        try:
            order = _order_for(org_id, contact_id, options, operator)
        except DomainError as exc:
            outcomes.extend(Outcome(o.option_id, False, o.state, error=exc.message) for o in options)
            continue
        for option in options:

            def change(current: Option, order_id: str = order.order_id) -> None:
                current.state = m.next_state(_situation(current), m.VALIDATE)
                current.order_id = order_id
                current.history.append(
                    {"at": _iso(), "state": m.VALIDATED, "by": operator, "order_id": order_id}
                )

            done = _update(option.option_id, change)
            outcomes.append(Outcome(option.option_id, True, done.state, order.order_id))
            _notify(done)
    return outcomes


def _notify(option: Option) -> None:
    """The customer's confirmation email with the option's summary; never fails the action."""
    from chalicelib.options import documents

    try:
        documents.send_confirmation(option)
    except Exception:  # noqa: BLE001 - e.g. a contact without an address: the action stands
        logger.exception("option confirmation not sent", extra={"option_id": option.option_id})


def _order_for(org_id: str, contact_id: str, options: list[Option], operator: str):
    """One reservation order holding every validated option's seats until the payment date."""
    from chalicelib.sales import orders

    contact = catalog.get(org_id, "contact", contact_id).data
    for option in options:  # lines that hold nothing (not counted, or overbooked) take their seats now
        if any(not line.hold_ids for line in option.placed):
            performance_id = option.placed_performance_id or option.performance_id
            until = option.deadline or _now() + DAY
            taken: list[PlacedLine] = []
            try:
                for line in option.placed:
                    if line.hold_ids:
                        taken.append(line)
                        continue
                    wanted = [LineIn(line.category_id, line.quantity, line.quota_id)]
                    taken.extend(_take(option, performance_id, wanted, until, hold=True))
            except Exception:
                for line in taken:
                    if line not in option.placed:
                        option_stock.release(line)
                raise
            option.placed = _merge(taken)

            def keep(current: Option, placed: list[PlacedLine] = option.placed) -> None:
                current.placed = placed

            _update(option.option_id, keep)
    deadline = max(_now() + DAY, min(o.deadline or _now() + DAY for o in options))
    places = [
        orders.PlacedPlaces(
            performance_id=o.placed_performance_id or o.performance_id,
            category_id=line.category_id,
            hold_ids=line.hold_ids,
            seat_ids=line.seat_ids,
            area=line.area,
            quantity=line.quantity,
            audience_subcategory_id=o.audience_subcategory_id,
        )
        for o in options
        for line in o.placed
    ]
    return orders.reservation_for_contact(
        org_id, f"contact-{contact_id}", contact["email"], contact["name"], places, deadline, operator
    )


def _merge(lines: list[PlacedLine]) -> list[PlacedLine]:
    """One line per category and quota (a held part and its once-overbooked part become one)."""
    merged: dict[tuple[str, str | None], PlacedLine] = {}
    for line in lines:
        key = (line.category_id, line.quota_id)
        if key not in merged:
            merged[key] = PlacedLine(line.category_id, 0, line.quota_id, [], [], line.area)
        target = merged[key]
        target.quantity += line.quantity
        target.hold_ids += line.hold_ids
        target.seat_ids += line.seat_ids
        target.area = target.area or line.area
    return list(merged.values())


def cancel_validation(org_id: str, option_id: str, operator: str) -> Option:
    """Back to placed while its order is not taken up: the order is cancelled, the seats stay held."""
    from chalicelib.sales import orders

    option = get(org_id, option_id)
    m.next_state(_situation(option), m.CANCEL_VALIDATION)
    if option.order_id:
        orders.detach_reservation(
            org_id,
            option.order_id,
            [h for line in option.placed for h in line.hold_ids],
            option.deadline or _now() + DAY,
            operator,
        )

    def change(current: Option) -> None:
        current.state = m.next_state(_situation(current), m.CANCEL_VALIDATION)
        current.order_id = None
        current.history.append(
            {"at": _iso(), "state": m.PLACED, "by": operator, "action": m.CANCEL_VALIDATION}
        )

    return _update(option_id, change)


def expire(option_id: str) -> bool:
    """An open option past its deadline lapses: its stock goes back at once (option-expiry workflow)."""
    try:
        option = repository.get(option_id)
    except NotFound:
        return False
    if option.state not in m.OPEN_STATES or option.deadline is None or option.deadline > _now():
        return False
    _drop(option.placed)
    _drop(option.request_holds)
    _transition(option_id, m.EXPIRE, "option-expiry", clear_request_holds=True)
    if option.placed or option.request_holds:
        _stock_returned(option.org_id, option.placed_performance_id or option.performance_id)
    return True


def find_lapsed(limit: int) -> list[str]:
    return repository.lapsed_ids(_now(), limit)
