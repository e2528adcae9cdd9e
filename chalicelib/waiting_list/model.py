"""Waiting-list entries as plain Python: what a shopper asks for, an entry's states, and seat choice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from chalicelib.errors import Conflict, InvalidTransition
from chalicelib.inventory import seat_picking
from chalicelib.inventory.seat_picking import Pick, PickSeat

# Entry statuses. An entry waits, is offered seats, then ends: bought (the offer became an order),
# lapsed (the offer was not used in time), left (by the shopper), removed (by an operator) or closed
# (the performance was cancelled or has started).
WAITING, OFFERED = "waiting", "offered"
BOUGHT, LAPSED, LEFT, REMOVED, CLOSED = "bought", "lapsed", "left", "removed", "closed"
STATUSES = (WAITING, OFFERED, BOUGHT, LAPSED, LEFT, REMOVED, CLOSED)
LIVE = (WAITING, OFFERED)

# Offer statuses: offered (seats held, email sent), taken (the shopper opened the link: a cart holds
# the seats), then bought, expired (not bought in time) or withdrawn (left, removed, closed).
OFFER_OPEN, OFFER_TAKEN = "offered", "taken"
OFFER_BOUGHT, OFFER_EXPIRED, OFFER_WITHDRAWN = "bought", "expired", "withdrawn"

# Actions and the transition table: (status, action) -> new status.
OFFER, BUY, LAPSE, LEAVE, REMOVE, CLOSE = "offer", "buy", "lapse", "leave", "remove", "close"
MOVES = {
    (WAITING, OFFER): OFFERED,
    (OFFERED, BUY): BOUGHT,
    (OFFERED, LAPSE): LAPSED,
    (WAITING, LEAVE): LEFT,
    (OFFERED, LEAVE): LEFT,
    (WAITING, REMOVE): REMOVED,
    (OFFERED, REMOVE): REMOVED,
    (WAITING, CLOSE): CLOSED,
    (OFFERED, CLOSE): CLOSED,
}
OFFER_ENDS = {BUY: OFFER_BOUGHT, LAPSE: OFFER_EXPIRED, LEAVE: OFFER_WITHDRAWN, REMOVE: OFFER_WITHDRAWN}
OFFER_ENDS[CLOSE] = OFFER_WITHDRAWN

ERASED = "erased"
# Personal data of a list's entries is erased this long after its performance starts.
ERASE_AFTER_SECONDS = 24 * 3600


class NotSoldOut(Conflict):
    """Seats are free for this request: buy them instead of waiting."""

    code = "not_sold_out"


class WaitingListClosed(Conflict):
    """The performance's waiting list is closed (cancelled or started)."""

    code = "waiting_list_closed"


@dataclass(frozen=True)
class Request:
    quantity: int
    min_quantity: int
    category_id: str | None  # None: any seat category
    accepts_apart: bool

    def sizes(self) -> range:
        """The quantities an offer may hold, most first."""
        return range(self.quantity, self.min_quantity - 1, -1)


@dataclass(frozen=True)
class OfferedSeat:
    seat_id: str
    category_id: str | None
    block: str | None
    row: str | None
    number: str | None


@dataclass
class Offer:
    hold_id: str
    seats: list[OfferedSeat]
    offered_at: int
    expires_at: int
    status: str = OFFER_OPEN
    cart_id: str | None = None
    ended_at: int | None = None
    area: str | None = None  # standing places instead of seats: the area, how many, their category
    places: int = 0
    category_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in (OFFER_OPEN, OFFER_TAKEN)

    @property
    def quantity(self) -> int:
        return len(self.seats) + self.places

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Offer:
        seats = [OfferedSeat(**s) for s in data.get("seats") or []]
        return cls(**{**data, "seats": seats})


@dataclass
class Entry:
    org_id: str
    performance_id: str
    entry_id: str
    sk: str
    buyer_id: str
    pos_code: str
    email: str | None
    name: str | None
    request: Request
    status: str
    joined_at: str
    offer: Offer | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    version: int = 1

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    @property
    def is_erased(self) -> bool:
        return self.buyer_id == ERASED

    def document(self) -> dict[str, Any]:
        return {
            "request": asdict(self.request),
            "email": self.email,
            "name": self.name,
            "offer": self.offer.to_dict() if self.offer else None,
            "history": self.history,
        }


def move(entry: Entry, action: str, at: int, by: str) -> Entry:
    """Apply an action by the table; InvalidTransition (409) when the entry's status does not allow it."""
    new = MOVES.get((entry.status, action))
    if new is None:
        raise InvalidTransition(
            f"A waiting-list entry that is {entry.status} cannot {action}",
            {"entry_id": entry.entry_id, "status": entry.status, "action": action},
        )
    entry.status = new
    if entry.offer is not None and entry.offer.is_open and action in OFFER_ENDS:
        entry.offer.status, entry.offer.ended_at = OFFER_ENDS[action], at
    entry.history.append({"at": at, "action": action, "status": new, "by": by})
    return entry


def erase(entry: Entry) -> Entry:
    """Forget who the entry was for: name, email and the shopper's id; what was asked and offered stays."""
    entry.email, entry.name, entry.buyer_id = None, None, ERASED
    return entry


def positions(entries: Sequence[Entry]) -> dict[str, int]:
    """Each waiting entry's place in the queue (1 is next), in the order of arrival."""
    waiting = [e for e in sorted(entries, key=lambda e: e.sk) if e.status == WAITING]
    return {e.entry_id: n for n, e in enumerate(waiting, start=1)}


def choose_seats(
    seats: Sequence[PickSeat], categories: Sequence[str], request: Request
) -> tuple[str, Pick] | None:
    """The seats to offer for a request among free ones (`free` on each), or None if none fit.

    Most seats first (down to the minimum the shopper accepts); for each quantity, the requested
    category or else each category in rank order; best available, together in a row unless the
    shopper accepts seats apart. Returned seats come back where they fall: an offer may leave a lone
    seat (the orphan rule is the shop's, for buyers choosing among many free seats).
    """
    wanted = [request.category_id] if request.category_id else list(categories)
    rule = seat_picking.OrphanRule(always_allow=True)
    for quantity in request.sizes():
        for category in wanted:
            try:
                pick = seat_picking.best_available(seats, category, quantity, rule=rule)
            except (seat_picking.NotEnoughSeats, seat_picking.OrphanSeatsRefused):
                continue
            if pick.adjacent or request.accepts_apart or quantity == 1:
                return category, pick
    return None
