"""Single-use codes: generated or imported in batches, claimed by a cart, used once, revoked with a reason."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from chalicelib import clock
from chalicelib.advantages import batch_repository, code_repository, repository
from chalicelib.advantages.batch_model import FAILED, GENERATED, GENERATING, IMPORTED, READY, CodeBatch
from chalicelib.advantages.conditions import refusal
from chalicelib.advantages.model import (
    MAX_CODES_PER_CALL,
    Advantage,
    CodeRefused,
    CodeState,
    SingleUseCode,
    State,
    check_count,
    new_code,
    normalise_code,
    refuse,
)
from chalicelib.advantages.repository import ADVANTAGE
from chalicelib.errors import AlreadyExists, Conflict, InvalidInput, NotFound

# Drawing again after a collision: with 31**10 codes a second collision in a row means a broken generator.
DRAWS = 5


@dataclass(frozen=True)
class Batch:
    batch_id: str
    advantage_id: str
    codes: list[str]


def advantage_of(org_id: str, advantage_id: str) -> Advantage:
    return repository.get(org_id, ADVANTAGE, advantage_id)


def codes_advantage(org_id: str, advantage_id: str) -> Advantage:
    """The advantage, if codes may be added to it: single-use codes as its target, not closed."""
    advantage = repository.get(org_id, ADVANTAGE, advantage_id)
    if advantage.target.type != "single_use_codes":
        raise Conflict(
            "Only an advantage whose target is single-use codes has codes",
            {"field": "target.type", "target": advantage.target.type},
        )
    if advantage.state == State.CLOSED:
        raise Conflict("The advantage is closed", {"advantage_id": advantage_id})
    return advantage


def generate_codes(
    org_id: str, advantage_id: str, count: int, contact_id: str | None = None, created_by: str | None = None
) -> Batch:
    """`count` (at most 1,000) new unguessable codes for the advantage, unique in the organisation, as
    a batch (recorded with its counters: see batches.py for larger batches)."""
    check_count(count)
    codes_advantage(org_id, advantage_id)
    batch = new_batch(org_id, advantage_id, GENERATED, count, contact_id, created_by)
    with _failing(org_id, batch):
        written = _write_drawn(org_id, advantage_id, batch.batch_id, count, contact_id, batch.created_at)
    batch_repository.set_status(org_id, advantage_id, batch.batch_id, READY)
    return Batch(batch.batch_id, advantage_id, written)


def new_batch(
    org_id: str, advantage_id: str, source: str, count: int, contact_id: str | None, by: str | None
) -> CodeBatch:
    batch = CodeBatch(
        batch_id=uuid.uuid4().hex[:12],
        advantage_id=advantage_id,
        source=source,
        requested=count,
        status=GENERATING,
        contact_id=contact_id,
        created_at=clock.iso(),
        created_by=by,
    )
    return batch_repository.create(org_id, batch)


@contextmanager
def _failing(org_id: str, batch: CodeBatch) -> Iterator[None]:
    """A batch whose writing fails is marked failed (the codes written stay, counted)."""
    try:
        yield
    except Exception as exc:
        batch_repository.set_status(org_id, batch.advantage_id, batch.batch_id, FAILED, str(exc))
        raise


def _write_drawn(
    org_id: str, advantage_id: str, batch_id: str, count: int, contact_id: str | None, at: str | None
) -> list[str]:
    pending, written = _draw(count, set()), []
    for _ in range(DRAWS):
        unwritten, taken = code_repository.put_codes(org_id, advantage_id, pending, batch_id, contact_id, at)
        written += [code for code in pending if code not in set(unwritten)]
        if not unwritten:
            return written
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


def import_codes(
    org_id: str,
    advantage_id: str,
    codes: list[str],
    contact_id: str | None = None,
    created_by: str | None = None,
) -> Batch:
    """Codes from a list (a partner's own), refused as a whole if one repeats or already exists."""
    if len(codes) > MAX_CODES_PER_CALL:
        raise InvalidInput(f"Import at most {MAX_CODES_PER_CALL} codes at once", {"field": "codes"})
    normalised = [normalise_code(code) for code in codes]
    repeated = sorted(code for code, times in Counter(normalised).items() if times > 1)
    if repeated:
        raise InvalidInput("The list repeats codes", {"field": "codes", "codes": repeated[:20]})
    codes_advantage(org_id, advantage_id)
    taken = code_repository.existing(org_id, normalised)
    if taken:
        raise AlreadyExists("These codes exist already", {"field": "codes", "codes": taken[:20]})
    batch = new_batch(org_id, advantage_id, IMPORTED, len(normalised), contact_id, created_by)
    with _failing(org_id, batch):
        unwritten, taken = code_repository.put_codes(
            org_id, advantage_id, normalised, batch.batch_id, contact_id, batch.created_at
        )
        if taken:  # another import took them meanwhile: the rest of their transaction was not written either
            details = {"field": "codes", "codes": taken[:20], "unwritten": len(unwritten)}
            raise AlreadyExists("These codes were taken meanwhile", details)
    batch_repository.set_status(org_id, advantage_id, batch.batch_id, READY)
    return Batch(batch.batch_id, advantage_id, normalised)


def list_codes(
    org_id: str,
    advantage_id: str,
    after: str | None = None,
    limit: int = 100,
    state: str | None = None,
    batch_id: str | None = None,
):
    """A page of the advantage's codes (of one batch, in one state as of now), and where to go on."""
    repository.get(org_id, ADVANTAGE, advantage_id)  # 404 for an unknown advantage
    page, cursor = code_repository.list_codes(
        org_id, advantage_id, after and normalise_code(after), limit, state, batch_id
    )
    if state:
        now = clock.seconds()
        page = [code for code in page if code.state_at(now) == state]
    return page, cursor


def code_detail(org_id: str, advantage_id: str, typed: str) -> dict[str, Any]:
    """Everything tracked about one code: its state as of now, batch, cart, use, revocation and scan."""
    repository.get(org_id, ADVANTAGE, advantage_id)
    try:
        item = code_repository.get_item(org_id, advantage_id, normalise_code(typed))
    except CodeRefused:
        raise NotFound("No such code for this advantage", {"code": normalise_code(typed)}) from None
    code = code_repository.as_code(item)
    return {
        **asdict(code),
        "state": str(code.state_at(clock.seconds())),
        "revoked_at": item.revoked_at or None,
        "scanned_at": item.scanned_at,
        "created_at": item.created_at,
    }


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
    return code_repository.claim(org_id, advantage_id, code, cart_id, expires_at, clock.seconds())


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
    now, at = clock.seconds(), clock.iso()
    for typed in codes:
        code = normalise_code(typed)
        try:
            code_repository.revoke(org_id, advantage_id, code, reason, now, at)
            outcomes[code] = "revoked"
        except CodeRefused as exc:
            outcomes[code] = exc.details["reason"]
    return outcomes


# A batch is revoked in pages within the request: at most this many codes read a call.
REVOKE_PAGE = 500  # one transaction a code: well within the API's 28 seconds


def revoke_batch(
    org_id: str, advantage_id: str, batch_id: str, reason: str, after: str | None = None
) -> tuple[dict[str, str], str | None]:
    """Revoke the batch's codes not used yet, a page of up to REVOKE_PAGE codes from `after`: the outcome
    per code ("revoked", "used", "revoked_before"), and the code to go on after (None: done)."""
    repository.get(org_id, ADVANTAGE, advantage_id)
    batch_repository.get(org_id, advantage_id, batch_id)  # 404 for another advantage's batch
    outcomes: dict[str, str] = {}
    at = clock.iso()
    items, cursor = code_repository.list_items(org_id, advantage_id, after, REVOKE_PAGE, None, batch_id)
    for item in items:
        if item.state in (str(CodeState.USED), str(CodeState.REVOKED)):
            outcomes[item.code] = "used" if item.state == CodeState.USED else "revoked_before"
        elif code_repository.revoke_item(item, reason, at):
            outcomes[item.code] = "revoked"
        else:  # it moved since the page was read
            outcomes.update(revoke_codes(org_id, advantage_id, [item.code], reason))
    return outcomes, cursor
