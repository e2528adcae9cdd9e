"""The deferred account over HTTP: operators open accounts, invoice and record payments; relays pay on
account, see their own company's balance, entries and invoices; a channel may disable ticket PDFs."""

from __future__ import annotations

import pytest

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from tests.shop_world import World, _channel, build_world
from tests.shopper_accounts import link_relay, shopper_token

ORG = "demo"
SHOP = f"/shop/{ORG}"
BO = "/backoffice/deferred-accounts"
MINE = f"{SHOP}/account/deferred-account"


@pytest.fixture(autouse=True)
def _routes():
    """The blueprint, registered as app.py will (the lead adds it there)."""
    from app import app
    from chalicelib.api import deferred_accounts

    if not any(path.startswith(BO) for path in app.routes):
        app.register_blueprint(deferred_accounts.blueprint)


@pytest.fixture
def world(api) -> World:
    world = build_world()
    web = [world.built.quotas["WEB"]]
    channel = _channel("PRO", web, type="internet_company")
    catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code="PRO", name="PRO"))
    return world


def company(code: str) -> str:
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code=f"T{code}", name="Firms")).id
    return catalog.create(
        ORG, "company", k.CompanySpec(code=code, name=f"{code} Ltd", company_type_id=kind)
    ).id


def relay(api, company_id: str, name: str = "anne") -> str:
    email = f"{name}@{company_id.lower()}.example"
    token = shopper_token(api, ORG, email, name, "relay-password-1")
    spec = k.ContactSpec(code=name.upper(), name=name, email=email, company_id=company_id, relay=True)
    link_relay(ORG, email, catalog.create(ORG, "contact", spec).id)
    return token


def checkout(api, world: World, token: str, *seats: str, pos: str = "PRO", **body):
    cart = api.call("POST", f"{SHOP}/pos/{pos}/carts", token=token)
    assert cart.status_code == 201, cart.json_body
    cart_id = cart.json_body["cart_id"]
    held = api.call(
        "POST",
        f"{SHOP}/carts/{cart_id}/holds",
        {"performance_id": world.performance_id, "seat_ids": list(seats)},
        token=token,
    )
    assert held.status_code == 201, held.json_body
    return api.call("POST", f"{SHOP}/carts/{cart_id}/checkout", {"on_account": True, **body}, token=token)


def open_account(api, admin: str, company_id: str, limit: int = 10000, terms: int = 30):
    body = {"enabled": True, "credit_limit": limit, "payment_terms_days": terms}
    return api.call("PUT", f"{BO}/{company_id}", body, token=admin)


def test_a_relay_buys_on_account_and_the_operator_invoices_and_records_a_payment(api, world):
    admin = api.login()
    firm = company("ACME")
    opened = open_account(api, admin, firm)
    anne = relay(api, firm)

    order = checkout(api, world, anne, world.seat("L", "B", 1), world.seat("L", "B", 2))
    mine = api.call("GET", MINE, token=anne).json_body
    entries = api.call("GET", f"{MINE}/entries", token=anne).json_body
    listed = api.call("GET", BO, token=admin).json_body
    day = listed["as_of"]
    invoice = api.call("POST", f"{BO}/{firm}/invoices", {"from": day, "to": day}, token=admin)
    number = invoice.json_body["number"]
    paid = api.call(
        "POST", f"{BO}/{firm}/invoices/{number}/payments", {"amount": 2500, "note": "cheque"}, token=admin
    )
    too_much = api.call("POST", f"{BO}/{firm}/invoices/{number}/payments", {"amount": 3501}, token=admin)
    pdf = api.http.get(
        f"{BO}/{firm}/invoices/{number}/pdf",
        headers={"Authorization": f"Bearer {admin}", "Accept": "application/pdf"},
    )
    my_pdf = api.http.get(
        f"{MINE}/invoices/{number}/pdf",
        headers={"Authorization": f"Bearer {anne}", "Accept": "application/pdf"},
    )
    my_invoices = api.call("GET", f"{MINE}/invoices", token=anne).json_body["invoices"]

    assert opened.status_code == 200, opened.json_body
    assert opened.json_body["credit_limit"] == 10000 and opened.json_body["balance"] == 0
    assert order.status_code == 201, order.json_body
    assert order.json_body["status"] == "paid" and order.json_body["account_company_id"] == firm
    assert [p["method"] for p in order.json_body["payments"]] == ["on_account"]
    assert (mine["balance"], mine["available"], mine["uninvoiced"]) == (6000, 4000, 6000)
    assert [(e["kind"], e["amount"]) for e in entries["entries"]] == [("order", 6000)]
    assert [(a["company_id"], a["balance"]) for a in listed["accounts"]] == [(firm, 6000)]
    assert invoice.status_code == 201, invoice.json_body
    assert (invoice.json_body["reference"], invoice.json_body["total"]) == ("INV-000001", 6000)
    assert paid.status_code == 201, paid.json_body
    assert (paid.json_body["status"], paid.json_body["outstanding"]) == ("partly_paid", 3500)
    assert too_much.status_code == 422 and too_much.json_body["details"]["field"] == "amount"
    assert pdf.status_code == 200 and pdf.body.startswith(b"%PDF")
    assert my_pdf.status_code == 200 and my_pdf.body.startswith(b"%PDF")
    assert [i["number"] for i in my_invoices] == [number]
    assert api.call("GET", MINE, token=anne).json_body["balance"] == 3500


