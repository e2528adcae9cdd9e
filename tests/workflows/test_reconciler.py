"""The reconciler state machine, run by moto's interpreter over the real ASL file."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.mail import service as mail
from chalicelib.runs import service as runs
from chalicelib.sales import repository
from chalicelib.sales.documents import Order
from infra.local.mail import verify_sender

ORG = "demo"


def open_order(order_id: str, deadline: int) -> None:
    repository.create_order(
        Order(
            order_id=order_id,
            org_id=ORG,
            pos_id="WEB",
            channel_id="web",
            cart_id=None,
            owner="guest-1",
            shopper_id=None,
            email="ann@example.com",
            name="Ann",
            status="reservation",
            created_at=clock.iso(),
            currency="EUR",
            lines=[],
            tickets_total=0,
            booking_fee=0,
            delivery_method="ETICKET",
            delivery_fee=0,
            total=1000,
            deadline=deadline,
        )
    )


def test_the_reconciler_finishes_what_was_left_and_a_second_run_changes_nothing(sfn):
    mail._sesv2.cache_clear()
    verify_sender(None, settings().region, settings().mail_from)
    open_order("ORDER-PAST", clock.seconds() - 3600)  # its deadline passed an hour ago
    open_order("ORDER-LIVE", clock.seconds() + 3600)
    queued = mail.send_email(ORG, "ann@example.com", "Hello", "Hello Ann", kind="reservation")

    first = sfn.run("reconciler")
    second = sfn.run("reconciler")

    assert first["status"] == second["status"] == "SUCCEEDED", first
    assert repository.get_order("ORDER-PAST").status == "expired"
    assert repository.get_order("ORDER-LIVE").status == "reservation"
    assert mail.get_email(ORG, queued.email_id).status == "sent"
    newest, oldest = runs.list_runs("reconciler")[:2]
    summaries = sorted([newest.summary, oldest.summary], key=lambda s: s["result"])
    carried_out = [e for e in mail.list_outbox(ORG, effect=None)[0] if e.status == "sent"]
    assert {e.kind for e in carried_out} >= {"reservation", "stock_given_back"}  # and the expiry's
    assert summaries[0] == {
        "items_carried_out": len(carried_out),
        "items_failed": 0,
        "items_dead_now": 0,
        "orders_settled": 0,
        "orders_expired": 1,
        "dead_items": 0,
        "result": "changes made",
    }
    assert summaries[1]["result"] == "nothing to do"
    assert not any(v for k, v in summaries[1].items() if k != "result")
