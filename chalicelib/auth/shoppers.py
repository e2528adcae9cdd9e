"""Shopper accounts in the shop: register (the same answer whether the e-mail exists), verify the
e-mail by a signed link, log in (throttled), change the password (with the current one), the profile."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.auth import client, limits, passwords, repository, tokens
from chalicelib.auth.model import Shopper, ShopperCaller
from chalicelib.config import public_url, settings
from chalicelib.db.accounts import AccountsTable, ShopperItem, org_pk, shopper_sk
from chalicelib.db.conditions import store_errors
from chalicelib.errors import AlreadyExists, InvalidCredentials, InvalidInput, InvalidToken, NotFound
from chalicelib.observability import logger

REGISTRATIONS_PER_ADDRESS = (limits._setting("REGISTRATIONS_PER_ADDRESS", 10), 3600)
VERIFY_LINK_MINUTES = 3 * 24 * 60


def _org(org_id: str) -> None:
    if not repository.organisation_exists(org_id):
        raise NotFound(f"Organisation {org_id} does not exist", {"org_id": org_id})


def register(org_id: str, email: str, name: str, password: str) -> None:
    """Create the account and mail a link to verify the e-mail; if the e-mail has an account already,
    mail its owner instead. The caller learns nothing either way: the e-mail tells the owner."""
    _org(org_id)
    here = client.current()
    if here is not None:
        limits._take(f"REGISTER#ip#{limits.address_of(here)}", org_id, REGISTRATIONS_PER_ADDRESS, "sign-ups")
    shopper = Shopper(org_id, uuid.uuid4().hex, email.lower(), name)
    password_hash = passwords.hash_password(password)  # hashed on both paths: the same time either way
    try:
        repository.create_shopper(shopper, password_hash)
    except AlreadyExists:
        _mail(org_id, shopper.email, "Someone tried to open an account with your e-mail", _EXISTS)
        return
    link = f"{public_url()}/shop/{org_id}/account/verify?token={verification_token(shopper)}"
    _mail(org_id, shopper.email, "Confirm your e-mail address", _VERIFY.format(name=name, link=link))


_EXISTS = (
    "Hello,\n\nSomeone asked to open an account in our shop with this e-mail address, which has one "
    "already. If it was you, log in with your password. If not, you need do nothing.\n"
)
_VERIFY = (
    "Hello {name},\n\nConfirm your e-mail address to complete your account: {link}\n\n"
    "If you did not ask for an account, ignore this e-mail.\n"
)


def _mail(org_id: str, to: str, subject: str, text: str) -> None:
    from chalicelib.mail.service import send_email

    send_email(org_id, to, subject, text, kind="account")


def verification_token(shopper: Shopper) -> str:
    token, _ = tokens.issue(
        tokens.VERIFY_EMAIL, shopper.org_id, shopper.shopper_id, VERIFY_LINK_MINUTES, device=shopper.email
    )
    return token


def verify_email(org_id: str, token: str) -> Shopper:
    """Mark the e-mail verified if the link is ours, unexpired, and the account still has that e-mail."""
    claims = tokens.verify(token, kinds=(tokens.VERIFY_EMAIL,))
    if claims.org_id != org_id:
        raise InvalidToken("This link is for another shop")
    try:
        shopper = repository.get_shopper(org_id, claims.subject)
    except NotFound:
        raise InvalidToken("This link's account no longer exists") from None
    if shopper.email != claims.device:
        raise InvalidToken("This link is for another e-mail address")
    repository.mark_email_verified(org_id, shopper.shopper_id)
    shopper.email_verified = True
    return shopper


def session(shopper: Shopper) -> tuple[str, int]:
    minutes = settings().shopper_token_minutes
    return tokens.issue(
        tokens.SHOPPER, shopper.org_id, shopper.shopper_id, minutes, version=shopper.token_version
    )


def log_in(org_id: str, email: str, password: str) -> tuple[str, int, Shopper]:
    here = client.current()
    limits.check_login(tokens.SHOPPER, org_id, email, here)
    found = repository.find_shopper_by_email(org_id, email)
    shopper, password_hash = found if found else (None, passwords.dummy_hash())
    if not passwords.verify_password(password, password_hash) or shopper is None:
        limits.login_failed(tokens.SHOPPER, org_id, email, here)
        raise InvalidCredentials("Unknown e-mail or wrong password")
    limits.login_succeeded(tokens.SHOPPER, org_id, email)
    repository.forget_expired_sessions(shopper)
    token, expires_at = session(shopper)
    return token, expires_at, shopper


def change_password(caller: ShopperCaller, current: str, new: str) -> tuple[str, int, Shopper]:
    """Needs the current password; every other session ends; a new one is returned."""
    shopper, password_hash = repository.get_shopper_with_hash(caller.org_id, caller.shopper.shopper_id)
    here = client.current()
    limits.check_login(tokens.SHOPPER, shopper.org_id, shopper.email, here)
    if not passwords.verify_password(current, password_hash):
        limits.login_failed(tokens.SHOPPER, shopper.org_id, shopper.email, here)
        raise InvalidInput("The current password is wrong", {"field": "current_password"})
    shopper.token_version = repository.set_shopper_password(
        shopper.org_id, shopper.shopper_id, passwords.hash_password(new)
    )
    logger.info("shopper password changed", extra={"shopper_id": shopper.shopper_id})
    token, expires_at = session(shopper)
    return token, expires_at, shopper


# The profile: contact details, language and the cultural-contact consent, on the account's own item.


PROFILE_FIELDS = ("name", "phone", "address", "language", "cultural_contact_consent")
BATCH = 100  # keys per BatchGetItem


def _with_profile(item: ShopperItem) -> Shopper:
    """The account as the repository reads it, with its profile (on the same item)."""
    consent_at = item.cultural_contact_consent_at
    return dataclasses.replace(
        repository.to_shopper(item),
        phone=item.phone,
        address=dict(item.address.as_dict()) if item.address else None,
        language=item.language,
        cultural_contact_consent=bool(item.cultural_contact_consent),
        cultural_contact_consent_at=consent_at.isoformat() if consent_at else None,
    )


@store_errors
def profile(org_id: str, shopper_id: str) -> Shopper:
    try:
        return _with_profile(ShopperItem.get(org_pk(org_id), shopper_sk(shopper_id), consistent_read=True))
    except DoesNotExist as exc:
        raise NotFound("Shopper does not exist", {"shopper_id": shopper_id}) from exc


@store_errors
def update_profile(org_id: str, shopper_id: str, changes: dict[str, Any]) -> Shopper:
    """Change the fields given (None clears an optional one); the consent's time moves when it changes."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput("These profile fields do not exist", {"fields": sorted(unknown)})
    current = profile(org_id, shopper_id)
    actions = []
    for name, value in changes.items():
        attribute = getattr(ShopperItem, name)
        actions.append(attribute.remove() if value is None and name != "name" else attribute.set(value))
    consent = changes.get("cultural_contact_consent")
    if consent is not None and bool(consent) != current.cultural_contact_consent:
        actions.append(ShopperItem.cultural_contact_consent_at.set(clock.now()))
    if actions:
        item = ShopperItem(org_pk(org_id), shopper_sk(shopper_id))
        item.update(actions=actions, condition=AccountsTable.sk.exists())
    logger.info("shopper profile changed", extra={"shopper_id": shopper_id, "fields": sorted(changes)})
    return profile(org_id, shopper_id)


@store_errors
def profiles(org_id: str, shopper_ids: list[str]) -> dict[str, Shopper]:
    """Several accounts' profiles by id, read BATCH at a time; ids without an account are left out."""
    found: dict[str, Shopper] = {}
    unique = sorted(set(shopper_ids))
    for start in range(0, len(unique), BATCH):
        keys = [(org_pk(org_id), shopper_sk(sid)) for sid in unique[start : start + BATCH]]
        for item in ShopperItem.batch_get(keys):
            found[item.shopper_id] = _with_profile(item)
    return found
