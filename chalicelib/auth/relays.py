"""Relays: a shopper account acts for a relay contact (a person acting for a company) once an operator
invited the contact by e-mail and the account, its e-mail verified, accepted the invitation, or once an
operator accepted the company's account request (company_accounts.py). A relay logs in with the seed's
three fields: e-mail, password and contact number (the contact's code)."""

from __future__ import annotations

import contextlib

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.auth import client, limits, passwords, repository, shoppers, tokens
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
from chalicelib.errors import (
    AlreadyExists,
    Conflict,
    InvalidCredentials,
    InvalidInput,
    InvalidToken,
    NotFound,
    PermissionDenied,
)

RELAY_INVITATION = "relay_invitation"
INVITATION_MINUTES = 7 * 24 * 60
RELAY_LOGIN = "relay"  # the login throttle's kind for wrong contact numbers
REQUESTS_PER_ADDRESS = (limits._setting("COMPANY_REQUESTS_PER_ADDRESS", 10), 3600)
# One answer for every wrong field: a caller learns nothing of which one was wrong.
WRONG_CREDENTIALS = "Unknown e-mail, wrong password or wrong contact number"


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


def request_credentials(org_id: str, email: str, password: str) -> tuple[str, str | None]:
    """For a company account request (throttled per address): the password hashed, and the shop account
    the e-mail has already if the password is that account's (accepting links it). The same work is done
    whether the e-mail has an account or not."""
    here = client.current()
    if here is not None:
        limits._take(
            f"COMPANY_REQUEST#ip#{limits.address_of(here)}", org_id, REQUESTS_PER_ADDRESS, "requests"
        )
    found = repository.find_shopper_by_email(org_id, email)
    shopper, existing_hash = found if found else (None, passwords.dummy_hash())
    matches = passwords.verify_password(password, existing_hash) and shopper is not None
    return passwords.hash_password(password), shopper.shopper_id if matches and shopper else None


def open_relay_account(
    org_id: str,
    contact_id: str,
    email: str,
    name: str,
    password_hash: str,
    *,
    shopper_id: str,
    existing_shopper_id: str | None,
) -> Shopper:
    """The shop account acting for the relay contact, its e-mail taken as verified (an operator accepted
    the request): opened with `shopper_id` and the requested password, or the account the e-mail had
    when the request gave its password. Safe to run again: the same account, linked once."""
    found = repository.find_shopper_by_email(org_id, email)
    if found is None:
        with contextlib.suppress(AlreadyExists):  # opened meanwhile: read it back below
            repository.create_shopper(Shopper(org_id, shopper_id, email.lower(), name), password_hash)
        found = repository.find_shopper_by_email(org_id, email)
        if found is None:
            raise NotFound("The relay's account could not be read back; try again", {"email": email})
    shopper = found[0]
    if shopper.shopper_id not in (shopper_id, existing_shopper_id):
        raise Conflict(
            "The e-mail has a shop account whose password the request did not give: refuse the request "
            "(the relay asks again with that account's password) or invite the contact instead",
            {"field": "email", "reason": "email_has_another_account"},
        )
    repository.mark_email_verified(org_id, shopper.shopper_id)
    link(org_id, shopper.shopper_id, contact_id)
    shopper.email_verified, shopper.relay_contact_id = True, contact_id
    return shopper


def log_in_relay(
    org_id: str, email: str, password: str, contact_number: str
) -> tuple[str, int, Shopper, dict]:
    """The shop's session for a relay who gives e-mail, password and contact number; the same 401 for
    any wrong one (wrong contact numbers are throttled as wrong passwords are). The relay contact too."""
    here = client.current()
    limits.check_login(RELAY_LOGIN, org_id, email, here)
    try:
        token, expires_at, shopper = shoppers.log_in(org_id, email, password)
    except InvalidCredentials:
        raise InvalidCredentials(WRONG_CREDENTIALS) from None
    contact = relay_contact_of(shopper)
    if contact is None or contact["code"].strip().lower() != contact_number.strip().lower():
        limits.login_failed(RELAY_LOGIN, org_id, email, here)
        raise InvalidCredentials(WRONG_CREDENTIALS)
    limits.login_succeeded(RELAY_LOGIN, org_id, email)
    return token, expires_at, shopper, contact
