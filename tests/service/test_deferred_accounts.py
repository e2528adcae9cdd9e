"""The deferred account: relays pay on account within the credit limit, the ledger always equals its
entries, invoices are numbered without gaps, payments settle them, ageing, and the agency space."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.auth import relays
from chalicelib.auth import service as auth
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.deferred_accounts import invoice_pdf, repository
from chalicelib.deferred_accounts import service as accounts
from chalicelib.deferred_accounts.model import OnAccountRefused
from chalicelib.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from chalicelib.sales import carts, orders
from chalicelib.sales import repository as sales
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from tests.shop_world import World, _channel, build_world

ORG = "demo"
ON_ACCOUNT = CheckoutRequest(on_account=True)
SEAT_PRICE = 3000  # Cat 2, full price (rows B and C, the web quota)
DELIVERY = [
    {"code": "BOXOFFICE", "name": "Box-office pickup"},
    {"code": "PRINT", "name": "Print at home", "immediate": True},
]


@pytest.fixture
def world(organisation) -> World:
    world = build_world()
    web = [world.built.quotas["WEB"]]
    for code, kind in (("PRO", "internet_company"), ("AGENCY", "internet_agency")):
        channel = _channel(code, web, type=kind, delivery_methods=DELIVERY)
        catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code=code, name=code))
    return world


def company(code: str) -> str:
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code=f"T{code}", name="Firms")).id
    return catalog.create(
        ORG, "company", k.CompanySpec(code=code, name=f"{code} Ltd", company_type_id=kind)
    ).id


def relay(company_id: str, name: str = "anne") -> Buyer:
    email = f"{name}@{company_id.lower()}.example"
    spec = k.ContactSpec(code=name.upper(), name=name, email=email, company_id=company_id, relay=True)
    contact_id = catalog.create(ORG, "contact", spec).id
    _, _, shopper = auth.register_shopper(ORG, email, name, "relay-password-1")
    relays.link(ORG, shopper.shopper_id, contact_id)
    return Buyer(ORG, shopper.shopper_id, shopper.shopper_id, email, name)


def agency_pos(company_id: str) -> None:
    pos = catalog.get_by_code(ORG, "point_of_sale", "AGENCY")
    catalog.replace(
        ORG,
        "point_of_sale",
        pos.id,
        k.PointOfSaleSpec(**{**pos.data, "allowed_company_ids": [company_id]}),
        None,
    )


def open_account(company_id: str, limit: int = 100_00, terms: int = 30, enabled: bool = True):
    return accounts.save_settings(
        ORG, company_id, enabled=enabled, credit_limit=limit, payment_terms_days=terms, by="admin"
    )


def cart(world: World, buyer: Buyer, *seats: str, pos: str = "PRO") -> str:
    cart_id = carts.open_cart(ORG, pos, buyer).cart_id
    carts.add_to_cart(ORG, cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
    return cart_id


def buy(world: World, buyer: Buyer, *seats: str, request: CheckoutRequest = ON_ACCOUNT, pos: str = "PRO"):
    return orders.checkout(ORG, cart(world, buyer, *seats, pos=pos), buyer, request)


def ledger_balance(company_id: str) -> int:
    return sum(e.amount for e in repository.entries(ORG, company_id))


def test_a_relay_pays_on_account_the_order_is_paid_and_its_company_owes_it(world):
    firm = company("ACME")
    open_account(firm)
    anne = relay(firm)

    order = buy(world, anne, world.seat("L", "B", 1), world.seat("L", "B", 2))

    assert order.status == "paid"
    assert [(p.method, p.amount, p.reference) for p in order.payments] == [("on_account", 6000, firm)]
    assert len(orders.tickets_of(order)) == 2
    entries = repository.entries(ORG, firm)
    assert [(e.kind, e.amount, e.order_id) for e in entries] == [("order", 6000, order.order_id)]
    assert accounts.account(ORG, firm).balance == 6000 == ledger_balance(firm)


def test_an_order_over_the_credit_limit_is_refused_with_the_figures_and_nothing_is_sold(world):
    firm = company("ACME")
    open_account(firm, limit=8000)
    anne = relay(firm)
    buy(world, anne, world.seat("L", "B", 1), world.seat("L", "B", 2))  # 60.00 of 80.00
    cart_id = cart(world, anne, world.seat("L", "B", 3))

    with pytest.raises(OnAccountRefused) as refused:
        orders.checkout(ORG, cart_id, anne, ON_ACCOUNT)

    assert refused.value.details == {
        "field": "on_account",
        "reason": "credit_limit_exceeded",
        "credit_limit": 8000,
        "balance": 6000,
        "order_total": 3000,
        "available": 2000,
    }
    assert carts.get_cart(ORG, cart_id, anne).status == "open"
    assert accounts.account(ORG, firm).balance == 6000 == ledger_balance(firm)


def test_the_transaction_refuses_an_order_when_another_took_the_limit_meanwhile(world, monkeypatch):
    """The check before writing passes on a stale read; the write's own condition still refuses."""
    firm = company("ACME")
    open_account(firm, limit=5000)
    anne = relay(firm)
    buy(world, anne, world.seat("L", "B", 1))  # 30.00 of 50.00
    monkeypatch.setattr(accounts, "check_may_order", lambda *args: None)  # as if read before that order
    cart_id = cart(world, anne, world.seat("L", "B", 2))

    with pytest.raises(OnAccountRefused) as refused:
        orders.checkout(ORG, cart_id, anne, ON_ACCOUNT)

    assert refused.value.details["reason"] == "credit_limit_exceeded"
    monkeypatch.undo()
    assert accounts.account(ORG, firm).balance == 3000 == ledger_balance(firm)


