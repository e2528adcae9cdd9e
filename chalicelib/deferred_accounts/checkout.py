"""Paying an order on account at checkout: who may (a relay of an accepted company, at a company or
agency point of sale) and the writes that debit the company's ledger in the order's transaction."""

from __future__ import annotations

from typing import Any

from chalicelib.deferred_accounts import service
from chalicelib.deferred_accounts.model import CREDIT_LIMIT_EXCEEDED, NOT_A_RELAY, OnAccountRefused
from chalicelib.errors import InvalidInput, NotFound, PermissionDenied

PARTNER_CHANNELS = ("internet_company", "internet_agency")


def _check_accepted(org_id: str, company_id: str) -> None:
    """The company's online account was accepted by the organisation (company_accounts, when that
    module is there: it raises when the account is not accepted)."""
    try:
        from chalicelib.customers import company_accounts
    except ImportError:
        return
    check = getattr(company_accounts, "check_accepted", None)
    if check is not None:
        check(org_id, company_id)


def payer_company(org_id: str, shopper_id: str | None, channel_type: str, pos_code: str) -> str:
    """The company a buyer pays on account for: their relay contact's; refused (403 not_a_relay)
    for anyone else and anywhere but a company or agency point of sale."""
    if channel_type not in PARTNER_CHANNELS:
        raise PermissionDenied(
            "Paying on account is for companies and agencies, at their points of sale",
            {"field": "on_account", "reason": "not_a_company_point_of_sale", "pos_code": pos_code},
        )
    contact = None
    if shopper_id is not None:
        from chalicelib.auth import repository as accounts
        from chalicelib.auth.relays import relay_contact_of

        try:
            contact = relay_contact_of(accounts.get_shopper(org_id, shopper_id))
        except NotFound:
            contact = None
    if contact is None or not contact.get("company_id"):
        raise PermissionDenied(
            "Only a company's or an agency's relay, logged in, pays on account",
            {"field": "on_account", "reason": NOT_A_RELAY},
        )
    company_id = str(contact["company_id"])
    _check_accepted(org_id, company_id)
    return company_id


def payer_for(org_id: str, shopper_id: str | None, rules: Any, request: Any) -> str:
    """The company paying a checkout on account. At an agency point of sale the relay sells to a
    third party: their name and e-mail (the request's) go on the order and its tickets."""
    if request.gift_vouchers or request.use_credit_balance:
        raise InvalidInput(
            "An order on account is paid on account only: no gift voucher or credit balance with it",
            {"field": "on_account"},
        )
    company_id = payer_company(org_id, shopper_id, rules.channel_type, rules.pos_code)
    if rules.channel_type == "internet_agency":
        for field in ("name", "email"):
            if not getattr(request, field):
                raise InvalidInput(f"An agency sells to a third party: give their {field}", {"field": field})
    return company_id


def debit_writes(org_id: str, company_id: str, order: Any, by: str) -> list[Any]:
    """Checked now (enabled, no invoice overdue, within the limit) and again by the writes' condition
    in the order's transaction (another order may take the limit meanwhile)."""
    return service.debit_for_order(
        org_id, company_id, order.order_id, order.total, order.currency, order.created_at, by
    )


def refused_in_transaction(org_id: str, company_id: str, total: int) -> None:
    """The order's transaction was cancelled: if the account no longer takes the order (another
    order took the credit limit meanwhile, or it was disabled), say so with the figures."""
    details = service.refusal_details(org_id, company_id, total)
    if details["reason"] != CREDIT_LIMIT_EXCEEDED:
        raise PermissionDenied(
            "This company may not pay on account: its deferred account is not open", details
        )
    if details["balance"] + total > details["credit_limit"]:
        raise OnAccountRefused("This order would take the deferred account over its credit limit", details)


def credit_writes(order: Any, payment: Any, by: str) -> list[Any]:
    """A cancelled or expired order paid on account: its amount back on the company's ledger."""
    return service.credit_for_cancellation(
        order.org_id, payment.reference, order.order_id, payment.amount, order.currency, by
    )
