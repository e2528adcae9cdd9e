"""Limits per client (network address and device), not per token: guest sessions, carts, held places,
and login throttles with growing delays. Counters live in the limits table (db/limits.py).

Rates (guest sessions, carts, sign-ups, login attempts) count in fixed windows aligned on multiples of
their period (10 minutes: :00, :10, :20...): a client refused is told to retry when its window ends,
and may use the whole rate again from then on, so up to twice the rate can pass within a short span
around a boundary, never more within one window. Each counted request is one write.
"""

from __future__ import annotations

import ipaddress
import os
import uuid

from chalicelib import clock
from chalicelib.auth.client import Client
from chalicelib.db import limits as store
from chalicelib.errors import BuyerLimitReached, TooManyRequests


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(f"GUICHET_LIMIT_{name}", default))


# (how many, per how many seconds); the GUICHET_LIMIT_* environment variables override them.
GUEST_SESSIONS_PER_ADDRESS = (_setting("GUEST_SESSIONS_PER_ADDRESS", 20), 600)
GUEST_SESSIONS_PER_DEVICE = (_setting("GUEST_SESSIONS_PER_DEVICE", 5), 600)
CARTS_PER_ADDRESS = (_setting("CARTS_PER_ADDRESS", 30), 3600)
CARTS_PER_DEVICE = (_setting("CARTS_PER_DEVICE", 6), 3600)
# A network address holds at most this many times a buyer's cap of one performance (a family or an
# office behind one address); a device is one buyer.
PLACES_PER_ADDRESS_FACTOR = _setting("PLACES_PER_ADDRESS_FACTOR", 2)
RELEASE_COOLDOWN = _setting("RELEASE_COOLDOWN_SECONDS", 30)
DEVICE_TOKEN_DAYS = 30
# Logins: failures allowed before delays start, then 2, 4, 8... seconds, never more than MAX_DELAY.
LOGIN_FREE_FAILURES_ACCOUNT = 3
LOGIN_FREE_FAILURES_ADDRESS = _setting("LOGIN_FREE_FAILURES_ADDRESS", 10)
LOGIN_MAX_DELAY = 900
LOGIN_WINDOW = 3600  # failures are forgotten this long after the last one
LOGIN_ATTEMPTS_PER_ACCOUNT = (_setting("LOGIN_ATTEMPTS_PER_ACCOUNT", 30), 900)  # bounds parallel guesses too
LOGIN_ATTEMPTS_PER_ADDRESS = (_setting("LOGIN_ATTEMPTS_PER_ADDRESS", 200), 900)


def address_of(client: Client) -> str:
    """The counted address: an IPv6 client controls its whole /64, so the /64 counts as one."""
    try:
        ip = ipaddress.ip_address(client.ip)
    except ValueError:
        return client.ip[:64]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _take(pk: str, sk: str, limit: tuple[int, int], what: str, n: int = 1, counted: int = 0) -> None:
    """Count `n` against a rate of (cap, per seconds) in the current fixed window; 429 over it.
    `counted`: requests of this window known to have happened without being written."""
    cap, window = limit
    now = clock.seconds()
    if not store.add_in_window(pk, sk, n, cap - counted, now, window):
        retry = max(1, store.window_ends(now, window) - now)
        raise TooManyRequests(
            f"Too many {what} from this client; try again in {retry} s", {"retry_after": retry, "limit": cap}
        )


def _minted_at(device: str) -> int | None:
    """When a device id was minted (new_guest_device writes it in front); None for an older id."""
    stamp, dash, _ = device.partition("-")
    try:
        return int(stamp, 16) if dash else None
    except ValueError:
        return None


