"""Who may open a cart at a point of sale: the public at internet B2C ones, staff and partners elsewhere."""

from __future__ import annotations

from typing import Protocol

from chalicelib.auth import repository
from chalicelib.auth import service as auth
from chalicelib.auth.model import Right
from chalicelib.auth.relays import relay_contact_of
from chalicelib.catalog.repository import Stored
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
    """Refuse (403) a buyer the point of sale does not serve; internet B2C serves everyone."""
    pos_code = pos.data["code"]
    if is_operator(buyer):
        if auth.operator_may(org_id, buyer.buyer_id.removeprefix(OPERATOR_PREFIX), SELL):
            return
        raise PermissionDenied(
            f"Selling at point of sale {pos_code} needs the right '{SELL}'",
            {"pos_code": pos_code, "right": str(SELL)},
        )
    if channel_type == INTERNET_B2C:
        return
    partner_space = channel_type in (INTERNET_COMPANY, INTERNET_AGENCY)
    agency = channel_type == INTERNET_AGENCY
    if partner_space and buyer.shopper_id and _accepted_relay(org_id, buyer.shopper_id, pos, agency=agency):
        return
    raise PermissionDenied(
        _refusal(channel_type, pos_code), {"pos_code": pos_code, "channel_type": channel_type}
    )


def _accepted_relay(org_id: str, shopper_id: str, pos: Stored, *, agency: bool) -> bool:
    """A relay whose company (or who) the point of sale lists; a company space lists none: any relay.

    An agency space serves only the agencies it lists: an agency sells to the public on its own account.
    """
    try:
        contact = relay_contact_of(repository.get_shopper(org_id, shopper_id))
    except NotFound:
        contact = None
    if contact is None:
        return False
    companies = pos.data.get("allowed_company_ids") or []
    contacts = pos.data.get("allowed_contact_ids") or []
    if contact.get("company_id") in companies or contact["id"] in contacts:
        return True
    return not agency and not companies and not contacts


def _refusal(channel_type: str, pos_code: str) -> str:
    if channel_type == BOX_OFFICE:
        return f"Point of sale {pos_code} is a box office: its operators sell there"
    if channel_type == INTERNET_AGENCY:
        return f"Point of sale {pos_code} serves the relays of the agencies it lists"
    return f"Point of sale {pos_code} serves the relays of accepted companies"
