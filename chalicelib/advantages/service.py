"""Advantages and promo codes: set up step by step, put in operation, closed; their quotas and caps."""

from __future__ import annotations

import uuid

from chalicelib.advantages import code_repository, repository
from chalicelib.advantages.model import (
    Advantage,
    AdvantageSpec,
    PromoCode,
    PromoCodeSpec,
    QuotaReached,
    State,
    check_deletable,
    check_editable,
    next_state,
)
from chalicelib.advantages.repository import ADVANTAGE, PROMO
from chalicelib.db import advantages as keys
from chalicelib.errors import Conflict, VersionConflict


def _new_id() -> str:
    return uuid.uuid4().hex[:16]


def create_advantage(org_id: str, spec: AdvantageSpec) -> Advantage:
    """A new advantage, in draft: nobody can use it until it is put in operation."""
    advantage = Advantage(**spec.model_dump(), advantage_id=_new_id())
    return repository.create(org_id, advantage)


def get_advantage(org_id: str, advantage_id: str) -> Advantage:
    return repository.get(org_id, ADVANTAGE, advantage_id)


def list_advantages(org_id: str) -> list[Advantage]:
    return repository.list_all(org_id, ADVANTAGE)


def modify_advantage(org_id: str, advantage_id: str, spec: AdvantageSpec, version: int) -> Advantage:
    before = _expected(get_advantage(org_id, advantage_id), version)
    check_editable(before.state)
    if before.state != State.DRAFT and spec.target.type != before.target.type:
        raise Conflict(
            "The target type is fixed once the advantage is in operation", {"field": "target.type"}
        )
    changed = Advantage(**spec.model_dump(), advantage_id=advantage_id, state=before.state)
    return repository.save(org_id, changed, before)


def change_advantage_state(org_id: str, advantage_id: str, action: str, version: int) -> Advantage:
    before = _expected(get_advantage(org_id, advantage_id), version)
    changed = before.model_copy(update={"state": next_state(before.state, action)})
    return repository.save(org_id, changed, before)


def delete_advantage(org_id: str, advantage_id: str, version: int) -> None:
    """Only a draft without codes goes: a code once handed out must stay traceable."""
    advantage = _expected(get_advantage(org_id, advantage_id), version)
    check_deletable(advantage.state)
    if code_repository.has_codes(org_id, advantage_id):
        raise Conflict("The advantage has single-use codes: close it instead", {"advantage_id": advantage_id})
    repository.delete(org_id, advantage)


def create_promo_code(org_id: str, spec: PromoCodeSpec) -> PromoCode:
    return repository.create(org_id, PromoCode(**spec.model_dump(), promo_id=_new_id()))


def get_promo_code(org_id: str, promo_id: str) -> PromoCode:
    return repository.get(org_id, PROMO, promo_id)


def list_promo_codes(org_id: str) -> list[PromoCode]:
    return repository.list_all(org_id, PROMO)


def modify_promo_code(org_id: str, promo_id: str, spec: PromoCodeSpec, version: int) -> PromoCode:
    before = _expected(get_promo_code(org_id, promo_id), version)
    check_editable(before.state)
    changed = PromoCode(**spec.model_dump(), promo_id=promo_id, state=before.state)
    return repository.save(org_id, changed, before)


def change_promo_code_state(org_id: str, promo_id: str, action: str, version: int) -> PromoCode:
    before = _expected(get_promo_code(org_id, promo_id), version)
    changed = before.model_copy(update={"state": next_state(before.state, action)})
    return repository.save(org_id, changed, before)


def delete_promo_code(org_id: str, promo_id: str, version: int) -> None:
    promo = _expected(get_promo_code(org_id, promo_id), version)
    check_deletable(promo.state)
    repository.delete(org_id, promo)


def _expected(item, version: int):
    if item.version != version:
        raise VersionConflict(
            "It changed since you read it; read it again", {"field": "version", "current": item.version}
        )
    return item


def take_quota(org_id: str, advantage: Advantage, count: int, buyer: str | None = None) -> None:
    """Count `count` tickets against the advantage's quota and the buyer's cap, or refuse (QuotaReached)
    with neither counted. The caps are in the writes' conditions: concurrent buyers never pass them."""
    if advantage.max_per_order is not None and count > advantage.max_per_order:
        raise QuotaReached(
            "More tickets than the advantage allows in one order", {"max_per_order": advantage.max_per_order}
        )
    quota = keys.quota_key(org_id, advantage.advantage_id)
    repository.take(quota, count, advantage.quota)
    if buyer is None:
        return
    try:
        cap = advantage.max_per_customer
        repository.take(keys.advantage_buyer_key(org_id, advantage.advantage_id, buyer), count, cap)
    except QuotaReached as exc:
        repository.give_back(quota, count)
        raise QuotaReached(
            "The customer has reached the advantage's cap", {"max_per_customer": advantage.max_per_customer}
        ) from exc


def give_back_quota(org_id: str, advantage: Advantage, count: int, buyer: str | None = None) -> None:
    """A cancelled order's tickets no longer count against the quota and the buyer's cap."""
    repository.give_back(keys.quota_key(org_id, advantage.advantage_id), count)
    if buyer is not None:
        repository.give_back(keys.advantage_buyer_key(org_id, advantage.advantage_id, buyer), count)


def quota_taken(org_id: str, advantage_id: str) -> int:
    return repository.taken(keys.quota_key(org_id, advantage_id))


def take_promo_use(org_id: str, promo: PromoCode, buyer: str) -> None:
    """Count one order against the promo code's caps (overall and for this customer), or refuse
    (QuotaReached) with neither counted."""
    uses = keys.promo_uses_key(org_id, promo.promo_id)
    repository.take(uses, 1, promo.max_uses)
    try:
        repository.take(keys.promo_buyer_key(org_id, promo.promo_id, buyer), 1, promo.max_uses_per_customer)
    except QuotaReached as exc:
        repository.give_back(uses, 1)
        raise QuotaReached(
            "The customer has used this promo code as often as it allows",
            {"max_uses_per_customer": promo.max_uses_per_customer},
        ) from exc


def give_back_promo_use(org_id: str, promo: PromoCode, buyer: str) -> None:
    """A cancelled order no longer counts against the promo code's caps."""
    repository.give_back(keys.promo_uses_key(org_id, promo.promo_id), 1)
    repository.give_back(keys.promo_buyer_key(org_id, promo.promo_id, buyer), 1)


def promo_uses(org_id: str, promo_id: str) -> int:
    return repository.taken(keys.promo_uses_key(org_id, promo_id))
