"""A shopper's cart: holds on seats and standing places for one point of sale, priced on the server."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.catalog import service as catalog
from chalicelib.db.sales import limit_key
from chalicelib.db.stock import seat_pk, seat_sk
from chalicelib.errors import (
    Conflict,
    HoldExpired,
    InvalidInput,
    NotFound,
    OrphanSeats,
    PermissionDenied,
    SeatUnavailable,
)
from chalicelib.inventory import seat_picking
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import AreaTake, BuyerLimit, Hold, SeatRef
from chalicelib.sales import repository
from chalicelib.sales.documents import Cart, CartLine
from chalicelib.sales.model import CHECKOUT_STEPS, PriceList, SalesRules, Totals, sales_rules, totals
from chalicelib.shop import service as shop
from chalicelib.shop.model import MapSeat, seat_available
from chalicelib.shop.repository import stock_shards

OPEN = "open"
ORDERED = "ordered"
MAP_MODES = ("map", "auto_with_modification")
# A best-available hold that lost a seat to another buyer reads the stock again, this many times.
PICK_ATTEMPTS = 5


@dataclass(frozen=True)
class Buyer:
    """Who owns a cart: a shopper with an account, or a guest session."""

    org_id: str
    buyer_id: str
    shopper_id: str | None = None
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class HoldRequest:
    performance_id: str
    seat_ids: Sequence[str] = ()
    category_id: str | None = None
    quantity: int = 0
    accessible: bool = False
    area: str | None = None
    audience_subcategory_id: str | None = None


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    unit_price: int


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    lines: list[PricedLine]
    totals: Totals
    expires_at: int | None
    adjacent: bool | None = None


def now_seconds() -> int:
    return int(datetime.now(UTC).timestamp())


def rules_for(org_id: str, pos_id: str) -> SalesRules:
    pos = catalog.get(org_id, "point_of_sale", pos_id)
    channel = catalog.get(org_id, "sales_channel", pos.data["channel_id"])
    return sales_rules(channel.data, channel.id, pos.data, pos.id)


def _front(org_id: str, pos_code: str) -> tuple[shop.ShopFront, str]:
    front = shop.shop_front(org_id, pos_code)
    pos = catalog.all_items(org_id, "point_of_sale", code=pos_code)[0]
    return front, pos.id


def open_cart(org_id: str, pos_code: str, buyer: Buyer) -> Cart:
    front, pos_id = _front(org_id, pos_code)
    rules = rules_for(org_id, pos_id)
    if buyer.shopper_id is None and not rules.guest_checkout:
        raise PermissionDenied(
            f"Point of sale {pos_code} sells to shoppers with an account only; log in first",
            {"pos_code": pos_code},
        )
    cart = Cart(
        cart_id=uuid.uuid4().hex,
        org_id=org_id,
        pos_id=pos_id,
        channel_id=front.channel.id,
        owner=buyer.buyer_id,
        status=OPEN,
        created_at=datetime.now(UTC).isoformat(),
    )
    repository.create_cart(cart)
    return cart


def get_cart(org_id: str, cart_id: str, buyer: Buyer) -> Cart:
    """The buyer's own cart; another buyer's cart does not exist for them (404, never 403)."""
    try:
        cart = repository.get_cart(cart_id)
    except NotFound:
        cart = None
    if cart is None or cart.org_id != org_id or cart.owner != buyer.buyer_id:
        raise NotFound(f"Cart {cart_id} does not exist", {"cart_id": cart_id})
    return cart


def _open(cart: Cart) -> Cart:
    if cart.status != OPEN:
        raise Conflict(
            "This cart has been checked out; open a new one",
            {"cart_id": cart.cart_id, "order_id": cart.order_id},
        )
    return cart


def price_list(org_id: str, performance_id: str) -> PriceList:
    stored = catalog.get(org_id, "performance", performance_id)
    grid_id = stored.data.get("price_grid_id")
    if not grid_id:
        grid_id = catalog.get(org_id, "event", stored.data["event_id"]).data.get("price_grid_id")
    if not grid_id:
        return PriceList("EUR")
    grid = catalog.get(org_id, "price_grid", grid_id).data
    cells = {(p["seat_category_id"], p["audience_subcategory_id"]): int(p["amount"]) for p in grid["prices"]}
    return PriceList(grid.get("currency", "EUR"), cells)


def add_to_cart(org_id: str, cart_id: str, buyer: Buyer, request: HoldRequest) -> PricedCart:
    """Hold seats (chosen, best available) or standing places and add them to the cart, all or none."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    rules = rules_for(org_id, cart.pos_id)
    front = shop.shop_front(org_id, rules.pos_code)
    _, _, stored = shop.on_sale(front, request.performance_id)
    prices = price_list(org_id, request.performance_id)
    wanted = len(request.seat_ids) or request.quantity
    already = len(cart.lines_for(request.performance_id))
    if already + wanted > rules.max_tickets_per_performance:
        raise InvalidInput(
            f"At most {rules.max_tickets_per_performance} tickets per performance in one order",
            {"field": "quantity", "max": rules.max_tickets_per_performance, "in_cart": already},
        )
    subcategory = request.audience_subcategory_id
    context = _HoldContext(org_id, cart, buyer, rules, front, stored.state, request)
    adjacent: bool | None = None
    if request.seat_ids:
        hold, seats = _hold_chosen_seats(context)
    elif request.area:
        hold, seats = _hold_standing(context), []
    else:
        hold, seats, adjacent = _hold_best_available(context)
    lines = _lines(hold, seats, request)
    for line in lines:
        line.audience_subcategory_id = subcategory or prices.default_subcategory(line.category_id)
        prices.price(line.category_id, line.audience_subcategory_id or "", "audience_subcategory_id")
    cart.lines.extend(lines)
    cart.hold_ids.append(hold.hold_id)
    cart.started_at = cart.started_at or now_seconds()
    try:
        repository.save_cart(cart)
    except Conflict:
        inventory.release_hold(hold.hold_id)
        raise
    return priced(cart, adjacent=adjacent)


