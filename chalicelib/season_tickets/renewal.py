"""The renewal: next season's product offered to last season's subscribers, each kept their seats as one
reservation order payable (or cancellable) online until the window closes.

Same-seat renewals go first: a first pass renews the subscribers who keep their seat in every
performance; a second pass renews the others (the same seat where it is still free, else the best seat
in their category, never a seat another subscriber of that pass keeps), or says why not. Each
subscriber's seats are held together, all or none. A renewal record per subscription (renewal_store)
makes a repeat change nothing and lets a later run finish what was left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.catalog.season_ticket_kinds import SeasonTicketSpec
from chalicelib.customers import service as customers
from chalicelib.errors import InvalidInput, NotFound, SeatUnavailable
from chalicelib.inventory import service as inventory
from chalicelib.mail.service import email_effect
from chalicelib.observability import logger
from chalicelib.outbox.model import Effect
from chalicelib.sales import carts, reservations
from chalicelib.sales.documents import Order
from chalicelib.sales.emails import money
from chalicelib.sales.order_store import order_for_operator
from chalicelib.sales.package_holds import new_package_id
from chalicelib.season_tickets import renewal_store as store
from chalicelib.season_tickets import subscriptions
from chalicelib.season_tickets.renewal_plan import (
    NotRenewable,
    Placed,
    StockView,
    Wanted,
    claims_of,
    mapped,
    placed,
)
from chalicelib.shop import service as shop

PAGE = 500


@dataclass(frozen=True)
class Window:
    """One run's settings: the products, where subscribers pay, until when, and who runs it."""

    org_id: str
    season_ticket_id: str
    new: SeasonTicketSpec
    old: SeasonTicketSpec
    pos_id: str
    channel_id: str
    closes_at: int
    by: str


@dataclass
class Run:
    """A renewal run: its window, its view of the new performances' stock, the records as it leaves them."""

    window: Window
    view: StockView
    records: dict[str, store.RenewalItem]

    def claim(self, subscription: dict[str, Any]) -> store.Claim | None:
        w = self.window
        key = subscription["subscription_id"]
        claim = store.claim(
            w.org_id, w.season_ticket_id, w.new.renews_id or "", subscription, self.records.get(key)
        )
        if claim is not None:
            self.records[key] = claim.item  # settling it updates it in place
        return claim


def renewal_email(order: Order, product: str) -> Effect:
    """Tells the subscriber their seats are kept until the window closes, on the venue's clock."""
    first = catalog.get(order.org_id, "performance", order.lines[0].performance_id).data
    zone = catalog.performance_zone(order.org_id, first)
    until = zones.local_text(order.deadline or 0, zone)
    seats = [
        f"- {line.event_name}, {zones.local_text(line.starts_at, zone)}: {line.category_name}"
        + (f", seat {line.seat_id}" if line.seat_id else "")
        for line in order.lines
    ]
    text = "\n".join(
        [
            f"Hello {order.name},",
            "",
            f'Your season ticket "{product}" is renewed for you: your seats are kept under reference '
            f"{order.order_id} until {until}.",
            "Pay it from your account before then to receive your tickets, or cancel it there; after "
            "that date the seats go back on sale.",
            "",
            *seats,
            "",
            f"Total due: {money(order.total, order.currency)}",
        ]
    )
    return email_effect(
        order.org_id,
        order.email,
        f"Your season ticket renewal {order.order_id}",
        text,
        kind="season_ticket_renewal",
        reference=order.order_id,
    )


def _products(org_id: str, season_ticket_id: str) -> tuple[SeasonTicketSpec, SeasonTicketSpec]:
    new = catalog.parsed(org_id, "season_ticket", season_ticket_id)
    assert isinstance(new, SeasonTicketSpec)
    if not new.renews_id:
        raise InvalidInput(
            "This season ticket renews no product: set renews_id to last season's",
            {"field": "renews_id", "season_ticket_id": season_ticket_id},
        )
    old = catalog.parsed(org_id, "season_ticket", new.renews_id)
    assert isinstance(old, SeasonTicketSpec)
    return new, old


def _active(org_id: str, season_ticket_id: str) -> list[dict[str, Any]]:
    found, cursor = [], None
    while True:
        page, cursor = subscriptions.subscriptions(org_id, season_ticket_id, PAGE, cursor)
        found += [s for s in page if s["status"] == subscriptions.ACTIVE]
        if not cursor:
            return found


