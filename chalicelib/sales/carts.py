"""A shopper's cart: holds on seats and standing places for one point of sale, priced on the server."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib import clock
from chalicelib.catalog import service as catalog
from chalicelib.db.sales import limit_key
from chalicelib.errors import (
    Conflict,
    HoldExpired,
    InvalidInput,
    NotFound,
    OrphanSeats,
    PermissionDenied,
    SeatUnavailable,
    TransientStoreError,
)
from chalicelib.inventory import seat_picking
from chalicelib.inventory import service as inventory
from chalicelib.inventory.model import AreaTake, BuyerLimit, Hold, SeatRef
from chalicelib.owned import yours
from chalicelib.queue import service as queue
from chalicelib.sales import cart_advantages, cart_pricing, client_limits, pos_access, repository
from chalicelib.sales.documents import Cart, CartLine
from chalicelib.sales.model import CHECKOUT_STEPS, PriceList, SalesRules, Totals, sales_rules, totals
from chalicelib.shop import service as shop
from chalicelib.shop.model import MapSeat, seat_available

OPEN = "open"
ORDERED = "ordered"
MAP_MODES = ("map", "auto_with_modification")
# Picks a hold may make in all: a stale pick or a race lost to another buyer is made again.
PICK_ATTEMPTS = 8
# The longest random pause before the first retry; it doubles at each attempt, up to 0.32 s.
RETRY_PAUSE_SECONDS = 0.02


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
    price: cart_pricing.LinePrice | None = None


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    lines: list[PricedLine]
    totals: Totals
    expires_at: int | None
    adjacent: bool | None = None
    promo: cart_pricing.PromoState | None = None
    prices: cart_pricing.CartPrices | None = None


def rules_for(org_id: str, pos_id: str) -> SalesRules:
    pos = catalog.get(org_id, "point_of_sale", pos_id)
    channel = catalog.get(org_id, "sales_channel", pos.data["channel_id"])
    return sales_rules(channel.data, channel.id, pos.data, pos.id)


def _front(org_id: str, pos_code: str) -> tuple[shop.ShopFront, str]:
    front = shop.shop_front(org_id, pos_code)
    pos = catalog.all_items(org_id, "point_of_sale", code=pos_code)[0]
    return front, pos.id


def open_cart(org_id: str, pos_code: str, buyer: Buyer, contact_id: str | None = None) -> Cart:
    """A new cart; an operator may open it for a contact, whose advantages then apply."""
    front, pos_id = _front(org_id, pos_code)
    if contact_id is not None:
        if not pos_access.is_operator(buyer):
            raise PermissionDenied("Only an operator sells for a contact", {"field": "contact_id"})
        catalog.get(org_id, "contact", contact_id)  # 404 for an unknown contact
    pos_access.check_may_open(org_id, front.channel.type, catalog.get(org_id, "point_of_sale", pos_id), buyer)
    rules = rules_for(org_id, pos_id)
    if buyer.shopper_id is None and not pos_access.is_operator(buyer) and not rules.guest_checkout:
        raise PermissionDenied(
            f"Point of sale {pos_code} sells to shoppers with an account only; log in first",
            {"pos_code": pos_code},
        )
    client_limits.count_cart(buyer, org_id)
    cart = Cart(
        cart_id=uuid.uuid4().hex,
        org_id=org_id,
        pos_id=pos_id,
        channel_id=front.channel.id,
        owner=buyer.buyer_id,
        status=OPEN,
        created_at=clock.now().isoformat(),
        contact_id=contact_id,
    )
    repository.create_cart(cart)
    return cart


def get_cart(org_id: str, cart_id: str, buyer: Buyer) -> Cart:
    """The buyer's own cart; another buyer's cart does not exist for them (404, never 403)."""
    return yours(
        lambda: repository.get_cart(cart_id),
        lambda cart: cart.org_id == org_id and cart.owner == buyer.buyer_id,
        "Cart",
        cart_id,
    )


def open_cart_of(org_id: str, cart_id: str, buyer: Buyer) -> Cart:
    """The buyer's cart, still open (409 once checked out)."""
    return _open(get_cart(org_id, cart_id, buyer))


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
    queue.require_admission(org_id, request.performance_id, buyer.buyer_id)
    prices = price_list(org_id, request.performance_id)
    wanted = len(request.seat_ids) or request.quantity
    already = len(cart.lines_for(request.performance_id))
    if already + wanted > rules.max_tickets_per_performance:
        raise InvalidInput(
            f"At most {rules.max_tickets_per_performance} tickets per performance in one order",
            {"field": "quantity", "max": rules.max_tickets_per_performance, "in_cart": already},
        )
    subcategory = request.audience_subcategory_id
    context = HoldContext(org_id, cart, buyer, rules, front, stored.state, request)
    adjacent: bool | None = None
    taken = client_limits.take_places(buyer, request.performance_id, wanted, rules)
    try:
        if request.seat_ids:
            hold, seats = hold_chosen_seats(context)
        elif request.area:
            hold, seats = _hold_standing(context), []
        else:
            hold, seats, adjacent = hold_best_available(context)
    except Exception:
        taken.undo()
        raise
    lines = lines_of(hold, seats, request)
    for line in lines:
        line.audience_subcategory_id = subcategory or prices.default_subcategory(line.category_id)
        prices.price(line.category_id, line.audience_subcategory_id or "", "audience_subcategory_id")
    cart.lines.extend(lines)
    cart.hold_ids.append(hold.hold_id)
    cart.started_at = cart.started_at or clock.seconds()
    try:
        return save_priced(cart, adjacent=adjacent, placed=hold)
    except Conflict:
        inventory.release_hold(hold.hold_id)
        taken.undo()
        raise