@dataclass
class _HoldContext:
    org_id: str
    cart: Cart
    buyer: Buyer
    rules: SalesRules
    front: shop.ShopFront
    state: dict
    request: HoldRequest

    @property
    def performance_id(self) -> str:
        return self.request.performance_id

    def place(self, seats: list[SeatRef], areas: list[AreaTake] = ()) -> Hold:
        sellable = shop.sellable(self.front)
        return inventory.place_hold(
            self.org_id,
            self.performance_id,
            self.cart.owner,
            seats,
            self.rules.hold_timeout_minutes * 60,
            areas=areas,
            limit=BuyerLimit(
                *limit_key(self.performance_id, self.buyer.buyer_id), self.rules.max_tickets_per_buyer
            ),
            cart_id=self.cart.cart_id,
            quota_ids=sellable.quota_ids,
        )

    def place_seats(self, seats: list[MapSeat]) -> Hold:
        hold = self.place([self.seat_ref(s.seat_id) for s in seats])
        shop.note_held(self.org_id, self.performance_id, {s.seat_id for s in seats}, hold.expires_at)
        return hold

    def seat_ref(self, seat_id: str) -> SeatRef:
        return SeatRef(seat_pk(self.performance_id, seat_id, stock_shards(self.state)), seat_sk(seat_id))

    def orphan_rule(self) -> seat_picking.OrphanRule:
        return seat_picking.OrphanRule(self.rules.always_allow_orphan_seats, self.rules.orphan_seat_trigger)


def _pick_seats(seats: list[MapSeat], context: _HoldContext, now: int) -> list[seat_picking.PickSeat]:
    sellable = shop.sellable(context.front)
    return [
        seat_picking.PickSeat(
            s.seat_id,
            s.block,
            s.row,
            s.number,
            s.x,
            s.y,
            s.rank,
            s.accessible,
            s.category_id,
            seat_available(s, sellable, now),
        )
        for s in seats
    ]


def _hold_chosen_seats(context: _HoldContext) -> tuple[Hold, list[MapSeat]]:
    if context.rules.seat_selection not in MAP_MODES:
        raise InvalidInput(
            "This point of sale picks the best available seats; ask for a category and a quantity",
            {"field": "seat_ids", "seat_selection": context.rules.seat_selection},
        )
    wanted = list(dict.fromkeys(context.request.seat_ids))
    if len(wanted) != len(context.request.seat_ids):
        raise InvalidInput("A seat is asked for twice", {"field": "seat_ids"})
    seats = shop.stock_seats(context.org_id, context.performance_id, context.state)
    by_id = {s.seat_id: s for s in seats}
    unknown = [seat_id for seat_id in wanted if seat_id not in by_id]
    if unknown:
        raise InvalidInput(
            "These seats do not exist in this performance", {"field": "seat_ids", "seats": unknown}
        )
    now = now_seconds()
    sellable = shop.sellable(context.front)
    taken = [seat_id for seat_id in wanted if not seat_available(by_id[seat_id], sellable, now)]
    if taken:
        # the shared read may be 2 s old: a seat freed meanwhile is checked again against the table
        seats = shop.stock_seats(context.org_id, context.performance_id, context.state, fresh=True)
        by_id = {s.seat_id: s for s in seats}
        taken = [seat_id for seat_id in wanted if not seat_available(by_id[seat_id], sellable, now)]
        if taken:
            raise SeatUnavailable("Some seats are not free", {"seats": taken})
    _check_orphans(context, seats, wanted, now)
    chosen = [by_id[seat_id] for seat_id in wanted]
    return context.place_seats(chosen), chosen