def renew(org_id: str, season_ticket_id: str, closes_at: int, pos_code: str, by: str) -> dict[str, Any]:
    """Renew every active subscription of the product `season_ticket_id` renews; the report after it."""
    new, old = _products(org_id, season_ticket_id)
    if closes_at <= clock.seconds():
        raise InvalidInput("The renewal window must close in the future", {"field": "closes_at"})
    try:
        front = shop.shop_front(org_id, pos_code)
    except NotFound as unknown:
        raise InvalidInput(unknown.message, {"field": "pos_code", "value": pos_code}) from None
    pos = catalog.get_by_code(org_id, "point_of_sale", pos_code)
    rules = carts.rules_for(org_id, pos.id)
    if not (rules.reservations_payable_online and rules.reservations_cancellable_online):
        raise InvalidInput(
            f"Point of sale {pos_code}'s channel does not let reservations be paid and cancelled online",
            {"field": "pos_code", "value": pos_code},
        )
    window = Window(org_id, season_ticket_id, new, old, pos.id, pos.data["channel_id"], closes_at, by)
    run = Run(window, StockView(org_id, shop.sellable(front)), store.all_records(org_id, season_ticket_id))
    now = clock.seconds()
    todo = [
        s
        for s in _active(org_id, new.renews_id or "")
        if not store.is_settled(run.records.get(s["subscription_id"]), now)
    ]
    later: list[tuple[dict[str, Any], list[Wanted]]] = []
    for subscription in todo:  # first pass: the subscribers who keep their seat everywhere
        try:
            wanted = mapped(subscription, old, new)
            seats = placed(run.view, wanted, same_only=True)
        except NotRenewable as refused:
            _not_renewed(run, subscription, refused)
            continue
        if seats is None or not _renewed(run, subscription, seats):
            later.append((subscription, wanted))
    for n, (subscription, wanted) in enumerate(later):  # then the others
        spare = {seat for _, others in later[n + 1 :] for seat in claims_of(others)}
        _renew_somewhere(run, subscription, wanted, spare)
    return report(org_id, season_ticket_id)


def _preferred(run: Run, subscription: dict[str, Any]) -> tuple[str, ...]:
    """The subscriber's contact's preferred seats (a shop account's through the contact it is linked to)."""
    contact_id = subscription.get("contact_id")
    if not contact_id and subscription.get("shopper_id"):
        try:
            contact_id = customers.contact_of(
                customers.get_shopper(run.window.org_id, subscription["shopper_id"])
            )
        except NotFound:
            contact_id = None
    if not contact_id:
        return ()
    try:
        contact = catalog.get(run.window.org_id, "contact", contact_id).data
    except NotFound:
        return ()
    return tuple(contact.get("preferred_seat_ids") or ())


def _renew_somewhere(run: Run, subscription, wanted: list[Wanted], spare: set[tuple[str, str]]) -> None:
    """The same seat where free, else the contact's preferred seat, else the best in the category; read again
    once when a seat was taken."""
    for _ in range(2):
        try:
            seats = placed(
                run.view, wanted, same_only=False, spare=spare, preferred=_preferred(run, subscription)
            )
        except NotRenewable as refused:
            _not_renewed(run, subscription, refused)
            return
        assert seats is not None
        if _renewed(run, subscription, seats):
            return


def _owner(subscription: dict[str, Any]) -> str:
    """Whose reservation it is: a shopper's pays it in the shop; a contact's (sold at the box office)
    is theirs as an option's is."""
    if subscription.get("shopper_id"):
        return subscription["shopper_id"]
    if subscription.get("contact_id"):
        return f"contact-{subscription['contact_id']}"
    return f"subscription-{subscription['subscription_id']}"  # a guest: paid at the box office


def _renewed(run: Run, subscription: dict[str, Any], seats: list[Placed]) -> bool:
    """Hold every seat and make the reservation; False (nothing held, recorded not renewed for now)
    when a seat was taken meanwhile."""
    window, view = run.window, run.view
    claim = run.claim(subscription)
    if claim is None:
        return True  # renewed already, or by another run now
    if claim.resumed and _finish_resumed(claim, subscription):
        return True
    owner = _owner(subscription)
    holds: list[str] = []
    try:
        places = []
        package_id = new_package_id()
        for seat in seats:
            state = view.states[seat.wanted.performance_id]
            refs = inventory.seat_refs(
                seat.wanted.performance_id, inventory.stock_shards(state), seat.seat_ids
            )
            hold = inventory.place_hold(
                window.org_id,
                seat.wanted.performance_id,
                owner,
                refs,
                window.closes_at - clock.seconds(),
                quota_ids=view.sellable.quota_ids,
            )
            holds.append(hold.hold_id)
            places.append(_places(window, seat, hold.hold_id, package_id, subscription))
        order = reservations.reservation_for_contact(
            window.org_id,
            owner,
            subscription.get("email") or "",
            subscription.get("buyer_name") or "",
            places,
            window.closes_at,
            window.by,
            window.pos_id,
            window.channel_id,
            shopper_id=subscription.get("shopper_id"),
            contact_id=subscription.get("contact_id"),
            order_id=claim.item.order_id,
            effects=lambda made: [renewal_email(made, window.new.name)] if made.email else [],
        )
    except SeatUnavailable:
        _release(holds)
        for seat in seats:
            view.forget(seat.wanted.performance_id)
        store.settle(claim.item, store.NOT_RENEWED, reason="seats_taken_meanwhile")
        return False
    except Exception:
        _release(holds)
        store.settle(claim.item, store.NOT_RENEWED, reason="failed")
        raise
    view.taken |= {(s.wanted.performance_id, seat_id) for s in seats for seat_id in s.seat_ids}
    store.settle(
        claim.item,
        store.RENEWED,
        performances=[_shown(s) for s in seats],
        details={"order_id": order.order_id},
    )
    return True


