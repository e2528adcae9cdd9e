"""Random order histories (seeded): every report equals the sum over the orders, however counts arrive."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest
import time_machine

from chalicelib.reports import model, service, statements
from chalicelib.reports.selection import Filters
from chalicelib.sales import backoffice, orders, tickets
from chalicelib.sales import repository as sales_store
from chalicelib.sales.carts import Buyer
from tests.service.test_figures_service import carry_out, checkout, pay
from tests.shop_world import World, build_world

ORG = "demo"
STEPS = 30
SEATS = [f"STALLS-{b}-{r}-{n}" for b in "LR" for r in "BC" for n in range(1, 11)]


class History:
    """Drives the shop and the back office at random; keeps every order id and stale reads of them."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.order_ids: list[str] = []
        self.buyers: dict[str, Buyer] = {}
        self.stale: list = []  # (order, tickets) read earlier, to be delivered late
        self.free = list(SEATS)

    def _seats(self, count: int) -> list[str]:
        picked = self.rng.sample(self.free, min(count, len(self.free)))
        for seat in picked:
            self.free.remove(seat)
        return picked

    def sell(self) -> None:
        buyer = Buyer(ORG, f"guest-{len(self.order_ids)}")
        seats, pit = self._seats(self.rng.randint(1, 3)), self.rng.randint(0, 1)
        if not seats and not pit:
            return
        vouchers = ()
        if self.rng.random() < 0.5:
            vouchers = (
                backoffice.create_voucher(ORG, self.rng.choice([500, 1500]), "EUR", None, None)["code"],
            )
        cart = checkout(self.world, buyer, *seats, pit=pit, vouchers=vouchers)
        self.order_ids.append(cart.order_id)
        self.buyers[cart.order_id] = buyer
        if cart.status == "pending_payment" and self.rng.random() < 0.8:
            pay(cart)

    def _pick(self, *statuses: str):
        found = [o for o in map(sales_store.get_order, self.order_ids) if o.status in statuses]
        return self.rng.choice(found) if found else None

    def cancel(self) -> None:
        order = self._pick("paid", "reservation", "pending_payment")
        if order is not None:
            orders.cancel_by_operator(ORG, order.order_id, "admin", self.rng.choice(["card", "card", "none"]))

    def expire(self) -> None:
        order = self._pick("reservation", "pending_payment")
        if order is not None:
            orders.expire_order(order.order_id)

    def pay_late(self) -> None:
        order = self._pick("reservation")
        if order is None:
            return
        day = date.today() - timedelta(days=self.rng.randint(1, 20))  # paid on a day since gone
        later = f"{day.isoformat()}T10:00:00+00:00"
        with mock.patch("chalicelib.sales.payments.iso", return_value=later):
            pay(orders.pay_online(ORG, order.order_id, self.buyers[order.order_id]))

    def scan(self) -> None:
        order = self._pick("paid")
        if order is not None:
            ticket = self.rng.choice(orders.tickets_of(order))
            tickets.scan(ORG, ticket.document["barcode"], None, self.rng.choice(["north", "south"]), "gate")

    def deliver_some(self) -> None:
        """The worker's counts arrive now and then, twice, or after a newer one (stale reads)."""
        for order_id in self.rng.sample(self.order_ids, min(3, len(self.order_ids))):
            order = sales_store.get_order(order_id)
            self.stale.append((order, orders.tickets_of(order) if order.status == "paid" else []))
            service.count_order(order_id)
        if self.stale and self.rng.random() < 0.7:
            old, its_tickets = self.rng.choice(self.stale)
            service._count(old, its_tickets, service.generation(ORG))

    def run(self, steps: int) -> None:
        actions = (
            [self.sell] * 4 + [self.cancel] * 2 + [self.expire, self.pay_late, self.scan, self.deliver_some]
        )
        for _ in range(steps):
            self.rng.choice(actions)()
        carry_out(*self.rng.sample(self.order_ids, len(self.order_ids)))


