"""Single-use codes in DynamoDB: unique by conditional puts; claimed, used, revoked by conditional writes."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.advantages import counters
from chalicelib.advantages.batch_model import SHARDS, shard_of
from chalicelib.advantages.model import CodeState, SingleUseCode, refuse
from chalicelib.db import advantages as keys
from chalicelib.db.advantages import CodeChunkItem, CodeGuardItem, CodeItem
from chalicelib.db.conditions import Write, store_errors

# 49 codes, their 49 guards, the batch's counter and the chunk's progress: TransactWriteItems takes 100.
CODES_PER_TRANSACTION = 49


class ChunkMoved(Exception):
    """Another run of the same workflow chunk wrote codes meanwhile: read its progress again."""


@store_errors
def write_codes(
    org_id: str,
    advantage_id: str,
    codes: list[str],
    batch_id: str,
    contact_id: str | None,
    at: str,
    progress: tuple[int, int] | None = None,
) -> list[str]:
    """Write up to CODES_PER_TRANSACTION new free codes, each with its organisation-wide guard, and count
    them in the batch's counters, all or nothing. `progress` (chunk index, codes it wrote before) also
    moves the chunk's progress, on condition it did not move meanwhile (ChunkMoved). Returns the codes
    that already existed (nothing was written then)."""
    shard = progress[0] % SHARDS if progress else shard_of(codes[0])
    writes = [counters.count_write(org_id, advantage_id, batch_id, shard, generated=len(codes))]
    if progress:
        chunk = CodeChunkItem(*keys.chunk_key(org_id, batch_id, progress[0]))
        expected = CodeChunkItem.written.does_not_exist() if progress[1] == 0 else None
        condition = expected if expected is not None else CodeChunkItem.written == progress[1]
        writes.append(Write(chunk, [CodeChunkItem.written.add(len(codes))], condition, {}))
    items = []
    for code in codes:
        item = CodeItem(
            *keys.code_key(org_id, advantage_id, code),
            org_id=org_id,
            advantage_id=advantage_id,
            code=code,
            state=str(CodeState.FREE),
            batch_id=batch_id,
            contact_id=contact_id,
            created_at=at,
        )
        guard = CodeGuardItem(*keys.guard_key(org_id, code), kind="single_use")
        guard.owner_id = advantage_id
        items += [(guard, CodeGuardItem.pk.does_not_exist()), (item, CodeItem.pk.does_not_exist())]
    failed = counters.transact(writes, items)
    if failed is None:
        return []
    if progress and len(writes) - 1 in failed:
        raise ChunkMoved(f"chunk {progress[0]} of batch {batch_id} moved meanwhile")
    return [codes[k] for k in sorted({(n - len(writes)) // 2 for n in failed if n >= len(writes)})]


def put_codes(
    org_id: str, advantage_id: str, codes: list[str], batch_id: str, contact_id: str | None, at: str
) -> tuple[list[str], list[str]]:
    """Write new free codes, a transaction at a time. Returns (unwritten, taken): a transaction in which
    some code already existed (`taken`) is not written at all; the caller draws new codes or reports
    them, and writes the rest of `unwritten` again."""
    unwritten: list[str] = []
    taken: list[str] = []
    for start in range(0, len(codes), CODES_PER_TRANSACTION):
        chunk = codes[start : start + CODES_PER_TRANSACTION]
        existed = write_codes(org_id, advantage_id, chunk, batch_id, contact_id, at)
        if existed:
            taken.extend(existed)
            unwritten.extend(chunk)
    return unwritten, taken


@store_errors
def chunk_written(org_id: str, batch_id: str, index: int) -> int:
    try:
        return int(CodeChunkItem.get(*keys.chunk_key(org_id, batch_id, index), consistent_read=True).written)
    except DoesNotExist:
        return 0


def _item(org_id: str, advantage_id: str, code: str) -> CodeItem | None:
    try:
        return CodeItem.get(*keys.code_key(org_id, advantage_id, code), consistent_read=True)
    except DoesNotExist:
        return None


@store_errors
def get_item(org_id: str, advantage_id: str, code: str) -> CodeItem:
    found = _item(org_id, advantage_id, code)
    if found is None:
        raise refuse("unknown", "No such code", code=code)
    return found


def get_code(org_id: str, advantage_id: str, code: str) -> SingleUseCode:
    return as_code(get_item(org_id, advantage_id, code))


# What a listing filtered on a state reads: a code in a lapsed cart reads "free".
STORED_STATES = {
    "free": ("free", "in_cart"),
    "in_cart": ("in_cart",),
    "used": ("used",),
    "revoked": ("revoked",),
}


@store_errors
def list_items(
    org_id: str,
    advantage_id: str,
    after: str | None,
    limit: int,
    state: str | None = None,
    batch_id: str | None = None,
) -> tuple[list[CodeItem], str | None]:
    """A page of an advantage's codes in code order (filtered on the stored state and batch), and the
    code to continue after (None at the end)."""
    pk = keys.codes_pk(org_id, advantage_id)
    start = {"pk": {"S": pk}, "sk": {"S": f"CODE#{after}"}} if after else None
    condition = None
    if state:
        condition = CodeItem.state.is_in(*STORED_STATES[state])
    if batch_id:
        condition = (
            (CodeItem.batch_id == batch_id)
            if condition is None
            else condition & (CodeItem.batch_id == batch_id)
        )
    query = CodeItem.query(
        pk,
        CodeItem.sk.startswith("CODE#"),
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=start,
        page_size=limit if condition is None else max(limit, 1000),
    )
    items = list(query)
    more = query.last_evaluated_key
    return items, (more["sk"]["S"].removeprefix("CODE#") if more else None)


def list_codes(
    org_id: str,
    advantage_id: str,
    after: str | None,
    limit: int,
    state: str | None = None,
    batch_id: str | None = None,
) -> tuple[list[SingleUseCode], str | None]:
    items, cursor = list_items(org_id, advantage_id, after, limit, state, batch_id)
    return [as_code(item) for item in items], cursor


@store_errors
def has_codes(org_id: str, advantage_id: str) -> bool:
    return bool(list_items(org_id, advantage_id, None, 1)[0])


@store_errors
def existing(org_id: str, codes: list[str]) -> list[str]:
    """Which of these codes exist in the organisation already (any kind: single-use, partner, promo)."""
    found = CodeGuardItem.batch_get([keys.guard_key(org_id, code) for code in codes])
    return sorted(item.pk.split("#", 2)[2] for item in found)


# A transition is read, then written on condition the code is still as read, with its counters; a code
# that moved in between is read again (a few times: each retry means another writer won meanwhile).
ATTEMPTS = 4


def _transition(item: CodeItem, actions: list, condition, **deltas: int) -> bool:
    """Write the code's change and its batch's counters together; False when the code moved meanwhile."""
    code = Write(CodeItem(item.pk, item.sk), actions, CodeItem.pk.exists() & condition, {})
    writes = [code]
    if item.batch_id:
        writes.append(
            counters.count_write(item.org_id, item.advantage_id, item.batch_id, shard_of(item.code), **deltas)
        )
    return counters.transact(writes) is None


def _in_cart(cart_id: str, now: int):
    return (CodeItem.state == str(CodeState.IN_CART)) & (
        (CodeItem.cart_id == cart_id) | (CodeItem.cart_expires_at <= now)
    )


def _state_is(state: CodeState):
    return CodeItem.state == str(state)


@store_errors
def claim(
    org_id: str, advantage_id: str, code: str, cart_id: str, expires_at: int, now: int
) -> SingleUseCode:
    """Put the code in the cart until `expires_at`: refused unless it is free, its cart lapsed, or it is
    already in this cart. A free code counts one more in carts; one taken from a lapsed cart stays counted."""
    actions = [
        CodeItem.state.set(str(CodeState.IN_CART)),
        CodeItem.cart_id.set(cart_id),
        CodeItem.cart_expires_at.set(expires_at),
    ]
    for _ in range(ATTEMPTS):
        item = get_item(org_id, advantage_id, code)
        state = CodeState(item.state)
        if state == CodeState.FREE:
            written = _transition(item, actions, _state_is(CodeState.FREE), in_carts=1)
        elif state == CodeState.IN_CART and (item.cart_id == cart_id or (item.cart_expires_at or 0) <= now):
            written = _transition(item, actions, _in_cart(cart_id, now))
        else:
            raise _refusal(item, now)
        if written:
            item.state, item.cart_id, item.cart_expires_at = str(CodeState.IN_CART), cart_id, expires_at
            return as_code(item)
    raise _refusal(get_item(org_id, advantage_id, code), now)


@store_errors
def release(org_id: str, advantage_id: str, code: str, cart_id: str) -> bool:
    """The cart gives the code back; False when it was no longer in this cart (nothing to do)."""
    item = _item(org_id, advantage_id, code)
    if item is None or item.state != str(CodeState.IN_CART) or item.cart_id != cart_id:
        return False
    actions = [
        CodeItem.state.set(str(CodeState.FREE)),
        CodeItem.cart_id.remove(),
        CodeItem.cart_expires_at.remove(),
    ]
    in_this_cart = _state_is(CodeState.IN_CART) & (CodeItem.cart_id == cart_id)
    return _transition(item, actions, in_this_cart, in_carts=-1)


@store_errors
def use(
    org_id: str, advantage_id: str, code: str, cart_id: str, order_id: str, buyer: str, now: int, at: str
) -> None:
    """The order uses the code: once only. It must be in this cart, or free (a lapsed cart included)."""
    actions = [
        CodeItem.state.set(str(CodeState.USED)),
        CodeItem.order_id.set(order_id),
        CodeItem.used_by.set(buyer),
        CodeItem.used_at.set(at),
        CodeItem.cart_id.set(cart_id),
    ]
    for _ in range(ATTEMPTS):
        item = get_item(org_id, advantage_id, code)
        state = CodeState(item.state)
        if state == CodeState.FREE:
            written = _transition(item, actions, _state_is(CodeState.FREE), used=1)
        elif state == CodeState.IN_CART and (item.cart_id == cart_id or (item.cart_expires_at or 0) <= now):
            written = _transition(item, actions, _in_cart(cart_id, now), used=1, in_carts=-1)
        else:
            raise _refusal(item, now)
        if written:
            return
    raise _refusal(get_item(org_id, advantage_id, code), now)


@store_errors
def give_back(org_id: str, advantage_id: str, code: str, order_id: str) -> bool:
    """A cancelled order gives its code back (free again; the order it was used in is forgotten, and its
    scan with it)."""
    actions = [
        CodeItem.state.set(str(CodeState.FREE)),
        CodeItem.order_id.remove(),
        CodeItem.used_by.remove(),
        CodeItem.used_at.remove(),
        CodeItem.cart_id.remove(),
        CodeItem.cart_expires_at.remove(),
        CodeItem.scanned_at.remove(),
    ]
    for _ in range(ATTEMPTS):
        item = _item(org_id, advantage_id, code)
        if item is None or item.state != str(CodeState.USED) or item.order_id != order_id:
            return False
        scanned = item.scanned_at is not None
        condition = _state_is(CodeState.USED) & (CodeItem.order_id == order_id)
        condition &= CodeItem.scanned_at.exists() if scanned else CodeItem.scanned_at.does_not_exist()
        if _transition(item, actions, condition, used=-1, scanned=-1 if scanned else 0):
            return True
    return False


@store_errors
def revoke(org_id: str, advantage_id: str, code: str, reason: str, now: int, at: str = "") -> None:
    """Revoke a code that is not used yet (a code in a live cart too: checkout then refuses it)."""
    for _ in range(ATTEMPTS):
        item = get_item(org_id, advantage_id, code)
        if revoke_item(item, reason, at):
            return
        if item.state not in (str(CodeState.FREE), str(CodeState.IN_CART)):
            raise _refusal(item, now)
    raise _refusal(get_item(org_id, advantage_id, code), now)


def revoke_item(item: CodeItem, reason: str, at: str) -> bool:
    """Revoke a code as read (free or in a cart): False when it is not, or moved meanwhile."""
    if item.state not in (str(CodeState.FREE), str(CodeState.IN_CART)):
        return False
    actions = [
        CodeItem.state.set(str(CodeState.REVOKED)),
        CodeItem.revoked_reason.set(reason),
        CodeItem.revoked_at.set(at),
    ]
    was = CodeState(item.state)
    return _transition(
        item, actions, _state_is(was), revoked=1, in_carts=-1 if was == CodeState.IN_CART else 0
    )


@store_errors
def mark_scanned(org_id: str, advantage_id: str, code: str, at: str) -> bool:
    """The ticket bought with the code was admitted: the code is scanned, once, and counted."""
    for _ in range(ATTEMPTS):
        item = _item(org_id, advantage_id, code)
        if item is None or item.state != str(CodeState.USED) or item.scanned_at:
            return False
        condition = _state_is(CodeState.USED) & (CodeItem.order_id == item.order_id)
        if _transition(
            item, [CodeItem.scanned_at.set(at)], condition & CodeItem.scanned_at.does_not_exist(), scanned=1
        ):
            return True
    return False


def _refusal(item: CodeItem, now: int) -> Exception:
    """Why a transition on a code is refused, from the code as read."""
    state = as_code(item).state_at(now)
    if state == CodeState.IN_CART:
        return refuse("in_another_cart", "The code is in another cart", code=item.code)
    return refuse(str(state), f"The code is {state}", code=item.code)


def as_code(item: CodeItem) -> SingleUseCode:
    return SingleUseCode(
        code=item.code,
        advantage_id=item.advantage_id,
        state=CodeState(item.state),
        batch_id=item.batch_id,
        contact_id=item.contact_id,
        cart_id=item.cart_id,
        cart_expires_at=int(item.cart_expires_at) if item.cart_expires_at is not None else None,
        order_id=item.order_id,
        used_at=item.used_at,
        used_by=item.used_by,
        revoked_reason=item.revoked_reason,
    )
