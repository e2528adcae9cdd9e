"""Validating options into one reservation order per contact, and cancelling a validation."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.catalog import service as catalog
from chalicelib.observability import logger
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
    by_contact: dict[str, list[Option]] = {}
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
            by_contact.setdefault(option.contact_id, []).append(option)
    for contact_id, options in by_contact.items():
        try:
            order = order_for(org_id, contact_id, options, operator)
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

            done = update(option.option_id, change)
            outcomes.append(Outcome(option.option_id, True, done.state, order.order_id))
            notify(done)
    return outcomes


def notify(option: Option) -> None:
    """The customer's confirmation email with the option's summary; never fails the action."""
    from chalicelib.options import documents

    try:
        documents.send_confirmation(option)
    except Exception:  # noqa: BLE001 - e.g. a contact without an address: the action stands
        logger.exception("option confirmation not sent", extra={"option_id": option.option_id})


def order_for(org_id: str, contact_id: str, options: list[Option], operator: str):
    """One reservation order holding every validated option's seats until the payment date."""
    from chalicelib.sales import orders

    contact = catalog.get(org_id, "contact", contact_id).data
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
    deadline = max(now() + DAY, min(o.deadline or now() + DAY for o in options))
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


def cancel_validation(org_id: str, option_id: str, operator: str) -> Option:
    """Back to placed while its order is not taken up: the order is cancelled, the seats stay held."""
    from chalicelib.sales import orders

    option = get(org_id, option_id)
    m.next_state(situation(option), m.CANCEL_VALIDATION)
    if option.order_id:
        orders.detach_reservation(
            org_id,
            option.order_id,
            [h for line in option.placed for h in line.hold_ids],
            option.deadline or now() + DAY,
            operator,
        )

    def change(current: Option) -> None:
        current.state = m.next_state(situation(current), m.CANCEL_VALIDATION)
        current.order_id = None
        current.history.append(
            {"at": iso(), "state": m.PLACED, "by": operator, "action": m.CANCEL_VALIDATION}
        )

    return update(option_id, change)
