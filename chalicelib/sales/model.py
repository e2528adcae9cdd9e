"""Sales rules as plain Python: a channel's sales rules, prices and totals, order states and transitions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import InvalidInput, InvalidTransition

# Order states.
PENDING_PAYMENT = "pending_payment"  # checked out, the card payment not yet confirmed; seats held
RESERVATION = "reservation"  # above the point of sale's payment ceiling: seats held until a deadline
PAID = "paid"  # seats sold, tickets issued
CANCELLED = "cancelled"
EXPIRED = "expired"
ORDER_STATES = (PENDING_PAYMENT, RESERVATION, PAID, CANCELLED, EXPIRED)

# Actions on an order and where they lead: the only allowed transitions (tested exhaustively).
PAY = "pay"
CANCEL = "cancel"
EXPIRE = "expire"
ORDER_ACTIONS = (PAY, CANCEL, EXPIRE)
TRANSITIONS: dict[tuple[str, str], str] = {
    (PENDING_PAYMENT, PAY): PAID,
    (PENDING_PAYMENT, CANCEL): CANCELLED,
    (PENDING_PAYMENT, EXPIRE): EXPIRED,
    (RESERVATION, PAY): PAID,
    (RESERVATION, CANCEL): CANCELLED,
    (RESERVATION, EXPIRE): EXPIRED,
    (PAID, CANCEL): CANCELLED,
}
# States whose seats are still only held (their hold lapses at the deadline).
OPEN_STATES = (PENDING_PAYMENT, RESERVATION)

# Payment methods and payment states.
CARD = "card"
GIFT_VOUCHER = "gift_voucher"
CREDIT_BALANCE = "credit_balance"
# the company's deferred account (the payment's `reference`: the company id); succeeded at once
ON_ACCOUNT = "on_account"
# paid to the organisation by a distributor (the payment's `reference`: the distributor interface)
DISTRIBUTOR = "distributor"
PAYMENT_PENDING = "pending"
PAYMENT_SUCCEEDED = "succeeded"
PAYMENT_DECLINED = "declined"
PAYMENT_TIMED_OUT = "timed_out"
PAYMENT_RETURNED = "returned"  # a voucher or credit debit given back (order cancelled or expired)
PAYMENT_REFUNDED = "refunded"

# Checkout steps whose hold extension a shopper may ask for, once each.
CHECKOUT_STEPS = ("details", "delivery", "payment")
E_TICKET = "ETICKET"


def next_state(state: str, action: str) -> str:
    """The state `action` leads to from `state`; InvalidTransition when it is not allowed."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        allowed = sorted(a for (s, a) in TRANSITIONS if s == state)
        raise InvalidTransition(
            f"An order in state {state} cannot be {_past(action)}",
            {"state": state, "action": action, "allowed": allowed},
        )
    return target


def _past(action: str) -> str:
    return {PAY: "paid", CANCEL: "cancelled", EXPIRE: "expired"}.get(action, action)


@dataclass(frozen=True)
class DeliveryOption:
    code: str
    name: str
    fee: int


@dataclass(frozen=True)
class SalesRules:
    """What a sales channel and its point of sale decide about holds, carts and checkout."""

    channel_id: str
    channel_type: str
    seat_selection: str
    hold_timeout_minutes: int
    hold_extension_minutes: int
    hold_max_minutes: int
    max_tickets_per_performance: int
    max_tickets_per_buyer: int
    orphan_seat_trigger: int
    always_allow_orphan_seats: bool
    booking_fee: int
    booking_fee_cap: int | None
    delivery: tuple[DeliveryOption, ...]
    reservation_days: int
    reservations_payable_online: bool
    reservations_cancellable_online: bool
    pos_id: str
    pos_code: str
    guest_checkout: bool
    payment_ceiling: int | None
    guest_reservations: bool = False

    def delivery_option(self, code: str | None) -> DeliveryOption:
        """The chosen delivery method; without one, the first the channel offers (else an e-ticket)."""
        if not self.delivery:
            if code not in (None, E_TICKET):
                raise InvalidInput(
                    f"Delivery method {code} is not offered here", {"field": "delivery_method", "value": code}
                )
            return DeliveryOption(E_TICKET, "E-ticket", 0)
        if code is None:
            return self.delivery[0]
        for option in self.delivery:
            if option.code == code:
                return option
        offered = [o.code for o in self.delivery]
        raise InvalidInput(
            f"Delivery method {code} is not offered here",
            {"field": "delivery_method", "value": code, "allowed": offered},
        )