def _check_orphans(context: _HoldContext, seats: list[MapSeat], wanted: list[str], now: int) -> None:
    picks = _pick_seats(seats, context, now)
    orphans = seat_picking.orphans_created(picks, wanted)
    if not orphans:
        return
    categories = {s.category_id for s in seats if s.seat_id in set(wanted)}
    free_after = sum(1 for p in picks if p.free and p.category_id in categories) - len(wanted)
    if context.orphan_rule().allows_orphans(free_after):
        return
    raise OrphanSeats(
        "This choice would leave a single seat alone between taken seats; choose it too or shift by one",
        {"field": "seat_ids", "orphan_seats": orphans},
    )


def _hold_best_available(context: _HoldContext) -> tuple[Hold, list[MapSeat], bool]:
    request = context.request
    if not request.category_id or request.quantity < 1:
        raise InvalidInput(
            "Ask for seat_ids, or a category_id and a quantity, or an area and a quantity",
            {"field": "category_id" if not request.category_id else "quantity"},
        )
    fresh = False
    lost: set[str] = set()  # seats another buyer took under our nose: not free whatever the read says
    for _ in range(PICK_ATTEMPTS):
        seats = shop.stock_seats(context.org_id, context.performance_id, context.state, fresh=fresh)
        by_id = {s.seat_id: s for s in seats}
        picks = _pick_seats(seats, context, now_seconds())
        if lost:
            picks = [dataclasses.replace(p, free=False) if p.seat_id in lost else p for p in picks]
        try:
            pick = seat_picking.best_available(
                picks,
                request.category_id,
                request.quantity,
                accessible=request.accessible,
                rule=context.orphan_rule(),
            )
        except seat_picking.NotEnoughSeats as exc:
            if not fresh:
                fresh = True
                continue
            raise SeatUnavailable(
                "Not enough free seats in this category",
                {"field": "quantity", "category_id": request.category_id, "available": exc.available},
            ) from exc
        except seat_picking.OrphanSeatsRefused as exc:
            raise OrphanSeats(
                "Every choice left would leave a single seat alone; ask for another quantity",
                {"field": "quantity", "orphan_seats": list(exc.seat_ids)},
            ) from exc
        chosen = [by_id[seat_id] for seat_id in pick.seat_ids]
        try:
            return context.place_seats(chosen), chosen, pick.adjacent
        except SeatUnavailable as exc:
            fresh = True  # another buyer was faster: read the stock again and pick again
            lost.update(exc.details.get("seats") or [])
    raise SeatUnavailable(
        "Seats kept being taken by other buyers; try again", {"category_id": request.category_id}
    )


def _hold_standing(context: _HoldContext) -> Hold:
    request = context.request
    if request.quantity < 1:
        raise InvalidInput("Ask for at least one place", {"field": "quantity"})
    sellable = shop.sellable(context.front)
    for fresh in (False, True):
        _, areas = shop.stock_counts(context.org_id, context.performance_id, context.state, fresh=fresh)
        counters = [
            a
            for a in areas
            if a.area == request.area
            and sellable.allows(a.quota_id)
            and (request.category_id is None or a.category_id == request.category_id)
            and a.free > 0
        ]
        if not counters and not any(a.area == request.area for a in areas):
            raise InvalidInput(
                "No such standing area in this performance", {"field": "area", "value": request.area}
            )
        takes = inventory.spread_over_counters(
            context.performance_id, stock_shards(context.state), counters, request.quantity
        )
        if takes is None:
            if fresh:
                free = sum(a.free for a in counters)
                raise SeatUnavailable(
                    "Not enough places left in this standing area",
                    {"field": "quantity", "area": request.area, "available": free},
                )
            continue
        try:
            return context.place([], takes)
        except SeatUnavailable:
            if fresh:
                raise
    raise SeatUnavailable("Not enough places left in this standing area", {"area": request.area})


def _lines(hold: Hold, seats: list[MapSeat], request: HoldRequest) -> list[CartLine]:
    if seats:
        return [
            CartLine(
                uuid.uuid4().hex[:12],
                hold.performance_id,
                hold.hold_id,
                s.category_id,
                None,
                seat_id=s.seat_id,
                block=s.block,
                row=s.row,
                number=s.number,
            )
            for s in seats
        ]
    category = request.category_id
    if category is None:
        category = _area_category(hold)
    return [
        CartLine(uuid.uuid4().hex[:12], hold.performance_id, hold.hold_id, category, None, area=request.area)
        for _ in range(request.quantity)
    ]


