"""Single-use codes in DynamoDB: unique by conditional puts; claimed, used, revoked by conditional writes."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.advantages import checkout
from chalicelib.advantages.model import CodeState, SingleUseCode, refuse
from chalicelib.db import advantages as keys
from chalicelib.db.advantages import CodeGuardItem, CodeItem
from chalicelib.db.base import connection
from chalicelib.db.conditions import failed_items, store_errors, transient, update_if
from chalicelib.errors import NotFound

# 50 codes and their 50 guards: TransactWriteItems takes 100 items at most.
CODES_PER_TRANSACTION = 50


@store_errors
def put_codes(
    org_id: str, advantage_id: str, codes: list[str], batch_id: str, contact_id: str | None, at: str
) -> tuple[list[str], list[str]]:
    """Write new free codes, each with its organisation-wide guard. Returns (unwritten, taken): a chunk
    in which some code already existed (`taken`) is not written at all; the caller draws new codes or
    reports them, and writes the rest of `unwritten` again."""
    unwritten: list[str] = []
    taken: list[str] = []
    for start in range(0, len(codes), CODES_PER_TRANSACTION):
        chunk = codes[start : start + CODES_PER_TRANSACTION]
        try:
            with TransactWrite(connection=connection()) as tx:
                for code in chunk:
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
                    tx.save(guard, condition=CodeGuardItem.pk.does_not_exist())
                    tx.save(item, condition=CodeItem.pk.does_not_exist())
        except TransactWriteError as exc:
            failed = failed_items(exc)
            if not failed:
                raise transient(exc) from exc
            taken.extend(chunk[k] for k in sorted({n // 2 for n in failed}))
            unwritten.extend(chunk)
    return unwritten, taken


@store_errors
def get_code(org_id: str, advantage_id: str, code: str) -> SingleUseCode:
    try:
        return _code(CodeItem.get(*keys.code_key(org_id, advantage_id, code), consistent_read=True))
    except DoesNotExist:
        raise refuse("unknown", "No such code", code=code) from None


@store_errors
def list_codes(
    org_id: str, advantage_id: str, after: str | None, limit: int
) -> tuple[list[SingleUseCode], str | None]:
    """A page of an advantage's codes in code order, and the code to continue after (None at the end)."""
    pk = keys.codes_pk(org_id, advantage_id)
    start = {"pk": {"S": pk}, "sk": {"S": f"CODE#{after}"}} if after else None
    query = CodeItem.query(
        pk, CodeItem.sk.startswith("CODE#"), limit=limit, last_evaluated_key=start, page_size=limit
    )
    codes = [_code(item) for item in query]
    more = query.last_evaluated_key
    return codes, (codes[-1].code if more and codes else None)


@store_errors
def has_codes(org_id: str, advantage_id: str) -> bool:
    return bool(list_codes(org_id, advantage_id, None, 1)[0])


@store_errors
def existing(org_id: str, codes: list[str]) -> list[str]:
    """Which of these codes exist in the organisation already (any kind: single-use, partner, promo)."""
    found = CodeGuardItem.batch_get([keys.guard_key(org_id, code) for code in codes])
    return sorted(item.pk.split("#", 2)[2] for item in found)


@store_errors
def claim(org_id: str, advantage_id: str, code: str, cart_id: str, expires_at: int, now: int) -> None:
    """Put the code in the cart until `expires_at`: refused unless it is free (or already in this cart)."""
    item = CodeItem(*keys.code_key(org_id, advantage_id, code))
    actions = [
        CodeItem.state.set(str(CodeState.IN_CART)),
        CodeItem.cart_id.set(cart_id),
        CodeItem.cart_expires_at.set(expires_at),
    ]
    takeable = checkout.code_free_at(now) | checkout.code_in_cart(cart_id)
    if not update_if(item, actions, CodeItem.pk.exists() & takeable):
        raise _refusal(org_id, advantage_id, code, now)


@store_errors
def release(org_id: str, advantage_id: str, code: str, cart_id: str) -> bool:
    """The cart gives the code back; False when it was no longer in this cart (nothing to do)."""
    item = CodeItem(*keys.code_key(org_id, advantage_id, code))
    actions = [
        CodeItem.state.set(str(CodeState.FREE)),
        CodeItem.cart_id.remove(),
        CodeItem.cart_expires_at.remove(),
    ]
    return update_if(item, actions, checkout.code_in_cart(cart_id))


@store_errors
def use(
    org_id: str, advantage_id: str, code: str, cart_id: str, order_id: str, buyer: str, now: int, at: str
) -> None:
    """The order uses the code: once only. It must be in this cart, or free (a lapsed cart included)."""
    write = checkout.use_code(org_id, advantage_id, code, cart_id, order_id, buyer, now, at)
    if not update_if(write.item, write.actions, write.condition):
        raise _refusal(org_id, advantage_id, code, now)


@store_errors
def give_back(org_id: str, advantage_id: str, code: str, order_id: str) -> bool:
    """A cancelled order gives its code back (free again; the order it was used in is forgotten)."""
    item = CodeItem(*keys.code_key(org_id, advantage_id, code))
    actions = [
        CodeItem.state.set(str(CodeState.FREE)),
        CodeItem.order_id.remove(),
        CodeItem.used_by.remove(),
        CodeItem.used_at.remove(),
        CodeItem.cart_id.remove(),
        CodeItem.cart_expires_at.remove(),
    ]
    return update_if(item, actions, (CodeItem.state == str(CodeState.USED)) & (CodeItem.order_id == order_id))


@store_errors
def revoke(org_id: str, advantage_id: str, code: str, reason: str, now: int) -> None:
    """Revoke a code that is not used yet (a code in a live cart too: checkout then refuses it)."""
    item = CodeItem(*keys.code_key(org_id, advantage_id, code))
    actions = [CodeItem.state.set(str(CodeState.REVOKED)), CodeItem.revoked_reason.set(reason)]
    condition = CodeItem.pk.exists() & CodeItem.state.is_in(str(CodeState.FREE), str(CodeState.IN_CART))
    if not update_if(item, actions, condition):
        raise _refusal(org_id, advantage_id, code, now)


def _refusal(org_id: str, advantage_id: str, code: str, now: int) -> Exception:
    """Why a conditional write on a code failed, read after the fact to name the reason."""
    try:
        found = get_code(org_id, advantage_id, code)
    except NotFound:
        return refuse("unknown", "No such code", code=code)
    state = found.state_at(now)
    if state == CodeState.IN_CART:
        return refuse("in_another_cart", "The code is in another cart", code=code)
    return refuse(str(state), f"The code is {state}", code=code)


def _code(item: CodeItem) -> SingleUseCode:
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
