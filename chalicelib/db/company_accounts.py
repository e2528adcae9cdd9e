"""Company account requests in the accounts table: pk ORG#<org_id>, sk COMPANY_REQUEST#<request_id>."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.db.accounts import AccountsTable

REQUEST_PREFIX = "COMPANY_REQUEST#"


class CompanyRequestItem(AccountsTable):
    """A company's request for an online account, then the operator's decision and what it created."""

    org_id = UnicodeAttribute()
    request_id = UnicodeAttribute()
    status = UnicodeAttribute()  # requested | accepted | refused
    company_name = UnicodeAttribute()
    address = UnicodeAttribute(default="")
    company_type_id = UnicodeAttribute()
    relay_name = UnicodeAttribute()
    email = UnicodeAttribute()
    # the relay's chosen password, hashed; kept until the decision (the account is opened with it)
    password_hash = UnicodeAttribute(null=True)
    # the shop account the e-mail had already, when the request gave its password: accepting links it
    existing_shopper_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # a refusal's, as e-mailed to the relay
    company_id = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)
    contact_number = UnicodeAttribute(null=True)
    shopper_id = UnicodeAttribute(null=True)


def request_sk(request_id: str) -> str:
    return f"{REQUEST_PREFIX}{request_id}"
