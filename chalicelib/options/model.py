"""Options as plain Python: their states, the operator's actions, and the one table of transitions.

The life cycle of the seed (pose d'option):
- a customer (or an operator for them) REQUESTS seats: a performance, up to 3 fallback dates,
  quantities per seat category, "the next category up if mine is full", a remark;
- an operator PLACES it with the quantities finally granted (or places one directly, without a
  request), may MODIFY the placement until it is ordered, REFUSE it (a pending refusal, reversible),
  put a refused option on the WAITING LIST and back to refused, VALIDATE placed options (a
  reservation order per contact) and pending refusals (the refusal becomes final), CANCEL a
  validation while its order is not taken up, and make a validated option FIRM (no more changes);
- an option past its deadline EXPIRES (the option-expiry workflow); its stock goes back at once;
- a validated option then moves with its order: TAKEN UP when it is paid, EXPIRED or CANCELLED with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.errors import InvalidTransition

REQUESTED = "requested"
PLACED = "placed"
REFUSAL_PENDING = "refusal_pending"
WAITING_LIST = "waiting_list"
VALIDATED = "validated"
REFUSED = "refused"
CANCELLED = "cancelled"
EXPIRED = "expired"
TAKEN_UP = "taken_up"  # its order is paid: the tickets are issued
STATES = (REQUESTED, PLACED, REFUSAL_PENDING, WAITING_LIST, VALIDATED, TAKEN_UP, REFUSED, CANCELLED, EXPIRED)
# States that hold (or may hold) stock and can still lapse.
OPEN_STATES = (REQUESTED, PLACED, WAITING_LIST, REFUSAL_PENDING)

EDIT_REQUEST = "edit_request"  # the customer changes their request (until its deadline)
WITHDRAW = "withdraw"  # the customer withdraws their request
PLACE = "place"
MODIFY_PLACEMENT = "modify_placement"
REFUSE = "refuse"
CANCEL_REFUSAL = "cancel_refusal"
PUT_ON_WAITING_LIST = "put_on_waiting_list"
BACK_TO_REFUSED = "back_to_refused"
VALIDATE = "validate"
CANCEL_VALIDATION = "cancel_validation"
FIRM = "firm"
EXPIRE = "expire"
TAKE_UP = "take_up"  # the option's order was paid
CANCEL_ORDER = "cancel_order"  # the option's order was cancelled
ACTIONS = (
    EDIT_REQUEST,
    WITHDRAW,
    PLACE,
    MODIFY_PLACEMENT,
    REFUSE,
    CANCEL_REFUSAL,
    PUT_ON_WAITING_LIST,
    BACK_TO_REFUSED,
    VALIDATE,
    CANCEL_VALIDATION,
    FIRM,
    EXPIRE,
    TAKE_UP,
    CANCEL_ORDER,
)
# What the system does (deadlines, the order's payment or end), never offered to a person.
SYSTEM_ACTIONS = (EXPIRE, TAKE_UP, CANCEL_ORDER)
# What a customer's relay may do with their own request online.
RELAY_ACTIONS = (EDIT_REQUEST, WITHDRAW)
OPERATOR = "operator"
RELAY = "relay"

# The only allowed transitions: (state, action) -> state. CANCEL_REFUSAL returns to the state the
# option was refused from (placed or requested): see `next_state`.
TRANSITIONS: dict[tuple[str, str], str] = {
    (REQUESTED, EDIT_REQUEST): REQUESTED,
    (REQUESTED, WITHDRAW): CANCELLED,
    (REQUESTED, PLACE): PLACED,
    (REQUESTED, REFUSE): REFUSAL_PENDING,
    (REQUESTED, EXPIRE): EXPIRED,
    (PLACED, MODIFY_PLACEMENT): PLACED,
    (PLACED, REFUSE): REFUSAL_PENDING,
    (PLACED, VALIDATE): VALIDATED,
    (PLACED, EXPIRE): EXPIRED,
    (REFUSAL_PENDING, CANCEL_REFUSAL): PLACED,
    (REFUSAL_PENDING, PUT_ON_WAITING_LIST): WAITING_LIST,
    (REFUSAL_PENDING, VALIDATE): REFUSED,
    (REFUSAL_PENDING, EXPIRE): EXPIRED,
    (WAITING_LIST, BACK_TO_REFUSED): REFUSAL_PENDING,
    (WAITING_LIST, PLACE): PLACED,
    (WAITING_LIST, EXPIRE): EXPIRED,
    (VALIDATED, CANCEL_VALIDATION): PLACED,
    (VALIDATED, FIRM): VALIDATED,
    (VALIDATED, TAKE_UP): TAKEN_UP,
    (VALIDATED, EXPIRE): EXPIRED,
    (VALIDATED, CANCEL_ORDER): CANCELLED,
    (TAKEN_UP, CANCEL_ORDER): CANCELLED,
}


@dataclass(frozen=True)
class Situation:
    """What besides the state decides whether an action is allowed."""

    state: str
    refused_from: str | None = None  # the state a pending refusal came from
    firm: bool = False
    order_taken_up: bool = False  # the validation's order was paid or otherwise taken up
    direct: bool = False  # placed at once online (a direct option): its relay confirms it


def next_state(situation: Situation, action: str, who: str = OPERATOR) -> str:
    """Where `action` leads from `situation`; InvalidTransition naming what `who` may do otherwise."""
    target = TRANSITIONS.get((situation.state, action))
    reason = None
    if target is None:
        reason = f"an option in state {situation.state} cannot take the action {action}"
    elif situation.state == VALIDATED and situation.firm and action not in SYSTEM_ACTIONS:
        reason = "a firm option no longer changes"
    elif action == CANCEL_VALIDATION and situation.order_taken_up:
        reason = "its order has been taken up"
    if reason is not None:
        raise InvalidTransition(
            f"Not allowed: {reason}",
            {"state": situation.state, "action": action, "allowed": allowed_actions(situation, who)},
        )
    if action == CANCEL_REFUSAL:
        return situation.refused_from or REQUESTED
    return target


def allowed_actions(situation: Situation, who: str = OPERATOR) -> list[str]:
    """The actions an operator (or a relay) may take now, in the order of ACTIONS."""
    allowed = []
    for action in ACTIONS:
        if (situation.state, action) not in TRANSITIONS or action in SYSTEM_ACTIONS:
            continue
        if who == RELAY and action not in RELAY_ACTIONS and not _relay_confirms(situation, action):
            continue
        if situation.state == VALIDATED and situation.firm:
            continue
        if action == CANCEL_VALIDATION and situation.order_taken_up:
            continue
        allowed.append(action)
    return allowed


def _relay_confirms(situation: Situation, action: str) -> bool:
    """A direct option (placed at once online) is confirmed into its order by its relay."""
    return situation.direct and situation.state == PLACED and action == VALIDATE


def holds_stock(state: str) -> bool:
    """Placed and validated options keep their seats; the others hold none."""
    return state in (PLACED, VALIDATED)
