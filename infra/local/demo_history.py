"""A demo sales history over the past weeks, made through the services at the moments it happened.

Each step runs inside `clock.at(moment)`, so every rule (sales windows, holds, payments, deadlines)
applies as it would have then: card sales online and at the box office, a voucher, cancellations a
few days after the sale, a group reservation payable until the end of today, and a performance already
played whose tickets were scanned at the door. Made once: re-running finds the first buyer's order.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from time import monotonic

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.errors import DomainError
from chalicelib.observability import logger
from chalicelib.reports import service as figures
from chalicelib.sales import backoffice, carts, orders, tickets
from chalicelib.sales import repository as sales_store
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from infra.local.demo_catalog import TIMEZONE

PREFIX = "demo-history-"
DAYS = 28
GROUP_PLACES = 60  # above the company space's payment ceiling: a reservation
RESERVATION_DAYS = 3  # the company space's channel keeps the default: payable 3 days on
DOORS_OPEN = timedelta(minutes=45)  # before curtain time


@dataclass(frozen=True)
class Shelf:
    """Where the history sells: performances, their seat categories, the points of sale; a performance
    already played (its tickets are scanned at the door); an account that reserves for a group."""

    performance_ids: Sequence[str]
    category_ids: Sequence[str]
    web_pos: str = "WEB"
    box_pos: str = "BOX"
    operator: str = "admin"
    played_id: str | None = None
    group_buyer: Buyer | None = None
    group_pos: str = "PRO"


def seed_demo(org_id: str, ids: Callable[[str, str], str]) -> str:
    """infra/local/seed.py's step: the history on the demo's performances, and one already played."""
    from infra.local import demo_catalog as demo

    if os.environ.get("GUICHET_LOCAL_DYNAMODB_IS_MOTO"):
        return "demo sales history left out: DynamoDB is served by moto (install Java for DynamoDB Local)"
    if _made_already(org_id):
        return ""
    performances = [ids("performance", code) for event in demo.EVENTS for code, _ in event.performances()]
    categories = [ids("seat_category", spec.code) for spec in demo.SEAT_CATEGORIES]
    shelf = Shelf(performances, categories, played_id=_played(org_id, ids), group_buyer=_relay(org_id))
    return seed_history(org_id, shelf, days=demo.HISTORY_DAYS)


def seed_history(org_id: str, shelf: Shelf, seed: int = 7, days: int = DAYS) -> str:
    """Sell, cancel, reserve and scan over the last `days` days; "" if the history is there already."""
    if _made_already(org_id):
        return ""
    rng = random.Random(seed)  # noqa: S311 - a repeatable demo, not a secret
    now, began = clock.now(), monotonic()
    windows = _windows(org_id, [*shelf.performance_ids, *filter(None, [shelf.played_id])])
    sold = []
    for moment in _moments(rng, now, days):
        with clock.at(moment):  # numbered by the sales made: the first is always buyer 0's, the guard
            order = _sell(org_id, shelf, rng, len(sold), _on_sale(windows, moment, shelf.played_id))
        if order is not None:
            sold.append((moment, order))
    cancelled = _cancel_some(org_id, shelf, sold, windows, rng, now)
    group = _reserve(org_id, shelf, _reserved_at(now))
    scanned = _scan_at_the_door(org_id, shelf, [o for _, o in sold], windows, rng)
    made = [o for _, o in sold] + ([group] if group else [])
    for order in made:
        figures.count_order(order.order_id)  # the outbox worker counts them too: a no-op then
    counted = _count_today(org_id)
    spread = len({o.created_at[:10] for o in made})
    return (
        f"sales history over {spread} days: {len(sold)} orders, {cancelled} cancelled, "
        f"{'a group reservation, ' if group else ''}{scanned} door scans; "
        f"{counted} orders of today counted into the figures ({monotonic() - began:.1f}s)"
    )


def _made_already(org_id: str) -> bool:
    return bool(sales_store.orders_of_buyer(org_id, f"{PREFIX}0", 1, None)[0])


def _moments(rng: random.Random, now: datetime, days: int) -> list[datetime]:
    """When the sales happened: more as the performances come near, none in the future."""
    found = []
    for back in range(days - 1, -1, -1):
        day = datetime.combine((now - timedelta(days=back)).date(), time(8), tzinfo=UTC)
        # every other day or so, then daily in the last week (a seed of a few seconds: few sales)
        for _ in range((rng.random() < (0.35 if back >= 7 else 1)) + (back < 7 and rng.random() < 0.2)):
            found.append(day + timedelta(minutes=rng.randint(0, 13 * 60)))
    found = [moment for moment in found if moment < now - timedelta(minutes=5)]
    if not any(moment.date() == now.date() for moment in found):  # today has sales to show too
        found.append(max(now - timedelta(minutes=20), datetime.combine(now.date(), time(0), tzinfo=UTC)))
    return sorted(found)


def _windows(org_id: str, performance_ids: list[str]) -> dict[str, tuple[datetime | None, datetime]]:
    """Each performance's sales opening (None: always open) and start."""
    found = {}
    for performance_id in performance_ids:
        data = catalog.get(org_id, "performance", performance_id).data
        opens = data.get("sales_open_at")
        found[performance_id] = (_moment(opens) if opens else None, _moment(data["starts_at"]))
    return found


