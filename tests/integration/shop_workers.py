"""Bodies of the shop's concurrency workers: buyers, checkout replays and payment callbacks.

Each runs in a spawned process that has already set its environment (see processes.py); chalicelib and
the app are imported inside the functions so nothing reads settings before that. Results are plain
tuples and dicts (they cross a process boundary), with wall-clock times the parent compares.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Callable
from typing import Any

ORG = "demo"
POS = "WEB1"
# Refusals a buyer may meet when demand exceeds supply; any other error fails the worker.
EXPECTED_REFUSALS = ("seat_unavailable", "buyer_limit_reached", "orphan_seats")


# Buyers racing for a small performance.


def shop_in_rounds(worker: int, barrier: Any, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Each round, the worker's buyer (one guest all along, so their cap adds up) opens a cart and
    holds places as the round asks ("rush", "more" or "mixed"), then, as the round's plan says,
    pays, leaves the order unpaid or empties the cart; a lapsing hold is a passer-by's. After some
    rounds the worker also runs the hold clean-up. Before the first, worker 0's passer-by lets a
    hold lapse on places the rush wants.

    Records one dict a round: the plan, each hold attempt's outcome, the order and its status.
    """
    from chalicelib.sales import carts
    from chalicelib.sales.carts import Buyer

    share_botocore_sessions()
    rng = random.Random(payload["seed"] * 100 + worker)
    carts.open_cart(ORG, POS, Buyer(ORG, f"guest-w{worker}"))  # this process's connections, warm
    report = []
    if worker == 0:
        report.append(_shop(Buyer(ORG, "passer-by"), -1, "lapse", _rush(0, payload), payload))
    for number, (ask, plan) in enumerate(payload["rounds"][worker]):
        # whatever the worker's buyer took, a passer-by has room to let a hold lapse
        buyer = Buyer(ORG, f"passer-by-w{worker}-r{number}" if plan == "lapse" else f"guest-w{worker}")
        if ask == "rush":
            wanted = _rush(worker, payload)
        elif ask == "more":  # past the cap for most buyers by now, while seats still look free
            wanted = [{"kind": "best", "quantity": 3}]
        else:
            wanted = _requests(rng, payload, plan)
        barrier.wait()
        entry = _shop(buyer, number, plan, wanted, payload)
        if rng.random() < payload["sweep_chance"]:
            entry["swept"] = _sweep()
        entry["times"] = (entry["times"][0], time.time())
        report.append(entry)
    return report


def _shop(
    buyer: Any, number: int, plan: str, wanted: list[dict[str, Any]], payload: dict[str, Any]
) -> dict[str, Any]:
    from chalicelib.sales import carts

    started = time.time()
    entry: dict[str, Any] = {"round": number, "plan": plan, "buyer": buyer.buyer_id, "holds": []}
    cart = carts.open_cart(ORG, POS, buyer)
    entry["cart_id"] = cart.cart_id
    for request in wanted:
        entry["holds"].append(_hold(cart.cart_id, buyer, request, payload, lapsed=plan == "lapse"))
    if any(h["outcome"] == "held" for h in entry["holds"]):
        _finish(cart.cart_id, buyer, plan, entry)
    entry["times"] = (started, time.time())
    return entry