@dataclass
class HoldContext:
    org_id: str
    cart: Cart
    buyer: Buyer
    rules: SalesRules
    front: shop.ShopFront
    state: dict
    request: HoldRequest
    package: bool = False  # a season ticket's places: its seats may be named on any point of sale

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
                *limit_key(self.performance_id, client_limits.limit_owner(self.buyer)),
                self.rules.max_tickets_per_buyer,
            ),
            cart_id=self.cart.cart_id,
            quota_ids=sellable.quota_ids,
        )

    def place_seats(self, seats: list[MapSeat]) -> Hold:
        hold = self.place([self.seat_ref(s.seat_id) for s in seats])
        shop.note_held(self.org_id, self.performance_id, {s.seat_id for s in seats}, hold.expires_at)
        return hold

    def seat_ref(self, seat_id: str) -> SeatRef:
        return inventory.seat_refs(self.performance_id, inventory.stock_shards(self.state), [seat_id])[0]

    def orphan_rule(self) -> seat_picking.OrphanRule:
        return seat_picking.OrphanRule(self.rules.always_allow_orphan_seats, self.rules.orphan_seat_trigger)


def _pick_seats(
    seats: list[MapSeat], context: HoldContext, now: int, category_id: str | None = None
) -> list[seat_picking.PickSeat]:
    """The seats as picking sees them; with a category, only the rows holding a seat of it (a pick
    and the orphans it may leave stay in those rows)."""
    sellable = shop.sellable(context.front)
    if category_id is not None:
        rows = {(s.block, s.row) for s in seats if s.category_id == category_id}
        seats = [s for s in seats if (s.block, s.row) in rows]
    return [seat_picking.pick_seat(s, seat_available(s, sellable, now)) for s in seats]