def delivery_methods(channel: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The channel's delivery methods; with `immediate_delivery_only`, only those that give the tickets
    at once, if it has any (the seed's "uniquement modes d'envois immédiats (si possible)")."""
    methods = list(channel.get("delivery_methods") or [])
    immediate = [d for d in methods if d.get("immediate")]
    return immediate if channel.get("immediate_delivery_only") and immediate else methods


def sales_rules(
    channel: Mapping[str, Any], channel_id: str, pos: Mapping[str, Any], pos_id: str
) -> SalesRules:
    per_order = int(channel.get("max_tickets_per_performance") or 10)
    return SalesRules(
        channel_id=channel_id,
        channel_type=channel["type"],
        seat_selection=channel.get("seat_selection") or "map",
        hold_timeout_minutes=int(channel.get("hold_timeout_minutes") or 20),
        hold_extension_minutes=int(channel.get("hold_extension_minutes") or 10),
        hold_max_minutes=int(
            channel.get("hold_max_minutes")
            or int(channel.get("hold_timeout_minutes") or 20)
            + len(CHECKOUT_STEPS) * int(channel.get("hold_extension_minutes") or 10)
        ),
        max_tickets_per_performance=per_order,
        max_tickets_per_buyer=int(channel.get("max_tickets_per_buyer") or per_order),
        orphan_seat_trigger=int(channel.get("orphan_seat_trigger") or 0),
        always_allow_orphan_seats=bool(channel.get("always_allow_orphan_seats")),
        booking_fee=int(channel.get("booking_fee") or 0),
        booking_fee_cap=None if channel.get("booking_fee_cap") is None else int(channel["booking_fee_cap"]),
        delivery=tuple(
            DeliveryOption(d["code"], d["name"], int(d.get("fee") or 0)) for d in delivery_methods(channel)
        ),
        reservation_days=int(channel.get("reservation_days") or 3),
        reservations_payable_online=bool(channel.get("reservations_payable_online", True)),
        reservations_cancellable_online=bool(channel.get("reservations_cancellable_online", True)),
        pos_id=pos_id,
        pos_code=pos["code"],
        guest_checkout=bool(pos.get("guest_checkout", True)),
        payment_ceiling=None if pos.get("payment_ceiling") is None else int(pos["payment_ceiling"]),
        guest_reservations=bool(pos.get("guest_reservations", False)),
    )


@dataclass(frozen=True)
class Totals:
    tickets: int
    booking_fee: int
    delivery_fee: int
    total: int
    currency: str


def booking_fee(rules: SalesRules, tickets: int) -> int:
    """The channel's fee per ticket, capped per order when the channel sets a cap."""
    fee = rules.booking_fee * tickets
    return fee if rules.booking_fee_cap is None else min(fee, rules.booking_fee_cap)


def totals(rules: SalesRules, unit_prices: Iterable[int], delivery: DeliveryOption, currency: str) -> Totals:
    prices = list(unit_prices)
    tickets = sum(prices)
    fee = booking_fee(rules, len(prices)) if prices else 0
    delivery_fee = delivery.fee if prices else 0
    return Totals(tickets, fee, delivery_fee, tickets + fee + delivery_fee, currency)


@dataclass
class PriceList:
    """A performance's prices: (seat category, audience subcategory) -> amount, in one currency."""

    currency: str
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def price(self, category_id: str | None, subcategory_id: str, where: str) -> int:
        amount = self.cells.get((category_id or "", subcategory_id))
        if amount is None:
            raise InvalidInput(
                "No price for this seat category and audience subcategory",
                {"field": where, "seat_category_id": category_id, "audience_subcategory_id": subcategory_id},
            )
        return amount

    def default_subcategory(self, category_id: str | None) -> str | None:
        """The full price: the dearest subcategory of the category (a shopper picks reductions)."""
        offers = [(amount, sub) for (cat, sub), amount in self.cells.items() if cat == category_id]
        return max(offers)[1] if offers else None


def split_payment(
    total: int, voucher_balances: list[int], credit_balance: int | None
) -> tuple[list[int], int, int]:
    """How a total is paid: from each voucher in turn, then the credit balance, the rest by card.

    Returns (amount from each voucher, amount from credit, amount by card).
    """
    remaining = total
    from_vouchers = []
    for balance in voucher_balances:
        take = min(balance, remaining)
        from_vouchers.append(take)
        remaining -= take
    from_credit = min(credit_balance or 0, remaining)
    remaining -= from_credit
    return from_vouchers, from_credit, remaining