def expected(order_ids: list[str]) -> dict:
    """The reports computed straight from the orders and their tickets, without the figures."""
    sales, days = Counter(), Counter()
    received, refunded, entries = Counter(), Counter(), Counter()
    for order in map(sales_store.get_order, order_ids):
        paid_at = [h["at"] for h in order.history if h.get("status") == "paid"]
        if order.status == "paid":
            for line in order.lines:
                sales[(line.category_id, line.audience_subcategory_id)] += line.unit_price
                days[paid_at[-1][:10]] += 1
        ended = [h["at"] for h in order.history if h.get("status") in ("cancelled", "expired")]
        for p in order.payments:
            if p.status in ("succeeded", "refunded") or (p.status == "returned" and paid_at):
                received[(p.at[:10], p.method)] += p.amount
            if p.status == "returned" and paid_at:
                refunded[(ended[-1][:10], p.method)] += p.amount
        for refund in order.refunds:
            refunded[(refund["at"][:10], refund["to"])] += refund["amount"]
        if paid_at:
            for ticket in orders.tickets_of(order):
                for s in ticket.scans:
                    if s.get("result") == "valid" and s.get("admitted") is not False:
                        entries[s["gate"]] += 1
    return {"sales": sales, "days": days, "received": received, "refunded": refunded, "entries": entries}


def reported(world: World) -> dict:
    sales, days = Counter(), Counter()
    report = statements.sales(ORG, Filters())
    for row in report["rows"]:
        sales[(row["category_id"], row["audience_subcategory_id"])] += row["amount"]
    for day in report["by_day"]:
        days[day["day"]] += day["tickets"]
    received, refunded = Counter(), Counter()
    around = Filters(day_from=date.today() - timedelta(days=30), day_to=date.today())
    for row in statements.takings(ORG, around)["rows"]:
        received[(row["day"], row["method"])] += row["received"]
        refunded[(row["day"], row["method"])] += row["refunded"]
    entries = Counter()
    for row in statements.entries(ORG, Filters(performance_id=world.performance_id))["rows"]:
        entries[row["gate"]] += row["entries"]
    return {
        "sales": +sales,
        "days": +days,
        "received": +received,
        "refunded": +refunded,
        "entries": +entries,
    }


@pytest.fixture
def midday():
    """The expected figures count days in UTC, the reports in the organisation's zone: at 11:00 UTC both
    name the same day (near midnight they would not, and a history would straddle two days)."""
    with time_machine.travel(datetime.combine(date.today(), time(11), tzinfo=UTC), tick=True):
        yield


@pytest.mark.parametrize("seed", [2, 3])
def test_every_report_equals_the_sum_over_the_orders(midday, organisation, seed):
    world = build_world(
        pos={"payment_ceiling": 6000, "guest_reservations": True}, web={"always_allow_orphan_seats": True}
    )
    history = History(world, random.Random(seed))
    history.run(STEPS)

    assert reported(world) == {k: +v for k, v in expected(history.order_ids).items()}
    # and a rebuild from the orders gives the same figures
    before = reported(world)
    generation = service.begin_rebuild(ORG)
    days = sorted({sales_store.get_order(order_id).created_at[:10] for order_id in history.order_ids})
    service.rebuild_days(ORG, generation, days)
    assert service.finish_rebuild(ORG, generation)
    assert reported(world) == before


def test_a_partial_refund_counts_apart_on_its_own_day():
    order = mock.Mock(
        status="paid",
        channel_id="C",
        pos_id="P",
        booking_fee=0,
        delivery_fee=0,
        created_at="2026-01-01T09:00:00",
    )
    order.lines = [
        mock.Mock(performance_id="X", category_id="A", audience_subcategory_id="F", unit_price=3000)
    ]
    order.history = [{"status": "paid", "at": "2026-01-01T09:01:00"}]
    order.payments = [mock.Mock(method="card", amount=3000, status="succeeded", at="2026-01-01T09:01:00")]
    order.refunds = [{"at": "2026-01-05T10:00:00", "amount": 1000, "to": "card"}]

    cells = model.contribution(order)

    assert cells[("D", "2026-01", "T#2026-01-01#card#C")] == {"received": 3000}
    assert cells[("D", "2026-01", "T#2026-01-05#card#C")] == {"refunded": 1000}
    assert defaultdict(int, cells[("P", "X", "S#2026-01-01#A#F#C#P")]) == {"tickets": 1, "amount": 3000}