def hold_chosen_seats(context: HoldContext) -> tuple[Hold, list[MapSeat]]:
    if context.rules.seat_selection not in MAP_MODES and not context.package:
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
    now = clock.seconds()
    sellable = shop.sellable(context.front)
    taken = [seat_id for seat_id in wanted if not seat_available(by_id[seat_id], sellable, now)]
    if taken:
        # the shared read may be 2 s old: a seat freed meanwhile is checked again against the table
        seats = shop.stock_seats(context.org_id, context.performance_id, context.state, fresh=True)
        by_id = {s.seat_id: s for s in seats}
        taken = [seat_id for seat_id in wanted if not seat_available(by_id[seat_id], sellable, now)]
        if taken:
            raise SeatUnavailable("Some seats are not free", {"seats": taken})
    if not context.package:  # a season ticket's same seat comes before the orphan rule
        _check_orphans(context, seats, wanted, now)
    chosen = [by_id[seat_id] for seat_id in wanted]
    return context.place_seats(chosen), chosen


def _check_orphans(context: HoldContext, seats: list[MapSeat], wanted: list[str], now: int) -> None:
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


def hold_best_available(context: HoldContext) -> tuple[Hold, list[MapSeat], bool]:
    """Pick and hold the best seats; a race lost to another buyer is learnt from and tried again.

    The pick draws among the best runs with this instance's own preference (seat_picking.Spread), so
    instances selling at once spread over the house; the picked seats are read by key before the
    hold is written, and a pick made from a stale read is made again. A seat taken first by another
    buyer (a failed
    condition) or a transaction that collided with another is a lost race: the lost seats' shards are
    read again, the pick is made again after a short random pause, up to PICK_ATTEMPTS times; then a
    409 says the seats kept being taken.
    """
    request = context.request
    if not request.category_id or request.quantity < 1:
        raise InvalidInput(
            "Ask for seat_ids, or a category_id and a quantity, or an area and a quantity",
            {"field": "category_id" if not request.category_id else "quantity"},
        )
    fresh, read_all = False, False
    for attempt in range(PICK_ATTEMPTS):
        seats = shop.stock_seats(context.org_id, context.performance_id, context.state, fresh=fresh)
        fresh, now = False, clock.seconds()
        try:
            pick = _best(context, _pick_seats(seats, context, now, request.category_id))
        except seat_picking.NotEnoughSeats as exc:
            if not read_all:  # seats may have been freed since this instance read them
                fresh = read_all = True
                continue
            raise SeatUnavailable(
                "Not enough free seats in this category",
                {"field": "quantity", "category_id": request.category_id, "available": exc.available},
            ) from exc
        wanted = set(pick.seat_ids)
        by_id = {s.seat_id: s for s in seats if s.seat_id in wanted}
        chosen = [by_id[seat_id] for seat_id in pick.seat_ids]
        shards = inventory.stock_shards(context.state)
        stale = inventory.taken_seats(context.performance_id, shards, pick.seat_ids, now)
        if stale:  # another buyer took them since this instance's read: no transaction spent on them
            lost = [by_id[seat_id] for seat_id in stale]
            shop.note_lost(context.org_id, context.performance_id, lost, now, reread=False)
            continue
        try:
            return context.place_seats(chosen), chosen, pick.adjacent
        except SeatUnavailable as exc:
            lost = [by_id[s] for s in exc.details.get("seats") or () if s in by_id] or chosen
        except TransientStoreError as exc:
            if not _collided(exc):
                raise
            lost = chosen
        shop.note_lost(context.org_id, context.performance_id, lost, now)
        _pause(attempt)
    raise SeatUnavailable(
        "Seats kept being taken by other buyers; try again", {"category_id": request.category_id}
    )


def _best(context: HoldContext, picks: list[seat_picking.PickSeat]) -> seat_picking.Pick:
    request = context.request
    try:
        return seat_picking.best_available(
            picks,
            request.category_id or "",
            request.quantity,
            accessible=request.accessible,
            rule=context.orphan_rule(),
            spread=shop.pick_spread(context.org_id, context.performance_id),
        )
    except seat_picking.OrphanSeatsRefused as exc:
        raise OrphanSeats(
            "Every choice left would leave a single seat alone; ask for another quantity",
            {"field": "quantity", "orphan_seats": list(exc.seat_ids)},
        ) from exc


def _collided(exc: TransientStoreError) -> bool:
    """A transaction cancelled because another one was writing the same item: a lost race, not a fault."""
    reasons = getattr(exc.__cause__, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code == "TransactionConflict" for reason in reasons)


