"""Option requests: by a company's relay online or by an operator for a contact; edits, withdrawal."""

from __future__ import annotations

import uuid

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.customers.company_accounts import check_accepted
from chalicelib.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from chalicelib.observability import logger
from chalicelib.options import model as m
from chalicelib.options import repository
from chalicelib.options.placement import (
    drop,
    hold_request,
)
from chalicelib.options.repository import Option
from chalicelib.options.rules import (
    RequestIn,
    check_allowed,
    check_fallbacks,
    check_limitations,
    check_profile,
    check_request,
    iso,
    now,
    request_deadline,
)
from chalicelib.options.store import (
    follow_order,
    get,
    situation,
    transition,
    update,
)


def new_option(
    org_id: str, contact_id: str, by: str, request: RequestIn, channel_id: str | None, pos_id: str | None
) -> Option:
    check_request(request)
    try:
        contact = catalog.get(org_id, "contact", contact_id).data
    except NotFound:
        raise InvalidInput("No such contact", {"field": "contact_id", "value": contact_id}) from None
    check_dates(org_id, request)
    option_id = uuid.uuid4().hex[:16]
    check_limitations(
        org_id, contact.get("company_id"), request.performance_id, sum(request.quantities.values()), option_id
    )
    event_id = catalog.get(org_id, "performance", request.performance_id).data["event_id"]
    deadline = request_deadline(org_id, request.performance_id)
    if deadline <= now():
        raise InvalidInput("Options on this performance are closed", {"field": "performance_id"})
    return Option(
        option_id=option_id,
        org_id=org_id,
        number=repository.next_number(org_id),
        state=m.REQUESTED,
        contact_id=contact_id,
        company_id=contact.get("company_id"),
        created_at=iso(),
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
        history=[{"at": iso(), "state": m.REQUESTED, "by": by}],
    )


def check_dates(org_id: str, request: RequestIn) -> None:
    """The first choice and its fallback dates (of the same event) take options."""
    check_allowed(org_id, request.performance_id, list(request.quantities))
    check_fallbacks(org_id, request)
    for performance_id in request.fallback_performance_ids:
        check_allowed(org_id, performance_id, list(request.quantities))


def relay_contact(org_id: str, email: str) -> dict:
    """The relay contact the shop account with this e-mail acts for: by an accepted invitation, never by
    the same e-mail alone (auth/relays.py)."""
    from chalicelib.auth.relays import relay_contact_for_email

    contact = relay_contact_for_email(org_id, email)
    if contact is None:
        raise PermissionDenied("Only a company's relay requests options; this account is none", {})
    return contact


def request_online(org_id: str, pos_code: str, email: str, request: RequestIn) -> Option:
    """A company's relay requests an option on a company point of sale; its channel's profile applies."""
    try:
        pos = catalog.get_by_code(org_id, "point_of_sale", pos_code)
    except NotFound:
        raise NotFound(f"No point of sale {pos_code}", {"pos_code": pos_code}) from None
    contact = relay_contact(org_id, email)
    if contact.get("company_id"):
        check_accepted(org_id, contact["company_id"])  # 403 company_not_accepted
    check_request(request)
    profile = check_profile(org_id, pos.data["channel_id"], request, clock.now().date().isoformat())
    option = new_option(
        org_id, contact["id"], f"contact:{contact['id']}", request, pos.data["channel_id"], pos.id
    )
    option.payment_date = str(profile["payment_date"]) if profile.get("payment_date") else None
    record_request(option)
    logger.info("option requested", extra={"option_id": option.option_id, "number": option.number})
    return option


def request_for_contact(org_id: str, operator: str, contact_id: str, request: RequestIn) -> Option:
    """An operator records a contact's request (profiles do not apply to operators)."""
    return record_request(new_option(org_id, contact_id, operator, request, None, None))


def record_request(option: Option) -> Option:
    """Store a new request; when options count against availability, it holds its places first."""
    option.request_holds = hold_request(option)
    try:
        repository.create(option)
    except Exception:
        drop(option.request_holds)
        raise
    return option


def my_options(org_id: str, email: str) -> list[Option]:
    contact = relay_contact(org_id, email)
    return [follow_order(o) for o in repository.all_of_org(org_id) if o.contact_id == contact["id"]]


def my_option(org_id: str, email: str, option_id: str) -> Option:
    contact = relay_contact(org_id, email)
    option = get(org_id, option_id)
    if option.contact_id != contact["id"]:
        raise NotFound(f"Option {option_id} does not exist", {"option_id": option_id})
    return option


def edit_request(org_id: str, email: str, option_id: str, request: RequestIn) -> Option:
    """The customer changes their request until it is placed or its deadline passes."""
    option = my_option(org_id, email, option_id)
    if option.editable_until is not None and now() >= option.editable_until:
        raise Conflict("The request can no longer be changed", {"option_id": option_id})
    return change_request(option, request, f"contact:{option.contact_id}", m.RELAY)


def edit_for_contact(org_id: str, operator: str, option_id: str, request: RequestIn) -> Option:
    """An operator changes a contact's request (the channel's profile does not apply to operators)."""
    return change_request(get(org_id, option_id), request, operator, m.OPERATOR)


def change_request(option: Option, request: RequestIn, by: str, who: str) -> Option:
    org_id = option.org_id
    check_request(request)
    if option.channel_id and who == m.RELAY:
        check_profile(org_id, option.channel_id, request, clock.now().date().isoformat())
    check_dates(org_id, request)
    check_limitations(
        org_id, option.company_id, request.performance_id, sum(request.quantities.values()), option.option_id
    )
    m.next_state(situation(option), m.EDIT_REQUEST, who)
    event_id = catalog.get(org_id, "performance", request.performance_id).data["event_id"]
    drop(option.request_holds)
    option.performance_id, option.requested = request.performance_id, dict(request.quantities)
    holds = hold_request(option)

    def change(current: Option) -> None:
        current.state = m.next_state(situation(current), m.EDIT_REQUEST, who)
        current.request_holds = holds
        current.event_id = event_id
        current.performance_id = request.performance_id
        current.fallback_performance_ids = list(request.fallback_performance_ids)
        current.requested = dict(request.quantities)
        current.accept_upgrade = request.accept_upgrade
        current.remark = request.remark
        current.history.append({"at": iso(), "state": current.state, "by": by, "note": "edited"})

    try:
        return update(option.option_id, change)
    except Exception:
        drop(holds)
        raise


def withdraw(org_id: str, email: str, option_id: str) -> Option:
    """The customer withdraws their request."""
    return remove_request(my_option(org_id, email, option_id), "customer", m.RELAY)


def delete_for_contact(org_id: str, operator: str, option_id: str) -> Option:
    """An operator deletes a contact's request (it stays listed, cancelled, with its history)."""
    return remove_request(get(org_id, option_id), operator, m.OPERATOR)


def remove_request(option: Option, by: str, who: str) -> Option:
    m.next_state(situation(option), m.WITHDRAW, who)
    drop(option.request_holds)
    return transition(option.option_id, m.WITHDRAW, by, clear_request_holds=True)


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
    option = new_option(org_id, source.contact_id, operator, request, source.channel_id, source.pos_id)
    option.history[0]["note"] = f"duplicate of option {source.number}"
    return record_request(option)
