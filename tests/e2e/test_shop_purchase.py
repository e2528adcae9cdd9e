"""A guest buys two seats of the demo on the web shop over HTTP, pays on the payment simulator's page in
headless Chromium, downloads the tickets' PDF, gets in at the entrance once, and is sent the confirmation."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict

import pytest
from playwright.sync_api import expect

from tests.e2e.support import ARTIFACTS, confirmation_once_sent, open_page

POS = "WEB"
BUYER = {"email": "ann.e2e@example.com", "name": "Ann E2E"}


def shop(stack) -> str:
    return f"/shop/{stack.org}"


def guest(api, stack) -> str:
    response = api.post(f"{shop(stack)}/guest")
    assert response.status_code == 201, response.text
    return response.json()["token"]


def open_cart(api, stack, token: str) -> str:
    response = api.post(f"{shop(stack)}/pos/{POS}/carts", token=token)
    assert response.status_code == 201, response.text
    return response.json()["cart_id"]


def hold(api, stack, token: str, cart_id: str, body: dict) -> dict:
    response = api.post(f"{shop(stack)}/carts/{cart_id}/holds", body, token=token)
    assert response.status_code == 201, response.text
    return response.json()


def check_out(api, stack, token: str, cart_id: str, buyer: dict = BUYER) -> dict:
    response = api.post(
        f"{shop(stack)}/carts/{cart_id}/checkout",
        buyer,
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "pending_payment" and order["payment_url"], order
    return order


def pay_through_the_api(api, order: dict) -> None:
    """What the simulator's page does when Pay is pressed: complete the session, deliver the callback."""
    session = re.search(r"[?&]session=([^&]+)", order["payment_url"]).group(1)
    completed = api.post(f"/payments/simulator?session={session}", {"outcome": "succeeded"})
    assert completed.status_code == 200, completed.text
    callback = completed.json()
    path = re.sub(r"^https?://[^/]+", "", callback["callback_url"])
    answer = api.post(path, {"payload": callback["payload"], "signature": callback["signature"]})
    assert answer.status_code == 200, answer.text


def get_order(api, stack, token: str, order_id: str) -> dict:
    response = api.get(f"{shop(stack)}/orders/{order_id}", token=token)
    assert response.status_code == 200, response.text
    return response.json()


def tickets_of(api, stack, token: str, order_id: str) -> list[dict]:
    response = api.get(f"{shop(stack)}/orders/{order_id}/tickets", token=token)
    assert response.status_code == 200, response.text
    return response.json()["tickets"]


def performance_with_free_seats(api, stack, seats: int) -> tuple[dict, dict]:
    """A performance the web shop sells, and a seat category of it with at least `seats` free seats."""
    listed = api.get(f"{shop(stack)}/pos/{POS}/performances", params={"limit": 200})
    assert listed.status_code == 200, listed.text
    for performance in listed.json()["items"]:
        availability = api.get(
            f"{shop(stack)}/pos/{POS}/performances/{performance['id']}/availability"
        ).json()
        for category in availability["categories"]:
            if category["seats_free"] >= seats:
                return performance, category
    pytest.fail(f"no performance on {POS} has {seats} free seats in one category")


def free_row_start(api, stack, performance_id: str) -> str:
    """The first seat of a row whose seats are all on sale: taking it leaves no lone seat behind."""
    seat_map = api.get(f"{shop(stack)}/pos/{POS}/performances/{performance_id}/seats").json()
    position = {name: n for n, name in enumerate(seat_map["fields"])}
    for block in seat_map["blocks"]:
        rows = defaultdict(list)
        for seat in block["seats"]:
            rows[seat[position["row"]]].append(seat)
        for row in rows.values():
            if len(row) >= 4 and all(seat[position["available"]] for seat in row):
                row.sort(key=lambda seat: int(seat[position["number"]]))
                return row[0][position["seat_id"]]
    pytest.fail(f"no row of performance {performance_id} is entirely on sale")


@pytest.fixture
def page(browser, stack):
    with open_page(browser, viewport={"width": 1000, "height": 800}) as page:
        yield page


def test_a_guest_buys_two_seats_pays_on_the_simulator_page_and_gets_in_once(page, stack, api, admin_token):
    performance, category = performance_with_free_seats(api, stack, 2)
    token = guest(api, stack)
    cart_id = open_cart(api, stack, token)
    cart = hold(
        api,
        stack,
        token,
        cart_id,
        {"performance_id": performance["id"], "category_id": category["seat_category_id"], "quantity": 2},
    )
    seats = [line["seat_id"] for line in cart["lines"]]
    assert len(seats) == 2 and all(seats), cart
    order = check_out(api, stack, token, cart_id)
    order_id = order["order_id"]

    # The simulator's hosted page, as the buyer's browser gets it: the amount, then Pay with the test card.
    page.goto(order["payment_url"])
    expect(page.locator("#amount")).to_have_text(
        f"{order['total'] // 100}.{order['total'] % 100:02d} {order['currency']}"
    )
    page.screenshot(path=ARTIFACTS / "shop-payment-simulator.png", full_page=True)
    page.click("#pay")
    page.wait_for_url(re.compile(rf"/shop/{stack.org}/orders/{order_id}$"))

    paid = get_order(api, stack, token, order_id)
    assert paid["status"] == "paid" and paid["due"] == 0 and paid["payment_url"] is None
    assert sorted(line["seat_id"] for line in paid["lines"]) == sorted(seats)
    assert [p["status"] for p in paid["payments"] if p["method"] == "card"] == ["succeeded"]

    pdf = api.get(
        f"{shop(stack)}/orders/{order_id}/tickets.pdf", token=token, headers={"Accept": "application/pdf"}
    )
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 2_000
    (ARTIFACTS / "shop-tickets.pdf").write_bytes(pdf.content)

    tickets = tickets_of(api, stack, token, order_id)
    assert sorted(t["seat_id"] for t in tickets) == sorted(seats)
    assert {t["status"] for t in tickets} == {"valid"}
    scan = {"barcode": tickets[0]["barcode"], "performance_id": performance["id"], "gate": "Main door"}
    first = api.post("/backoffice/ticket-control/scan", scan, token=admin_token)
    again = api.post("/backoffice/ticket-control/scan", scan, token=admin_token)
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert (first.json()["result"], again.json()["result"]) == ("valid", "already_used")
    assert first.json()["holder"] == BUYER["name"] and first.json()["order_id"] == order_id
    assert again.json()["used_at"] == first.json()["used_at"]

    sent = confirmation_once_sent(api, admin_token, order_id)
    assert [(e["to"], e["status"], e["error"]) for e in sent] == [(BUYER["email"], "sent", None)]
    assert page.script_errors == []