def _pause(attempt: int) -> None:
    """A random pause, longer at each attempt, so that racing buyers do not collide again in step."""
    time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * 2 ** min(attempt, 4)))  # noqa: S311 - jitter, not a secret


def _hold_standing(context: HoldContext) -> Hold:
    """Take standing places from sub-counters with room, drawn at random so buyers spread over them;
    a counter emptied meanwhile or a colliding transaction is a lost race, tried again on fresh counts."""
    request = context.request
    if request.quantity < 1:
        raise InvalidInput("Ask for at least one place", {"field": "quantity"})
    sellable = shop.sellable(context.front)
    shards = inventory.stock_shards(context.state)
    for attempt in range(PICK_ATTEMPTS):
        if attempt == 0:
            _, areas = shop.stock_counts(context.org_id, context.performance_id, context.state)
        else:  # only the area's counters, not the whole stock
            areas = shop.area_counters(context.performance_id, shards, request.area or "")
        mine = [a for a in areas if a.area == request.area]
        if not mine and attempt == 0:
            raise InvalidInput(
                "No such standing area in this performance", {"field": "area", "value": request.area}
            )
        counters = [
            a
            for a in mine
            if sellable.allows(a.quota_id)
            and (request.category_id is None or a.category_id == request.category_id)
            and a.free > 0
        ]
        takes = inventory.spread_over_counters(context.performance_id, shards, counters, request.quantity)
        if takes is None:
            if attempt == 0:
                continue  # the shared counts may be 2 s old: read the counters themselves
            free = sum(a.free for a in counters)
            raise SeatUnavailable(
                "Not enough places left in this standing area",
                {"field": "quantity", "area": request.area, "available": free},
            )
        try:
            return context.place([], takes)
        except SeatUnavailable:
            pass
        except TransientStoreError as exc:
            if not _collided(exc):
                raise
        _pause(attempt)
    raise SeatUnavailable(
        "The standing area's places kept being taken by other buyers; try again", {"area": request.area}
    )


def lines_of(hold: Hold, seats: list[MapSeat], request: HoldRequest) -> list[CartLine]:
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
        category = inventory.area_category(hold.areas[0])
    return [
        CartLine(uuid.uuid4().hex[:12], hold.performance_id, hold.hold_id, category, None, area=request.area)
        for _ in range(request.quantity)
    ]


def remove_hold(org_id: str, cart_id: str, buyer: Buyer, hold_id: str) -> PricedCart:
    """Give back one hold's places now; the rest of the cart stays."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    if hold_id not in cart.hold_ids:
        raise NotFound(f"Hold {hold_id} is not in this cart", {"hold_id": hold_id})
    # a season ticket's holds go together: giving back one performance gives back the package
    packages = {line.package["package_id"] for line in cart.lines if line.hold_id == hold_id and line.package}
    gone = {hold_id} | {
        line.hold_id for line in cart.lines if line.package and line.package["package_id"] in packages
    }
    for each in [h for h in cart.hold_ids if h in gone]:
        inventory.release_hold(each)
        cart.hold_ids.remove(each)
    client_limits.give_back(buyer, [line.performance_id for line in cart.lines if line.hold_id in gone])
    cart.lines = [line for line in cart.lines if line.hold_id not in gone]
    # The cart's clock (started_at, extensions used) keeps running: emptying it does not buy time.
    return save_priced(cart)


def empty_cart(org_id: str, cart_id: str, buyer: Buyer) -> PricedCart:
    """Release every hold of the cart at once: the seats are the next buyer's immediately."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    for hold_id in cart.hold_ids:
        inventory.release_hold(hold_id)
    client_limits.give_back(buyer, [line.performance_id for line in cart.lines])
    # The cart's clock (started_at, extensions used) keeps running: emptying it does not buy time.
    cart.hold_ids, cart.lines = [], []
    cart_advantages.release_codes(cart)  # an emptied cart gives its single-use codes back
    return save_priced(cart)


