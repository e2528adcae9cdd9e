"""Bodies of the worker processes: real service calls against DynamoDB Local, recorded for the parent.

Each runs in a spawned process that has already set its environment (see processes.py); chalicelib is
imported inside the functions so nothing reads settings before that. Every loop is bounded in count
and time. Calls are recorded as plain tuples with wall-clock times, which the parent compares across
processes.
"""

from __future__ import annotations

import random
import time
from typing import Any

ORG = "demo"
HOLD_SECONDS = 3600


def warm_up(seats: list[tuple[str, str]]) -> None:
    """Open this process's model connections before the first round, so its calls start together."""
    from chalicelib.db.stock import SeatItem
    from chalicelib.inventory import service

    service.release_expired_hold("warm-up")  # reads the holds table: "unknown hold"
    SeatItem.get(*seats[0])


def hold_random_seats(worker: int, barrier: Any, payload: dict[str, Any]) -> list[tuple]:
    """Each round, try to hold random groups of 1-4 of the round's seats until the round's budget is spent.

    Records ("held", hold_id, expires_at, seats, started, finished) or ("refused", seats, started, finished).
    """
    from chalicelib.errors import Conflict
    from chalicelib.inventory import service
    from chalicelib.inventory.model import SeatRef

    rng = random.Random(payload["seed"] * 100 + worker)
    calls: list[tuple] = []
    warm_up(payload["rounds"][0][1])
    for performance_id, seats in payload["rounds"]:
        refs = [SeatRef(pk, sk) for pk, sk in seats]
        barrier.wait()
        stop_at = time.monotonic() + payload["round_seconds"]
        for _ in range(payload["attempts_per_round"]):
            if time.monotonic() > stop_at:
                break
            wanted = rng.sample(refs, rng.randint(1, 4))
            started = time.time()
            try:
                hold = service.place_hold(ORG, performance_id, f"cart-{worker}", wanted, HOLD_SECONDS)
            except Conflict:
                calls.append(("refused", wanted, started, time.time()))
            else:
                calls.append(("held", hold.hold_id, hold.expires_at, wanted, started, time.time()))
    return calls


def release_or_buy(worker: int, barrier: Any, payload: dict[str, Any]) -> list[tuple]:
    """Each round, half the workers release the round's expired hold while the others buy its seats.

    Records (round, "released", released, seats_freed, reason), (round, "release-conflict"),
    (round, "held", hold_id, seats) or (round, "refused", seats).
    """
    from chalicelib.errors import Conflict
    from chalicelib.inventory import service
    from chalicelib.inventory.model import SeatRef

    rng = random.Random(payload["seed"] * 100 + worker)
    calls: list[tuple] = []
    warm_up(payload["rounds"][0][2])
    for number, (performance_id, old_hold_id, seats) in enumerate(payload["rounds"]):
        refs = [SeatRef(pk, sk) for pk, sk in seats]
        releaser = (worker + number) % 2 == 0
        barrier.wait()
        # A few milliseconds of jitter: sometimes the buyer lands first, sometimes the release.
        time.sleep(rng.random() * 0.03)
        if releaser:
            try:
                outcome = service.release_expired_hold(old_hold_id)
            except Conflict:
                calls.append((number, "release-conflict"))
            else:
                calls.append((number, "released", outcome.released, outcome.seats_freed, outcome.reason))
            continue
        wanted = rng.sample(refs, rng.choice([1, 1, 2, 2, 3, len(refs)]))
        try:
            hold = service.place_hold(ORG, performance_id, f"cart-{worker}", wanted, HOLD_SECONDS)
        except Conflict:
            calls.append((number, "refused", wanted))
        else:
            calls.append((number, "held", hold.hold_id, wanted))
    return calls


def release_same_hold(worker: int, barrier: Any, payload: dict[str, Any]) -> list[tuple]:
    """Each round, every worker releases the same expired hold at once.

    Records (round, released, seats_freed, reason, started, finished) or (round, "conflict", ...).
    """
    from chalicelib.errors import Conflict
    from chalicelib.inventory import service

    calls: list[tuple] = []
    warm_up(payload["seats"])
    for number, hold_id in enumerate(payload["hold_ids"]):
        barrier.wait()
        started = time.time()
        try:
            outcome = service.release_expired_hold(hold_id)
        except Conflict as exc:
            calls.append((number, "conflict", 0, str(exc), started, time.time()))
        else:
            calls.append(
                (number, outcome.released, outcome.seats_freed, outcome.reason, started, time.time())
            )
    return calls


def register_same_email(worker: int, barrier: Any, payload: dict[str, Any]) -> list[tuple]:
    """Each round, every worker registers a shopper with the round's e-mail, in its own letter case.

    Records (round, "registered", shopper_id, started, finished) or (round, "refused", code, ...).
    """
    from chalicelib.auth import repository, service
    from chalicelib.errors import AlreadyExists

    calls: list[tuple] = []
    repository.organisation_exists(ORG)  # opens this process's connection before the first round
    for number, email in enumerate(payload["emails"]):
        variant = email.upper() if worker % 2 else email
        barrier.wait()
        started = time.time()
        try:
            _, _, shopper = service.register_shopper(ORG, variant, f"Shopper {worker}", "a-long-password")
        except AlreadyExists as exc:
            calls.append((number, "refused", exc.code, started, time.time()))
        else:
            calls.append((number, "registered", shopper.shopper_id, started, time.time()))
    return calls
