"""Customers' records in the accounts table: a contact's levels and lists, a target list's contacts.

Keys (pk, sk), each contact and each list in a partition of its own, so that an import of thousands of
contacts spreads its writes instead of heating the organisation's partition:
- CUSTOMER#<org>#<contact>, LEVEL#<indicator>   the contact's level of one indicator
- CUSTOMER#<org>#<contact>, LIST#<list>         the contact is in that target list
  (one query of the partition reads the contact's whole profile)
- TARGETLIST#<org>#<list>, BUCKET#<n>           the list's contact ids whose digest falls in bucket n
  (model.LIST_BUCKETS buckets; an import updates at most that many, in one transaction)
A shopper account's own levels and its contact are attributes of its item (db/accounts.ShopperItem);
the indicators and the lists' names are catalog items (catalog/customer_kinds.py).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute

from chalicelib.db.accounts import AccountsTable

LEVEL, LIST = "LEVEL#", "LIST#"


class ContactRecordItem(AccountsTable):
    """A contact's level of one indicator (sk LEVEL#...) or their place in a list (sk LIST#...)."""

    org_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    indicator_id = UnicodeAttribute(null=True)
    level = UnicodeAttribute(null=True)
    target_list_id = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class ListBucketItem(AccountsTable):
    contact_ids = UnicodeSetAttribute(null=True)  # absent when empty (DynamoDB holds no empty set)


def contact_pk(org_id: str, contact_id: str) -> str:
    return f"CUSTOMER#{org_id}#{contact_id}"


def level_sk(indicator_id: str) -> str:
    return f"{LEVEL}{indicator_id}"


def list_sk(target_list_id: str) -> str:
    return f"{LIST}{target_list_id}"


def list_pk(org_id: str, target_list_id: str) -> str:
    return f"TARGETLIST#{org_id}#{target_list_id}"


def bucket_sk(bucket: int) -> str:
    return f"BUCKET#{bucket:02d}"
