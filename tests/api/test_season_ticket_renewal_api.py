"""The renewal over HTTP: an operator with the right renews next season's product, reads the report;
the subscriber pays the reservation in the shop and has next season's subscription. Without the right,
403; a window without its offset, 422 naming the field."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from chalicelib.outbox import service as outbox
from tests.api.test_customers_api import operator_with
from tests.api.test_shop_sales_api import paid_by_card
from tests.season_ticket_world import _performance, build_season
from tests.service.test_season_ticket_renewal import next_season_product, subscribe

ORG = "demo"
RENEWAL = "/backoffice/season-tickets/{}/renewal"


def test_an_operator_renews_and_the_subscriber_pays_online(api):
    s = build_season()
    new = [_performance(s.world, n) for n in (6, 7, 9)]
    new_id = next_season_product(s, new)
    subscribe(
        s, "Alice", [("L1", 0, s.seat("L", "B", 1)), ("L4", 3, s.seat("L", "B", 5))], s.cat2, s.world.full
    )
    outbox.drain()
    admin = api.login()
    closes_at = (datetime.now(UTC) + timedelta(days=7)).astimezone().isoformat(timespec="seconds")
    body = {"closes_at": closes_at, "pos_code": "ALL1"}

    reader = operator_with(api, admin, "reader", {"season_tickets": ["read"]})
    refused = api.call("POST", RENEWAL.format(new_id), body, token=reader)
    assert refused.status_code == 403 and refused.json_body["code"] == "permission_denied"

    naive = api.call(
        "POST", RENEWAL.format(new_id), {**body, "closes_at": "2030-06-30T23:59:00"}, token=admin
    )
    assert naive.status_code == 422 and "closes_at" in json.dumps(naive.json_body)
    unknown = api.call("POST", RENEWAL.format(new_id), {**body, "price": 0}, token=admin)
    assert unknown.status_code == 422
    assert api.call("GET", RENEWAL.format(new_id), token=reader).json_body["counts"]["pending"] == 1

    done = api.call("POST", RENEWAL.format(new_id), body, token=admin)
    assert done.status_code == 200, done.json_body
    assert done.json_body["counts"] == {"subscriptions": 1, "renewed": 1, "not_renewed": 0, "pending": 0}
    alice = done.json_body["renewed"][0]
    assert [p["kept"] for p in alice["performances"]] == ["same_seat", "same_seat"]
    report = api.call("GET", RENEWAL.format(new_id), token=reader)
    assert report.status_code == 200 and report.json_body == done.json_body

    login = {"email": "alice@example.com", "password": "Alice-password-1"}
    token = api.call("POST", f"/shop/{ORG}/account/login", login).json_body["token"]
    started = api.call("POST", f"/shop/{ORG}/orders/{alice['order_id']}/payments", token=token)
    assert started.status_code == 200, started.json_body
    assert paid_by_card(api, started.json_body, token)["status"] == "paid"
    outbox.drain()
    found = api.call("GET", f"/backoffice/season-ticket-subscriptions?season_ticket_id={new_id}", token=admin)
    assert [(i["order_id"], i["status"], i["buyer_name"]) for i in found.json_body["items"]] == [
        (alice["order_id"], "active", "Alice")
    ]


def test_renewing_an_unknown_product_is_404(api):
    build_season()
    admin = api.login()
    body = {"closes_at": "2030-06-30T23:59:00+02:00", "pos_code": "ALL1"}
    missing = api.call("POST", RENEWAL.format("nope"), body, token=admin)
    assert missing.status_code == 404 and missing.json_body["code"] == "not_found"
