"""Operators placing options at the same time against DynamoDB Local: no seat goes to two options,
the placed quantities equal the seats held, and what is left stays free."""

from __future__ import annotations

from collections import Counter

from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.db.holds import HoldItem
from chalicelib.db.stock import SeatItem
from chalicelib.options import service as options
from chalicelib.options.service import RequestIn
from tests.integration.processes import run_workers
from tests.service.test_options import activity_settings
from tests.shop_world import build_world

ORG = "demo"
WORKERS = 8


def test_concurrent_placements_never_share_a_seat_and_stock_stays_exact(store):
    world = build_world(rows=2, per_row=10)  # 20 web seats in Cat 2
    activity_settings(world, options_allowed=True, options_count_against_availability=True)
    contact = catalog.create(ORG, "contact", k.ContactSpec(code="A", name="A", email="a@l.example")).id
    category = world.category("CAT2")
    per_worker = [
        [
            options.request_for_contact(
                ORG, "admin", contact, RequestIn(world.performance_id, {category: 3})
            ).option_id
            for _ in range(2)
        ]
        for _ in range(WORKERS)
    ]  # 16 options of 3 seats: 48 asked, 20 seats

    env = {**store.env, "GUICHET_TOKEN_SECRET": "integration-secret-long-enough-for-hs256"}
    reports = run_workers(
        "tests.integration.option_workers:place_options",
        env,
        {"options": per_worker, "category_id": category, "quantity": 3},
    )

    results = [entry for report in reports for entry in report]
    placed = {option_id: seats for kind, option_id, seats in results if kind == "placed"}
    assert all(code in ("seat_unavailable",) for kind, _, code in results if kind == "refused"), results
    assert 4 <= len(placed) <= 6  # 20 seats: at most 6 options of 3, and the race leaves some room
    taken = Counter(seat for seats in placed.values() for seat in seats)
    assert all(count == 1 for count in taken.values()), "a seat went to two options"
    seats = {s.seat_id: s for s in SeatItem.scan(SeatItem.sk.startswith("SEAT#"), consistent_read=True)}
    holds = {h.hold_id: h for h in HoldItem.scan(consistent_read=True)}
    held = {sid for sid, s in seats.items() if s.status == "held" and holds[s.hold_id].status == "active"}
    assert held >= set(taken)
    assert {holds[seats[sid].hold_id].owner for sid in taken} == {
        f"option-{option_id}" for option_id in placed
    }
    # a request whose placement lost the race holds its request's places again, if any were left
    for sid in held - set(taken):
        owner = holds[seats[sid].hold_id].owner.removeprefix("option-")
        option = options.get(ORG, owner)
        assert option.state == "requested" and sid in {
            s for line in option.request_holds for s in line.seat_ids
        }
    web = {sid for sid, s in seats.items() if s.category_id == category}
    assert len(web) == 20 and {seats[sid].status for sid in web - held} == {"free"}
    for option_id in {o for options_of in per_worker for o in options_of}:
        state = options.get(ORG, option_id).state
        assert state == ("placed" if option_id in placed else "requested"), option_id
