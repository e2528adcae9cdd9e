"""The codes' dashboard: each batch's counters move with its codes' transitions, so that they always
equal what the codes themselves say; the dashboard reads the counters, never the codes."""

from __future__ import annotations

from collections import Counter

import pytest
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.advantages import batches, checkout, codes, dashboard
from chalicelib.advantages.code_repository import list_items
from chalicelib.db.advantages import CodeItem
from chalicelib.db.base import connection
from chalicelib.outbox import repository as outbox
from chalicelib.outbox import service as worker
from tests.service.test_advantages_codes import CART_SECONDS, ORG, codes_advantage


def recount(advantage_id: str, batch_id: str) -> dict[str, int]:
    """The batch's figures counted from its codes, one by one (what the counters must equal)."""
    items, _ = list_items(ORG, advantage_id, None, 10_000, None, batch_id)
    states = Counter(item.state for item in items)
    return {
        "generated": len(items),
        "available": states["free"],
        "in_carts": states["in_cart"],
        "used": states["used"],
        "scanned": sum(1 for item in items if item.scanned_at),
        "revoked": states["revoked"],
    }


def counted(advantage_id: str, batch_id: str) -> dict[str, int]:
    return batches.get(ORG, advantage_id, batch_id).counts.shown()


def expires() -> int:
    return clock.seconds() + CART_SECONDS


def scan(advantage_id: str, code: str) -> None:
    outbox.add(dashboard.scanned_effects(ORG, advantage_id, code))
    worker.drain()


@pytest.fixture
def batch(aws):
    advantage_id = codes_advantage()
    made = codes.generate_codes(ORG, advantage_id, 12, contact_id="ACME")
    return advantage_id, made.batch_id, made.codes


def test_counters_equal_the_codes_states_through_claims_uses_revocations_give_backs_and_scans(batch):
    advantage_id, batch_id, made = batch
    assert counted(advantage_id, batch_id) == recount(advantage_id, batch_id)
    assert counted(advantage_id, batch_id)["generated"] == 12
    a, b, c, d, e, f = made[:6]
    for code, cart in ((a, "cart-a"), (b, "cart-b"), (c, "cart-c"), (d, "cart-d")):
        codes.claim_code(ORG, code, cart, expires())
    codes.claim_code(ORG, a, "cart-a", expires())  # the same cart again counts once
    codes.release_code(ORG, b, "cart-b")
    codes.use_code(ORG, c, "cart-c", "order-c", "anne")  # from its cart
    codes.use_code(ORG, e, "cart-e", "order-e", "bob")  # typed at checkout, never claimed
    outcomes = codes.revoke_codes(ORG, advantage_id, [d, f, c], "leaked")
    assert outcomes == {d: "revoked", f: "revoked", c: "used"}
    scan(advantage_id, c)
    scan(advantage_id, c)  # a second admission counts nothing more
    scan(advantage_id, a)  # not used: nothing to count
    assert counted(advantage_id, batch_id) == recount(advantage_id, batch_id)
    assert counted(advantage_id, batch_id) == {
        "generated": 12,
        "available": 7,
        "in_carts": 1,
        "used": 2,
        "scanned": 1,
        "revoked": 2,
    }
    assert codes.give_back_code(ORG, c, "order-c")  # a cancelled order: its scan goes with it
    assert not codes.give_back_code(ORG, e, "order-x")  # not this order's code
    assert counted(advantage_id, batch_id) == recount(advantage_id, batch_id)
    assert counted(advantage_id, batch_id)["used"] == 1 and counted(advantage_id, batch_id)["scanned"] == 0


def test_a_code_taken_from_a_lapsed_cart_stays_counted_once_in_carts(batch):
    advantage_id, batch_id, made = batch
    codes.claim_code(ORG, made[0], "cart-a", expires())
    with clock.moved(CART_SECONDS + 1):
        codes.claim_code(ORG, made[0], "cart-b", expires())
        assert counted(advantage_id, batch_id)["in_carts"] == 1
        codes.use_code(ORG, made[0], "cart-b", "order-b", "bob")
    assert counted(advantage_id, batch_id) == recount(advantage_id, batch_id)