def _area_category(hold: Hold) -> str | None:
    from chalicelib.db.stock import AreaCounterItem

    item = AreaCounterItem.get(hold.areas[0].pk, hold.areas[0].sk)
    return item.category_id


def remove_hold(org_id: str, cart_id: str, buyer: Buyer, hold_id: str) -> PricedCart:
    """Give back one hold's places now; the rest of the cart stays."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    if hold_id not in cart.hold_ids:
        raise NotFound(f"Hold {hold_id} is not in this cart", {"hold_id": hold_id})
    inventory.release_hold(hold_id)
    cart.hold_ids.remove(hold_id)
    cart.lines = [line for line in cart.lines if line.hold_id != hold_id]
    if not cart.lines:
        cart.started_at, cart.extensions = None, []
    repository.save_cart(cart)
    return priced(cart)


def empty_cart(org_id: str, cart_id: str, buyer: Buyer) -> PricedCart:
    """Release every hold of the cart at once: the seats are the next buyer's immediately."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    for hold_id in cart.hold_ids:
        inventory.release_hold(hold_id)
    cart.hold_ids, cart.lines, cart.started_at, cart.extensions = [], [], None, []
    repository.save_cart(cart)
    return priced(cart)


def set_audience(org_id: str, cart_id: str, buyer: Buyer, line_id: str, subcategory_id: str) -> PricedCart:
    """Choose the audience subcategory (full price, reduced...) of one place; its price follows."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    line = next((line for line in cart.lines if line.line_id == line_id), None)
    if line is None:
        raise NotFound(f"Line {line_id} is not in this cart", {"line_id": line_id})
    price_list(org_id, line.performance_id).price(line.category_id, subcategory_id, "audience_subcategory_id")
    line.audience_subcategory_id = subcategory_id
    repository.save_cart(cart)
    return priced(cart)


def set_delivery(org_id: str, cart_id: str, buyer: Buyer, code: str) -> PricedCart:
    cart = _open(get_cart(org_id, cart_id, buyer))
    rules_for(org_id, cart.pos_id).delivery_option(code)
    cart.delivery_method = code
    repository.save_cart(cart)
    return priced(cart)


def extend(org_id: str, cart_id: str, buyer: Buyer, step: str) -> PricedCart:
    """Extend the cart's holds once for a checkout step, never past the channel's maximum."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    if step not in CHECKOUT_STEPS:
        raise InvalidInput("Unknown checkout step", {"field": "step", "allowed": list(CHECKOUT_STEPS)})
    if step in cart.extensions:
        raise Conflict(f"The holds were already extended for step {step}", {"field": "step", "step": step})
    if not cart.hold_ids:
        raise InvalidInput("The cart is empty", {"field": "cart"})
    rules = rules_for(org_id, cart.pos_id)
    holds = _live_holds(cart)
    ceiling = (cart.started_at or now_seconds()) + rules.hold_max_minutes * 60
    for hold in holds:
        target = min(hold.expires_at + rules.hold_extension_minutes * 60, ceiling)
        if target > hold.expires_at:
            inventory.extend_hold(hold, target)
    cart.extensions.append(step)
    repository.save_cart(cart)
    return priced(cart)


def _live_holds(cart: Cart) -> list[Hold]:
    holds = inventory.get_holds(cart.hold_ids)
    now = now_seconds()
    lapsed = [h.hold_id for h in holds if h.status != "active" or h.expires_at <= now]
    missing = set(cart.hold_ids) - {h.hold_id for h in holds}
    if lapsed or missing:
        raise HoldExpired(
            "Some places in the cart are no longer held; remove them and choose again",
            {"hold_ids": sorted(set(lapsed) | missing)},
        )
    return holds


def live_holds(cart: Cart) -> list[Hold]:
    return _live_holds(cart)


def priced(cart: Cart, adjacent: bool | None = None) -> PricedCart:
    """The cart with each place's price from the price grid, the fees and the total; the server's sums."""
    rules = rules_for(cart.org_id, cart.pos_id)
    lists: dict[str, PriceList] = {}
    lines = []
    for n, line in enumerate(cart.lines):
        prices = lists.get(line.performance_id) or lists.setdefault(
            line.performance_id, price_list(cart.org_id, line.performance_id)
        )
        amount = prices.price(line.category_id, line.audience_subcategory_id or "", f"lines[{n}]")
        lines.append(PricedLine(line, amount))
    currency = next(iter(lists.values())).currency if lists else "EUR"
    delivery = rules.delivery_option(cart.delivery_method)
    expires_at = None
    if cart.hold_ids:
        holds = inventory.get_holds(cart.hold_ids)
        expires_at = min((h.expires_at for h in holds), default=None)
    return PricedCart(
        cart, lines, totals(rules, [p.unit_price for p in lines], delivery, currency), expires_at, adjacent
    )