def new_guest_device(client: Client | None, org_id: str, device: str | None) -> str:
    """Count a new guest session against the client; its device id (kept from a device token, or new).

    A new device's first session is not written to its counter: its id says when it was minted (it
    travels signed, in the guest token), so a session of that device in the same window counts it.
    """
    now = clock.seconds()
    if client is not None:
        _take(f"GUEST#ip#{address_of(client)}", org_id, GUEST_SESSIONS_PER_ADDRESS, "guest sessions")
    if device is None:
        return f"{now:x}-{uuid.uuid4().hex}"
    if client is not None:
        minted, window = _minted_at(device), GUEST_SESSIONS_PER_DEVICE[1]
        first = int(minted is not None and minted // window == now // window)
        _take(f"GUEST#device#{device}", org_id, GUEST_SESSIONS_PER_DEVICE, "guest sessions", counted=first)
    return device


def count_cart(client: Client, org_id: str) -> None:
    _take(f"CART#ip#{address_of(client)}", org_id, CARTS_PER_ADDRESS, "carts")
    if client.device:
        _take(f"CART#device#{client.device}", org_id, CARTS_PER_DEVICE, "carts")


def _places_keys(client: Client, owner: str, performance_id: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The address's count (its cap) and the buyer's own (its cooldown): one buyer releasing places
    never makes the others behind the same address (an office, a mobile carrier's NAT) wait."""
    return (f"PLACES#ip#{address_of(client)}", performance_id), (f"PLACES#buyer#{owner}", performance_id)


def take_places(client: Client, owner: str, performance_id: str, n: int, buyer_cap: int, window: int) -> None:
    """Count places held by this address and this buyer on this performance; refused above the
    address's cap, or while the buyer cools down after giving places back."""
    (address, performance), (buyer, _) = _places_keys(client, owner, performance_id)
    cap = buyer_cap * PLACES_PER_ADDRESS_FACTOR
    now = clock.seconds()
    added, found = store.add_while_held(buyer, performance, n, cap, now, window)
    if not added:
        if found is not None and found.blocked_until and int(found.blocked_until) > now:
            retry = int(found.blocked_until) - now
            details = {"retry_after": retry, "field": "quantity"}
            raise TooManyRequests(f"Places were just given back; hold again in {retry} s", details)
        raise BuyerLimitReached(
            f"This buyer holds the most places allowed for this performance ({cap})",
            {"performance_id": performance_id, "max": cap, "per": "buyer"},
        )
    if store.add_while_held(address, performance, n, cap, now, window)[0]:
        return
    store.give_back(buyer, performance, n, clock.seconds(), 0)
    raise BuyerLimitReached(
        f"This network address holds the most places allowed for this performance ({cap})",
        {"performance_id": performance_id, "max": cap, "per": "address"},
    )


def give_back_places(
    client: Client, owner: str, performance_id: str, n: int, *, cooldown: bool = True
) -> None:
    (address, performance), (buyer, _) = _places_keys(client, owner, performance_id)
    store.give_back(address, performance, n, clock.seconds(), 0)
    store.give_back(buyer, performance, n, clock.seconds(), RELEASE_COOLDOWN if cooldown else 0)


def _delay(failures: int, free: int) -> int:
    return 0 if failures <= free else min(2 ** (failures - free), LOGIN_MAX_DELAY)


def _login_keys(kind: str, org_id: str, account: str, client: Client | None) -> list[tuple[str, str, int]]:
    keys = [(f"LOGIN#{kind}#{org_id}", account.lower(), LOGIN_FREE_FAILURES_ACCOUNT)]
    if client is not None:
        keys.append((f"LOGIN#ip#{address_of(client)}", "-", LOGIN_FREE_FAILURES_ADDRESS))
    return keys


def check_login(kind: str, org_id: str, account: str, client: Client | None) -> None:
    """Refuse (429) a login attempt while the account or the client waits out a delay."""
    for pk, sk, _ in _login_keys(kind, org_id, account, client):
        found = store.read(pk, sk)
        if found is not None and found.blocked_until and int(found.blocked_until) > clock.seconds():
            retry = int(found.blocked_until) - clock.seconds()
            raise TooManyRequests(f"Too many failed logins; try again in {retry} s", {"retry_after": retry})
    _take(f"LOGIN_TRY#{kind}#{org_id}", account.lower(), LOGIN_ATTEMPTS_PER_ACCOUNT, "login attempts")
    if client is not None:
        _take(f"LOGIN_TRY#ip#{address_of(client)}", "-", LOGIN_ATTEMPTS_PER_ADDRESS, "login attempts")


def login_failed(kind: str, org_id: str, account: str, client: Client | None) -> None:
    for pk, sk, free in _login_keys(kind, org_id, account, client):
        failures = store.record_failure(pk, sk, clock.seconds(), LOGIN_WINDOW)
        delay = _delay(failures, free)
        if delay:
            store.block_until(pk, sk, clock.seconds() + delay)


def login_succeeded(kind: str, org_id: str, account: str) -> None:
    """The account's failures are forgotten; the client's are not (it may be guessing other accounts)."""
    store.forget(f"LOGIN#{kind}#{org_id}", account.lower())