def _rush(worker: int, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Two standing places (16 wanted by the eight buyers, 8 left after the lapsed hold), then one
    of three pairs of seats of one row (pairs that leave no seat alone)."""
    pair = (worker % 3) * 2
    return [
        {"kind": "pit", "quantity": 2},
        {"kind": "chosen", "seat_ids": payload["hot_seats"][pair : pair + 2]},
    ]


def _requests(rng: random.Random, payload: dict[str, Any], plan: str) -> list[dict[str, Any]]:
    """One or two hold requests of any kind, never more places in one cart than an order may have."""
    room = payload["per_order"]
    requests = []
    for _ in range(rng.choice([1, 1, 2])):
        kind = rng.choice(["chosen", "chosen", "best", "pit", "box"])
        if room < 1:
            break
        if kind in ("chosen", "box"):
            row = payload["hot_seats"] if kind == "chosen" else payload["box_seats"]
            start = rng.randrange(len(row))
            seats = row[start : start + rng.choice([1, 2, 2])][:room]
            requests.append({"kind": kind, "seat_ids": seats})
            room -= len(seats)
        else:
            quantity = min(room, rng.randint(1, 3))
            requests.append({"kind": kind, "quantity": quantity})
            room -= quantity
    return requests


def _hold(
    cart_id: str, buyer: Any, request: dict[str, Any], payload: dict[str, Any], *, lapsed: bool
) -> dict[str, Any]:
    """Add one hold to the cart; `lapsed`: placed with the clock a timeout back, so already expired."""
    from chalicelib import clock
    from chalicelib.errors import DomainError
    from chalicelib.sales import carts
    from chalicelib.sales.carts import HoldRequest

    kind = request["kind"]
    if kind in ("chosen", "box"):
        wanted = HoldRequest(payload["performance_id"], seat_ids=tuple(request["seat_ids"]))
    elif kind == "best":
        wanted = HoldRequest(
            payload["performance_id"], category_id=payload["category"], quantity=request["quantity"]
        )
    else:
        wanted = HoldRequest(payload["performance_id"], area="PIT", quantity=request["quantity"])
    before = set(carts.get_cart(ORG, cart_id, buyer).hold_ids)
    back = -payload["hold_seconds"] - 5 if lapsed else 0
    try:
        with clock.moved(back):
            priced = carts.add_to_cart(ORG, cart_id, buyer, wanted)
    except DomainError as exc:
        if exc.code not in EXPECTED_REFUSALS:
            raise
        return {**request, "outcome": exc.code}
    (hold_id,) = set(priced.cart.hold_ids) - before
    lines = [line.line for line in priced.lines if line.line.hold_id == hold_id]
    return {
        **request,
        "outcome": "held",
        "hold_id": hold_id,
        "seats": [line.seat_id for line in lines if line.seat_id],
        "places": len(lines),
    }


def _finish(cart_id: str, buyer: Any, plan: str, entry: dict[str, Any]) -> None:
    """Empty the cart, or check it out (and pay); a domain error is recorded for the parent to judge:
    only a lapsed hold may stop a checkout."""
    from chalicelib.errors import DomainError
    from chalicelib.sales import carts, orders
    from chalicelib.sales.orders import CheckoutRequest

    try:
        if plan == "empty":
            carts.empty_cart(ORG, cart_id, buyer)
            entry["emptied"] = True
            return
        request = CheckoutRequest(email=f"{buyer.buyer_id}@example.org", name=buyer.buyer_id)
        order = orders.checkout(ORG, cart_id, buyer, request)
        entry["order_id"], entry["status"] = order.order_id, order.status
        if plan == "pay":
            entry["status"] = orders.payment_callback(**callback_for(order)).status
        # "leave": checked out, never paid; the seats stay held until the payment deadline
    except DomainError as exc:
        entry["error"] = f"{exc.code}: {exc}"


def callback_for(order: Any, outcome: str = "succeeded") -> dict[str, str]:
    """The provider's signed callback for the order's pending card payment, as the simulator makes it."""
    from chalicelib.payments.simulator import SimulatedProvider

    card = next(p for p in order.payments if p.method == "card" and p.redirect_url)
    session = card.redirect_url.split("session=", 1)[1]
    made = SimulatedProvider().complete(session, outcome)
    return {"payload": made["payload"], "signature": made["signature"]}


def _sweep() -> list[dict[str, Any]]:
    """The hold clean-up's tasks, as its state machine runs them: find expired holds, release each."""
    from chalicelib.errors import Conflict
    from chalicelib.workflows import hold_cleanup

    results = []
    for hold_id in hold_cleanup.find({"limit": 50})["hold_ids"]:
        try:
            results.append(hold_cleanup.release({"hold_id": hold_id}))
        except Conflict as exc:  # a buyer kept retaking its seats: the next run finishes it
            results.append({"hold_id": hold_id, "conflict": exc.code})
    return results


# Replays of one checkout and of one payment callback, through the Chalice app.


def _per_thread_requests() -> Any:
    """The app, its current request kept per thread: Lambda serves one request per process at a time,
    but chalice keeps the request on the app object, which threads in one process would share."""
    from app import app

    cls = type(app)
    if getattr(cls, "per_thread", False):
        return app
    local = threading.local()

    def slot(name: str) -> property:
        return property(
            lambda self: getattr(local, name, None), lambda self, value: setattr(local, name, value)
        )

    app.__class__ = type(
        "PerThreadChalice",
        (cls,),
        {"per_thread": True, "current_request": slot("request"), "lambda_context": slot("context")},
    )
    return app


class Gateway:
    """One thread's way into the app: chalice's local API Gateway, which chalice.test.Client wraps,
    without the client's swap of os.environ around each request (not safe across threads)."""

    def __init__(self, token: str) -> None:
        from chalice.config import Config
        from chalice.local import LocalGateway

        self.gateway = LocalGateway(_per_thread_requests(), Config.create())
        self.token = token

    def call(self, method: str, path: str, body: Any = None, key: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        if key:
            headers["Idempotency-Key"] = key
        data = json.dumps(body).encode() if body is not None else b""
        response = self.gateway.handle_request(method=method, path=path, headers=headers, body=data)
        raw = response["body"]
        text = raw.decode() if isinstance(raw, bytes) else raw
        return response["statusCode"], json.loads(text) if text else None


Job = Callable[[Gateway, int], "tuple[int, Any] | None"]


class Replayers:
    """A process's threads, each with its own gateway, warmed up once and kept for every round."""

    def __init__(self, size: int, token: str, warm_path: str) -> None:
        self.size, self.token, self.warm_path = size, token, warm_path
        self.ready = threading.Barrier(size + 1, timeout=60)
        self.go = threading.Barrier(size + 1, timeout=60)
        self.done = threading.Barrier(size + 1, timeout=60)
        self.job: Job | None = None
        self.results: list[tuple | None] = []
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(size)]
        for thread in self.threads:
            thread.start()
        with contextlib.suppress(threading.BrokenBarrierError):  # a warm-up failed: raised below
            self.ready.wait()
        self._raise()

    def _loop(self, index: int) -> None:
        try:
            gateway = Gateway(self.token)
            status, body = gateway.call("GET", self.warm_path)  # its first request, before any race
            if status != 200:
                raise AssertionError(f"warm-up answered {status}: {body}")
        except Exception as exc:  # noqa: BLE001 - raised again in the process's main thread
            self.errors.append(exc)
            self.ready.abort()
            return
        try:
            self.ready.wait()
            while True:
                self.go.wait()
                job = self.job
                if job is None:
                    return
                started = time.time()
                try:
                    answer = job(gateway, index)
                except Exception as exc:  # noqa: BLE001 - raised again in the process's main thread
                    self.errors.append(exc)
                else:
                    if answer is not None:
                        self.results[index] = (*answer, started, time.time())
                self.done.wait()
        except threading.BrokenBarrierError:
            return

    def run(self, job: Job, barrier: Any = None) -> list[tuple]:
        """`job` in every thread at once, once every process reached `barrier` (if given).

        Returns (status, body, started, finished) per thread whose job answered."""
        self.job, self.results = job, [None] * self.size
        if barrier is not None:
            barrier.wait()
        self.go.wait()
        self.done.wait()
        self._raise()
        return [r for r in self.results if r is not None]

    def close(self) -> None:
        self.job = None
        self.go.wait()
        for thread in self.threads:
            thread.join(10)

    def _raise(self) -> None:
        if self.errors:
            for b in (self.ready, self.go, self.done):
                b.abort()
            raise self.errors[0]


def replay_checkouts_and_callbacks(worker: int, barrier: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Four races, each between every thread of every process, on two carts of one guest:
    the checkout of cart "keyed" with one Idempotency-Key, the checkout of cart "unkeyed" without
    one; then each order's one signed payment callback: "keyed"'s through the app's route (which keeps no
    idempotency record for it: the order's version applies it once), "unkeyed"'s straight to the service.

    Returns, per cart, the answers (status, body, started, finished) and the callback delivered.
    """
    share_botocore_sessions()
    _per_thread_requests()
    cart_ids = payload["carts"]
    replayers = Replayers(payload["threads"][worker], payload["token"], _cart_path(cart_ids["keyed"]))
    answers: dict[str, Any] = {}
    try:
        for name, key in (("keyed", payload["key"]), ("unkeyed", None)):
            path = _cart_path(cart_ids[name]) + "/checkout"
            answers[name] = {
                "checkouts": replayers.run(
                    lambda gateway, _, path=path, key=key: gateway.call(
                        "POST", path, payload["checkout"], key
                    ),
                    barrier,
                )
            }
        barrier.wait()  # every checkout has ended in every process: each cart is an order by now
        callbacks = {name: _callback_of_cart(cart_id) for name, cart_id in cart_ids.items()}
        route = f"/shop/{ORG}/payments/callback"
        answers["keyed"]["callbacks"] = replayers.run(
            lambda gateway, _: gateway.call("POST", route, callbacks["keyed"]), barrier
        )
        answers["unkeyed"]["callbacks"] = replayers.run(
            lambda _, __: _deliver_to_service(callbacks["unkeyed"]), barrier
        )
    finally:
        replayers.close()
    for name in cart_ids:
        answers[name]["callback"] = callbacks[name]
    return answers


def _cart_path(cart_id: str) -> str:
    return f"/shop/{ORG}/carts/{cart_id}"


def _deliver_to_service(callback: dict[str, str]) -> tuple[int, Any]:
    from chalicelib.sales import orders

    order = orders.payment_callback(callback["payload"], callback["signature"])
    return 200, {"order_id": order.order_id, "status": order.status}


def _callback_of_cart(cart_id: str) -> dict[str, str]:
    from chalicelib.sales import repository

    order_id = repository.get_cart(cart_id).order_id
    if order_id is None:
        raise AssertionError(f"cart {cart_id} was not checked out")
    return callback_for(repository.get_order(order_id))


def share_botocore_sessions() -> None:
    """One botocore session per thread for all of this process's PynamoDB connections.

    PynamoDB gives each model class its own connection and each connection its own botocore session,
    which parses botocore's JSON data again: about 0.1 s of CPU per model, and a sale touches some
    fifteen models. Eight cold processes on two cores pay that many times over; one session per
    thread (what boto3's default session is) keeps this tier quick and changes no request.
    """
    import botocore.session
    import pynamodb.connection.base

    local = threading.local()

    def per_thread() -> Any:
        if getattr(local, "session", None) is None:
            local.session = botocore.session.get_session()
        return local.session

    pynamodb.connection.base.get_session = per_thread
