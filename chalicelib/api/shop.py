"""Online-shop routes for shoppers: register, verify the e-mail, log in and out, my account, my password,
my profile."""

from __future__ import annotations

from chalicelib.api.accounts_models import (
    EmailVerification,
    PasswordChange,
    ProfileChange,
    ProfileOut,
    RegistrationOut,
    RelayOut,
    ShopperLogin,
    ShopperOut,
    ShopperRegistration,
    ShopperSession,
)
from chalicelib.api.routing import PUBLIC, SHOPPER, Api
from chalicelib.auth import relays, shoppers
from chalicelib.auth import service as auth
from chalicelib.auth.model import Shopper, ShopperCaller

api = Api(__name__, tag="shop: account")
blueprint = api.blueprint


def _shopper_out(shopper: Shopper) -> ShopperOut:
    return ShopperOut(
        shopper_id=shopper.shopper_id,
        email=shopper.email,
        name=shopper.name,
        email_verified=shopper.email_verified,
    )


@api.route(
    "/shop/{org_id}/account",
    "POST",
    summary="Register a shopper account (the answer is the same whether the e-mail has one already)",
    auth=PUBLIC,
    body=ShopperRegistration,
    response=RegistrationOut,
    status=202,
)
def register(_caller: None, org_id: str, body: ShopperRegistration) -> RegistrationOut:
    shoppers.register(org_id, body.email, body.name, body.password)
    return RegistrationOut(
        status="check_your_email",
        message=f"We sent an e-mail to {body.email}; follow it, then log in with your password.",
    )


@api.route(
    "/shop/{org_id}/account/verify",
    summary="Verify my e-mail: the link sent at registration (idempotent)",
    auth=PUBLIC,
    query=EmailVerification,
    response=ShopperOut,
)
def verify_email(_caller: None, org_id: str, query: EmailVerification) -> ShopperOut:
    return _shopper_out(shoppers.verify_email(org_id, query.token))


@api.route(
    "/shop/{org_id}/account/login",
    "POST",
    summary="Log a shopper in",
    auth=PUBLIC,
    body=ShopperLogin,
    response=ShopperSession,
)
def log_in(_caller: None, org_id: str, body: ShopperLogin) -> ShopperSession:
    token, expires_at, shopper = shoppers.log_in(org_id, body.email, body.password)
    return ShopperSession(token=token, expires_at=expires_at, shopper=_shopper_out(shopper))


@api.route(
    "/shop/{org_id}/account/logout",
    "POST",
    summary="Log out: this session ends at once (a password change ends every session)",
    auth=SHOPPER,
    status=204,
)
def log_out(caller: ShopperCaller, org_id: str) -> None:
    auth.end_sessions(caller)


@api.route(
    "/shop/{org_id}/account/password",
    "POST",
    summary="Change my password (with the current one); my other sessions end, a new one is returned",
    auth=SHOPPER,
    body=PasswordChange,
    response=ShopperSession,
)
def change_password(caller: ShopperCaller, org_id: str, body: PasswordChange) -> ShopperSession:
    token, expires_at, shopper = shoppers.change_password(caller, body.current_password, body.new_password)
    return ShopperSession(token=token, expires_at=expires_at, shopper=_shopper_out(shopper))


@api.route(
    "/shop/{org_id}/account/relay",
    "POST",
    summary="Accept an invitation to act for my company (the link's token; my e-mail verified first)",
    auth=SHOPPER,
    body=EmailVerification,
    response=RelayOut,
)
def accept_relay(caller: ShopperCaller, org_id: str, body: EmailVerification) -> RelayOut:
    contact = relays.accept(caller.shopper, body.token)
    return RelayOut(contact_id=contact["id"], company_id=contact.get("company_id"))


@api.route("/shop/{org_id}/account", summary="My account", auth=SHOPPER, response=ShopperOut)
def my_account(caller: ShopperCaller, org_id: str) -> ShopperOut:
    return _shopper_out(caller.shopper)


def _profile_out(shopper: Shopper) -> ProfileOut:
    return ProfileOut(
        shopper_id=shopper.shopper_id,
        email=shopper.email,
        name=shopper.name,
        phone=shopper.phone,
        address=shopper.address,
        language=shopper.language,
        cultural_contact_consent=shopper.cultural_contact_consent,
        cultural_contact_consent_at=shopper.cultural_contact_consent_at,
    )


@api.route(
    "/shop/{org_id}/account/profile",
    summary="My profile: name, phone, address, language, and whether producers may contact me",
    auth=SHOPPER,
    response=ProfileOut,
)
def my_profile(caller: ShopperCaller, org_id: str) -> ProfileOut:
    return _profile_out(shoppers.profile(org_id, caller.shopper.shopper_id))


@api.route(
    "/shop/{org_id}/account/profile",
    "PATCH",
    summary="Change my profile: the fields given change (null clears phone, address or language)",
    auth=SHOPPER,
    body=ProfileChange,
    response=ProfileOut,
)
def change_profile(caller: ShopperCaller, org_id: str, body: ProfileChange) -> ProfileOut:
    return _profile_out(shoppers.update_profile(org_id, caller.shopper.shopper_id, body.changes()))
