"""Company accounts: a company asks for an online account over the shop; the organisation accepts it
(the company, its relay contact and the relay's shop account are created, the relay is e-mailed their
contact number) or refuses it (the reason is e-mailed). Until its account is accepted a company's relays
cannot use the company and agency spaces: `check_accepted`."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib import clock
from chalicelib.auth import relays
from chalicelib.auth.model import Shopper
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import Stored
from chalicelib.customers import company_account_mails as mails
from chalicelib.customers import company_account_store as store
from chalicelib.customers.company_account_store import ACCEPTED, REFUSED, REQUESTED, CompanyRequest
from chalicelib.errors import (
    AlreadyExists,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    VersionConflict,
)
from chalicelib.observability import logger

NUMBER_DIGITS = 8
NUMBER_TRIES = 5


def check_accepted(org_id: str, company_id: str) -> None:
    """403 `company_not_accepted` unless the company's online account is accepted (the default of a
    company an operator creates by hand)."""
    status = catalog.get(org_id, "company", company_id).data.get("account_status") or ACCEPTED
    if status != ACCEPTED:
        raise PermissionDenied(
            f"The company's online account is {status}: the organisation has not accepted it",
            {"reason": "company_not_accepted", "company_id": company_id, "account_status": status},
        )


def log_in_relay(
    org_id: str, email: str, password: str, contact_number: str
) -> tuple[str, int, Shopper, dict]:
    """The shop's session for a relay (auth/relays.py: 401 for any wrong field), once their company's
    account is accepted (403 `company_not_accepted`)."""
    token, expires_at, shopper, contact = relays.log_in_relay(org_id, email, password, contact_number)
    check_accepted(org_id, contact["company_id"])
    return token, expires_at, shopper, contact


@dataclass(frozen=True)
class AccountRequest:
    company_name: str
    address: str
    company_type: str  # a company type's id or code
    relay_name: str
    email: str
    password: str


def company_type_id(org_id: str, id_or_code: str) -> str:
    """The company type named by id or code; 422 naming `company_type` if there is none."""
    for read in (catalog.get, catalog.get_by_code):
        try:
            return read(org_id, "company_type", id_or_code).id
        except NotFound:
            continue
    raise InvalidInput(f"No company type {id_or_code}", {"field": "company_type", "value": id_or_code})


def company_types(org_id: str) -> list[dict[str, str]]:
    """What a company may say it is, for the request form."""
    items = catalog.all_items(org_id, "company_type")
    return sorted(
        ({"id": t.id, "code": t.data["code"], "name": t.data["name"]} for t in items), key=lambda t: t["name"]
    )


def request_account(org_id: str, asked: AccountRequest) -> CompanyRequest:
    """Record the request (status requested); the relay's password is kept hashed until the decision."""
    type_id = company_type_id(org_id, asked.company_type)
    password_hash, existing = relays.request_credentials(org_id, asked.email, asked.password)
    request = CompanyRequest(
        org_id=org_id,
        request_id=uuid.uuid4().hex,
        status=REQUESTED,
        company_name=asked.company_name,
        address=asked.address,
        company_type_id=type_id,
        relay_name=asked.relay_name,
        email=asked.email.lower(),
        created_at=clock.now(),
        password_hash=password_hash,
        existing_shopper_id=existing,
    )
    store.create(request)
    logger.info("company account requested", extra={"request_id": request.request_id})
    return request


def list_requests(org_id: str, status: str | None = None) -> list[CompanyRequest]:
    return store.list_requests(org_id, status)


def get_request(org_id: str, request_id: str) -> CompanyRequest:
    return store.get(org_id, request_id)


def accept(org_id: str, request_id: str, operator: str) -> CompanyRequest:
    """Create the company (accepted), its relay contact with a contact number and the relay's shop
    account, then mark the request accepted with the relay's e-mail in one transaction. Safe to run
    again: a step done already is found (by the request's ids), never made twice; a request accepted
    already is answered as it is."""
    request = store.get(org_id, request_id)
    if request.status == ACCEPTED:
        return request
    if request.status == REFUSED:
        raise Conflict(
            "This request was refused; the company may ask again",
            {"request_id": request_id, "status": REFUSED, "reason": "already_refused"},
        )
    company_id = _company(org_id, request)
    contact = _relay_contact(org_id, request, company_id)
    shopper = relays.open_relay_account(
        org_id,
        contact.id,
        request.email,
        request.relay_name,
        request.password_hash or "",
        shopper_id=request.request_id,
        existing_shopper_id=request.existing_shopper_id,
    )
    number = contact.data["code"]
    effect = mails.accepted(org_id, request, number)
    made = {"company_id": company_id, "contact_id": contact.id, "contact_number": number}
    _decide(request, ACCEPTED, operator, effect, made | {"shopper_id": shopper.shopper_id})
    logger.info("company account accepted", extra={"request_id": request_id, "company_id": company_id})
    return store.get(org_id, request_id)


def refuse(org_id: str, request_id: str, operator: str, reason: str) -> CompanyRequest:
    """Mark the request refused and e-mail the reason, in one transaction; a refused request is answered
    as it is (its reason unchanged); an accepted one cannot be refused (suspend the company instead)."""
    request = store.get(org_id, request_id)
    if request.status == REFUSED:
        return request
    if request.status == ACCEPTED:
        raise Conflict(
            "This request was accepted; set the company's account_status to suspended instead",
            {"request_id": request_id, "status": ACCEPTED, "company_id": request.company_id},
        )
    _decide(request, REFUSED, operator, mails.refused(request.org_id, request, reason), {"reason": reason})
    logger.info("company account refused", extra={"request_id": request_id})
    return store.get(org_id, request_id)


def _decide(request: CompanyRequest, status: str, operator: str, effect, made: dict) -> None:
    if store.decide(request.org_id, request.request_id, status, operator, effect, **made):
        return
    current = store.get(request.org_id, request.request_id)  # decided meanwhile
    if current.status != status:
        raise Conflict(
            f"This request was {current.status} meanwhile",
            {"request_id": request.request_id, "status": current.status},
        )


def _company(org_id: str, request: CompanyRequest) -> str:
    """The request's company, created once under the request's id."""
    spec = k.CompanySpec(
        code=f"CO-{request.request_id[:16]}",
        name=request.company_name,
        company_type_id=request.company_type_id,
        address=request.address,
        account_status=ACCEPTED,
    )
    return _once(org_id, "company", request.request_id, lambda: spec).id


def _once(org_id: str, kind: str, item_id: str, spec_of: Callable[[], k.Spec]) -> Stored:
    """The item with this id, created if missing; another run's item if it was created meanwhile. A new
    spec is asked for each try (a contact number taken already is drawn again)."""
    for _ in range(NUMBER_TRIES):
        try:
            return catalog.get(org_id, kind, item_id)
        except NotFound:
            pass
        try:
            return catalog.create(org_id, kind, spec_of(), item_id=item_id)
        except (AlreadyExists, VersionConflict):  # its code is taken, or it was created meanwhile
            continue
    raise Conflict(f"The {kind} could not be created; try again", {"kind": kind, "id": item_id})


def _relay_contact(org_id: str, request: CompanyRequest, company_id: str) -> Stored:
    """The request's relay contact, created once under the request's id; its code is the contact number."""

    def spec() -> k.Spec:
        return k.ContactSpec(
            code=_new_number(),
            name=request.relay_name,
            email=request.email,
            company_id=company_id,
            relay=True,
        )

    return _once(org_id, "contact", request.request_id, spec)


def _new_number() -> str:
    return str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 1)) + 10 ** (NUMBER_DIGITS - 1))
