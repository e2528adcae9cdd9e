"""A cart's advantages: who the customer is, the codes entered on the cart, and what checkout takes.

Codes are compared without case. A partner's access code unlocks its advantage for the cart; a
single-use code is claimed for the cart until the cart's holds expire (another cart cannot take it
meanwhile; an emptied or expired cart gives it back); a promo code applies to the whole cart, at most
one a cart (a second replaces the first). Checkout takes quotas, caps and codes in the order's own
transaction (advantages.order_codes).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.advantages import codes, offers, order_codes
from chalicelib.advantages.conditions import refusal
from chalicelib.advantages.model import AdvantageRefused, CodeRefused, normalise_code, refuse
from chalicelib.advantages.order_codes import Use
from chalicelib.customers import service as customers
from chalicelib.errors import NotFound
from chalicelib.inventory import service as inventory
from chalicelib.sales.cart_pricing import PARTNER, PROMO, SINGLE_USE, CartPrices, promo_refusal
from chalicelib.sales.documents import Cart

if TYPE_CHECKING:
    from chalicelib.advantages.model import Advantage
    from chalicelib.db.conditions import Write

# How long a single-use code stays in a cart that holds nothing yet.
EMPTY_CART_CLAIM_SECONDS = 20 * 60


class _Later:
    """A customer read only when a price needs it (most carts take no targeted advantage)."""

    def __init__(self, load: Callable[[], offers.Customer]) -> None:
        self._load, self._found = load, None

    def _customer(self) -> offers.Customer:
        if self._found is None:
            try:
                self._found = self._load()
            except NotFound:  # an account closed meanwhile: nobody in particular
                self._found = offers.Anyone()
        return self._found

    @property
    def contact_id(self) -> str | None:
        return self._customer().contact_id

    @property
    def target_list_ids(self) -> frozenset[str]:
        return self._customer().target_list_ids

    def reaches(self, indicator_id: str, level: str) -> bool:
        return self._customer().reaches(indicator_id, level)


def customer_of(cart: Cart) -> offers.Customer:
    """Whose advantages apply: the contact an operator sells for, the shopper's account, or anyone."""
    if cart.contact_id:
        contact_id = cart.contact_id
        return _Later(lambda: customers.profile_of_contact(cart.org_id, contact_id))
    if cart.owner.startswith(("operator-", "guest-")):
        return offers.Anyone()
    return _Later(lambda: customers.profile_of_shopper(cart.org_id, cart.owner))


def customer_key(cart: Cart, email: str | None) -> str | None:
    """Who a per-customer cap counts: the contact, else the shopper's account, else the guest's email."""
    if cart.contact_id:
        return f"contact:{cart.contact_id}"
    profile = customer_of(cart)
    if profile.contact_id:
        return f"contact:{profile.contact_id}"
    if not cart.owner.startswith(("guest-", "operator-")):
        return f"shopper:{cart.owner}"
    return f"email:{email.strip().lower()}" if email else None


def _claim_until(cart: Cart) -> int:
    holds = inventory.get_holds(cart.hold_ids) if cart.hold_ids else []
    live = [h.expires_at for h in holds if h.status == "active"]
    return min(live) if live else clock.seconds() + EMPTY_CART_CLAIM_SECONDS


def enter_code(cart: Cart, typed: str) -> Cart:
    """Add a code to the cart (the caller saves it); refused with the reason when it cannot be used."""
    code = normalise_code(typed)
    if any(entry["code"] == code for entry in cart.codes) or cart.promo_code == code:
        return cart
    kind, ref_id, code = codes.resolve(cart.org_id, code)
    if kind == PROMO:
        promo = offers.promo_code(cart.org_id, code, fresh=True)
        reason = promo_refusal(promo, cart.channel_id, 10**12, customer_of(cart))
        if reason and reason != "below_minimum_basket":  # the basket may still grow
            raise refuse(reason, f"This promo code cannot be used: {reason.replace('_', ' ')}", code=code)
        cart.promo_code = code
        return cart
    advantage = offers.advantage(cart.org_id, ref_id, fresh=True)
    if advantage is None:
        raise refuse("not_in_operation", "This code's advantage is not in operation", code=code)
    reason = refusal(advantage, clock.now(), cart.channel_id, None)
    if reason:
        raise refuse(reason, f"This code cannot be used: {reason.replace('_', ' ')}", code=code)
    if kind == SINGLE_USE:
        claimed = codes.claim_code(cart.org_id, code, cart.cart_id, _claim_until(cart), cart.channel_id)
        entry = {"code": code, "kind": SINGLE_USE, "ref_id": ref_id, "batch_id": claimed.batch_id or ""}
    else:
        entry = {"code": code, "kind": PARTNER, "ref_id": ref_id}
    cart.codes.append(entry)
    return cart


