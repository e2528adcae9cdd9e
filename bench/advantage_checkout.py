"""Advantages in the shop on DynamoDB Local: requests and write units of pricing a 10-line cart whose
lines take an advantage, with a promo code (shown from the process's settings, and read fresh as
checkout does), of entering a single-use code, and of a checkout that uses the code and takes the
quota. Prints figures; asserts nothing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.code_batches import count_every_client, measure
from bench.stock import use_dynamodb_local

ORG = "demo"
LINES = 10


def main() -> None:
    os.environ.setdefault("GUICHET_TEST_STACK", "true")  # the simulated card provider starts the payment
    os.environ.setdefault("GUICHET_TOKEN_SECRET", "bench-" + "s" * 40)
    count_every_client()
    from chalicelib.advantages import codes, offers, service
    from chalicelib.advantages.model import PUT_IN_OPERATION, AdvantageSpec, PromoCodeSpec
    from chalicelib.auth import service as auth
    from chalicelib.catalog import service as catalog
    from chalicelib.db.tables import create_tables
    from chalicelib.sales import advantage_offers, carts, orders
    from chalicelib.sales.carts import Buyer, HoldRequest
    from infra.local import dynamodb
    from tests.shop_world import build_world

    local = dynamodb.start()
    try:
        use_dynamodb_local(local.endpoint)
        create_tables(local.client())
        auth.create_organisation(ORG, "Bench", "admin", "admin-password")
        world = build_world(rows=2, per_row=10, pit=LINES + 5, web={"max_tickets_per_performance": LINES * 2})
        event_id = catalog.get(ORG, "performance", world.performance_id).data["event_id"]

        def live(target: dict, **more) -> str:
            spec = AdvantageSpec(
                season_id="S",
                event_ids=[event_id],
                prices=[
                    {"audience_subcategory_id": world.young, "rule": {"kind": "percent_off", "value": 50}}
                ],
                public_name=target["type"],
                target=target,
                **more,
            )
            made = service.create_advantage(ORG, spec)
            service.change_advantage_state(ORG, made.advantage_id, PUT_IN_OPERATION, 1)
            return made.advantage_id

        everyone = live({"type": "general_public"}, quota=10_000, max_per_customer=20)
        invitation = live({"type": "single_use_codes"}, quota=10_000)
        promo = service.create_promo_code(
            ORG,
            PromoCodeSpec(code="BENCH10", public_name="Bench", discount={"kind": "percent_off", "value": 10}),
        )
        service.change_promo_code_state(ORG, promo.promo_id, PUT_IN_OPERATION, 1)
        code = codes.generate_codes(ORG, invitation, 1).codes[0]
        offers.forget()

        buyer = Buyer(ORG, "guest-bench")
        cart = carts.open_cart(ORG, "WEB1", buyer)
        carts.add_to_cart(
            ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, area="PIT", quantity=LINES)
        )
        advantage_offers.enter_code(ORG, cart.cart_id, buyer, "BENCH10")
        lines = carts.get_cart(ORG, cart.cart_id, buyer).lines
        for line in lines:
            carts.set_audience(ORG, cart.cart_id, buyer, line.line_id, world.young, everyone)
        print(f"DynamoDB Local; a {LINES}-line cart, every line priced with an advantage, and a promo code")
        print("write units as AWS would bill them (2 per item in a transaction, 1 KB items assumed)")
        stored = carts.get_cart(ORG, cart.cart_id, buyer)
        measure("price the cart (settings read this process)", lambda: carts.priced(stored))
        measure("price the cart, settings read fresh", lambda: carts.priced(stored, fresh=True))
        measure(
            "choose one line's advantage",
            lambda: carts.set_audience(ORG, cart.cart_id, buyer, lines[0].line_id, world.young, everyone),
        )

        guest = Buyer(ORG, "guest-invited")
        other = carts.open_cart(ORG, "WEB1", guest)
        held = carts.add_to_cart(
            ORG, other.cart_id, guest, HoldRequest(world.performance_id, area="PIT", quantity=1)
        )
        measure(
            "enter a single-use code on a cart",
            lambda: advantage_offers.enter_code(ORG, other.cart_id, guest, code),
        )
        line_id = held.cart.lines[0].line_id
        carts.set_audience(ORG, other.cart_id, guest, line_id, world.young, invitation)
        request = orders.CheckoutRequest(email="bench@example.com", name="Bench")
        measure(
            "checkout using the code (card payment)",
            lambda: orders.checkout(ORG, other.cart_id, guest, request),
        )
        plain = Buyer(ORG, "guest-plain")
        third = carts.open_cart(ORG, "WEB1", plain)
        carts.add_to_cart(
            ORG, third.cart_id, plain, HoldRequest(world.performance_id, area="PIT", quantity=1)
        )
        measure(
            "checkout without advantages, for comparison",
            lambda: orders.checkout(ORG, third.cart_id, plain, request),
        )
        measure(
            f"checkout of the {LINES}-line cart with the promo",
            lambda: orders.checkout(ORG, cart.cart_id, buyer, request),
        )
    finally:
        local.stop()


if __name__ == "__main__":
    main()
