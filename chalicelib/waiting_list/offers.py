"""Returned seats offered to a performance's waiting list in order; lapsed offers passed on; a cancelled
or past performance's list closed, and its personal data erased. Safe to run again at any time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog.model import EventStatus, PerformanceStatus, Stored
from chalicelib.db.sales import limit_key
from chalicelib.errors import (
    BuyerLimitReached,
    NotFound,
    SeatUnavailable,
    TransientStoreError,
    VersionConflict,
)
from chalicelib.inventory import seat_picking
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import BuyerLimit, Hold
from chalicelib.observability import logger
from chalicelib.sales import carts
from chalicelib.shop import service as shop
from chalicelib.shop.model import Sellable, parse_time, seat_available
from chalicelib.waiting_list import emails, repository, standing
from chalicelib.waiting_list import model as m
from chalicelib.waiting_list.model import Entry, Offer, OfferedSeat
from chalicelib.waiting_list.service import WORKFLOW, end_entry

# A hold lost to a buyer (seats read free, taken meanwhile) is read again and tried this many times.
HOLD_ATTEMPTS = 3


@dataclass
class Visit:
    """What one visit of a list did."""

    org_id: str
    performance_id: str
    offered: int = 0
    seats_offered: int = 0
    bought: int = 0
    lapsed: int = 0
    closed: int = 0
    erased: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def live_lists() -> list[dict[str, str]]:
    return [{"org_id": org, "performance_id": perf} for org, perf in repository.live_lists()]


def offer_now(org_id: str, performance_id: str) -> dict[str, Any]:
    """Visit one list now (after a cancellation, say): settle its offers, offer what is free."""
    return visit(org_id, performance_id)


def visit(org_id: str, performance_id: str) -> dict[str, Any]:
    result = Visit(org_id, performance_id)
    listed = repository.get_list(org_id, performance_id)
    if listed is None:
        result.notes.append("no waiting list")
        return result.to_dict()
    try:
        performance = catalog.get(org_id, "performance", performance_id)
    except NotFound:
        performance = None
    now = clock.seconds()
    starts_at = _starts_at(performance)
    if listed.status == repository.OPEN:
        reason = _closing_reason(org_id, performance, now)
        if reason:
            _close(org_id, performance_id, reason, result)
            listed.status = repository.CLOSED
    if listed.status == repository.OPEN:
        entries = repository.entries(org_id, performance_id)
        _settle(entries, now, result)
        _offer(org_id, performance, [e for e in entries if e.status == m.WAITING], result)
    elif not listed.erased and (starts_at is None or now >= starts_at + m.ERASE_AFTER_SECONDS):
        _erase(org_id, performance_id, result)
    return result.to_dict()


def _starts_at(performance: Stored | None) -> int | None:
    if performance is None:
        return None
    moment = parse_time(performance.data.get("starts_at"))
    return int(moment.timestamp()) if moment else None


def _closing_reason(org_id: str, performance: Stored | None, now: int) -> str | None:
    if performance is None:
        return "deleted"
    if performance.performance_status == PerformanceStatus.CANCELLED:
        return "cancelled"
    event = catalog.get(org_id, "event", performance.data["event_id"])
    if event.data.get("status") == EventStatus.CANCELLED:
        return "cancelled"
    starts_at = _starts_at(performance)
    if starts_at is not None and now >= starts_at:
        return "started"
    return None


def _close(org_id: str, performance_id: str, reason: str, result: Visit) -> None:
    """Every live entry closes; on a cancellation each is told by email (in the same write)."""
    if not repository.close_list(org_id, performance_id, reason):
        return
    for entry in repository.entries(org_id, performance_id):
        if not entry.is_live:
            continue
        effects = [emails.cancelled_effect(entry)] if reason == "cancelled" and entry.email else []
        try:
            end_entry(entry, m.CLOSE, WORKFLOW, effects)
            result.closed += 1
        except VersionConflict:  # the shopper left meanwhile; a next visit closes what is left
            result.notes.append(f"entry {entry.entry_id} changed while closing")
    logger.info("waiting list closed", extra={"performance_id": performance_id, "reason": reason})


def _erase(org_id: str, performance_id: str, result: Visit) -> None:
    for entry in repository.entries(org_id, performance_id):
        if entry.is_erased:
            continue
        buyer_id = entry.buyer_id
        repository.erase_entry(m.erase(entry), buyer_id)
        result.erased += 1
    repository.mark_erased(org_id, performance_id)


def _settle(entries: list[Entry], now: int, result: Visit) -> None:
    """Offers that ended: bought (the hold was sold), or lapsed (its seats are released now)."""
    for entry in entries:
        offer = entry.offer
        if entry.status != m.OFFERED or offer is None:
            continue
        try:
            hold: Hold | None = inventory.get_hold(offer.hold_id)
        except NotFound:
            hold = None
        if hold is not None and hold.is_sold:
            action = m.BUY
        elif hold is None or hold.has_ended:
            action = m.LAPSE
        elif hold.expires_at <= now and not hold.order_id:
            inventory.release_expired_hold(hold.hold_id, now)
            action = m.LAPSE
        else:
            continue  # still offered, or an order is paying for it (its expiry is the order's)
        try:
            m.move(entry, action, now, WORKFLOW)
            repository.save_entry(entry)
        except VersionConflict:
            continue
        result.bought += action == m.BUY
        result.lapsed += action == m.LAPSE


@dataclass
class _Stock:
    state: dict
    seats: list
    categories: list[str]
    offered: set[str] = field(default_factory=set)  # seats this visit has just offered

    def picks(self, sellable: Sellable, now: int) -> list[seat_picking.PickSeat]:
        return [
            seat_picking.pick_seat(s, s.seat_id not in self.offered and seat_available(s, sellable, now))
            for s in self.seats
        ]


def _offer(org_id: str, performance: Stored | None, waiting: list[Entry], result: Visit) -> None:
    if performance is None or not waiting or performance.performance_status != PerformanceStatus.ON_SALE:
        return
    ranked = sorted(catalog.all_items(org_id, "seat_category"), key=lambda c: (c.data.get("rank") or 0, c.id))
    stock = _Stock(performance.state, [], [c.id for c in ranked])
    stock.seats = shop.stock_seats(org_id, performance.id, performance.state, fresh=True)
    fronts: dict[str, tuple[Any, Sellable] | None] = {}
    for entry in waiting:
        if entry.pos_code not in fronts:
            fronts[entry.pos_code] = _selling(org_id, entry.pos_code, performance.id)
        selling = fronts[entry.pos_code]
        if selling is None:  # this point of sale stopped selling it (sales closed): nothing to offer there
            continue
        front, sellable = selling
        if _offer_entry(entry, front, sellable, stock):
            result.offered += 1
            result.seats_offered += entry.offer.quantity if entry.offer else 0


def _selling(org_id: str, pos_code: str, performance_id: str) -> tuple[Any, Sellable] | None:
    try:
        front = shop.shop_front(org_id, pos_code)
        shop.on_sale(front, performance_id)
    except NotFound:
        return None
    return front, shop.sellable(front)


def _offer_entry(entry: Entry, front: Any, sellable: Sellable, stock: _Stock) -> bool:
    """Hold seats (else standing places) that fit the entry and offer them, the email in the same
    write; False if none fit."""
    for _ in range(HOLD_ATTEMPTS):
        now = clock.seconds()
        chosen = m.choose_seats(stock.picks(sellable, now), stock.categories, entry.request)
        if chosen is None:
            break
        try:
            hold = _hold(entry, front, sellable, stock, seat_ids=chosen[1].seat_ids)
        except (SeatUnavailable, TransientStoreError):  # a buyer took one, or collided: read again
            stock.seats = shop.stock_seats(entry.org_id, entry.performance_id, stock.state, fresh=True)
            continue
        except BuyerLimitReached:
            return False
        return _save_offer(entry, hold, stock)
    try:
        places = standing.hold_places(
            entry,
            stock.state,
            sellable,
            stock.categories,
            lambda takes: _hold(entry, front, sellable, stock, takes),
        )
    except BuyerLimitReached:
        return False
    if places is None:
        return False
    return _save_offer(entry, places.hold, stock, places)


def _hold(
    entry: Entry, front: Any, sellable: Sellable, stock: _Stock, areas: Any = (), seat_ids: Any = ()
) -> Hold:
    pos = catalog.get_by_code(entry.org_id, "point_of_sale", entry.pos_code)
    rules = carts.rules_for(entry.org_id, pos.id)
    hours = int(catalog.parsed(entry.org_id, "sales_channel", front.channel.id).waiting_list_offer_hours)
    refs = inventory.seat_refs(entry.performance_id, inventory.stock_shards(stock.state), seat_ids)
    return inventory.place_hold(
        entry.org_id,
        entry.performance_id,
        entry.buyer_id,
        refs,
        hours * 3600,
        areas=list(areas),
        limit=BuyerLimit(*limit_key(entry.performance_id, entry.buyer_id), rules.max_tickets_per_buyer),
        quota_ids=sellable.quota_ids,
    )


def _save_offer(entry: Entry, hold: Hold, stock: _Stock, places: standing.Places | None = None) -> bool:
    by_id = {s.seat_id: s for s in stock.seats}
    seats = [by_id[ref.seat_id] for ref in hold.seats]
    now = clock.seconds()
    entry.offer = Offer(
        hold_id=hold.hold_id,
        seats=[OfferedSeat(s.seat_id, s.category_id, s.block, s.row, s.number) for s in seats],
        offered_at=now,
        expires_at=hold.expires_at,
        area=places.area if places else None,
        places=places.quantity if places else 0,
        category_id=places.category_id if places else None,
    )
    m.move(entry, m.OFFER, now, WORKFLOW)
    try:
        repository.save_entry(entry, [emails.offer_effect(entry)] if entry.email else [])
    except (VersionConflict, TransientStoreError):
        # the shopper left, or another run offered first: these seats go back at once
        inventory.release_hold(hold.hold_id)
        return False
    stock.offered.update(s.seat_id for s in seats)
    return True
