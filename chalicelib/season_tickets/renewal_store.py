"""The renewal records of next season's product, one per subscription of last season's: claimed by one
run at a time (conditional writes), then renewed or not renewed with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib import clock
from chalicelib.db.conditions import store_errors
from chalicelib.db.season_ticket_renewals import RenewalItem, renewals_pk
from chalicelib.sales.order_store import new_order_id

RENEWING, RENEWED, NOT_RENEWED = "renewing", "renewed", "not_renewed"
# A run that claimed a subscription and stopped (a Lambda ends after 15 minutes) leaves it `renewing`;
# past this, another run takes it over with the order id the first one chose.
STALE_AFTER_SECONDS = 15 * 60


@dataclass(frozen=True)
class Claim:
    item: RenewalItem
    resumed: bool  # a stopped run's claim: its order may exist already


def _failed_condition(exc: PutError | UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


@store_errors
def all_records(org_id: str, season_ticket_id: str) -> dict[str, RenewalItem]:
    """Last season's package id -> its renewal record."""
    return {item.package_id: item for item in RenewalItem.query(renewals_pk(org_id, season_ticket_id))}


def is_settled(item: RenewalItem | None, now: int) -> bool:
    """Renewed, or being renewed by a run that is still going: nothing for this run to do."""
    if item is None:
        return False
    return item.status == RENEWED or (
        item.status == RENEWING and now - int(item.claimed_at) < STALE_AFTER_SECONDS
    )


@store_errors
def claim(
    org_id: str,
    season_ticket_id: str,
    renewed_id: str,
    subscription: dict[str, Any],
    known: RenewalItem | None,
) -> Claim | None:
    """This run renews the subscription; None when it is renewed or another run has it meanwhile."""
    now = clock.seconds()
    if is_settled(known, now):
        return None
    resumed = known is not None and known.status == RENEWING
    item = RenewalItem(
        renewals_pk(org_id, season_ticket_id),
        subscription["subscription_id"],
        org_id=org_id,
        season_ticket_id=season_ticket_id,
        renewed_id=renewed_id,
        package_id=subscription["subscription_id"],
        status=RENEWING,
        order_id=known.order_id if resumed and known is not None else new_order_id(clock.now()),
        buyer_name=subscription.get("buyer_name"),
        email=subscription.get("email"),
        claimed_at=now,
        updated_at=clock.iso(),
        created_at=known.created_at if known is not None else clock.iso(),
    )
    if known is None:
        condition = RenewalItem.pk.does_not_exist()
    else:  # unchanged since read: the same status and claim
        condition = (RenewalItem.status == known.status) & (RenewalItem.claimed_at == known.claimed_at)
    try:
        item.save(condition=condition)
    except PutError as exc:
        if _failed_condition(exc):
            return None
        raise
    return Claim(item, resumed)


@store_errors
def settle(
    item: RenewalItem,
    status: str,
    *,
    performances: list[dict[str, Any]] | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> RenewalItem:
    """Renewed (its performances) or not renewed (the reason), if this run's claim still holds."""
    try:
        item.update(
            actions=[
                RenewalItem.status.set(status),
                RenewalItem.performances.set(performances or []),
                RenewalItem.reason.set(reason) if reason else RenewalItem.reason.remove(),
                RenewalItem.details.set(details or {}),
                RenewalItem.updated_at.set(clock.iso()),
            ],
            condition=(RenewalItem.status == RENEWING) & (RenewalItem.claimed_at == item.claimed_at),
        )
    except UpdateError as exc:
        if _failed_condition(exc):
            return item  # another run took it over: what it writes stands
        raise
    return item