def _places(
    window: Window, seat: Placed, hold_id: str, package_id: str, subscription
) -> reservations.PlacedPlaces:
    return reservations.PlacedPlaces(
        performance_id=seat.wanted.performance_id,
        category_id=seat.wanted.category_id,
        hold_ids=[hold_id],
        seat_ids=list(seat.seat_ids),
        area=None,
        quantity=len(seat.seat_ids),
        audience_subcategory_id=subscription.get("audience_subcategory_id"),
        unit_price=seat.wanted.unit_price,
        package={
            "package_id": package_id,
            "season_ticket_id": window.season_ticket_id,
            "name": window.new.name,
            "line_id": seat.wanted.line_id,
            "amount": seat.wanted.unit_price,
        },
    )


def _shown(seat: Placed) -> dict[str, Any]:
    return {
        "line_id": seat.wanted.line_id,
        "performance_id": seat.wanted.performance_id,
        "seat_category_id": seat.wanted.category_id,
        "seat_ids": list(seat.seat_ids),
        "kept": seat.kept,
        "unit_price": seat.wanted.unit_price,
        "from_performance_id": seat.wanted.from_performance_id,
        "from_seat_ids": list(seat.wanted.from_seat_ids),
    }


def _finish_resumed(claim: store.Claim, subscription: dict[str, Any]) -> bool:
    """A stopped run's reservation, if it was made: the subscription is renewed by it."""
    try:
        order = order_for_operator(claim.item.org_id, claim.item.order_id or "")
    except NotFound:
        return False
    before = {s["seat_id"] for s in subscription.get("performances") or [] if s.get("seat_id")}
    shown: dict[str, dict[str, Any]] = {}
    for line in order.lines:
        entry = shown.setdefault(
            line.performance_id,
            {
                "line_id": (line.package or {}).get("line_id"),
                "performance_id": line.performance_id,
                "seat_category_id": line.category_id,
                "seat_ids": [],
                "kept": "same_seat",
                "unit_price": line.unit_price,
            },
        )
        entry["seat_ids"].append(line.seat_id)
        if line.seat_id not in before:
            entry["kept"] = "best_in_category"
    store.settle(
        claim.item, store.RENEWED, performances=list(shown.values()), details={"order_id": order.order_id}
    )
    return True


def _not_renewed(run: Run, subscription: dict[str, Any], refused: NotRenewable) -> None:
    claim = run.claim(subscription)
    if claim is not None:
        store.settle(claim.item, store.NOT_RENEWED, reason=refused.reason, details=refused.details)


def _release(holds: list[str]) -> None:
    for hold_id in holds:
        try:
            inventory.release_hold(hold_id)
        except Exception:  # noqa: BLE001 - the hold lapses at the window's end; the run goes on
            logger.warning("renewal hold not released; it will expire", extra={"hold_id": hold_id})


def report(org_id: str, season_ticket_id: str) -> dict[str, Any]:
    """Renewed (order, seats and how each was kept) and not renewed (with the reason), with counts."""
    new, _ = _products(org_id, season_ticket_id)
    records = store.all_records(org_id, season_ticket_id)
    active = _active(org_id, new.renews_id or "")
    renewed, refused = [], []
    for item in sorted(records.values(), key=lambda i: (i.buyer_name or "", i.package_id)):
        entry = {
            "subscription_id": item.package_id,
            "buyer_name": item.buyer_name,
            "email": item.email,
            "updated_at": item.updated_at,
        }
        if item.status == store.RENEWED:
            renewed.append({**entry, "order_id": item.order_id, "performances": item.performances or []})
        elif item.status == store.NOT_RENEWED:
            refused.append({**entry, "reason": item.reason or "", "details": item.details or {}})
    pending = sum(
        1
        for s in active
        if records.get(s["subscription_id"]) is None or records[s["subscription_id"]].status == store.RENEWING
    )
    return {
        "season_ticket_id": season_ticket_id,
        "renews_id": new.renews_id,
        "counts": {
            "subscriptions": len(active),
            "renewed": len(renewed),
            "not_renewed": len(refused),
            "pending": pending,
        },
        "renewed": renewed,
        "not_renewed": refused,
    }