def test_over_the_credit_limit_the_checkout_answers_409_with_the_figures(api, world):
    admin = api.login()
    firm = company("ACME")
    open_account(api, admin, firm, limit=5000)
    anne = relay(api, firm)

    refused = checkout(api, world, anne, world.seat("L", "B", 1), world.seat("L", "B", 2))

    assert refused.status_code == 409, refused.json_body
    assert refused.json_body["details"] == {
        "field": "on_account",
        "reason": "credit_limit_exceeded",
        "credit_limit": 5000,
        "balance": 0,
        "order_total": 6000,
        "available": 5000,
    }


def test_a_shopper_who_is_no_relay_or_without_an_account_is_refused_with_the_reason(api, world):
    admin = api.login()
    firm = company("ACME")
    anne = relay(api, firm)
    bob = shopper_token(api, ORG, "bob@example.com", "Bob", "bob-password-1")

    disabled = checkout(api, world, anne, world.seat("L", "B", 1))
    not_relay = checkout(api, world, bob, world.seat("L", "B", 5), pos="WEB1")
    open_account(api, admin, firm)
    no_rights = api.call("GET", f"{MINE}", token=bob)

    assert (
        disabled.status_code == 403 and disabled.json_body["details"]["reason"] == "deferred_account_disabled"
    )
    assert not_relay.status_code == 403 and not_relay.json_body["details"]["field"] == "on_account"
    assert no_rights.status_code == 403 and no_rights.json_body["details"]["reason"] == "not_a_relay"


def test_a_relay_sees_only_their_own_company_s_account(api, world):
    admin = api.login()
    acme, globex = company("ACME"), company("GLOBEX")
    open_account(api, admin, acme)
    anne = relay(api, acme)
    gina = relay(api, globex, "gina")
    checkout(api, world, anne, world.seat("L", "B", 1))
    day = api.call("GET", BO, token=admin).json_body["as_of"]
    number = api.call("POST", f"{BO}/{acme}/invoices", {"from": day, "to": day}, token=admin).json_body[
        "number"
    ]

    assert api.call("GET", MINE, token=gina).status_code == 404
    assert api.call("GET", f"{MINE}/invoices/{number}/pdf", token=gina).status_code == 404


def test_deferred_account_routes_check_rights_per_action(api, world):
    admin = api.login()
    firm = company("ACME")
    api.call("POST", "/backoffice/roles", {"name": "viewer", "rights": {"orders": ["read"]}}, token=admin)
    body = {"login": "vera", "name": "Vera", "password": "vera-password", "roles": ["viewer"]}
    api.call("POST", "/backoffice/operators", body, token=admin)
    vera = api.login("vera", "vera-password")
    open_account(api, admin, firm)

    assert api.call("GET", BO, token=vera).status_code == 200
    assert api.call("GET", f"{BO}/{firm}/entries", token=vera).status_code == 200
    assert open_account(api, vera, firm, limit=1).status_code == 403
    assert (
        api.call(
            "POST", f"{BO}/{firm}/invoices", {"from": "2026-01-01", "to": "2026-01-31"}, token=vera
        ).status_code
        == 403
    )
    assert api.call("POST", f"{BO}/{firm}/invoices/1/payments", {"amount": 1}, token=vera).status_code == 403
    assert api.call("GET", BO).status_code == 401
    bad_period = api.call(
        "POST", f"{BO}/{firm}/invoices", {"from": "2026-02-01", "to": "2026-01-31"}, token=admin
    )
    assert bad_period.status_code == 422


def test_a_channel_without_ticket_download_refuses_the_pdf_but_lists_the_tickets(api, organisation):
    world = build_world(web={"ticket_download": False})
    token = shopper_token(api, ORG, "bob@example.com", "Bob", "bob-password-1")
    cart_id = api.call("POST", f"{SHOP}/pos/WEB1/carts", token=token).json_body["cart_id"]
    api.call(
        "POST",
        f"{SHOP}/carts/{cart_id}/holds",
        {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 1)]},
        token=token,
    )
    order = api.call("POST", f"{SHOP}/carts/{cart_id}/checkout", {}, token=token).json_body
    from tests.api.test_shop_sales_api import paid_by_card

    order = paid_by_card(api, order, token)
    pdf = api.http.get(
        f"{SHOP}/orders/{order['order_id']}/tickets.pdf",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/pdf"},
    )
    tickets = api.call("GET", f"{SHOP}/orders/{order['order_id']}/tickets", token=token)

    assert pdf.status_code == 403
    assert b"ticket_download" in pdf.body
    assert tickets.status_code == 200 and len(tickets.json_body["tickets"]) == 1
