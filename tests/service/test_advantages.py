"""Advantages and promo codes as operators set them up: states, versions, caps, code guards."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.advantages import service
from chalicelib.advantages.model import (
    CLOSE,
    PUT_IN_OPERATION,
    TRANSITIONS,
    AdvantageSpec,
    PromoCodeSpec,
    QuotaReached,
    State,
    next_state,
)
from chalicelib.errors import AlreadyExists, Conflict, InvalidTransition, VersionConflict

ORG = "demo"
SET_1 = {"kind": "set_price", "value": 100}


def spec(**changes) -> AdvantageSpec:
    values = {
        "season_id": "S2026",
        "event_ids": ["EV1"],
        "prices": [{"audience_subcategory_id": "FULL", "rule": {"kind": "percent_off", "value": 20}}],
        "public_name": "Opening night offer",
        "target": {"type": "general_public"},
        "quota": 3,
        "max_per_order": 2,
        "max_per_customer": 2,
    }
    return AdvantageSpec(**{**values, **changes})


def promo(**changes) -> PromoCodeSpec:
    values = {"code": "coupon3", "public_name": "Coupon 3%", "discount": {"kind": "percent_off", "value": 3}}
    return PromoCodeSpec(**{**values, **changes})


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", [PUT_IN_OPERATION, CLOSE])
def test_every_state_allows_only_its_transitions(state, action):
    if (state, action) in TRANSITIONS:
        assert next_state(state, action) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            next_state(state, action)


def test_an_advantage_goes_from_draft_to_operation_to_closed_and_then_no_longer_changes(aws):
    advantage = service.create_advantage(ORG, spec())
    assert advantage.state == State.DRAFT and advantage.version == 1
    live = service.change_advantage_state(ORG, advantage.advantage_id, PUT_IN_OPERATION, 1)
    assert live.state == State.IN_OPERATION and live.version == 2
    closed = service.change_advantage_state(ORG, advantage.advantage_id, CLOSE, 2)
    assert service.get_advantage(ORG, advantage.advantage_id).state == State.CLOSED
    with pytest.raises(InvalidTransition):
        service.modify_advantage(ORG, advantage.advantage_id, spec(public_name="Later"), closed.version)
    with pytest.raises(InvalidTransition):
        service.delete_advantage(ORG, advantage.advantage_id, closed.version)


def test_a_change_made_on_an_old_version_is_refused(aws):
    advantage = service.create_advantage(ORG, spec())
    service.modify_advantage(ORG, advantage.advantage_id, spec(public_name="First"), 1)
    with pytest.raises(VersionConflict):
        service.modify_advantage(ORG, advantage.advantage_id, spec(public_name="Second"), 1)
    assert service.get_advantage(ORG, advantage.advantage_id).public_name == "First"


def test_the_target_type_is_fixed_once_in_operation(aws):
    advantage = service.create_advantage(ORG, spec())
    service.change_advantage_state(ORG, advantage.advantage_id, PUT_IN_OPERATION, 1)
    with pytest.raises(Conflict):
        service.modify_advantage(ORG, advantage.advantage_id, spec(target={"type": "single_use_codes"}), 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target": {"type": "partner"}}, "access_code"),
        ({"target": {"type": "indicator", "indicator": "loyalty"}}, "level"),
        ({"valid_from": "2026-06-02T00:00:00Z", "valid_until": "2026-06-01T00:00:00Z"}, "valid_until"),
        ({"prices": [{"audience_subcategory_id": "FULL", "event_id": "EV9", "rule": SET_1}]}, "EV9"),
        ({"quota": 0}, "quota"),
    ],
)
def test_settings_that_cannot_work_are_refused_naming_what_is_wrong(changes, field):
    with pytest.raises(ValidationError) as raised:
        spec(**changes)
    assert field in str(raised.value)


def test_the_quota_and_the_customer_cap_are_counted_and_refuse_past_them(aws):
    advantage = service.create_advantage(ORG, spec())
    service.take_quota(ORG, advantage, 2, buyer="anne")
    with pytest.raises(QuotaReached):
        service.take_quota(ORG, advantage, 1, buyer="anne")  # anne's cap of 2
    assert service.quota_taken(ORG, advantage.advantage_id) == 2  # the refused ticket was given back
    service.take_quota(ORG, advantage, 1, buyer="bob")
    with pytest.raises(QuotaReached):
        service.take_quota(ORG, advantage, 1, buyer="carl")  # the quota of 3
    with pytest.raises(QuotaReached):
        service.take_quota(ORG, advantage, 3)  # more than max_per_order
    service.give_back_quota(ORG, advantage, 1, buyer="bob")
    service.take_quota(ORG, advantage, 1, buyer="carl")
    assert service.quota_taken(ORG, advantage.advantage_id) == 3


def test_a_promo_code_is_unique_without_case_and_shares_codes_with_partner_advantages(aws):
    first = service.create_promo_code(ORG, promo())
    assert first.code == "COUPON3"
    with pytest.raises(AlreadyExists):
        service.create_promo_code(ORG, promo(code="Coupon3"))
    with pytest.raises(AlreadyExists):
        service.create_advantage(ORG, spec(target={"type": "partner", "access_code": "COUPON3"}))
    renamed = service.modify_promo_code(ORG, first.promo_id, promo(code="SPRING"), 1)
    assert renamed.code == "SPRING"
    service.create_promo_code(ORG, promo())  # the old code is free again
    assert sorted(p.code for p in service.list_promo_codes(ORG)) == ["COUPON3", "SPRING"]


def test_a_draft_promo_code_can_be_deleted_but_not_one_in_operation(aws):
    draft = service.create_promo_code(ORG, promo())
    service.delete_promo_code(ORG, draft.promo_id, 1)
    live = service.create_promo_code(ORG, promo())
    service.change_promo_code_state(ORG, live.promo_id, PUT_IN_OPERATION, 1)
    with pytest.raises(InvalidTransition):
        service.delete_promo_code(ORG, live.promo_id, 2)
    assert [p.code for p in service.list_promo_codes(ORG)] == ["COUPON3"]


def test_a_promo_code_counts_its_uses_overall_and_per_customer(aws):
    code = service.create_promo_code(ORG, promo(max_uses=2, max_uses_per_customer=1))
    service.take_promo_use(ORG, code, "anne")
    with pytest.raises(QuotaReached):
        service.take_promo_use(ORG, code, "anne")
    service.take_promo_use(ORG, code, "bob")
    with pytest.raises(QuotaReached):
        service.take_promo_use(ORG, code, "carl")
    assert service.promo_uses(ORG, code.promo_id) == 2
    service.give_back_promo_use(ORG, code, "anne")
    service.take_promo_use(ORG, code, "anne")
