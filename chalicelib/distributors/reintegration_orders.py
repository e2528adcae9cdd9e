"""A reintegrated sale line's seat and order: the seat taken from the distributor's quota with
inventory's conditional writes, the order built by the one order-line builder on the interface's contact
and point of sale, paid on the deferred account or marked paid by the distributor, sold without a
confirmation email (the distributor issued the buyer's ticket). Every step is safe to repeat."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from chalicelib.catalog import service as catalog
from chalicelib.clock import iso, seconds
from chalicelib.deferred_accounts import checkout as on_account
from chalicelib.deferred_accounts.model import OnAccountRefused
from chalicelib.distributors.categories import ExternalError, TechnicalError
from chalicelib.distributors.export_build import distributor_quotas
from chalicelib.distributors.model import Interface
from chalicelib.distributors.reintegration_plan import Plan
from chalicelib.errors import (
    AlreadyExists,
    HoldExpired,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    SeatUnavailable,
    TransientStoreError,
)
from chalicelib.inventory import service as inventory
from chalicelib.inventory.stock_model import live_status
from chalicelib.sales import (
    giving_back,
    order_effects,
    orders,
    payments,
    reservations,
    ticket_repository,
)
from chalicelib.sales.box_office import contact_owner
from chalicelib.sales.documents import Consequences, Order, Payment
from chalicelib.sales.model import (
    DISTRIBUTOR,
    ON_ACCOUNT,
    OPEN_STATES,
    PAID,
    PAY,
    PAYMENT_RETURNED,
    PAYMENT_SUCCEEDED,
    RESERVATION,
    next_state,
)
from chalicelib.sales.order_holds import sell_order_hold
from chalicelib.sales.order_store import order_for_operator, update

# A reintegrated order is paid at once; should that stop half-way, its seats stay held this long.
RESERVATION_SECONDS = 7 * 86400
PICK_ATTEMPTS = 3


@dataclass
class Seller:
    """One interface's side of the orders: channel, quotas, contact, point of sale, payer."""

    org_id: str
    interface: Interface
    quota_ids: frozenset[str] = frozenset()
    contact: dict[str, Any] = field(default_factory=dict)
    _states: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, org_id: str, interface: Interface) -> Seller:
        data = interface.data
        try:
            channel = catalog.get(org_id, "sales_channel", data["channel_id"]).data
            contact = catalog.get(org_id, "contact", data["contact_id"]).data
        except NotFound as exc:
            raise TechnicalError(f"The interface's settings name something gone: {exc}") from None
        return cls(
            org_id,
            interface,
            frozenset(distributor_quotas(org_id, data["channel_id"]) if channel else ()),
            {"id": data["contact_id"], **contact},
        )

    @property
    def by(self) -> str:
        return f"distributor:{self.interface.id}"

    @property
    def owner(self) -> str:
        return contact_owner(self.contact["id"])

    def state(self, performance_id: str) -> dict[str, Any]:
        if performance_id not in self._states:
            self._states[performance_id] = dict(catalog.get(self.org_id, "performance", performance_id).state)
        return self._states[performance_id]

    # The seat.

    def take(self, plan: Plan, until: int) -> tuple[str, Plan]:
        """Hold the line's place in the distributor's quota until `until`: (hold id, plan with the
        place taken). ExternalError seat_not_available when it is not the distributor's or not free."""
        timeout = until - seconds()
        if timeout <= 0:
            raise TransientStoreError("The line's lease ran out before its seat was taken")
        shards = inventory.stock_shards(self.state(plan.performance_id))
        if plan.seat_id:
            seat = self._seat(plan, shards)
            refs = inventory.seat_refs(plan.performance_id, shards, [plan.seat_id])
            try:
                hold = self._hold(plan, refs, timeout)
            except SeatUnavailable:
                raise _not_available(f"Seat {plan.seat_id} is not free in the distributor's quota") from None
            inventory.note_held(self.org_id, plan.performance_id, {seat.seat_id}, hold.expires_at)
            return hold.hold_id, plan
        area = self._standing_area(plan)
        if area is not None:
            return self._take_standing(plan, shards, area, timeout)
        return self._take_best(plan, shards, timeout)

    def _hold(self, plan: Plan, refs: list, timeout: int, areas: list | tuple = ()) -> Any:
        return inventory.place_hold(
            self.org_id, plan.performance_id, self.owner, refs, timeout, areas=areas, quota_ids=self.quota_ids
        )

    def _seat(self, plan: Plan, shards: int) -> Any:
        seats = {s.seat_id: s for s in inventory.view_seats(self.org_id, plan.performance_id, shards)}
        seat = seats.get(plan.seat_id or "")
        if seat is None:
            raise _not_available(f"Seat {plan.seat_id} is not a seat of this performance")
        if seat.category_id != plan.category_id:
            raise ExternalError(
                f"Seat {plan.seat_id} is not of the seat category sold",
                {"reason": "seat_category_differs", "seat_id": plan.seat_id},
            )
        return seat

    def _standing_area(self, plan: Plan) -> str | None:
        performance = catalog.get(self.org_id, "performance", plan.performance_id).data
        layout = catalog.get(self.org_id, "layout", performance["layout_id"]).data
        for assignment in layout.get("areas") or []:
            if (
                assignment["seat_category_id"] == plan.category_id
                and set(assignment["quotas"]) & self.quota_ids
            ):
                return assignment["area"]
        return None

    def _take_standing(self, plan: Plan, shards: int, area: str, timeout: int) -> tuple[str, Plan]:
        for _ in range(PICK_ATTEMPTS):
            counters = [
                c
                for c in inventory.area_counters(plan.performance_id, shards, area)
                if c.quota_id in self.quota_ids and c.category_id == plan.category_id and c.free > 0
            ]
            takes = inventory.spread_over_counters(plan.performance_id, shards, counters, 1)
            if takes is None:
                break
            try:
                hold = self._hold(plan, [], timeout, areas=takes)
            except SeatUnavailable:
                continue
            return hold.hold_id, Plan(**{**plan.__dict__, "area": area})
        raise _not_available(f"No standing place left in {area} in the distributor's quota")

    def _take_best(self, plan: Plan, shards: int, timeout: int) -> tuple[str, Plan]:
        now = seconds()
        for _ in range(PICK_ATTEMPTS):
            free = sorted(
                (
                    s
                    for s in inventory.view_seats(self.org_id, plan.performance_id, shards)
                    if s.category_id == plan.category_id
                    and s.quota_id in self.quota_ids
                    and live_status(s.status, s.hold_expires_at, now) == "free"
                ),
                key=lambda s: (s.rank if s.rank is not None else 1 << 30, s.seat_id),
            )
            if not free:
                break
            seat = free[0]
            try:
                hold = self._hold(
                    plan, inventory.seat_refs(plan.performance_id, shards, [seat.seat_id]), timeout
                )
            except SeatUnavailable:
                inventory.note_lost(self.org_id, plan.performance_id, [seat], now)
                continue
            inventory.note_held(self.org_id, plan.performance_id, {seat.seat_id}, hold.expires_at)
            return hold.hold_id, Plan(**{**plan.__dict__, "seat_id": seat.seat_id})
        raise _not_available("No seat of this category left in the distributor's quota")

    # The order.

    def reserve(self, order_id: str, plan: Plan, hold_id: str) -> Order:
        """The order of the line's place (its hold kept until the order's deadline); the one made
        before when a first attempt stopped after it."""
        place = reservations.PlacedPlaces(
            performance_id=plan.performance_id,
            category_id=plan.category_id,
            hold_ids=[hold_id],
            seat_ids=[plan.seat_id] if plan.seat_id else [],
            area=plan.area,
            quantity=1,
            audience_subcategory_id=plan.audience_subcategory_id,
            unit_price=plan.unit_price,
        )
        data = self.interface.data
        try:
            return reservations.reservation_for_contact(
                self.org_id,
                self.owner,
                self.contact.get("email", ""),
                self.contact.get("name", ""),
                [place],
                seconds() + RESERVATION_SECONDS,
                self.by,
                data["point_of_sale_id"],
                data["channel_id"],
                contact_id=self.contact["id"],
                order_id=order_id,
            )
        except HoldExpired:
            raise _not_available("The seat's hold ended before its order was made") from None
        except AlreadyExists:
            return order_for_operator(self.org_id, order_id)

    def pay(self, order: Order) -> Order:
        """On the deferred account of the contact's company, else paid by the distributor; once."""
        if order.status != RESERVATION or order.paid_amount >= order.total:
            return order
        if self.interface.data.get("deferred_account"):
            return self._pay_on_account(order)

        def paid_by_distributor(current: Order) -> bool:
            if current.status != RESERVATION or current.paid_amount >= current.total:
                return False
            due = current.total - current.paid_amount
            current.payments.append(
                Payment(
                    uuid.uuid4().hex,
                    DISTRIBUTOR,
                    due,
                    PAYMENT_SUCCEEDED,
                    reference=self.interface.id,
                    at=iso(),
                )
            )
            current.history.append(
                {"at": iso(), "status": current.status, "by": self.by, "note": "paid by the distributor"}
            )
            return True

        return update(order.order_id, paid_by_distributor, known=order)

    def _pay_on_account(self, order: Order) -> Order:
        company_id = self.contact.get("company_id")
        if not company_id:
            raise TechnicalError(
                "The interface pays on a deferred account but its contact has no company",
                {"reason": "no_deferred_account", "contact_id": self.contact["id"]},
            )

        def on_the_account(current: Order) -> Consequences | bool:
            if current.status != RESERVATION or current.paid_amount >= current.total:
                return False
            writes = on_account.debit_writes(self.org_id, company_id, current, self.by)
            current.payments.append(
                Payment(
                    uuid.uuid4().hex,
                    ON_ACCOUNT,
                    current.total,
                    PAYMENT_SUCCEEDED,
                    reference=company_id,
                    at=iso(),
                )
            )
            current.history.append(
                {"at": iso(), "status": "on account", "by": self.by, "company_id": company_id}
            )
            return Consequences(writes=writes)

        try:
            try:
                return update(order.order_id, on_the_account, known=order)
            except TransientStoreError:
                on_account.refused_in_transaction(self.org_id, company_id, order.total)
                raise
        except (OnAccountRefused, PermissionDenied) as exc:
            raise TechnicalError(
                f"The deferred account refused the order: {exc}",
                {
                    "reason": "on_account_refused",
                    "company_id": company_id,
                    "refusal": exc.details.get("reason"),
                    **{k: v for k, v in exc.details.items() if k not in ("field", "reason")},
                },
            ) from None

    def sell(self, order: Order) -> Order:
        """The paid order's seats sold and its tickets issued, without the confirmation email."""
        if order.status == PAID:
            return order
        if order.status not in OPEN_STATES or order.paid_amount < order.total:
            raise TechnicalError(
                f"Order {order.order_id} is {order.status}, not paid", {"reason": "order_not_open"}
            )
        try:
            for hold_id in order.hold_ids:
                sell_order_hold(hold_id, order)
        except HoldExpired:
            raise _not_available("The seat's hold ended before it was sold") from None
        ticket_repository.put_tickets(payments.issued_tickets(order))

        def sold(current: Order) -> Consequences | bool:
            if current.status not in OPEN_STATES:
                return False
            current.status = next_state(current.status, PAY)
            current.deadline = None
            current.history.append({"at": iso(), "status": PAID, "by": self.by})
            return Consequences(effects=order_effects.figures_effects(current))

        return update(order.order_id, sold, known=order)

    def cancel(self, order_id: str, note: str) -> Order | None:
        """Cancel the order (no card refund; an on-account debit credited back), its seats back in the
        distributor's quota, the distributor's payment marked returned; again changes nothing."""
        try:
            order = order_for_operator(self.org_id, order_id)
        except NotFound:
            return None
        if order.status in (*OPEN_STATES, PAID):
            with contextlib.suppress(InvalidTransition):  # cancelled meanwhile
                orders.cancel_by_operator(self.org_id, order_id, self.by, "none")
        giving_back.give_back_stock(order_id)

        def returned(current: Order) -> bool:
            changed = False
            for p in current.payments:
                if p.method == DISTRIBUTOR and p.status == PAYMENT_SUCCEEDED:
                    p.status, changed = PAYMENT_RETURNED, True
            if changed:
                current.history.append({"at": iso(), "status": current.status, "by": self.by, "note": note})
            return changed

        return update(order_id, returned)

    def order(self, order_id: str) -> Order | None:
        try:
            return order_for_operator(self.org_id, order_id)
        except NotFound:
            return None


def _not_available(message: str) -> ExternalError:
    return ExternalError(message, {"reason": "seat_not_available"})