def test_refused_transitions_count_nothing(batch):
    advantage_id, batch_id, made = batch
    codes.claim_code(ORG, made[0], "cart-a", expires())
    before = counted(advantage_id, batch_id)
    with pytest.raises(codes.CodeRefused):
        codes.claim_code(ORG, made[0], "cart-b", expires())
    assert not codes.release_code(ORG, made[0], "cart-b")
    codes.revoke_codes(ORG, advantage_id, [made[1]], "one")
    assert codes.revoke_codes(ORG, advantage_id, [made[1]], "twice") == {made[1]: "revoked"}
    after = counted(advantage_id, batch_id)
    assert after == {**before, "revoked": 1, "available": before["available"] - 1}
    assert after == recount(advantage_id, batch_id)


def test_the_checkout_transaction_counts_a_use_with_the_counter_write_it_is_given(batch):
    advantage_id, batch_id, made = batch
    codes.claim_code(ORG, made[0], "cart-a", expires())
    use = checkout.use_code(
        ORG, advantage_id, made[0], "cart-a", "order-a", "anne", clock.seconds(), clock.iso()
    )
    count = dashboard.used_write(ORG, advantage_id, batch_id)
    with TransactWrite(connection=connection()) as tx:
        use.add_to(tx)
        count.add_to(tx)
    assert counted(advantage_id, batch_id) == recount(advantage_id, batch_id)
    assert dashboard.used_write(ORG, advantage_id, None) is None


def test_a_batch_revoked_page_by_page_spares_used_codes(batch, monkeypatch):
    advantage_id, batch_id, made = batch
    codes.use_code(ORG, made[0], "cart-a", "order-a", "anne")
    monkeypatch.setattr(codes, "REVOKE_PAGE", 5)
    outcomes, after, pages = {}, None, 0
    while True:
        page, after = codes.revoke_batch(ORG, advantage_id, batch_id, "contract ended", after)
        outcomes.update(page)
        pages += 1
        if after is None:
            break
    assert pages == 3 and len(outcomes) == 12
    assert outcomes[made[0]] == "used" and Counter(outcomes.values()) == {"revoked": 11, "used": 1}
    assert counted(advantage_id, batch_id) == recount(advantage_id, batch_id)
    assert codes.code_detail(ORG, advantage_id, made[1])["revoked_reason"] == "contract ended"


def test_the_dashboard_reads_counters_not_codes_and_filters_by_season_contact_and_advantage(
    batch, monkeypatch
):
    advantage_id, batch_id, made = batch
    other = codes.generate_codes(ORG, advantage_id, 3, contact_id="GLOBEX")
    codes.use_code(ORG, made[0], "cart-a", "order-a", "anne")

    def no_code_reads(*args, **kwargs):
        raise AssertionError("the dashboard read codes")

    monkeypatch.setattr(CodeItem, "query", no_code_reads)
    monkeypatch.setattr(CodeItem, "get", no_code_reads)
    board = dashboard.dashboard(ORG, season_id="S2026")
    assert {(r["batch_id"], r["contact_id"], r["generated"], r["used"]) for r in board["rows"]} == {
        (batch_id, "ACME", 12, 1),
        (other.batch_id, "GLOBEX", 3, 0),
    }
    assert board["totals"] == {
        "sent": 0,
        "generated": 15,
        "available": 14,
        "in_carts": 0,
        "used": 1,
        "scanned": 0,
        "revoked": 0,
    }
    assert [r["batch_id"] for r in dashboard.dashboard(ORG, contact_id="GLOBEX")["rows"]] == [other.batch_id]
    assert dashboard.dashboard(ORG, season_id="S2027")["rows"] == []
    assert dashboard.dashboard(ORG, advantage_id="other")["totals"]["generated"] == 0
