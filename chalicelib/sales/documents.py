"""Carts, orders and tickets as plain dataclasses (what the repository reads and writes)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from chalicelib.outbox.model import Effect


@dataclass
class CartLine:
    """One place in a cart: a numbered seat or one standing place of an area."""

    line_id: str
    performance_id: str
    hold_id: str
    category_id: str | None
    audience_subcategory_id: str | None
    seat_id: str | None = None
    area: str | None = None
    block: str | None = None
    row: str | None = None
    number: str | None = None
    advantage_id: str | None = None  # the advantage the place is priced with, chosen with its subcategory
    unit_price: int | None = None  # the price the buyer was last shown: checkout never charges another
    # a season ticket's place: package_id, season_ticket_id, name, line_id, amount (the line's price)
    package: dict[str, Any] | None = None


@dataclass
class Cart:
    cart_id: str
    org_id: str
    pos_id: str
    channel_id: str
    owner: str
    status: str  # open | ordered
    lines: list[CartLine] = field(default_factory=list)
    hold_ids: list[str] = field(default_factory=list)
    delivery_method: str | None = None
    extensions: list[str] = field(default_factory=list)
    started_at: int | None = None  # when its first hold was placed: extensions never pass started + max
    order_id: str | None = None
    version: int = 1
    created_at: str = ""
    # codes entered: {"code", "kind": partner | single_use | promo, "ref_id": advantage or promo id}
    codes: list[dict[str, str]] = field(default_factory=list)
    promo_code: str | None = None  # at most one promo code a cart
    contact_id: str | None = None  # an operator selling for a contact: the contact's advantages apply

    def lines_for(self, performance_id: str) -> list[CartLine]:
        return [line for line in self.lines if line.performance_id == performance_id]


@dataclass
class OrderLine:
    line_id: str
    ticket_id: str
    performance_id: str
    hold_id: str
    event_name: str
    starts_at: str
    category_id: str | None
    category_name: str
    audience_subcategory_id: str
    audience_name: str
    unit_price: int
    seat_id: str | None = None
    area: str | None = None
    block: str | None = None
    row: str | None = None
    number: str | None = None
    venue: str = ""
    original_price: int | None = None  # the price grid's; unit_price is what the buyer paid
    advantage_id: str | None = None
    advantage_name: str | None = None
    code: str | None = None  # the partner or single-use code that unlocked the advantage
    code_kind: str | None = None  # partner | single_use
    promo_share: int = 0  # the line's part of the promo code's discount (given back with the line)
    package: dict[str, Any] | None = None  # the season ticket the ticket belongs to (CartLine.package)


@dataclass
class Payment:
    payment_id: str
    method: str  # card | gift_voucher | credit_balance | on_account | distributor
    amount: int
    status: str
    code: str | None = None  # the gift voucher's code
    reference: str | None = None  # the provider's reference
    redirect_url: str | None = None  # the provider's payment page, while the payment is pending
    at: str | None = None

    def outcome(self, status: str, reference: str | None, at: str) -> None:
        """The provider's answer: the payment page is of no more use and leaves the order (a session
        address is about half a kilobyte, and an order under 1 KB costs half as much to write)."""
        self.status, self.reference, self.at, self.redirect_url = status, reference, at, None


@dataclass
class Order:
    order_id: str
    org_id: str
    pos_id: str
    channel_id: str
    cart_id: str | None
    owner: str
    shopper_id: str | None
    email: str
    name: str
    status: str
    created_at: str
    currency: str
    lines: list[OrderLine]
    tickets_total: int
    booking_fee: int
    delivery_method: str
    delivery_fee: int
    total: int
    payments: list[Payment] = field(default_factory=list)
    deadline: int | None = None  # epoch seconds: until then a reservation or a pending payment holds seats
    hold_ids: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    promo_code: str | None = None
    promo_discount: int = 0
    advantage_use: dict[str, Any] | None = None  # advantages.order_codes.Use: what a cancellation gives back
    contact_id: str | None = None  # the contact an operator sold to (the cart's)
    version: int = 1

    def document(self) -> dict[str, Any]:
        """What is stored: the order, its lines and payments without the fields that are None by
        default (from_document gives them back); DynamoDB charges a write by the item's size."""
        data = _stored(self)
        data.pop("version")
        return data

    @classmethod
    def from_document(cls, data: dict[str, Any], version: int) -> Order:
        values = dict(data)
        values["lines"] = [OrderLine(**line) for line in values.get("lines", [])]
        values["payments"] = [Payment(**p) for p in values.get("payments", [])]
        return cls(**values, version=version)

    def payment(self, payment_id: str) -> Payment | None:
        return next((p for p in self.payments if p.payment_id == payment_id), None)

    @property
    def paid_amount(self) -> int:
        return sum(p.amount for p in self.payments if p.status == "succeeded")


def _stored(value: Any) -> Any:
    if is_dataclass(value):
        return {
            f.name: _stored(getattr(value, f.name))
            for f in fields(value)
            if not (f.default is None and getattr(value, f.name) is None)
        }
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return copy.deepcopy(value)


@dataclass
class Ticket:
    ticket_id: str
    org_id: str
    order_id: str
    performance_id: str
    status: str  # valid | used | cancelled
    document: dict[str, Any]
    scans: list[dict[str, Any]] = field(default_factory=list)
    used_at: str | None = None


@dataclass
class Consequences:
    """What an order's change brings with it, written in the same transaction as the order:
    outbox effects (emails, card refunds, ...) and money given back to vouchers and credit balances."""

    effects: list[Effect] = field(default_factory=list)
    voucher_credits: list[tuple[str, int]] = field(default_factory=list)  # (code, amount)
    credit: tuple[str, int, str] | None = None  # (buyer, amount, note) added to the credit balance
    writes: list[Any] = field(default_factory=list)  # other updates (advantages' counters given back)

    def __bool__(self) -> bool:
        return bool(self.effects or self.voucher_credits or self.credit or self.writes)

    def add(self, other: Consequences) -> Consequences:
        self.effects += other.effects
        self.voucher_credits += other.voucher_credits
        self.writes += other.writes
        if other.credit:
            buyer, amount, note = other.credit
            self.credit = (buyer, amount + (self.credit[1] if self.credit else 0), note)
        return self
