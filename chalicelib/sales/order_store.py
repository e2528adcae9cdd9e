"""One order's reads and writes: ids, optimistic changes, transitions, its tickets."""

from __future__ import annotations

import copy
import secrets
from datetime import datetime

from chalicelib import versioned
from chalicelib.advantages import order_codes
from chalicelib.advantages.order_codes import Use
from chalicelib.clock import iso
from chalicelib.db import shared_reads
from chalicelib.errors import (
    Conflict,
)
from chalicelib.owned import yours
from chalicelib.sales import repository, ticket_repository
from chalicelib.sales.carts import Buyer
from chalicelib.sales.documents import Consequences, Order, Ticket
from chalicelib.sales.model import CANCELLED, EXPIRED, next_state

# A card payment session lasts this long; the seats stay held for it.
PAYMENT_WINDOW_SECONDS = 15 * 60
# Card attempts per order: each keeps the seats held for another payment window.
MAX_CARD_ATTEMPTS = 3
SAVE_ATTEMPTS = 8
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_order_id(moment: datetime) -> str:
    """A short reference a person can read out: the day, then 8 unambiguous random characters."""
    return moment.strftime("%y%m%d") + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def update(order_id: str, change, known: Order | None = None) -> Order:
    """Read, change and write the order, again if someone else wrote it meanwhile.

    `change` returns False for "nothing to write", or the Consequences (outbox effects, money given
    back) to write in the same transaction as the order. `known`: the order as this request just
    read or wrote it, used instead of the first read (a copy: the caller's is left as it is); if it
    is no longer the stored version, the write is refused and the order read again.
    """
    first = [copy.deepcopy(known)] if known is not None else []
    return versioned.update(
        lambda: first.pop() if first else repository.get_order(order_id),
        change,
        lambda order, outcome: repository.save_order(
            order, outcome if isinstance(outcome, Consequences) else None
        ),
        lambda: Conflict("The order kept changing; try again", {"order_id": order_id}),
        SAVE_ATTEMPTS,
        versioned.jitter,
    )


def transition(order_id: str, action: str, by: str, note: str | None = None, consequences=None) -> Order:
    """Move the order on; `consequences(order)` (read as changed) gives what to write with it."""

    def change(current: Order) -> Consequences:
        current.status = next_state(current.status, action)
        current.deadline = None
        entry = {"at": iso(), "status": current.status, "by": by}
        if note:
            entry["note"] = note
        current.history.append(entry)
        outcome = consequences(current) if consequences else Consequences()
        if current.status in (CANCELLED, EXPIRED):
            outcome.add(_advantages_back(current))
        return outcome

    return update(order_id, change)


def _advantages_back(order: Order) -> Consequences:
    """A cancelled or expired order no longer counts against quotas, caps and promo uses (given back in
    its own transaction), and its single-use codes are free again (by the outbox)."""
    use = Use.from_dict(order.advantage_use)
    if not use:
        return Consequences()
    return Consequences(
        effects=order_codes.give_back_effects(order.org_id, order.order_id, use),
        writes=order_codes.give_back_writes(use),
    )


def get_order(org_id: str, order_id: str, buyer: Buyer) -> Order:
    """The buyer's own order; another buyer's order does not exist for them."""
    return yours(
        lambda: repository.get_order(order_id),
        lambda order: order.org_id == org_id and order.owner == buyer.buyer_id,
        "Order",
        order_id,
    )


def order_for_operator(org_id: str, order_id: str) -> Order:
    """The organisation's order; another organisation's does not exist for its operators."""
    return yours(lambda: repository.get_order(order_id), lambda o: o.org_id == org_id, "Order", order_id)


def tickets_of(order: Order) -> list[Ticket]:
    """The order's e-tickets (issued once it is paid)."""
    return ticket_repository.get_tickets([line.ticket_id for line in order.lines])


def order_for_effects(order_id: str) -> Order:
    """The order as the outbox worker's effects read it: once per batch (see `db.shared_reads`), so
    that a purchase's confirmation and figures read it once between them."""
    return shared_reads.remembered(("order", order_id), lambda: repository.get_order(order_id))


def tickets_for_effects(order: Order) -> list[Ticket]:
    """The order's e-tickets, read once per batch as `order_for_effects` reads the order."""
    return shared_reads.remembered(("tickets", order.order_id, order.version), lambda: tickets_of(order))
