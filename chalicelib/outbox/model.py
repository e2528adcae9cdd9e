"""Outbox rules as plain Python: what an effect is, its states, and when to try again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib import clock

PENDING = "pending"
SENDING = "sending"  # claimed by a worker until its lease ends
SENT = "sent"  # done (an email sent, a refund made, stock given back)
FAILED = "failed"  # the last attempt failed; tried again after a backoff
DEAD = "dead"  # given up after MAX_ATTEMPTS or a permanent error; an operator may retry it
OBSOLETE = "obsolete"  # no longer to be done (a confirmation whose tickets were cancelled meanwhile)
STATUSES = (PENDING, SENDING, SENT, FAILED, DEAD, OBSOLETE)
UNFINISHED = (PENDING, SENDING, FAILED)

MAX_ATTEMPTS = 8
LEASE_SECONDS = 120  # a worker that dies holding an item gives it up after this
FIRST_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600

# Effects (what the worker does) and their handlers' homes.
EMAIL = "email"
CARD_REFUND = "card_refund"
GIVE_BACK_STOCK = "give_back_stock"
FIGURES = "figures"
CODE_SCANNED = "code_scanned"  # a single-use code's ticket was admitted: the dashboard counts it
CODES_GIVEN_BACK = "codes_given_back"  # a cancelled or expired order's single-use codes are free again
SEASON_TICKETS = "season_tickets"  # an order with season tickets changed: its subscriptions follow
EFFECTS = (EMAIL, CARD_REFUND, GIVE_BACK_STOCK, FIGURES, CODE_SCANNED, CODES_GIVEN_BACK, SEASON_TICKETS)

# The id carries its creation time to the microsecond, so the item's key is rebuilt from it.
ID_TIME = "%Y%m%dT%H%M%S%f"


def new_item_id(moment: datetime) -> str:
    return f"{moment:{ID_TIME}}-{uuid.uuid4().hex}"


def time_of(item_id: str) -> datetime | None:
    """The creation time an id carries, or None for a string that is not one of our ids."""
    stamp, _, rest = item_id.partition("-")
    try:
        created = datetime.strptime(stamp, ID_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None
    return created if len(rest) == 32 else None


@dataclass(frozen=True)
class Effect:
    """One side effect to carry out after the change that causes it has been written."""

    org_id: str
    effect: str
    kind: str  # what an operator reads: order_confirmation, card_refund, ...
    reference: str | None = None  # e.g. the order id
    payload: dict[str, Any] = field(default_factory=dict)
    # emails only: written with the item (cheap); an attachment is drawn by the worker
    to: str | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    created: datetime = field(default_factory=clock.now)
    item_id: str = ""

    def __post_init__(self) -> None:
        if self.effect not in EFFECTS:
            raise ValueError(f"unknown effect {self.effect!r}")
        if not self.item_id:
            object.__setattr__(self, "item_id", new_item_id(self.created))


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s ... up to an hour between attempts."""
    return min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))


def after_failure(attempts: int, permanent: bool) -> str:
    return DEAD if permanent or attempts >= MAX_ATTEMPTS else FAILED