def test_without_an_open_account_or_when_it_is_disabled_paying_on_account_is_refused(world):
    firm = company("ACME")
    anne = relay(firm)
    cart_id = cart(world, anne, world.seat("L", "B", 1))

    with pytest.raises(PermissionDenied) as no_account:
        orders.checkout(ORG, cart_id, anne, ON_ACCOUNT)
    open_account(firm, enabled=False)
    with pytest.raises(PermissionDenied) as disabled:
        orders.checkout(ORG, cart_id, anne, ON_ACCOUNT)

    assert (
        no_account.value.details["reason"] == disabled.value.details["reason"] == "deferred_account_disabled"
    )


def test_only_a_relay_at_a_company_or_agency_point_of_sale_pays_on_account(world):
    firm = company("ACME")
    open_account(firm)
    anne = relay(firm)
    _, _, bob = auth.register_shopper(ORG, "bob@example.com", "Bob", "bob-password-1")
    shopper = Buyer(ORG, bob.shopper_id, bob.shopper_id, "bob@example.com", "Bob")

    with pytest.raises(PermissionDenied) as at_web:
        buy(world, anne, world.seat("L", "B", 1), pos="WEB1")
    with pytest.raises(PermissionDenied) as not_relay:
        buy(world, shopper, world.seat("L", "B", 2), pos="WEB1")

    assert at_web.value.details["reason"] == "not_a_company_point_of_sale"
    assert not_relay.value.details["field"] == "on_account"
    assert relays.relay_contact_of(bob) is None
    assert ledger_balance(firm) == 0


def test_a_shopper_who_is_no_relay_is_refused_as_not_a_relay():
    from chalicelib.deferred_accounts.checkout import payer_company

    with pytest.raises(PermissionDenied) as refused:
        payer_company(ORG, None, "internet_company", "PRO")

    assert refused.value.details["reason"] == "not_a_relay"


def test_an_overdue_invoice_refuses_new_orders_on_account_until_it_is_paid(world):
    firm = company("ACME")
    open_account(firm, terms=10)
    anne = relay(firm)
    buy(world, anne, world.seat("L", "B", 1))
    day = accounts.today(ORG)
    invoice = accounts.generate_invoice(ORG, firm, day, day, "admin")

    with clock.moved(11 * 86400):
        cart_id = cart(world, anne, world.seat("L", "B", 2))
        with pytest.raises(OnAccountRefused) as refused:
            orders.checkout(ORG, cart_id, anne, ON_ACCOUNT)
        accounts.record_payment(ORG, firm, invoice.number, 3000, "admin")
        paid = orders.checkout(ORG, cart_id, anne, ON_ACCOUNT)

    assert refused.value.details["reason"] == "overdue_invoices"
    assert refused.value.details["invoices"] == [
        {
            "number": 1,
            "reference": "INV-000001",
            "due_on": (day + timedelta(days=10)).isoformat(),
            "outstanding": 3000,
            "days_overdue": 1,
        }
    ]
    assert paid.status == "paid"


