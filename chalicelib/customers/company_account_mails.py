"""The e-mails of a company account request's decision, written in the outbox with the decision."""

from __future__ import annotations

from chalicelib.config import public_url
from chalicelib.customers.company_account_store import CompanyRequest
from chalicelib.mail.service import email_effect
from chalicelib.outbox.model import Effect

KIND = "company_account"

_ACCEPTED = (
    "Hello {name},\n\n"
    "The online account of {company} is accepted. Your contact number is {number}.\n\n"
    "Log in to the company space with your e-mail address ({email}), the password you chose and this "
    "contact number: {link}\n"
)
_REFUSED = (
    "Hello {name},\n\n"
    "We cannot open an online account for {company}. The reason:\n\n{reason}\n\n"
    "You may ask again once this is settled.\n"
)


def accepted(org_id: str, request: CompanyRequest, number: str) -> Effect:
    link = f"{public_url()}/shop/{org_id}/relay-login"
    text = _ACCEPTED.format(
        name=request.relay_name, company=request.company_name, number=number, email=request.email, link=link
    )
    return email_effect(
        org_id,
        request.email,
        "Your company account is accepted: your contact number",
        text,
        kind=KIND,
        reference=request.request_id,
    )


def refused(org_id: str, request: CompanyRequest, reason: str) -> Effect:
    text = _REFUSED.format(name=request.relay_name, company=request.company_name, reason=reason)
    return email_effect(
        org_id, request.email, "Your company account request", text, kind=KIND, reference=request.request_id
    )
