"""Single-use codes: generated unguessable and unique, claimed by one cart, used once, revoked."""

from __future__ import annotations

import pytest
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.advantages import checkout, codes, service
from chalicelib.advantages.model import ALPHABET, PUT_IN_OPERATION, AdvantageSpec, CodeRefused, CodeState
from chalicelib.db.base import connection
from chalicelib.db.conditions import failed_items
from chalicelib.errors import AlreadyExists, Conflict, InvalidInput

ORG = "demo"
CART_SECONDS = 1200


def codes_advantage(state: str = PUT_IN_OPERATION) -> str:
    spec = AdvantageSpec(
        season_id="S2026",
        event_ids=["EV1"],
        prices=[{"audience_subcategory_id": "FULL", "rule": {"kind": "set_price", "value": 1500}}],
        public_name="Company codes",
        target={"type": "single_use_codes"},
    )
    advantage = service.create_advantage(ORG, spec)
    if state:
        service.change_advantage_state(ORG, advantage.advantage_id, state, 1)
    return advantage.advantage_id


def one_code(advantage_id: str) -> str:
    return codes.generate_codes(ORG, advantage_id, 1).codes[0]


def state_of(advantage_id: str, code: str) -> CodeState:
    page, _ = codes.list_codes(ORG, advantage_id)
    return next(c for c in page if c.code == code).state_at(clock.seconds())


def claim(code: str, cart_id: str, seconds: int = CART_SECONDS):
    return codes.claim_code(ORG, code, cart_id, clock.seconds() + seconds)


def refusal_reason(call) -> str:
    with pytest.raises(CodeRefused) as raised:
        call()
    return raised.value.details["reason"]


def test_generated_codes_are_unique_and_use_no_look_alike_characters(aws):
    advantage_id = codes_advantage()
    batch = codes.generate_codes(ORG, advantage_id, 120, contact_id="ACME")
    assert len(set(batch.codes)) == 120
    assert all(len(code) >= 8 and set(code) <= set(ALPHABET) for code in batch.codes)
    assert not set("0O1IL") & set(ALPHABET)
    page, after = codes.list_codes(ORG, advantage_id, limit=50)
    assert len(page) == 50 and after == page[-1].code
    assert {c.state for c in page} == {CodeState.FREE} and {c.contact_id for c in page} == {"ACME"}


@pytest.mark.parametrize("count", [0, 1001])
def test_a_batch_over_1000_codes_or_empty_is_refused(aws, count):
    with pytest.raises(InvalidInput):
        codes.generate_codes(ORG, codes_advantage(), count)


def test_codes_belong_only_to_an_advantage_targeting_single_use_codes(aws):
    spec = AdvantageSpec(
        season_id="S2026",
        event_ids=["EV1"],
        prices=[{"audience_subcategory_id": "FULL", "rule": {"kind": "set_price", "value": 1500}}],
        public_name="Everyone",
        target={"type": "general_public"},
    )
    with pytest.raises(Conflict):
        codes.generate_codes(ORG, service.create_advantage(ORG, spec).advantage_id, 3)


def test_a_code_drawn_twice_is_drawn_again_and_the_batch_stays_complete(aws, monkeypatch):
    advantage_id = codes_advantage()
    first = one_code(advantage_id)
    drawn = iter([first, "SECOND234", "THIRD2345"])
    monkeypatch.setattr(codes, "new_code", lambda: next(drawn))
    assert sorted(codes.generate_codes(ORG, advantage_id, 2).codes) == ["SECOND234", "THIRD2345"]


def test_imported_codes_are_compared_without_case_and_refused_when_they_exist(aws):
    advantage_id = codes_advantage()
    assert codes.import_codes(ORG, advantage_id, ["partner-001", "PARTNER-002"]).codes == [
        "PARTNER-001",
        "PARTNER-002",
    ]
    with pytest.raises(AlreadyExists) as raised:
        codes.import_codes(ORG, advantage_id, ["Partner-002", "PARTNER-003"])
    assert raised.value.details["codes"] == ["PARTNER-002"]
    with pytest.raises(InvalidInput):
        codes.import_codes(ORG, advantage_id, ["X-1234", "x-1234"])
    assert [c.code for c in codes.list_codes(ORG, advantage_id)[0]] == ["PARTNER-001", "PARTNER-002"]


