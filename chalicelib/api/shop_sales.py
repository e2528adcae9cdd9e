"""Shop routes for buyers: guest sessions, carts and holds, checkout, payment, orders and e-tickets.

Every route that takes a cart or order id answers 404 unless the caller owns it: a shopper by their
account token, a guest by the guest token the cart was opened with. Prices, totals and states are
never read from the client.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from chalice import Response
from pydantic import Field, model_validator

from chalicelib import clock
from chalicelib.api.accounts_models import EmailStr
from chalicelib.api.routing import BUYER, PUBLIC, SHOPPER, Api, Body, Out
from chalicelib.api.sales_models import (
    CartOut,
    OrderOut,
    OrderPage,
    TicketOut,
    cart_out,
    order_out,
    ticket_out,
)
from chalicelib.auth import service as auth
from chalicelib.auth.model import GuestCaller, ShopperCaller
from chalicelib.catalog.kinds import Code
from chalicelib.sales import carts, idempotency, orders, payments
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.model import CHECKOUT_STEPS
from chalicelib.sales.orders import CheckoutRequest

api = Api(__name__, tag="shop: sales", shared_catalog_reads=True)
blueprint = api.blueprint

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
CART = "/shop/{org_id}/carts/{cart_id}"
ORDER = "/shop/{org_id}/orders/{order_id}"


def buyer_of(caller: ShopperCaller | GuestCaller) -> Buyer:
    if isinstance(caller, ShopperCaller):
        s = caller.shopper
        return Buyer(s.org_id, s.shopper_id, s.shopper_id, s.email, s.name)
    return Buyer(caller.org_id, caller.buyer_id)


class GuestSession(Out):
    token: str
    expires_at: int
    guest_id: str


@api.route(
    "/shop/{org_id}/guest",
    "POST",
    summary="Start a guest session (buy without an account)",
    auth=PUBLIC,
    response=GuestSession,
    status=201,
)
def start_guest(_caller: None, org_id: str) -> GuestSession:
    token, expires_at, guest = auth.start_guest_session(org_id)
    return GuestSession(token=token, expires_at=expires_at, guest_id=guest.guest_id)


class OpenCartQuery(Body):
    contact_id: Id | None = Field(
        default=None, description="An operator selling for a contact: the contact's advantages apply"
    )


@api.route(
    "/shop/{org_id}/pos/{pos_code}/carts",
    "POST",
    summary="Open a cart at a point of sale",
    auth=BUYER,
    query=OpenCartQuery,
    response=CartOut,
    status=201,
)
def open_cart(caller, org_id: str, pos_code: str, query: OpenCartQuery) -> CartOut:
    cart = carts.open_cart(org_id, pos_code, buyer_of(caller), query.contact_id)
    return cart_out(carts.priced(cart))


@api.route(
    CART,
    summary="My cart: places, prices, fees, total and when the holds expire",
    auth=BUYER,
    response=CartOut,
)
def get_cart(caller, org_id: str, cart_id: str) -> CartOut:
    return cart_out(carts.priced(carts.get_cart(org_id, cart_id, buyer_of(caller))))


@api.route(
    CART, "DELETE", summary="Empty my cart: every hold is released at once", auth=BUYER, response=CartOut
)
def empty_cart(caller, org_id: str, cart_id: str) -> CartOut:
    return cart_out(carts.empty_cart(org_id, cart_id, buyer_of(caller)))


class HoldIn(Body):
    """Exactly one way of choosing: seat ids on the plan; a category and quantity (best available);
    or a standing area and quantity."""

    performance_id: Id
    seat_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=98
    )
    category_id: Id | None = Field(default=None, description="Best available in this seat category")
    quantity: int = Field(default=0, ge=0, le=1000)
    accessible: bool = Field(default=False, description="Best available among wheelchair places only")
    area: Code | None = Field(default=None, description="A standing area's code")
    audience_subcategory_id: Id | None = Field(default=None, description="Default: the full price")

    @model_validator(mode="after")
    def _one_way(self) -> HoldIn:
        if self.seat_ids and (self.quantity or self.area or self.category_id):
            raise ValueError("seat_ids goes alone: no category_id, quantity or area with it")
        if not self.seat_ids and not self.quantity:
            raise ValueError("give seat_ids, or a quantity with a category_id or an area")
        if not self.seat_ids and not self.area and not self.category_id:
            raise ValueError("best available needs a category_id")
        return self


@api.route(
    CART + "/holds",
    "POST",
    summary="Hold seats or standing places and add them to my cart",
    auth=BUYER,
    body=HoldIn,
    response=CartOut,
    status=201,
)
def add_hold(caller, org_id: str, cart_id: str, body: HoldIn) -> CartOut:
    request = HoldRequest(
        performance_id=body.performance_id,
        seat_ids=tuple(body.seat_ids),
        category_id=body.category_id,
        quantity=body.quantity,
        accessible=body.accessible,
        area=body.area,
        audience_subcategory_id=body.audience_subcategory_id,
    )
    return cart_out(carts.add_to_cart(org_id, cart_id, buyer_of(caller), request))


@api.route(
    CART + "/holds/{hold_id}",
    "DELETE",
    summary="Give back one hold's places now",
    auth=BUYER,
    response=CartOut,
)
def remove_hold(caller, org_id: str, cart_id: str, hold_id: str) -> CartOut:
    return cart_out(carts.remove_hold(org_id, cart_id, buyer_of(caller), hold_id))


class LineIn(Body):
    audience_subcategory_id: Id
    advantage_id: Id | None = Field(
        default=None,
        description="Price the place with this advantage (one the caller may use); none: the grid",
    )


@api.route(
    CART + "/lines/{line_id}",
    "PUT",
    summary="Choose a place's audience subcategory and, optionally, the advantage it is priced with",
    auth=BUYER,
    body=LineIn,
    response=CartOut,
)
def set_line(caller, org_id: str, cart_id: str, line_id: str, body: LineIn) -> CartOut:
    return cart_out(
        carts.set_audience(
            org_id, cart_id, buyer_of(caller), line_id, body.audience_subcategory_id, body.advantage_id
        )
    )


class DeliveryIn(Body):
    delivery_method: Code


@api.route(
    CART + "/delivery",
    "PUT",
    summary="Choose a delivery method offered by the channel",
    auth=BUYER,
    body=DeliveryIn,
    response=CartOut,
)
def set_delivery(caller, org_id: str, cart_id: str, body: DeliveryIn) -> CartOut:
    return cart_out(carts.set_delivery(org_id, cart_id, buyer_of(caller), body.delivery_method))


class ExtendIn(Body):
    step: Literal[CHECKOUT_STEPS]  # type: ignore[valid-type]


@api.route(
    CART + "/extend",
    "POST",
    summary="Extend my holds once for a checkout step (up to the channel's maximum)",
    auth=BUYER,
    body=ExtendIn,
    response=CartOut,
)
def extend(caller, org_id: str, cart_id: str, body: ExtendIn) -> CartOut:
    return cart_out(carts.extend(org_id, cart_id, buyer_of(caller), body.step))


class CheckoutIn(Body):
    email: EmailStr | None = Field(default=None, description="Required for a guest")
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    delivery_method: Code | None = None
    gift_vouchers: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=5
    )
    use_credit_balance: bool = False
    on_account: bool = Field(
        default=False,
        description="A company's or agency's relay pays on the company's deferred account (an agency's relay "
        "gives the third party's name and email: the ticket holder)",
    )


@api.route(
    CART + "/checkout",
    "POST",
    summary="Check out my cart: an order, paid or to pay by card or a reservation",
    auth=BUYER,
    body=CheckoutIn,
    response=OrderOut,
    status=201,
    idempotent=True,
)
def checkout(caller, org_id: str, cart_id: str, body: CheckoutIn, idempotency_key: str | None) -> OrderOut:
    buyer = buyer_of(caller)
    request = CheckoutRequest(
        email=body.email,
        name=body.name,
        delivery_method=body.delivery_method,
        gift_vouchers=tuple(body.gift_vouchers),
        use_credit_balance=body.use_credit_balance,
        on_account=body.on_account,
    )

    def work() -> dict:
        return order_out(orders.checkout(org_id, cart_id, buyer, request)).model_dump(mode="json")

    answer = idempotency.once(
        f"checkout:{org_id}:{cart_id}",
        buyer.buyer_id,
        idempotency_key,
        body.model_dump(mode="json"),
        work,
        blueprint.lambda_context,
    )
    return OrderOut.model_validate(answer)


class OrdersQuery(Body):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=1000)


@api.route(
    "/shop/{org_id}/orders",
    summary="My orders, newest first",
    auth=BUYER,
    query=OrdersQuery,
    response=OrderPage,
)
def my_orders(caller, org_id: str, query: OrdersQuery) -> OrderPage:
    found, cursor = orders.my_orders(org_id, buyer_of(caller), query.limit, query.cursor)
    return OrderPage(orders=[order_out(o) for o in found], next_cursor=cursor)


@api.route(ORDER, summary="My order", auth=BUYER, response=OrderOut)
def my_order(caller, org_id: str, order_id: str) -> OrderOut:
    return order_out(orders.get_order(org_id, order_id, buyer_of(caller)))


@api.route(
    ORDER + "/payments",
    "POST",
    summary="Pay my reservation (or retry a failed card payment): gives the payment page to go to",
    auth=BUYER,
    response=OrderOut,
    idempotent=True,
)
def pay(caller, org_id: str, order_id: str, idempotency_key: str | None) -> OrderOut:
    buyer = buyer_of(caller)

    def work() -> dict:
        return order_out(orders.pay_online(org_id, order_id, buyer)).model_dump(mode="json")

    answer = idempotency.once(
        f"pay:{org_id}:{order_id}", buyer.buyer_id, idempotency_key, {}, work, blueprint.lambda_context
    )
    return OrderOut.model_validate(answer)


@api.route(
    ORDER + "/cancel",
    "POST",
    summary="Cancel my reservation or unpaid order: its seats go back on sale",
    auth=BUYER,
    response=OrderOut,
)
def cancel(caller, org_id: str, order_id: str) -> OrderOut:
    return order_out(orders.cancel_by_buyer(org_id, order_id, buyer_of(caller)))


class TicketList(Out):
    tickets: list[TicketOut]


@api.route(ORDER + "/tickets", summary="My e-tickets with their barcodes", auth=BUYER, response=TicketList)
def my_tickets(caller, org_id: str, order_id: str) -> TicketList:
    order = orders.get_order(org_id, order_id, buyer_of(caller))
    return TicketList(tickets=[ticket_out(t) for t in orders.tickets_of(order)])


@api.route(
    ORDER + "/tickets.pdf",
    summary="My e-tickets as a PDF, one page and QR code each",
    auth=BUYER,
    produces="application/pdf",
)
def my_tickets_pdf(caller, org_id: str, order_id: str) -> Response:
    from chalicelib.errors import Conflict
    from chalicelib.sales.tickets import ticket_pdf

    order = orders.get_order(org_id, order_id, buyer_of(caller))
    _check_ticket_download(org_id, order.channel_id)
    if order.status != "paid":
        raise Conflict(
            "Tickets are issued once the order is paid", {"order_id": order_id, "status": order.status}
        )
    pdf = ticket_pdf(order, orders.tickets_of(order))
    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="tickets-{order_id}.pdf"',
    }
    return Response(pdf, status_code=200, headers=headers)


def _check_ticket_download(org_id: str, channel_id: str) -> None:
    """The channel may not let buyers download their e-tickets (they get them another way): 403."""
    from chalicelib.catalog import service as catalog
    from chalicelib.errors import PermissionDenied

    if not catalog.get(org_id, "sales_channel", channel_id).data.get("ticket_download", True):
        raise PermissionDenied(
            "This sales channel does not let buyers download their e-tickets",
            {"setting": "ticket_download", "channel_id": channel_id, "reason": "ticket_download_disabled"},
        )


class CallbackIn(Body):
    payload: Annotated[str, Field(min_length=2, max_length=10_000)]
    signature: Annotated[str, Field(min_length=16, max_length=200)]


class CallbackOut(Out):
    order_id: str
    status: str


@api.route(
    "/shop/{org_id}/payments/callback",
    "POST",
    summary="The payment provider's signed outcome of a card payment",
    auth=PUBLIC,
    body=CallbackIn,
    response=CallbackOut,
    idempotent=True,
)
def payment_callback(
    _caller: None, org_id: str, body: CallbackIn, idempotency_key: str | None
) -> CallbackOut:
    # No idempotency record (2 writes): the signed outcome is applied once, by the order's version, and a
    # replay answers the order as it stands, as the Stripe webhook does; the Idempotency-Key is accepted.
    order = orders.payment_callback(body.payload, body.signature)
    return CallbackOut(order_id=order.order_id, status=order.status)


class CreditOut(Out):
    balance: int
    as_of: datetime


@api.route("/shop/{org_id}/account/credit", summary="My credit balance", auth=SHOPPER, response=CreditOut)
def my_credit(caller: ShopperCaller, org_id: str) -> CreditOut:
    balance = payments.credit_balance(org_id, caller.buyer_id)
    return CreditOut(balance=balance, as_of=clock.now())


class VoucherBalance(Out):
    code: str
    balance: int
    currency: str
    expires_on: str | None


@api.route(
    "/shop/{org_id}/gift-vouchers/{code}",
    summary="A gift voucher's remaining balance",
    auth=BUYER,
    response=VoucherBalance,
)
def voucher_balance(_caller, org_id: str, code: str) -> VoucherBalance:
    from chalicelib.sales import backoffice

    voucher = backoffice.get_voucher(org_id, code)
    return VoucherBalance(
        code=voucher["code"],
        balance=voucher["balance"],
        currency=voucher["currency"],
        expires_on=voucher["expires_on"],
    )
