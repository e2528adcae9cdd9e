"""The option life cycle: every (state, action) pair is either the table's transition or refused."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.errors import InvalidTransition
from chalicelib.options import model as m

EXPECTED = {
    (m.REQUESTED, m.EDIT_REQUEST): m.REQUESTED,
    (m.REQUESTED, m.WITHDRAW): m.CANCELLED,
    (m.REQUESTED, m.PLACE): m.PLACED,
    (m.REQUESTED, m.REFUSE): m.REFUSAL_PENDING,
    (m.REQUESTED, m.EXPIRE): m.EXPIRED,
    (m.PLACED, m.MODIFY_PLACEMENT): m.PLACED,
    (m.PLACED, m.REFUSE): m.REFUSAL_PENDING,
    (m.PLACED, m.VALIDATE): m.VALIDATED,
    (m.PLACED, m.EXPIRE): m.EXPIRED,
    (m.REFUSAL_PENDING, m.CANCEL_REFUSAL): m.PLACED,  # refused from placed (see below for requested)
    (m.REFUSAL_PENDING, m.PUT_ON_WAITING_LIST): m.WAITING_LIST,
    (m.REFUSAL_PENDING, m.VALIDATE): m.REFUSED,
    (m.REFUSAL_PENDING, m.EXPIRE): m.EXPIRED,
    (m.WAITING_LIST, m.BACK_TO_REFUSED): m.REFUSAL_PENDING,
    (m.WAITING_LIST, m.PLACE): m.PLACED,
    (m.WAITING_LIST, m.EXPIRE): m.EXPIRED,
    (m.VALIDATED, m.CANCEL_VALIDATION): m.PLACED,
    (m.VALIDATED, m.FIRM): m.VALIDATED,
    (m.VALIDATED, m.TAKE_UP): m.TAKEN_UP,
    (m.VALIDATED, m.EXPIRE): m.EXPIRED,
    (m.VALIDATED, m.CANCEL_ORDER): m.CANCELLED,
    (m.TAKEN_UP, m.CANCEL_ORDER): m.CANCELLED,
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(m.STATES, m.ACTIONS)))
def test_every_state_and_action(state, action):
    situation = m.Situation(state, refused_from=m.PLACED)
    if (state, action) in EXPECTED:
        assert m.next_state(situation, action) == EXPECTED[(state, action)]
        assert (action in m.allowed_actions(situation)) is (action not in m.SYSTEM_ACTIONS)
    else:
        with pytest.raises(InvalidTransition) as refused:
            m.next_state(situation, action)
        assert refused.value.details["allowed"] == m.allowed_actions(situation)
        assert action not in m.allowed_actions(situation)


def test_the_table_in_code_is_the_one_tested():
    assert m.TRANSITIONS == EXPECTED


def test_final_states_allow_nothing():
    for state in (m.REFUSED, m.CANCELLED, m.EXPIRED, m.TAKEN_UP):
        assert m.allowed_actions(m.Situation(state)) == []


def test_an_operator_is_never_offered_what_only_the_system_does():
    with pytest.raises(InvalidTransition) as refused:
        m.next_state(m.Situation(m.REQUESTED), m.FIRM)
    assert refused.value.details["allowed"] == [m.EDIT_REQUEST, m.WITHDRAW, m.PLACE, m.REFUSE]
    assert all(a not in m.SYSTEM_ACTIONS for s in m.STATES for a in m.allowed_actions(m.Situation(s)))


def test_a_relay_is_offered_only_editing_and_withdrawing_its_request():
    assert m.allowed_actions(m.Situation(m.REQUESTED), m.RELAY) == [m.EDIT_REQUEST, m.WITHDRAW]
    assert m.allowed_actions(m.Situation(m.VALIDATED), m.RELAY) == []
    with pytest.raises(InvalidTransition) as refused:
        m.next_state(m.Situation(m.PLACED), m.EDIT_REQUEST, m.RELAY)
    assert refused.value.details["allowed"] == []


def test_a_firm_option_still_moves_with_its_order():
    assert m.next_state(m.Situation(m.VALIDATED, firm=True), m.TAKE_UP) == m.TAKEN_UP


def test_cancelling_a_refusal_returns_to_where_it_came_from():
    assert (
        m.next_state(m.Situation(m.REFUSAL_PENDING, refused_from=m.REQUESTED), m.CANCEL_REFUSAL)
        == m.REQUESTED
    )
    assert m.next_state(m.Situation(m.REFUSAL_PENDING, refused_from=m.PLACED), m.CANCEL_REFUSAL) == m.PLACED


def test_a_firm_option_no_longer_changes():
    firm = m.Situation(m.VALIDATED, firm=True)
    assert m.allowed_actions(firm) == []
    for action in (m.CANCEL_VALIDATION, m.FIRM):
        with pytest.raises(InvalidTransition):
            m.next_state(firm, action)


def test_a_validation_whose_order_is_taken_up_cannot_be_cancelled():
    taken = m.Situation(m.VALIDATED, order_taken_up=True)
    with pytest.raises(InvalidTransition) as refused:
        m.next_state(taken, m.CANCEL_VALIDATION)
    assert refused.value.details["allowed"] == [m.FIRM]


def test_only_placed_and_validated_options_hold_stock():
    assert [s for s in m.STATES if m.holds_stock(s)] == [m.PLACED, m.VALIDATED]
