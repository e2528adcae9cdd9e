"""Validating options into one reservation order per contact, and cancelling a validation."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.catalog import service as catalog
from chalicelib.errors import InvalidInput
from chalicelib.options import model as m
from chalicelib.options import stock as option_stock
from chalicelib.options.placement import (
    merge,
    take_stock,
)
from chalicelib.options.repository import Option, PlacedLine
from chalicelib.options.rules import (
    DAY,
    LineIn,
    iso,
    now,
    payment_deadline,
)
from chalicelib.options.store import (
    get,
    situation,
    transition,
    update,
)


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
    by_contact: dict[tuple[str, str | None], list[Option]] = {}
    for option_id in dict.fromkeys(option_ids):
        try:
            option = get(org_id, option_id)
            m.next_state(situation(option), m.VALIDATE)
        except DomainError as exc:
            outcomes.append(Outcome(option_id, False, None, error=exc.message))
            continue
        if option.state == m.REFUSAL_PENDING:
            done = transition(option_id, m.VALIDATE, operator)
            outcomes.append(Outcome(option_id, True, done.state))
        else:
            by_contact.setdefault((option.contact_id, option.into_order_id), []).append(option)
    for (contact_id, into_order_id), options in by_contact.items():
        try:
            order = order_for(org_id, contact_id, options, operator, into_order_id)
        except DomainError as exc:
            outcomes.extend(Outcome(o.option_id, False, o.state, error=exc.message) for o in options)
            continue
        for option in options:

            def change(current: Option, order_id: str = order.order_id) -> None:
                current.state = m.next_state(situation(current), m.VALIDATE)
                current.order_id = order_id
                current.history.append(
                    {"at": iso(), "state": m.VALIDATED, "by": operator, "order_id": order_id}
                )

            done = update(option.option_id, change, confirmation)
            outcomes.append(Outcome(option.option_id, True, done.state, order.order_id))
    return outcomes


def confirmation(option: Option) -> list:
    """The customer's confirmation email with the option's summary, written with the option's change
    (none for a contact without an address: the action stands)."""
    from chalicelib.options import documents

    return [documents.confirmation_effect(option)]


def order_for(
    org_id: str, contact_id: str, options: list[Option], operator: str, into_order_id: str | None = None
):
    """One reservation order holding every validated option's seats until the payment date: a new
    one, or the contact's reservation chosen at placement."""
    from chalicelib.sales import orders, reservations

    contact = catalog.get(org_id, "contact", contact_id).data
    deadline = reservation_deadline(options)
    for option in options:  # lines that hold nothing (not counted, or overbooked) take their seats now
        if any(not line.hold_ids for line in option.placed):
            performance_id = option.placed_performance_id or option.performance_id
            until = option.deadline or now() + DAY
            taken: list[PlacedLine] = []
            try:
                for line in option.placed:
                    if line.hold_ids:
                        taken.append(line)
                        continue
                    wanted = [LineIn(line.category_id, line.quantity, line.quota_id)]
                    taken.extend(take_stock(option, performance_id, wanted, until, hold=True))
            except Exception:
                for line in taken:
                    if line not in option.placed:
                        option_stock.release(line)
                raise
            option.placed = merge(taken)

            def keep(current: Option, placed: list[PlacedLine] = option.placed) -> None:
                current.placed = placed

            update(option.option_id, keep)
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
    if into_order_id:
        return reservations.add_to_reservation(
            org_id, into_order_id, f"contact-{contact_id}", places, deadline, operator
        )
    points = {(o.pos_id, o.channel_id) for o in options}
    pos_id, channel_id = points.pop() if len(points) == 1 else (None, None)
    return orders.reservation_for_contact(
        org_id,
        f"contact-{contact_id}",
        contact["email"],
        contact["name"],
        places,
        deadline,
        operator,
        pos_id,
        channel_id,
    )


def reservation_deadline(options: list[Option]) -> int:
    """Payable until the earliest payment date of the placements (its end), else for at least a day
    and until the options' deadline."""
    moment = now()
    deadlines = []
    for option in options:
        paid_by = payment_deadline(
            option.org_id, option.placed_performance_id or option.performance_id, option.payment_date
        )
        if paid_by is not None and paid_by <= moment:
            raise InvalidInput(
                f"The payment date of option {option.number} has passed; modify its placement",
                {"field": "payment_date", "option_id": option.option_id, "value": option.payment_date},
            )
        deadlines.append(paid_by or max(moment + DAY, option.deadline or moment + DAY))
    return min(deadlines)


def cancel_validation(org_id: str, option_id: str, operator: str) -> Option:
    """Back to placed while its order is not taken up: the option's lines leave the order (cancelled
    when it held nothing else), the seats stay held for the option."""
    from chalicelib.sales import reservations

    option = get(org_id, option_id)
    m.next_state(situation(option), m.CANCEL_VALIDATION)
    if option.order_id:
        reservations.detach_reservation(
            org_id,
            option.order_id,
            [h for line in option.placed for h in line.hold_ids],
            option.deadline or now() + DAY,
            operator,
        )

    def change(current: Option) -> None:
        # its order was just cancelled (or left): judged as before, not as an order no longer open
        before = m.Situation(current.state, current.refused_from, current.firm)
        current.state = m.next_state(before, m.CANCEL_VALIDATION)
        current.order_id = None
        current.history.append(
            {"at": iso(), "state": m.PLACED, "by": operator, "action": m.CANCEL_VALIDATION}
        )

    return update(option_id, change)
