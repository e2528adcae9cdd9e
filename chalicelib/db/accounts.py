"""The accounts table: organisations, operators, roles and shoppers, partitioned by organisation."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
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


class ShopperEmailItem(AccountsTable):
    """Uniqueness guard: one item per (organisation, email), written with the shopper in one transaction."""

    shopper_id = UnicodeAttribute()


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
