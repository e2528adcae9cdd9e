"""Relays: a shopper account acts for a relay contact (a person acting for a company) once an operator
invited the contact by e-mail and the account, its e-mail verified, accepted the invitation."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.auth import repository, tokens
from chalicelib.auth.model import Shopper
from chalicelib.catalog import service as catalog
from chalicelib.config import public_url
from chalicelib.db.accounts import (
    AccountsTable,
    RelayLinkItem,
    ShopperItem,
    org_pk,
    relay_link_sk,
    shopper_sk,
)
from chalicelib.db.base import connection
from chalicelib.db.conditions import condition_failed, transient
from chalicelib.errors import AlreadyExists, InvalidInput, InvalidToken, NotFound, PermissionDenied

RELAY_INVITATION = "relay_invitation"
INVITATION_MINUTES = 7 * 24 * 60


def relay_contact(org_id: str, contact_id: str) -> dict | None:
    try:
        contact = catalog.get(org_id, "contact", contact_id)
    except NotFound:
        return None
    return {"id": contact.id, **contact.data} if contact.data.get("relay") else None


def relay_contact_of(shopper: Shopper) -> dict | None:
    """The relay contact this account acts for: linked by an accepted invitation, still a relay."""
    if not shopper.relay_contact_id:
        return None
    contact = relay_contact(shopper.org_id, shopper.relay_contact_id)
    return contact if contact and shopper.email_verified else None


def relay_contact_for_email(org_id: str, email: str) -> dict | None:
    """The relay contact of the shop account with this e-mail, if that account was invited and accepted."""
    found = repository.find_shopper_by_email(org_id, email)
    return relay_contact_of(found[0]) if found else None


def invite(org_id: str, contact_id: str, by: str) -> str:
    """E-mail the relay contact a link to act for their company from their shop account; the link."""
    contact = relay_contact(org_id, contact_id)
    if contact is None:
        raise InvalidInput("Only a relay contact is invited to act for a company", {"field": "contact_id"})
    token, _ = tokens.issue(
        RELAY_INVITATION, org_id, contact_id, INVITATION_MINUTES, device=contact["email"].lower()
    )
    link = f"{public_url()}/shop/{org_id}/account/relay?token={token}"
    from chalicelib.mail.service import send_email

    text = (
        f"Hello {contact['name']},\n\n{by} invites you to act for your company in our shop. Log in to your "
        f"shop account (or open one with this e-mail address), verify the address, then accept: {link}\n"
    )
    send_email(org_id, contact["email"], "Act for your company in our shop", text, kind="account")
    return link


def accept(shopper: Shopper, token: str) -> dict:
    """Link the account to the invited contact: the account's verified e-mail must be the invited one."""
    claims = tokens.verify(token, kinds=(RELAY_INVITATION,))
    if claims.org_id != shopper.org_id:
        raise InvalidToken("This invitation is for another shop")
    if not shopper.email_verified:
        raise PermissionDenied("Verify your e-mail address first", {"field": "email_verified"})
    contact = relay_contact(shopper.org_id, claims.subject)
    if contact is None or contact["email"].lower() != claims.device or shopper.email != claims.device:
        raise PermissionDenied("This invitation is for another e-mail address or no longer holds", {})
    link(shopper.org_id, shopper.shopper_id, contact["id"])
    return contact


def link(org_id: str, shopper_id: str, contact_id: str) -> None:
    """One account per relay contact, even in a race; the seed links its demo relay directly."""
    guard = RelayLinkItem(org_pk(org_id), relay_link_sk(contact_id), shopper_id=shopper_id)
    shopper = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(
                guard, condition=AccountsTable.sk.does_not_exist() | (RelayLinkItem.shopper_id == shopper_id)
            )
            tx.update(
                shopper,
                actions=[ShopperItem.relay_contact_id.set(contact_id)],
                condition=AccountsTable.sk.exists(),
            )
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise AlreadyExists(
                "Another account acts for this contact already", {"contact_id": contact_id}
            ) from exc
        raise transient(exc) from exc