def _moment(value: object) -> datetime:
    moment = (
        value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _on_sale(windows: dict, moment: datetime, played_id: str | None) -> list[str]:
    """The performances on sale at `moment`; the one played weighs more (it sells out its weeks)."""
    open_ = [
        p for p, (opens, starts) in windows.items() if (opens is None or opens <= moment) and moment < starts
    ]
    return open_ + [played_id] * 3 if played_id in open_ else open_


def _sell(org_id: str, shelf: Shelf, rng: random.Random, n: int, on_sale: list[str]):
    if not on_sale:
        return None
    at_box = n % 4 == 3
    buyer = Buyer(org_id, f"operator-{shelf.operator}" if at_box else f"{PREFIX}{n}")
    details = CheckoutRequest(email=f"buyer{n}@example.com", name=f"Demo buyer {n}")
    if n == 0 or (not at_box and rng.random() < 0.2):
        voucher = backoffice.create_voucher(org_id, rng.choice([1000, 2500]), "EUR", None, None)
        details = CheckoutRequest(**vars(details) | {"gift_vouchers": (voucher["code"],)})
    performance = rng.choice(on_sale)
    try:
        cart = carts.open_cart(org_id, shelf.box_pos if at_box else shelf.web_pos, buyer)
        for category in rng.sample(list(shelf.category_ids), len(shelf.category_ids)):
            try:
                request = HoldRequest(performance, category_id=category, quantity=rng.randint(1, 4))
                carts.add_to_cart(org_id, cart.cart_id, buyer, request)
                break
            except DomainError:
                continue  # a category the point of sale's quotas do not sell
        else:
            return None
        return _pay(orders.checkout(org_id, cart.cart_id, buyer, details))
    except DomainError as exc:
        logger.warning("demo sale skipped", extra={"reason": str(exc)})
        return None


def _pay(order):
    from chalicelib.payments.simulator import SimulatedProvider

    card = next((p for p in order.payments if p.method == "card" and p.redirect_url), None)
    if card is None:
        return order
    callback = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    return orders.payment_callback(callback["payload"], callback["signature"])


def _cancel_some(
    org_id: str, shelf: Shelf, sold: list, windows: dict, rng: random.Random, now: datetime
) -> int:
    """A few paid orders cancelled by the box office a day or three after the sale, before the show."""
    cancelled = 0
    for moment, order in [(m, o) for m, o in sold if o.status == "paid"][1::5]:
        when = min(moment + timedelta(hours=rng.randint(20, 72)), now - timedelta(minutes=2))
        if cancelled == 3 or any(windows[p][1] <= when for p in _performances(order)):
            continue
        with clock.at(when):
            orders.cancel_by_operator(org_id, order.order_id, shelf.operator, ("card", "none")[cancelled % 2])
        cancelled += 1
    return cancelled


def _performances(order) -> set[str]:
    return {line.performance_id for line in order.lines}


def _reserved_at(now: datetime) -> datetime:
    """Noon at the theatre, RESERVATION_DAYS before today: the group's reservation is payable until the
    end of today on the theatre's clock (a reservation runs to the end of the venue's day), so it is
    always under the home's "expiring within 24 hours"."""
    today = zones.local_date(now, TIMEZONE)
    return zones.at_wall_time(today - timedelta(days=RESERVATION_DAYS), time(12), TIMEZONE)


def _reserve(org_id: str, shelf: Shelf, moment: datetime):
    """A school's group above the company space's payment ceiling: a reservation, payable for days."""
    if shelf.group_buyer is None:
        return None
    buyer, request = shelf.group_buyer, CheckoutRequest()
    try:
        with clock.at(moment):
            cart = carts.open_cart(org_id, shelf.group_pos, buyer)
            wanted = HoldRequest(
                shelf.performance_ids[0], category_id=shelf.category_ids[0], quantity=GROUP_PLACES
            )
            carts.add_to_cart(org_id, cart.cart_id, buyer, wanted)
            return orders.checkout(org_id, cart.cart_id, buyer, request)
    except DomainError as exc:
        logger.warning("demo reservation skipped", extra={"reason": str(exc)})
        return None


def _scan_at_the_door(org_id: str, shelf: Shelf, sold: list, windows: dict, rng: random.Random) -> int:
    """Most tickets of the performance played scanned as the doors open, at two doors; a few no-shows."""
    if shelf.played_id is None:
        return 0
    starts = windows[shelf.played_id][1]
    scans = [
        (starts - DOORS_OPEN + timedelta(seconds=rng.randint(0, 55 * 60)), ticket)
        for order in sold
        if order.status == "paid" and shelf.played_id in _performances(order)
        for ticket in orders.tickets_of(order)
        if ticket.performance_id == shelf.played_id and rng.random() < 0.9
    ]
    count = 0
    for moment, ticket in sorted(scans, key=lambda pair: pair[0]):
        gate = rng.choice(["Main door", "Main door", "Side door"])
        with clock.at(moment):
            result = tickets.scan(org_id, ticket.document["barcode"], shelf.played_id, gate, "door")
        count += result.result == "valid"
    return count


def _count_today(org_id: str) -> int:
    """Every order of today (the option reservations too) counted: a no-op for those counted already."""
    today = clock.now().date().isoformat()
    return figures.rebuild_days(org_id, figures.generation(org_id), [today])["orders"]


def _played(org_id: str, ids: Callable[[str, str], str]) -> str:
    """The demo's performance already played: made, with its event, and opened for sale if missing."""
    from chalicelib.catalog import kinds as k
    from infra.local import demo_catalog as demo
    from infra.local import demo_opening
    from infra.local.seed import evening

    event = next((e for e in catalog.all_items(org_id, "event") if e.data["code"] == demo.PLAYED.code), None)
    if event is None:
        spec = k.EventSpec(
            season_id=ids("season", demo.SEASON.code),
            activity_id=ids("activity", demo.ACTIVITY.code),
            code=demo.PLAYED.code,
            name=demo.PLAYED.name,
            description=demo.PLAYED.description,
            price_grid_id=ids("price_grid", demo.PLAYED.price_grid),
            status=k.EventStatus.PUBLISHED,
        )
        event = catalog.create(org_id, "event", spec)
    [(code, days)] = demo.PLAYED.performances()
    found = [p for p in catalog.all_items(org_id, "performance", event_id=event.id) if p.data["code"] == code]
    if found:
        performance = found[0]
    else:
        starts_at = evening(days)
        spec = k.PerformanceSpec(
            event_id=event.id,
            hall_id=ids("hall", demo.HALL[0]),
            layout_id=ids("layout", demo.LAYOUT[0]),
            code=code,
            starts_at=starts_at,
            sales_open_at=starts_at - timedelta(days=demo.SALES_OPENED_DAYS_AGO),
            sales_close_at=starts_at,
        )
        performance = catalog.create(org_id, "performance", spec)
    demo_opening.open_for_sale(org_id, [performance.id])
    return performance.id


def _relay(org_id: str) -> Buyer | None:
    """The school's relay, who has a shop account: the group reservation is theirs."""
    from chalicelib.auth import repository as accounts
    from infra.local import demo_catalog as demo

    found = accounts.find_shopper_by_email(org_id, demo.RELAY[2])
    if found is None:
        return None
    shopper = found[0]
    return Buyer(
        org_id, shopper.shopper_id, shopper_id=shopper.shopper_id, email=shopper.email, name=shopper.name
    )