def test_cancelling_an_order_on_account_credits_it_back_once(world):
    firm = company("ACME")
    open_account(firm)
    anne = relay(firm)
    order = buy(world, anne, world.seat("L", "B", 1), world.seat("L", "B", 2))

    orders.cancel_by_operator(ORG, order.order_id, "admin", "none")
    with pytest.raises(InvalidTransition):
        orders.cancel_by_operator(ORG, order.order_id, "admin", "card")

    kinds = [(e.kind, e.amount) for e in repository.entries(ORG, firm)]
    assert sorted(kinds) == [("cancellation", -6000), ("order", 6000)]
    assert accounts.account(ORG, firm).balance == 0 == ledger_balance(firm)
    assert sales.get_order(order.order_id).payments[0].status == "returned"


def test_a_cancellation_refunding_to_the_credit_balance_gives_nothing_of_an_on_account_order(world):
    firm = company("ACME")
    open_account(firm)
    anne = relay(firm)
    order = buy(world, anne, world.seat("L", "B", 1))

    orders.cancel_by_operator(ORG, order.order_id, "admin", "credit_balance")

    assert sales.credit_balance(ORG, anne.buyer_id) == 0
    assert accounts.account(ORG, firm).balance == 0 == ledger_balance(firm)


def test_an_invoice_bills_the_period_s_entries_once_with_the_next_number_and_a_due_date(world):
    acme, globex = company("ACME"), company("GLOBEX")
    open_account(acme, terms=30)
    open_account(globex, terms=45)
    anne, gina = relay(acme), relay(globex, "gina")
    first = buy(world, anne, world.seat("L", "B", 1))
    second = buy(world, anne, world.seat("L", "B", 2))
    orders.cancel_by_operator(ORG, second.order_id, "admin", "none")
    buy(world, gina, world.seat("R", "C", 1))
    day = accounts.today(ORG)

    acme_invoice = accounts.generate_invoice(ORG, acme, day, day, "admin")
    globex_invoice = accounts.generate_invoice(ORG, globex, day - timedelta(days=3), day, "admin")
    with pytest.raises(Conflict) as nothing:
        accounts.generate_invoice(ORG, acme, day, day, "admin")

    assert (acme_invoice.number, globex_invoice.number) == (1, 2)
    assert acme_invoice.total == 3000  # 30.00 + 30.00 - 30.00 cancelled
    assert sorted(e["kind"] for e in acme_invoice.entries) == ["cancellation", "order", "order"]
    assert acme_invoice.due_on == (day + timedelta(days=30)).isoformat()
    assert globex_invoice.due_on == (day + timedelta(days=45)).isoformat()
    assert nothing.value.details["reason"] == "nothing_to_invoice"
    assert first.order_id in {e["order_id"] for e in acme_invoice.entries}
    assert all(e.invoice_number == 1 for e in repository.entries(ORG, acme))


def test_an_invoice_leaves_out_entries_outside_its_period(world):
    firm = company("ACME")
    open_account(firm)
    anne = relay(firm)
    buy(world, anne, world.seat("L", "B", 1))
    day = accounts.today(ORG)

    with pytest.raises(Conflict):
        accounts.generate_invoice(ORG, firm, day - timedelta(days=10), day - timedelta(days=1), "admin")
    with pytest.raises(InvalidInput):
        accounts.generate_invoice(ORG, firm, day, day - timedelta(days=1), "admin")
    assert accounts.summary(ORG, firm)["uninvoiced"] == 3000


def test_payments_settle_an_invoice_partly_then_fully_and_never_beyond(world):
    firm = company("ACME")
    open_account(firm)
    anne = relay(firm)
    buy(world, anne, world.seat("L", "B", 1), world.seat("L", "B", 2))
    day = accounts.today(ORG)
    invoice = accounts.generate_invoice(ORG, firm, day, day, "admin")

    partly = accounts.record_payment(ORG, firm, invoice.number, 2000, "admin", "cheque 1")
    with pytest.raises(InvalidInput) as too_much:
        accounts.record_payment(ORG, firm, invoice.number, 4001, "admin")
    paid = accounts.record_payment(ORG, firm, invoice.number, 4000, "admin", "transfer")

    assert (partly.status, partly.outstanding) == ("partly_paid", 4000)
    assert too_much.value.details["outstanding"] == 4000
    assert (paid.status, paid.paid, paid.outstanding) == ("paid", 6000, 0)
    assert [p["amount"] for p in paid.payments] == [2000, 4000]
    kinds = sorted((e.kind, e.amount) for e in repository.entries(ORG, firm))
    assert kinds == [("order", 6000), ("payment", -4000), ("payment", -2000)]
    assert accounts.account(ORG, firm).balance == 0 == ledger_balance(firm)


