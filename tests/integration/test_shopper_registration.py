"""One shopper account per e-mail, even when eight processes register the same address at once."""

from __future__ import annotations

from collections import Counter

from chalicelib.auth import service as auth
from chalicelib.db.accounts import (
    AccountsTable,
    ShopperEmailItem,
    ShopperItem,
    org_pk,
    shopper_email_sk,
)
from tests.integration.processes import WORKERS, most_workers_in_flight, run_workers
from tests.integration.seating import ORG

EMAILS = [f"buyer-{n}@example.org" for n in range(3)]


def shopper_items_by_kind() -> Counter:
    items = AccountsTable.query(org_pk(ORG), AccountsTable.sk.startswith("SHOPPER"), consistent_read=True)
    return Counter(item.sk.split("#")[0] for item in items)


def shoppers_with(email: str) -> list[str]:
    items = ShopperItem.query(org_pk(ORG), ShopperItem.sk.startswith("SHOPPER#"), consistent_read=True)
    return [item.shopper_id for item in items if item.email == email]


def test_racing_registrations_with_one_email_create_exactly_one_account(store):
    auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")

    reports = run_workers("tests.integration.workers:register_same_email", store.env, {"emails": EMAILS})

    calls = [(worker, call) for worker, report in enumerate(reports) for call in report]
    assert most_workers_in_flight((w, c[3], c[4]) for w, c in calls) >= 2, "registrations never overlapped"
    for number, email in enumerate(EMAILS):
        outcomes = [call for _, call in calls if call[0] == number]
        registered = [c[2] for c in outcomes if c[1] == "registered"]
        refused = [c[2] for c in outcomes if c[1] == "refused"]
        assert len(registered) == 1, outcomes
        assert refused == ["already_exists"] * (WORKERS - 1), outcomes
        guard = ShopperEmailItem.get(org_pk(ORG), shopper_email_sk(email), consistent_read=True)
        assert guard.shopper_id == registered[0]
        assert shoppers_with(email) == registered
    kinds = shopper_items_by_kind()
    assert (kinds["SHOPPER"], kinds["SHOPPER_EMAIL"]) == (len(EMAILS), len(EMAILS)), kinds