def test_a_code_in_one_cart_is_refused_to_another_until_that_cart_expires(aws):
    advantage_id = codes_advantage()
    code = one_code(advantage_id)
    now = clock.seconds()
    codes.claim_code(ORG, code.lower(), "cart-a", now + CART_SECONDS)
    codes.claim_code(ORG, code, "cart-a", now + CART_SECONDS)  # the same cart again: fine
    assert refusal_reason(lambda: claim(code, "cart-b")) == "in_another_cart"
    with clock.moved(CART_SECONDS + 1):
        assert state_of(advantage_id, code) == CodeState.FREE
        codes.claim_code(ORG, code, "cart-b", clock.seconds() + CART_SECONDS)
    assert not codes.release_code(ORG, code, "cart-a")  # no longer cart-a's to give back


def test_a_released_code_is_free_for_the_next_cart(aws):
    advantage_id = codes_advantage()
    code = one_code(advantage_id)
    codes.claim_code(ORG, code, "cart-a", clock.seconds() + CART_SECONDS)
    assert codes.release_code(ORG, code, "cart-a")
    codes.claim_code(ORG, code, "cart-b", clock.seconds() + CART_SECONDS)


def test_a_used_code_is_never_used_again_nor_revoked_and_comes_back_when_its_order_is_cancelled(aws):
    advantage_id = codes_advantage()
    code = one_code(advantage_id)
    codes.claim_code(ORG, code, "cart-a", clock.seconds() + CART_SECONDS)
    codes.use_code(ORG, code, "cart-a", "order-a", "anne")
    assert refusal_reason(lambda: codes.use_code(ORG, code, "cart-b", "order-b", "bob")) == "used"
    assert refusal_reason(lambda: codes.claim_code(ORG, code, "cart-b", clock.seconds() + 60)) == "used"
    assert codes.revoke_codes(ORG, advantage_id, [code], "leaked") == {code: "used"}
    used = codes.list_codes(ORG, advantage_id)[0][0]
    assert (used.state, used.order_id, used.used_by) == (CodeState.USED, "order-a", "anne")
    assert codes.give_back_code(ORG, code, "order-a")
    codes.use_code(ORG, code, "cart-b", "order-b", "bob")


def test_a_revoked_code_is_refused_even_from_the_cart_that_held_it(aws):
    advantage_id = codes_advantage()
    code, other = codes.generate_codes(ORG, advantage_id, 2).codes
    codes.claim_code(ORG, code, "cart-a", clock.seconds() + CART_SECONDS)
    assert codes.revoke_codes(ORG, advantage_id, [code, other, "NOSUCH234"], "sent by mistake") == {
        code: "revoked",
        other: "revoked",
        "NOSUCH234": "unknown",
    }
    assert refusal_reason(lambda: codes.use_code(ORG, code, "cart-a", "order-a", "anne")) == "revoked"
    assert codes.list_codes(ORG, advantage_id)[0][0].revoked_reason == "sent by mistake"


def test_an_unknown_code_or_one_of_an_advantage_not_in_operation_is_refused_naming_why(aws):
    assert refusal_reason(lambda: claim("NOSUCH234", "cart-a")) == "unknown"
    draft = codes_advantage(state="")
    code = one_code(draft)
    assert refusal_reason(lambda: claim(code, "cart-a")) == "not_in_operation"


def test_in_a_checkout_transaction_a_full_quota_leaves_the_code_unused_and_names_the_quota(aws):
    advantage_id = codes_advantage()
    code = one_code(advantage_id)
    claim(code, "cart-a")
    service.take_quota(ORG, service.get_advantage(ORG, advantage_id).model_copy(update={"quota": 1}), 1)
    writes = [
        checkout.use_code(ORG, advantage_id, code, "cart-a", "order-a", "anne", clock.seconds(), clock.iso()),
        checkout.take_quota(ORG, advantage_id, 1, quota=1),
    ]
    with pytest.raises(TransactWriteError) as raised, TransactWrite(connection=connection()) as tx:
        for write in writes:
            write.add_to(tx)
    assert checkout.explain(writes, failed_items(raised.value), 0) == [
        {"reason": "quota_reached", "advantage_id": advantage_id}
    ]
    assert state_of(advantage_id, code) == CodeState.IN_CART
    with TransactWrite(connection=connection()) as tx:
        writes[0].add_to(tx)
    assert state_of(advantage_id, code) == CodeState.USED
