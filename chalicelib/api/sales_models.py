"""What the sales routes answer: carts, orders and tickets (shared by the shop and the back-office)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field

from chalicelib.api.routing import Out
from chalicelib.sales.cart_pricing import LinePrice, PromoState
from chalicelib.sales.carts import PricedCart
from chalicelib.sales.documents import Order, Ticket


class PackageOut(Out):
    """The season ticket a place belongs to: its places are held, priced and given back together."""

    package_id: str
    season_ticket_id: str
    name: str
    line_id: str = Field(description="The season-ticket line the performance was chosen in")
    amount: int = Field(description="The line's price of a place")


def _package(package: dict | None) -> PackageOut | None:
    return None if not package else PackageOut(**{k: package[k] for k in PackageOut.model_fields})


class CartLineOut(Out):
    line_id: str
    performance_id: str
    hold_id: str
    seat_id: str | None
    block: str | None
    row: str | None
    number: str | None
    area: str | None
    category_id: str | None
    audience_subcategory_id: str | None
    unit_price: int = Field(description="What the place costs: after its advantage and its promo code share")
    original_price: int | None = Field(default=None, description="The price grid's price")
    advantage_id: str | None = None
    advantage_name: str | None = None
    advantage_price: int | None = Field(
        default=None, description="After the advantage, before the promo code"
    )
    promo_share: int = 0
    refusal: str | None = Field(
        default=None,
        description="Why the advantage chosen for this place no longer applies (checkout refuses it)",
    )
    package: PackageOut | None = Field(default=None, description="The season ticket the place belongs to")


class TotalsOut(Out):
    tickets: int
    booking_fee: int
    delivery_fee: int
    total: int
    currency: str
    promo_discount: int = 0


class CartCodeOut(Out):
    code: str
    kind: str = Field(description="partner | single_use (promo codes are under `promo`)")
    advantage_id: str


class PromoOut(Out):
    code: str
    promo_id: str | None
    public_name: str | None
    discount: int = Field(description="What it takes off this cart now")
    refusal: str | None = Field(default=None, description="Why it does not apply now (checkout refuses it)")


class CartOut(Out):
    cart_id: str
    status: str
    order_id: str | None
    lines: list[CartLineOut]
    hold_ids: list[str]
    delivery_method: str | None
    extensions_used: list[str]
    expires_at: datetime | None
    adjacent: bool | None = None
    totals: TotalsOut
    codes: list[CartCodeOut] = []
    promo: PromoOut | None = None
    contact_id: str | None = None


def _moment(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


def cart_out(priced: PricedCart) -> CartOut:
    cart = priced.cart
    return CartOut(
        cart_id=cart.cart_id,
        status=cart.status,
        order_id=cart.order_id,
        lines=[
            CartLineOut(
                line_id=p.line.line_id,
                performance_id=p.line.performance_id,
                hold_id=p.line.hold_id,
                seat_id=p.line.seat_id,
                block=p.line.block,
                row=p.line.row,
                number=p.line.number,
                area=p.line.area,
                category_id=p.line.category_id,
                audience_subcategory_id=p.line.audience_subcategory_id,
                unit_price=p.unit_price,
                package=_package(p.line.package),
                **_line_price(p.price),
            )
            for p in priced.lines
        ],
        hold_ids=cart.hold_ids,
        delivery_method=cart.delivery_method,
        extensions_used=cart.extensions,
        expires_at=_moment(priced.expires_at),
        adjacent=priced.adjacent,
        totals=TotalsOut(**vars(priced.totals), promo_discount=priced.promo.discount if priced.promo else 0),
        codes=[CartCodeOut(code=c["code"], kind=c["kind"], advantage_id=c["ref_id"]) for c in cart.codes],
        promo=_promo_out(priced.promo),
        contact_id=cart.contact_id,
    )


def _line_price(price: LinePrice | None) -> dict:
    if price is None:
        return {}
    applied = price.advantage
    return {
        "original_price": price.original_price,
        "advantage_id": price.line.advantage_id,
        "advantage_name": applied.public_name if applied else None,
        "advantage_price": price.advantage_price,
        "promo_share": price.promo_share,
        "refusal": price.refusal,
    }


def _promo_out(promo: PromoState | None) -> PromoOut | None:
    if promo is None:
        return None
    found = promo.promo
    return PromoOut(
        code=promo.code,
        promo_id=found.promo_id if found else None,
        public_name=found.public_name if found else None,
        discount=promo.discount,
        refusal=promo.refusal,
    )


class OrderLineOut(Out):
    line_id: str
    ticket_id: str
    performance_id: str
    event_name: str
    starts_at: str
    venue: str
    category_id: str | None
    category_name: str
    audience_subcategory_id: str
    audience_name: str
    unit_price: int
    seat_id: str | None
    block: str | None
    row: str | None
    number: str | None
    area: str | None
    original_price: int | None = Field(
        default=None, description="The price grid's; unit_price is what was paid"
    )
    advantage_id: str | None = None
    advantage_name: str | None = None
    code: str | None = Field(
        default=None, description="The partner or single-use code used for the advantage"
    )
    code_kind: str | None = Field(default=None, description="partner | single_use")
    promo_share: int = 0
    package: PackageOut | None = Field(default=None, description="The season ticket the ticket belongs to")


class PaymentOut(Out):
    payment_id: str
    method: str
    amount: int
    status: str
    code: str | None
    redirect_url: str | None = Field(
        description="The card provider's payment page while the payment is pending; null once it is answered"
    )
    at: str | None


class OrderOut(Out):
    order_id: str
    status: str
    created_at: str
    email: str
    name: str
    pos_id: str
    currency: str
    lines: list[OrderLineOut]
    tickets_total: int
    booking_fee: int
    delivery_method: str
    delivery_fee: int
    total: int
    paid: int
    due: int
    payments: list[PaymentOut]
    payment_url: str | None
    deadline: datetime | None
    history: list[dict]
    refunds: list[dict]
    promo_code: str | None = None
    promo_discount: int = 0
    account_company_id: str | None = Field(
        default=None,
        description="Paid on this company's deferred account (its relay bought; name and email: the holder)",
    )


def order_out(order: Order) -> OrderOut:
    pending = [p for p in order.payments if p.method == "card" and p.status == "pending" and p.redirect_url]
    paid = order.paid_amount
    return OrderOut(
        order_id=order.order_id,
        status=order.status,
        created_at=order.created_at,
        email=order.email,
        name=order.name,
        pos_id=order.pos_id,
        currency=order.currency,
        lines=[
            OrderLineOut(**{k: v for k, v in vars(line).items() if k != "hold_id"}) for line in order.lines
        ],
        tickets_total=order.tickets_total,
        booking_fee=order.booking_fee,
        delivery_method=order.delivery_method,
        delivery_fee=order.delivery_fee,
        total=order.total,
        paid=paid,
        due=max(0, order.total - paid) if order.status in ("pending_payment", "reservation") else 0,
        payments=[
            PaymentOut(
                payment_id=p.payment_id,
                method=p.method,
                amount=p.amount,
                status=p.status,
                code=p.code,
                redirect_url=p.redirect_url,
                at=p.at,
            )
            for p in order.payments
        ],
        payment_url=pending[-1].redirect_url
        if pending and order.status in ("pending_payment", "reservation")
        else None,
        deadline=_moment(order.deadline),
        history=order.history,
        refunds=order.refunds,
        promo_code=order.promo_code,
        promo_discount=order.promo_discount,
        account_company_id=next((p.reference for p in order.payments if p.method == "on_account"), None),
    )


class OrderPage(Out):
    orders: list[OrderOut]
    next_cursor: str | None


class TicketBeneficiaryOut(Out):
    name: str
    email: str
    given_at: str | None = None


class TicketOut(Out):
    ticket_id: str
    order_id: str
    performance_id: str
    status: str
    barcode: str
    event_name: str
    starts_at: str
    seat_id: str | None
    block: str | None
    row: str | None
    number: str | None
    area: str | None
    category_name: str
    audience_name: str
    unit_price: int
    used_at: str | None
    beneficiary: TicketBeneficiaryOut | None = None  # the person a relay gave the ticket to
    barcode_revision: int = 0  # 0: the barcode printed with the order; each change of beneficiary adds one


def ticket_out(ticket: Ticket) -> TicketOut:
    d = ticket.document
    given = d.get("beneficiary")
    return TicketOut(
        ticket_id=ticket.ticket_id,
        order_id=ticket.order_id,
        performance_id=ticket.performance_id,
        status=ticket.status,
        barcode=d["barcode"],
        event_name=d["event_name"],
        starts_at=str(d["starts_at"]),
        seat_id=d.get("seat_id"),
        block=d.get("block"),
        row=d.get("row"),
        number=d.get("number"),
        area=d.get("area"),
        category_name=d.get("category_name") or "",
        audience_name=d.get("audience_name") or "",
        unit_price=int(d.get("unit_price") or 0),
        used_at=ticket.used_at,
        beneficiary=TicketBeneficiaryOut(name=given["name"], email=given["email"], given_at=given.get("at"))
        if given
        else None,
        barcode_revision=int(d.get("barcode_revision") or 0),
    )