def remove_code(cart: Cart, typed: str) -> Cart:
    """Take a code off the cart: a single-use code is given back; lines priced with what it unlocked
    lose that advantage."""
    code = normalise_code(typed)
    if cart.promo_code == code:
        cart.promo_code = None
        return cart
    entry = next((e for e in cart.codes if e["code"] == code), None)
    if entry is None:
        raise NotFound("This code is not on the cart", {"code": code})
    cart.codes.remove(entry)
    if entry["kind"] == SINGLE_USE:
        codes.release_code(cart.org_id, code, cart.cart_id)
    if not any(e["ref_id"] == entry["ref_id"] for e in cart.codes):
        for line in cart.lines:
            if line.advantage_id == entry["ref_id"]:
                line.advantage_id = None
    return cart


def release_codes(cart: Cart) -> None:
    """Give back the single-use codes the cart holds (the cart was emptied); the cart keeps none."""
    for entry in [e for e in cart.codes if e["kind"] == SINGLE_USE]:
        with contextlib.suppress(CodeRefused):  # revoked or taken meanwhile: nothing of ours to give back
            codes.release_code(cart.org_id, entry["code"], cart.cart_id)
        cart.codes.remove(entry)
    for line in cart.lines:
        line.advantage_id = None


def check_priced(prices: CartPrices) -> None:
    """Refuse checkout (409 advantage_refused) when a line's advantage or the promo code no longer applies."""
    refused = prices.refused()
    if refused:
        raise AdvantageRefused(
            "Some prices of the cart no longer apply; change these places or remove the code",
            {"field": "lines", "refused": refused},
        )


def plan_use(cart: Cart, prices: CartPrices, email: str | None) -> tuple[Use, dict[str, Advantage]]:
    """What the order takes: tickets per advantage, the single-use codes its lines use, the promo code."""
    settings = {p.advantage.advantage_id: p.advantage for p in prices.lines if p.advantage is not None}
    tickets = Counter(p.advantage.advantage_id for p in prices.lines if p.advantage is not None)
    by_advantage = {e["ref_id"]: e for e in cart.codes if e["kind"] == SINGLE_USE}
    used_codes = {
        by_advantage[a]["code"]: {"advantage_id": a, "batch_id": by_advantage[a].get("batch_id") or None}
        for a in tickets
        if a in by_advantage and settings[a].target.type == "single_use_codes"
    }
    promo = prices.promo.promo if prices.promo and prices.promo.discount > 0 else None
    capped = any(settings[a].max_per_customer is not None for a in tickets) or bool(
        promo and promo.max_uses_per_customer is not None
    )
    customer = customer_key(cart, email) if capped else None
    use = Use(customer, dict(tickets), used_codes, promo.promo_id if promo else None)
    return use, settings


def checkout_writes(
    cart: Cart, prices: CartPrices, use: Use, settings, order_id: str, buyer: str
) -> list[Write]:
    promo = prices.promo.promo if use.promo_id and prices.promo else None
    return order_codes.checkout_writes(
        cart.org_id, use, settings, promo, cart.cart_id, order_id, buyer, clock.seconds(), clock.iso()
    )


def code_of(cart: Cart, advantage_id: str | None) -> tuple[str, str] | None:
    """The partner or single-use code that unlocked this advantage on the cart, and its kind."""
    if not advantage_id:
        return None
    entry = next((e for e in cart.codes if e["ref_id"] == advantage_id and e["kind"] != PROMO), None)
    return (entry["code"], entry["kind"]) if entry else None
