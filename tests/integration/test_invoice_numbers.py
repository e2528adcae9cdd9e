"""The deferred account under racing processes on DynamoDB Local: invoices generated at once are
numbered without gaps or repeats and bill each entry once; relays of one company checking out on
account together never take it over its credit limit."""

from __future__ import annotations

import pytest

from chalicelib.auth import relays
from chalicelib.auth import service as auth
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.deferred_accounts import repository
from chalicelib.deferred_accounts import service as accounts
from chalicelib.deferred_accounts.model import ORDER, Entry
from chalicelib.sales import carts
from chalicelib.sales.carts import Buyer, HoldRequest
from tests.integration.conftest import use_environment
from tests.integration.processes import WORKERS, most_workers_in_flight, run_workers
from tests.shop_world import _channel, build_world

ORG = "demo"
W = "tests.integration.deferred_account_workers"
ROUNDS = 3
ENTRIES_PER_ACCOUNT = 3
SECRET = "integration-secret-that-is-long-enough-for-hs256"
NO_AWS = "http://127.0.0.1:9"


@pytest.fixture
def env(store, monkeypatch) -> dict[str, str]:
    env = {**store.env, "GUICHET_TOKEN_SECRET": SECRET, "GUICHET_AWS_ENDPOINT": NO_AWS}
    use_environment(monkeypatch, env)
    auth.create_organisation(ORG, "Demo Theatre", "admin", "admin-password")
    return env


def company(code: str) -> str:
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code=f"T{code}", name="Firms")).id
    return catalog.create(ORG, "company", k.CompanySpec(code=code, name=code, company_type_id=kind)).id


def debit(company_id: str, n: int) -> None:
    """An order's debit as the checkout writes it (the ledger's part of the order's transaction)."""
    from pynamodb.transactions import TransactWrite

    from chalicelib.clock import iso
    from chalicelib.db.base import connection

    entry = Entry(f"order-{company_id}-{n}", ORDER, 1000 + n, iso(), order_id=f"{company_id}-{n}")
    with TransactWrite(connection=connection()) as tx:
        for write in repository.debit_writes(ORG, company_id, entry):
            write.add_to(tx)


def test_invoices_generated_at_once_are_numbered_without_gaps_or_repeats(env):
    """Four accounts a round, each invoiced by two workers at once: eight processes race for the
    organisation's counter, and two for each account's entries."""
    rounds = []
    for number in range(ROUNDS):
        round_accounts = []
        for a in range(WORKERS // 2):
            firm = company(f"C{number}X{a}")
            accounts.save_settings(
                ORG, firm, enabled=True, credit_limit=10**7, payment_terms_days=30, by="it"
            )
            for n in range(ENTRIES_PER_ACCOUNT):
                debit(firm, n)
            round_accounts.append(firm)
        rounds.append(round_accounts)
    day = accounts.today(ORG).isoformat()

    reports = run_workers(f"{W}:generate_invoices", env, {"org_id": ORG, "day": day, "rounds": rounds})

    calls = [call for report in reports for call in report]
    numbers = sorted(c["outcome"] for c in calls if isinstance(c["outcome"], int))
    invoiced = len(rounds) * (WORKERS // 2)
    assert numbers == list(range(1, invoiced + 1)), numbers
    assert [c["outcome"] for c in calls if not isinstance(c["outcome"], int)] == [
        "nothing_to_invoice"
    ] * invoiced
    assert repository.last_invoice_number(ORG) == invoiced
    for firm in (firm for round_accounts in rounds for firm in round_accounts):
        (invoice,) = repository.invoices(ORG, firm)
        billed = repository.entries(ORG, firm)
        assert {e.invoice_number for e in billed} == {invoice.number}
        assert invoice.total == sum(e.amount for e in billed) == accounts.account(ORG, firm).balance
    timings = [(c["worker"], c["started"], c["finished"]) for c in calls]
    assert most_workers_in_flight(timings) >= 2, "no contention, the test proved nothing"


def test_relays_checking_out_on_account_together_never_pass_the_credit_limit(env):
    """Eight relays of one company, a seat each (30.00) in their carts, check out on account at once;
    the limit takes three orders."""
    world = build_world()
    channel = _channel("PRO", [world.built.quotas["WEB"]], type="internet_company")
    catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="PRO", name="PRO"))
    firm = company("ACME")
    accounts.save_settings(ORG, firm, enabled=True, credit_limit=9000, payment_terms_days=30, by="it")
    payload_relays = []
    for n in range(WORKERS):
        email = f"relay{n}@acme.example"
        spec = k.ContactSpec(code=f"R{n}", name=f"Relay {n}", email=email, company_id=firm, relay=True)
        contact_id = catalog.create(ORG, "contact", spec).id
        _, _, shopper = auth.register_shopper(ORG, email, f"Relay {n}", "relay-password-1")
        relays.link(ORG, shopper.shopper_id, contact_id)
        buyer = Buyer(ORG, shopper.shopper_id, shopper.shopper_id, email, "Relay")
        cart_id = carts.open_cart(ORG, "PRO", buyer).cart_id
        seat = world.seat("L", "B", n + 1)
        carts.add_to_cart(ORG, cart_id, buyer, HoldRequest(world.performance_id, seat_ids=(seat,)))
        payload_relays.append({"shopper_id": shopper.shopper_id, "email": email, "cart_id": cart_id})

    reports = run_workers(f"{W}:check_out_on_account", env, {"org_id": ORG, "relays": payload_relays})

    paid = [r for r in reports if r["status"] == "paid"]
    refused = [r for r in reports if r["status"] == "refused"]
    assert 1 <= len(paid) <= 3, reports
    assert len(paid) + len(refused) == WORKERS, reports
    assert {r["reason"] for r in refused} <= {"credit_limit_exceeded", None}, refused
    account = accounts.account(ORG, firm)
    entries = repository.entries(ORG, firm)
    assert account.balance == sum(e.amount for e in entries) == sum(r["total"] for r in paid) <= 9000
    assert sorted(e.order_id for e in entries) == sorted(r["order_id"] for r in paid)
    timings = [(n, r["started"], r["finished"]) for n, r in enumerate(reports)]
    assert most_workers_in_flight(timings) >= 2, "no contention, the test proved nothing"
