"""Who may open a cart at a point of sale: the public (or the contacts it lists) at internet B2C ones,
the relays of accepted companies at company and agency ones, staff with the right to sell anywhere."""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.auth import repository
from chalicelib.auth import service as auth
from chalicelib.auth.model import Right
from chalicelib.auth.relays import relay_contact_of
from chalicelib.catalog import service as catalog
from chalicelib.catalog.repository import Stored
from chalicelib.customers.company_accounts import check_accepted
from chalicelib.errors import NotFound, PermissionDenied

INTERNET_B2C = "internet_b2c"
BOX_OFFICE = "box_office"
INTERNET_COMPANY = "internet_company"
INTERNET_AGENCY = "internet_agency"
OPERATOR_PREFIX = "operator-"
# An operator sells at a point of sale (box office or on a customer's behalf) with this right.
SELL = Right("orders", "create")


class CartOwner(Protocol):
    org_id: str
    buyer_id: str
    shopper_id: str | None
    email: str | None
    name: str | None


def is_operator(buyer: CartOwner) -> bool:
    return buyer.buyer_id.startswith(OPERATOR_PREFIX)


def check_may_open(org_id: str, channel_type: str, pos: Stored, buyer: CartOwner) -> None:
    """Refuse (403) a buyer the point of sale does not serve; details name the `reason`."""
    pos_code = pos.data["code"]
    if is_operator(buyer):
        if auth.operator_may(org_id, buyer.buyer_id.removeprefix(OPERATOR_PREFIX), SELL):
            return
        raise PermissionDenied(
            f"Selling at point of sale {pos_code} needs the right '{SELL}'",
            {"pos_code": pos_code, "right": str(SELL)},
        )
    details = {"pos_code": pos_code, "channel_type": channel_type}
    if channel_type == INTERNET_B2C:
        _check_listed_contact(org_id, pos, buyer, details)
        return
    if channel_type not in (INTERNET_COMPANY, INTERNET_AGENCY):
        raise PermissionDenied(_refusal(channel_type, pos_code), details | {"reason": "operators_only"})
    contact = _relay_contact(org_id, buyer.shopper_id)
    if contact is None:
        raise PermissionDenied(_refusal(channel_type, pos_code), details | {"reason": "not_a_relay"})
    check_accepted(org_id, contact["company_id"])  # 403 company_not_accepted
    reason = relay_refusal(org_id, pos.data, contact, agency=channel_type == INTERNET_AGENCY)
    if reason is not None:
        raise PermissionDenied(_refusal(channel_type, pos_code), details | {"reason": reason})


def check_may_order(org_id: str, channel_type: str, pos_id: str, buyer: CartOwner) -> None:
    """At checkout: the point of sale still serves the buyer (their company may be suspended since the
    cart was opened, or refused: 403 `company_not_accepted`)."""
    check_may_open(org_id, channel_type, catalog.get(org_id, "point_of_sale", pos_id), buyer)


def relay_refusal(org_id: str, pos: dict[str, Any], contact: dict[str, Any], *, agency: bool) -> str | None:
    """Why a B2B point of sale does not serve this relay, or None if it does.

    Listed companies or contacts are served; a list serves no one else. Otherwise `company_access`
    serves the relays of group (or non-group) company types; an agency space serves only the agencies
    it names or limits to (an agency sells to the public on its own account); a company space, any relay.
    """
    companies = pos.get("allowed_company_ids") or []
    contacts = pos.get("allowed_contact_ids") or []
    if contact.get("company_id") in companies or contact["id"] in contacts:
        return None
    if companies:
        return "company_not_listed"
    access = pos.get("company_access") or "any"
    if access != "any":
        group = _company_is_group(org_id, contact["company_id"])
        return None if group == (access == "group") else f"company_not_{access}"
    if contacts:
        return "contact_not_listed"
    return "agency_not_listed" if agency else None


def _company_is_group(org_id: str, company_id: str) -> bool:
    company = catalog.get(org_id, "company", company_id)
    try:
        return bool(catalog.get(org_id, "company_type", company.data["company_type_id"]).data.get("group"))
    except NotFound:
        return False


def _relay_contact(org_id: str, shopper_id: str | None) -> dict | None:
    if not shopper_id:
        return None
    try:
        return relay_contact_of(repository.get_shopper(org_id, shopper_id))
    except NotFound:
        return None


def _check_listed_contact(org_id: str, pos: Stored, buyer: CartOwner, details: dict) -> None:
    """A B2C point of sale serves everyone, unless it lists contacts: then only their accounts."""
    listed = pos.data.get("allowed_contact_ids") or []
    if not listed:
        return
    if buyer.shopper_id:
        try:
            shopper = repository.get_shopper(org_id, buyer.shopper_id)
        except NotFound:
            shopper = None
        if shopper is not None and {shopper.contact_id, shopper.relay_contact_id} & set(listed):
            return
    raise PermissionDenied(
        f"Point of sale {pos.data['code']} serves the contacts it lists; log in with a listed account",
        details | {"reason": "contact_not_listed"},
    )


def _refusal(channel_type: str, pos_code: str) -> str:
    if channel_type == BOX_OFFICE:
        return f"Point of sale {pos_code} is a box office: its operators sell there"
    if channel_type == INTERNET_AGENCY:
        return f"Point of sale {pos_code} serves the relays of the agencies it lists"
    if channel_type == INTERNET_COMPANY:
        return f"Point of sale {pos_code} serves the relays of the companies it accepts"
    return f"Point of sale {pos_code} is not open to the public"
