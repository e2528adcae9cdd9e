"""Company account requests stored: created, read, listed, decided with their e-mail in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.db.accounts import AccountsTable, org_pk
from chalicelib.db.base import connection
from chalicelib.db.company_accounts import REQUEST_PREFIX, CompanyRequestItem, request_sk
from chalicelib.db.conditions import condition_failed, store_errors, transient
from chalicelib.db.outbox import OutboxItem
from chalicelib.errors import NotFound
from chalicelib.outbox import repository as outbox
from chalicelib.outbox.model import Effect

REQUESTED, ACCEPTED, REFUSED = "requested", "accepted", "refused"
STATUSES = (REQUESTED, ACCEPTED, REFUSED)


@dataclass
class CompanyRequest:
    org_id: str
    request_id: str
    status: str
    company_name: str
    address: str
    company_type_id: str
    relay_name: str
    email: str
    created_at: datetime
    password_hash: str | None = None
    existing_shopper_id: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    company_id: str | None = None
    contact_id: str | None = None
    contact_number: str | None = None
    shopper_id: str | None = None


FIELDS = tuple(CompanyRequest.__dataclass_fields__)


def _to_request(item: CompanyRequestItem) -> CompanyRequest:
    return CompanyRequest(**{name: getattr(item, name) for name in FIELDS})


@store_errors
def create(request: CompanyRequest) -> None:
    item = CompanyRequestItem(
        org_pk(request.org_id),
        request_sk(request.request_id),
        **{name: getattr(request, name) for name in FIELDS},
    )
    item.save(condition=AccountsTable.sk.does_not_exist())


@store_errors
def get(org_id: str, request_id: str) -> CompanyRequest:
    try:
        return _to_request(
            CompanyRequestItem.get(org_pk(org_id), request_sk(request_id), consistent_read=True)
        )
    except DoesNotExist:
        raise NotFound(
            f"No company account request {request_id[:100]}", {"request_id": request_id[:100]}
        ) from None


@store_errors
def list_requests(org_id: str, status: str | None) -> list[CompanyRequest]:
    """Every request of the organisation (a few hundred at most), with this status if given; newest first."""
    condition = CompanyRequestItem.status == status if status else None
    items = CompanyRequestItem.query(
        org_pk(org_id), AccountsTable.sk.startswith(REQUEST_PREFIX), filter_condition=condition
    )
    return sorted((_to_request(item) for item in items), key=lambda r: r.created_at, reverse=True)


@store_errors
def decide(org_id: str, request_id: str, status: str, by: str, effect: Effect, **made: Any) -> bool:
    """requested -> `status`, with what the decision made (ids, reason) and its e-mail, in one transaction;
    the password hash is forgotten. False if the request was decided already (nothing written)."""
    item = CompanyRequestItem(org_pk(org_id), request_sk(request_id))
    actions = [
        CompanyRequestItem.status.set(status),
        CompanyRequestItem.decided_at.set(clock.now()),
        CompanyRequestItem.decided_by.set(by),
        CompanyRequestItem.password_hash.remove(),
    ]
    actions += [getattr(CompanyRequestItem, name).set(value) for name, value in made.items()]
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(item, actions=actions, condition=CompanyRequestItem.status == REQUESTED)
            tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise transient(exc) from exc
    return True
