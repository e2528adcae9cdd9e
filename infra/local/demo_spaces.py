"""The demo's company, agency and producer spaces, made through the services (never the tables):

- the school's deferred account, open, so that its relay buys on account at point of sale PRO;
- an agency (a company of type AGENCY) with its relay and shop account, listed by the internet_agency
  point of sale AGENCY, its deferred account open;
- a producer with its relay and shop account, producer of two demo events (their producer space);
- a company's account request waiting for the operator (the admin page's Company accounts screen).

Idempotent: each item is looked up (by code, by e-mail) first; a second run makes nothing.
"""

from __future__ import annotations

import contextlib
from typing import Protocol

from chalicelib.auth import relays
from chalicelib.auth import service as auth
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog.repository import Stored
from chalicelib.customers import company_accounts
from chalicelib.deferred_accounts import service as deferred
from chalicelib.errors import AlreadyExists, NotFound
from infra.local import demo_catalog as demo

BY = "demo-seed"


class Items(Protocol):
    """The seed's catalog (infra/local/seed.py Catalog): items by kind and code, remembered as made."""

    def ensure(self, kind: str, spec: k.Spec) -> bool: ...
    def get(self, kind: str, code: str) -> Stored: ...
    def id(self, kind: str, code: str) -> str: ...
    def keep(self, item: Stored, made: bool = True) -> None: ...


def seed_spaces(org_id: str, cat: Items) -> str:
    """Every part in order; what was made now, or "" when all was there."""
    made = [
        _deferred_account(org_id, cat.id("company", demo.COMPANY[0]), demo.COMPANY[1]),
        _agency(org_id, cat),
        _producer(org_id, cat),
        _account_request(org_id),
    ]
    return "; ".join(part for part in made if part)


def _deferred_account(org_id: str, company_id: str, name: str) -> str:
    """Opened once: settings an operator changed since are left as they are."""
    with contextlib.suppress(NotFound):
        deferred.account(org_id, company_id)
        return ""
    limit, terms = demo.DEFERRED_ACCOUNT
    deferred.save_settings(
        org_id, company_id, enabled=True, credit_limit=limit, payment_terms_days=terms, by=BY
    )
    return f"deferred account of {name} ({limit // 100:,}.00 limit, {terms} days)"


def _relay_company(
    org_id: str,
    cat: Items,
    type_spec: k.CompanyTypeSpec,
    company: tuple[str, str, str],
    relay: tuple[str, str, str],
    password: str,
) -> bool:
    """The company, its relay contact and the relay's shop account (linked as an accepted invitation
    would link it); True when anything was made now."""
    made = cat.ensure("company_type", type_spec)
    code, name, type_code = company
    company_spec = k.CompanySpec(code=code, name=name, company_type_id=cat.id("company_type", type_code))
    made |= cat.ensure("company", company_spec)
    relay_code, relay_name, email = relay
    contact = k.ContactSpec(
        code=relay_code, name=relay_name, email=email, company_id=cat.id("company", code), relay=True
    )
    made |= cat.ensure("contact", contact)
    with contextlib.suppress(AlreadyExists):
        _, _, shopper = auth.register_shopper(org_id, email, relay_name, password)
        relays.link(org_id, shopper.shopper_id, cat.id("contact", relay_code))
        made = True
    return made


def _agency(org_id: str, cat: Items) -> str:
    made = _relay_company(
        org_id, cat, demo.AGENCY_TYPE, demo.AGENCY, demo.AGENCY_RELAY, demo.AGENCY_RELAY_PASSWORD
    )
    agency_id = cat.id("company", demo.AGENCY[0])
    point = cat.get("point_of_sale", demo.AGENCY_POINT_OF_SALE)
    if agency_id not in point.data.get("allowed_company_ids", []):
        made = True
        listed = point.data.get("allowed_company_ids") or []
        _change(org_id, cat, point, "allowed_company_ids", [*listed, agency_id])
    account = _deferred_account(org_id, agency_id, demo.AGENCY[1])
    if not (made or account):
        return ""
    return (
        f"agency {demo.AGENCY[1]} on point of sale {demo.AGENCY_POINT_OF_SALE}, relay {demo.AGENCY_RELAY[2]}"
    )


def _producer(org_id: str, cat: Items) -> str:
    made = _relay_company(
        org_id, cat, demo.PRODUCER_TYPE, demo.PRODUCER, demo.PRODUCER_RELAY, demo.PRODUCER_RELAY_PASSWORD
    )
    producer_id = cat.id("company", demo.PRODUCER[0])
    for code in demo.PRODUCED_EVENTS:
        event = cat.get("event", code)
        producers = event.data.get("producer_company_ids") or []
        if producer_id not in producers:
            made = True
            _change(org_id, cat, event, "producer_company_ids", [*producers, producer_id])
    if not made:
        return ""
    events = ", ".join(demo.PRODUCED_EVENTS)
    return f"producer {demo.PRODUCER[1]} of {events}, relay {demo.PRODUCER_RELAY[2]}"


def _change(org_id: str, cat: Items, item: Stored, field: str, value: list[str]) -> None:
    spec = catalog.spec_of(item).model_copy(update={field: value})
    cat.keep(catalog.replace(org_id, item.kind, item.id, spec, item.version), made=False)


def _account_request(org_id: str) -> str:
    """One request as the shop's form makes it, unless its e-mail asked already (whatever its status)."""
    asked = demo.ACCOUNT_REQUEST
    if any(r.email == asked["email"] for r in company_accounts.list_requests(org_id)):
        return ""
    company_accounts.request_account(org_id, company_accounts.AccountRequest(**asked))
    return f"company account request of {asked['company_name']} (to accept or refuse)"
