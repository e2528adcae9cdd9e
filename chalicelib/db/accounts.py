"""The accounts table: organisations, operators, roles and shoppers, partitioned by organisation."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.db.base import TableMeta, TableModel


class AccountsTable(TableModel):
    """Root model: pk = ORG#<org_id>; sk names the item (ORG, OPERATOR#login, ROLE#name, ...)."""

    class Meta(metaclass=TableMeta):
        logical_name = "accounts"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


class OrganisationItem(AccountsTable):
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class OperatorItem(AccountsTable):
    org_id = UnicodeAttribute()
    login = UnicodeAttribute()
    name = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    roles = UnicodeSetAttribute(default=set)
    active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    # Tokens carry the version they were issued at; a bump (password, deactivation, logout) revokes them.
    token_version = NumberAttribute(default=0)
    password_changed_at = UTCDateTimeAttribute(null=True)
    password_changed_by = UnicodeAttribute(null=True)
    # "<session>:<expiry>" of each session logged out; forgotten once expired (at the next log-in)
    ended_sessions = UnicodeSetAttribute(null=True)
    # The operator's scope (auth/model.py Scope); absent: unrestricted
    scope_audience_category_ids = UnicodeSetAttribute(null=True)
    scope_product_families = UnicodeSetAttribute(null=True)


class RoleItem(AccountsTable):
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    # area -> list of actions, e.g. {"catalog": ["read", "modify"]}
    rights = MapAttribute(default=dict)


class ShopperItem(AccountsTable):
    org_id = UnicodeAttribute()
    shopper_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    token_version = NumberAttribute(default=0)
    email_verified = BooleanAttribute(default=False)
    password_changed_at = UTCDateTimeAttribute(null=True)
    relay_contact_id = UnicodeAttribute(null=True)  # the contact it acts for, linked by an invitation
    ended_sessions = UnicodeSetAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)  # the contact this account is, linked by an operator
    # indicator id -> level id held by the account itself (chalicelib/customers); versioned writes
    levels = MapAttribute(null=True)
    levels_version = NumberAttribute(null=True)
    # the personal space's profile (chalicelib/auth/shoppers.py), absent until first saved
    phone = UnicodeAttribute(null=True)
    address = MapAttribute(null=True)
    language = UnicodeAttribute(null=True)
    cultural_contact_consent = BooleanAttribute(null=True)
    cultural_contact_consent_at = UTCDateTimeAttribute(null=True)


class ShopperEmailItem(AccountsTable):
    """Uniqueness guard: one item per (organisation, email), written with the shopper in one transaction."""

    shopper_id = UnicodeAttribute()


class RelayLinkItem(AccountsTable):
    """Guard: one shopper account acts for a relay contact, written with the link in one transaction."""

    shopper_id = UnicodeAttribute()


class ContactLinkItem(AccountsTable):
    """Guard: one shopper account is a given contact, written with the account's contact_id."""

    shopper_id = UnicodeAttribute()


def contact_link_sk(contact_id: str) -> str:
    return f"CONTACT_LINK#{contact_id}"


def relay_link_sk(contact_id: str) -> str:
    return f"RELAY#{contact_id}"


def organisation_sk() -> str:
    return "ORG"


def operator_sk(login: str) -> str:
    return f"OPERATOR#{login}"


def role_sk(name: str) -> str:
    return f"ROLE#{name}"


def shopper_sk(shopper_id: str) -> str:
    return f"SHOPPER#{shopper_id}"


def shopper_email_sk(email: str) -> str:
    return f"SHOPPER_EMAIL#{email.lower()}"
