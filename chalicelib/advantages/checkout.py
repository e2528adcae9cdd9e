"""The advantages' part of a checkout transaction: the writes that use codes and take quotas, as data.

The sales context owns the checkout transaction; it adds these writes to it (`TransactWrite.update`)
so that a code is used and a quota taken in the same all-or-nothing write as the order. Each write
carries its own condition; `explain` names which failed when the transaction is cancelled.
"""

from __future__ import annotations

from typing import Any

from chalicelib.advantages.model import CodeState
from chalicelib.db import advantages as keys
from chalicelib.db.advantages import CodeItem, CounterItem
from chalicelib.db.conditions import Write


def code_free_at(now: int) -> Any:
    """The code is free, or sits in a cart that expired by `now` (expiry in the condition, like seats)."""
    return (CodeItem.state == str(CodeState.FREE)) | (
        (CodeItem.state == str(CodeState.IN_CART)) & (CodeItem.cart_expires_at <= now)
    )


def code_in_cart(cart_id: str) -> Any:
    return (CodeItem.state == str(CodeState.IN_CART)) & (CodeItem.cart_id == cart_id)


def use_code(
    org_id: str, advantage_id: str, code: str, cart_id: str, order_id: str, buyer: str, now: int, at: str
) -> Write:
    """The code becomes used by the order: only if it is in this cart, or free (its cart lapsed)."""
    return Write(
        CodeItem(*keys.code_key(org_id, advantage_id, code)),
        [
            CodeItem.state.set(str(CodeState.USED)),
            CodeItem.order_id.set(order_id),
            CodeItem.used_by.set(buyer),
            CodeItem.used_at.set(at),
            CodeItem.cart_id.set(cart_id),
        ],
        CodeItem.pk.exists() & (code_free_at(now) | code_in_cart(cart_id)),
        {"reason": "code_unavailable", "code": code},
    )


def take(key: tuple[str, str], count: int, cap: int | None, refusal: dict[str, str]) -> Write:
    condition = None
    if cap is not None:
        condition = CounterItem.taken.does_not_exist() | (CounterItem.taken <= cap - count)
    return Write(CounterItem(*key), [CounterItem.taken.add(count)], condition, refusal)


def take_quota(org_id: str, advantage_id: str, count: int, quota: int | None) -> Write:
    return take(
        keys.quota_key(org_id, advantage_id),
        count,
        quota,
        {"reason": "quota_reached", "advantage_id": advantage_id},
    )


def explain(writes: list[Write], failed_positions: list[int], first_position: int) -> list[dict[str, str]]:
    """The refusals of the writes whose condition failed; `first_position` is where the writes start in
    the transaction (the positions DynamoDB's cancellation reasons are given in)."""
    return [write.refusal for n, write in enumerate(writes, start=first_position) if n in failed_positions]
