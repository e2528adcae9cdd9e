"""Single-use codes: generated or imported in batches, claimed by a cart, used once, revoked with a reason."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from chalicelib import clock
from chalicelib.advantages import code_repository, repository
from chalicelib.advantages.conditions import refusal
from chalicelib.advantages.model import (
    MAX_CODES_PER_CALL,
    Advantage,
    CodeRefused,
    SingleUseCode,
    State,
    check_count,
    new_code,
    normalise_code,
    refuse,
)
from chalicelib.advantages.repository import ADVANTAGE
from chalicelib.errors import AlreadyExists, Conflict, InvalidInput

# Drawing again after a collision: with 31**10 codes a second collision in a row means a broken generator.
DRAWS = 5


@dataclass(frozen=True)
class Batch:
    batch_id: str
    advantage_id: str
    codes: list[str]


def _codes_advantage(org_id: str, advantage_id: str) -> Advantage:
    advantage = repository.get(org_id, ADVANTAGE, advantage_id)
    if advantage.target.type != "single_use_codes":
        raise Conflict(
            "Only an advantage whose target is single-use codes has codes",
            {"field": "target.type", "target": advantage.target.type},
        )
    if advantage.state == State.CLOSED:
        raise Conflict("The advantage is closed", {"advantage_id": advantage_id})
    return advantage


def generate_codes(org_id: str, advantage_id: str, count: int, contact_id: str | None = None) -> Batch:
    """`count` (at most 1,000) new unguessable codes for the advantage, unique in the organisation."""
    check_count(count)
    _codes_advantage(org_id, advantage_id)
    batch_id, at = uuid.uuid4().hex[:12], clock.iso()
    pending, written = _draw(count, set()), []
    for _ in range(DRAWS):
        unwritten, taken = code_repository.put_codes(org_id, advantage_id, pending, batch_id, contact_id, at)
        written += [code for code in pending if code not in set(unwritten)]
        if not unwritten:
            return Batch(batch_id, advantage_id, written)
        pending = [code for code in unwritten if code not in set(taken)] + _draw(len(taken), set(written))
    raise Conflict("Could not draw unique codes; try again", {"written": len(written)})


def _draw(count: int, avoid: set[str]) -> list[str]:
    drawn: list[str] = []
    while len(drawn) < count:
        code = new_code()
        if code not in avoid:
            avoid.add(code)
            drawn.append(code)
    return drawn


def import_codes(org_id: str, advantage_id: str, codes: list[str], contact_id: str | None = None) -> Batch:
    """Codes from a list (a partner's own), refused as a whole if one repeats or already exists."""
    if len(codes) > MAX_CODES_PER_CALL:
        raise InvalidInput(f"Import at most {MAX_CODES_PER_CALL} codes at once", {"field": "codes"})
    normalised = [normalise_code(code) for code in codes]
    repeated = sorted(code for code, times in Counter(normalised).items() if times > 1)
    if repeated:
        raise InvalidInput("The list repeats codes", {"field": "codes", "codes": repeated[:20]})
    _codes_advantage(org_id, advantage_id)
    taken = code_repository.existing(org_id, normalised)
    if taken:
        raise AlreadyExists("These codes exist already", {"field": "codes", "codes": taken[:20]})
    batch_id = uuid.uuid4().hex[:12]
    at = clock.iso()
    unwritten, taken = code_repository.put_codes(org_id, advantage_id, normalised, batch_id, contact_id, at)
    if taken:  # another import took them meanwhile: the rest of their chunk was not written either
        details = {"field": "codes", "codes": taken[:20], "unwritten": len(unwritten)}
        raise AlreadyExists("These codes were taken meanwhile", details)
    return Batch(batch_id, advantage_id, normalised)


def list_codes(org_id: str, advantage_id: str, after: str | None = None, limit: int = 100):
    repository.get(org_id, ADVANTAGE, advantage_id)  # 404 for an unknown advantage
    return code_repository.list_codes(org_id, advantage_id, after and normalise_code(after), limit)


def resolve(org_id: str, typed: str) -> tuple[str, str, str]:
    """What a code typed on a cart is: (kind, advantage or promo id, the code), or refused as unknown."""
    code = normalise_code(typed)
    found = repository.find_code(org_id, code) if code else None
    if found is None:
        raise refuse("unknown", "No such code", code=code)
    return found[0], found[1], code


def _single_use(org_id: str, typed: str) -> tuple[str, str]:
    kind, advantage_id, code = resolve(org_id, typed)
    if kind != "single_use":
        raise refuse("not_single_use", "This code is not a single-use code", code=code)
    return advantage_id, code


def claim_code(
    org_id: str, typed: str, cart_id: str, expires_at: int, channel_id: str | None = None
) -> SingleUseCode:
    """Put a single-use code in a cart until the cart expires; refused (naming why) unless it is free,
    its cart expired, or it is already in this cart."""
    advantage_id, code = _single_use(org_id, typed)
    advantage = repository.get(org_id, ADVANTAGE, advantage_id)
    reason = refusal(advantage, clock.now(), channel_id or "", None) if channel_id else None
    if reason is None and advantage.state != State.IN_OPERATION:
        reason = "not_in_operation"
    if reason:
        raise refuse(reason, f"The code's advantage is {reason.replace('_', ' ')}", code=code)
    code_repository.claim(org_id, advantage_id, code, cart_id, expires_at, clock.seconds())
    return code_repository.get_code(org_id, advantage_id, code)


def release_code(org_id: str, typed: str, cart_id: str) -> bool:
    advantage_id, code = _single_use(org_id, typed)
    return code_repository.release(org_id, advantage_id, code, cart_id)


def use_code(org_id: str, typed: str, cart_id: str, order_id: str, buyer: str) -> None:
    """The order uses the code: exactly once, whatever runs at the same time."""
    advantage_id, code = _single_use(org_id, typed)
    code_repository.use(org_id, advantage_id, code, cart_id, order_id, buyer, clock.seconds(), clock.iso())


def give_back_code(org_id: str, typed: str, order_id: str) -> bool:
    """A cancelled order gives its code back, free for another order."""
    advantage_id, code = _single_use(org_id, typed)
    return code_repository.give_back(org_id, advantage_id, code, order_id)


def revoke_codes(org_id: str, advantage_id: str, codes: list[str], reason: str) -> dict[str, str]:
    """Revoke each code that is not used yet; the outcome per code ("revoked" or why not)."""
    repository.get(org_id, ADVANTAGE, advantage_id)
    outcomes: dict[str, str] = {}
    for typed in codes:
        code = normalise_code(typed)
        try:
            code_repository.revoke(org_id, advantage_id, code, reason, clock.seconds())
            outcomes[code] = "revoked"
        except CodeRefused as exc:
            outcomes[code] = exc.details["reason"]
    return outcomes
