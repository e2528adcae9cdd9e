"""Answers kept for replays: packed small, replayed exactly, and records kept before packing still read."""

from __future__ import annotations

import json

from chalicelib.sales import idempotency


def an_order_answer() -> dict:
    line = {"event_name": "Hamlet", "category_name": "Cat 2", "unit_price": 3500, "seat_id": "L-B-4"}
    return {
        "order_id": "261203ABCDEFGH",
        "status": "pending_payment",
        "lines": [dict(line, line_id=f"line-{n}") for n in range(4)],
        "history": [{"at": "2026-12-03T11:00:00+00:00", "status": "created", "by": "guest-1"}],
        "payment_url": "https://pay.example/checkout?session=abc",
        "deadline": None,
    }


def test_a_kept_answer_is_replayed_exactly_and_takes_less_room():
    answer = an_order_answer()

    kept = idempotency._pack(answer)

    assert idempotency._unpack(kept) == answer
    assert len(json.dumps(kept)) < len(json.dumps(answer))


def test_an_answer_kept_before_answers_were_packed_is_replayed_as_it_was_kept():
    answer = an_order_answer()

    assert idempotency._unpack(answer) == answer
