"""The demo data of the local stack, as a list of idempotent steps: re-running changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.auth import service as auth
from chalicelib.auth.model import AREAS, Role
from chalicelib.errors import AlreadyExists

ORG = "demo"
ORG_NAME = "Demo Theatre"
ADMIN_LOGIN, ADMIN_PASSWORD = "admin", "admin-password"
BOX_OFFICE_ROLE = "box-office"
# Reads every area but operators: sees the catalogue, sales and runs; cannot manage accounts.
BOX_OFFICE_RIGHTS = {area: ["read"] for area in AREAS if area != "operators"}
CASHIER_LOGIN, CASHIER_PASSWORD = "cashier", "cashier-password"
SHOPPER_EMAIL, SHOPPER_PASSWORD = "shopper@example.com", "shopper-password"


def organisation() -> str:
    created = auth.create_organisation(ORG, ORG_NAME, ADMIN_LOGIN, ADMIN_PASSWORD)
    return f"organisation {ORG} ({ORG_NAME}) with administrator {ADMIN_LOGIN}" if created else ""


def box_office_role() -> str:
    try:
        auth.save_role(ORG, Role(BOX_OFFICE_ROLE, BOX_OFFICE_RIGHTS), create=True)
    except AlreadyExists:
        return ""
    return f"role {BOX_OFFICE_ROLE} (read-only, no operators rights)"


def cashier() -> str:
    if CASHIER_LOGIN in {operator.login for operator in auth.list_operators(ORG)}:
        return ""  # checked first: hashing a password to then find the operator there costs 0.3 s
    auth.create_operator(ORG, CASHIER_LOGIN, "Box-office cashier", CASHIER_PASSWORD, [BOX_OFFICE_ROLE])
    return f"operator {CASHIER_LOGIN} with role {BOX_OFFICE_ROLE}"


def shopper() -> str:
    try:
        auth.register_shopper(ORG, SHOPPER_EMAIL, "Demo Shopper", SHOPPER_PASSWORD)
    except AlreadyExists:
        return ""
    return f"shopper {SHOPPER_EMAIL}"


# In order; each step returns what it created, or "" when it was already there.
STEPS: tuple[Callable[[], str], ...] = (organisation, box_office_role, cashier, shopper)


def seed() -> list[str]:
    """Run every step against the configured tables; returns what was created this time."""
    return [done for done in (step() for step in STEPS) if done]