def set_audience(
    org_id: str,
    cart_id: str,
    buyer: Buyer,
    line_id: str,
    subcategory_id: str,
    advantage_id: str | None = None,
) -> PricedCart:
    """Choose the audience subcategory (full price, reduced...) of one place, and the advantage it is
    priced with (or none); its price follows. An advantage the place cannot take now is refused (409)."""
    cart = _open(get_cart(org_id, cart_id, buyer))
    line = next((line for line in cart.lines if line.line_id == line_id), None)
    if line is None:
        raise NotFound(f"Line {line_id} is not in this cart", {"line_id": line_id})
    if line.package:
        raise Conflict(
            "A season ticket's place is priced by its season ticket; remove the season ticket to change it",
            {"line_id": line_id, "package_id": line.package["package_id"]},
        )
    prices = price_list(org_id, line.performance_id)
    customer = cart_advantages.customer_of(cart)
    cart_pricing.check_line_choice(cart, line, prices, subcategory_id, advantage_id, customer)
    line.audience_subcategory_id = subcategory_id
    line.advantage_id = advantage_id
    return save_priced(cart)


def set_delivery(org_id: str, cart_id: str, buyer: Buyer, code: str) -> PricedCart:
    cart = _open(get_cart(org_id, cart_id, buyer))
    rules_for(org_id, cart.pos_id).delivery_option(code)
    cart.delivery_method = code
    return save_priced(cart)


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
    ceiling = (cart.started_at or clock.seconds()) + rules.hold_max_minutes * 60
    for hold in holds:
        target = min(hold.expires_at + rules.hold_extension_minutes * 60, ceiling)
        if target > hold.expires_at:
            inventory.extend_hold(hold, target)
    cart.extensions.append(step)
    repository.save_cart(cart)
    return priced(cart)


def _live_holds(cart: Cart) -> list[Hold]:
    holds = inventory.get_holds(cart.hold_ids)
    now = clock.seconds()
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


def priced(
    cart: Cart, adjacent: bool | None = None, fresh: bool = False, holds: list[Hold] | None = None
) -> PricedCart:
    """The cart with each place's price (price grid, advantage, promo code share), the fees and the
    total; the server's sums. `fresh` reads advantages and promo codes from the table (checkout);
    `holds`, the cart's holds when the caller has just read them."""
    rules = rules_for(cart.org_id, cart.pos_id)
    lists: dict[str, PriceList] = {}
    for line in cart.lines:
        if line.performance_id not in lists:
            lists[line.performance_id] = price_list(cart.org_id, line.performance_id)
    prices = cart_pricing.price_cart(cart, lists, cart_advantages.customer_of(cart), fresh)
    lines = [PricedLine(p.line, p.unit_price, p) for p in prices.lines]
    currency = next(iter(lists.values())).currency if lists else "EUR"
    delivery = rules.delivery_option(cart.delivery_method)
    expires_at = None
    if cart.hold_ids:
        holds = holds if holds is not None else inventory.get_holds(cart.hold_ids)
        expires_at = min((h.expires_at for h in holds), default=None)
    return PricedCart(
        cart,
        lines,
        totals(rules, [p.unit_price for p in lines], delivery, currency),
        expires_at,
        adjacent,
        prices.promo,
        prices,
    )


def save_priced(cart: Cart, adjacent: bool | None = None, placed: Hold | None = None) -> PricedCart:
    """Price the cart, keep each line's price as the one the buyer is shown, and save it; `placed`,
    the hold this request has just added to it."""
    holds = None
    if placed is not None:  # the others are read; the one just placed is known
        others = [hold_id for hold_id in cart.hold_ids if hold_id != placed.hold_id]
        holds = [placed, *(inventory.get_holds(others) if others else [])]
    quote = priced(cart, adjacent, holds=holds)
    for p in quote.lines:
        p.line.unit_price = p.unit_price
    repository.save_cart(cart)
    return quote