def test_ageing_puts_what_is_unpaid_in_buckets_by_days_past_due(world):
    firm = company("ACME")
    open_account(firm, limit=1_000_00, terms=1)
    anne = relay(firm)
    day = accounts.today(ORG)
    buy(world, anne, world.seat("L", "B", 1))
    accounts.generate_invoice(ORG, firm, day, day, "admin")
    with clock.moved(86400):
        buy(world, anne, world.seat("L", "B", 2), world.seat("L", "B", 3))
        accounts.generate_invoice(ORG, firm, day, day + timedelta(days=1), "admin")

    with clock.moved(45 * 86400):
        summary = accounts.summary(ORG, firm)
        everyone = accounts.all_accounts(ORG)

    assert summary["ageing"] == {"current": 0, "1-30": 0, "31-60": 9000, "61-90": 0, "over_90": 0}
    assert summary["balance"] == 9000
    assert everyone["totals"]["ageing"]["31-60"] == 9000
    assert [a["company_id"] for a in everyone["accounts"]] == [firm]
    assert accounts.summary(ORG, firm)["ageing"]["current"] == 9000


def test_a_lower_credit_limit_than_the_balance_refuses_new_orders_until_paid(world):
    firm = company("ACME")
    open_account(firm, limit=10000)
    anne = relay(firm)
    buy(world, anne, world.seat("L", "B", 1))
    open_account(firm, limit=2000)

    with pytest.raises(OnAccountRefused) as refused:
        buy(world, anne, world.seat("L", "B", 2))

    assert refused.value.details["available"] == 0
    assert accounts.account(ORG, firm).available == -1000


def test_the_invoice_pdf_names_the_invoice_the_company_and_its_total(world):
    firm = company("ACME")
    open_account(firm)
    buy(world, relay(firm), world.seat("L", "B", 1))
    day = accounts.today(ORG)
    invoice = accounts.generate_invoice(ORG, firm, day, day, "admin")

    pdf = accounts.invoice_pdf(ORG, firm, invoice.number)
    text = invoice_pdf.render(invoice, "Demo Theatre", {"name": "ACME Ltd"}, compress=False)

    assert pdf.startswith(b"%PDF")
    for expected in (b"INV-000001", b"ACME Ltd", b"30.00 EUR"):
        assert expected in text


def test_an_agency_sells_to_a_third_party_who_holds_the_tickets_while_the_agency_pays(world):
    agency = company("TRAVEL")
    agency_pos(agency)
    open_account(agency)
    anne = relay(agency)
    request = CheckoutRequest(
        on_account=True, name="Zoe Third", email="zoe@example.com", delivery_method="PRINT"
    )

    order = buy(world, anne, world.seat("R", "C", 5), request=request, pos="AGENCY")

    assert (order.name, order.email, order.delivery_method) == ("Zoe Third", "zoe@example.com", "PRINT")
    assert order.owner == anne.buyer_id
    assert [t.document["holder"] for t in orders.tickets_of(order)] == ["Zoe Third"]
    assert accounts.account(ORG, agency).balance == SEAT_PRICE


def test_an_agency_gives_the_third_party_s_name_and_email(world):
    agency = company("TRAVEL")
    agency_pos(agency)
    open_account(agency)
    anne = relay(agency)

    with pytest.raises(InvalidInput) as refused:
        buy(
            world,
            anne,
            world.seat("R", "C", 5),
            request=CheckoutRequest(on_account=True, name="Zoe"),
            pos="AGENCY",
        )

    assert refused.value.details["field"] == "email"


def test_an_agency_sells_only_the_quotas_of_its_channel(world):
    agency = company("TRAVEL")
    agency_pos(agency)
    open_account(agency)
    anne = relay(agency)
    cart_id = carts.open_cart(ORG, "AGENCY", anne).cart_id

    with pytest.raises(Conflict):  # row A is the box office's quota
        carts.add_to_cart(
            ORG, cart_id, anne, HoldRequest(world.performance_id, seat_ids=(world.seat("L", "A", 1),))
        )

    assert carts.get_cart(ORG, cart_id, anne).lines == []


def test_the_relay_of_a_company_not_accepted_does_not_pay_on_account(world):
    from chalicelib.deferred_accounts.checkout import payer_company

    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code="TNEW", name="Firms")).id
    spec = k.CompanySpec(code="NEW", name="New Ltd", company_type_id=kind, account_status="requested")
    firm = catalog.create(ORG, "company", spec).id
    open_account(firm)
    anne = relay(firm)

    with pytest.raises(PermissionDenied) as refused:
        payer_company(ORG, anne.shopper_id, "internet_company", "PRO")

    assert refused.value.details["reason"] == "company_not_accepted"
