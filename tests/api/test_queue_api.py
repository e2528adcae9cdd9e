"""Virtual queue routes over HTTP: operators' settings and rights, buyers joining, polling and holding."""

from __future__ import annotations

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.queue import admitter
from chalicelib.queue import service as queues
from tests.fixtures import json_headers
from tests.shop_world import World, build_world

ORG = "demo"
SHOP = f"/shop/{ORG}"
OPENS_AT = 1_900_000_020  # 2030-03-17T17:47:00Z, on a minute
OPENS_AT_ISO = "2030-03-17T17:47:00Z"


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock(OPENS_AT - 600)
    monkeypatch.setattr(queues, "now", moved)
    queues.clear_cache()
    yield moved
    queues.clear_cache()


@pytest.fixture
def world(api) -> World:
    return build_world()


def operator_with(api, rights: dict[str, list[str]]) -> str:
    admin = api.login()
    role = api.call("POST", "/backoffice/roles", {"name": "staff", "rights": rights}, token=admin)
    assert role.status_code == 201, role.json_body
    body = {"login": "jo", "name": "Jo", "password": "jo-password", "roles": ["staff"]}
    assert api.call("POST", "/backoffice/operators", body, token=admin).status_code == 201
    return api.login("jo", "jo-password")


def queued(api, world: World, rate: int = 10) -> str:
    body = {
        "target_kind": "performance",
        "target_id": world.performance_id,
        "opens_at": OPENS_AT_ISO,
        "rate_per_minute": rate,
    }
    response = api.call("POST", "/backoffice/queues", body, token=api.login())
    assert response.status_code == 201, response.json_body
    return response.json_body["queue_id"]


def join(api, world: World, token: str | None = None):
    return api.call("POST", f"{SHOP}/performances/{world.performance_id}/queue", token=token)


def guest(api) -> str:
    return api.call("POST", f"{SHOP}/guest").json_body["token"]


def hold_seat(api, world: World, token: str, admission: str | None):
    cart = api.call("POST", f"{SHOP}/pos/WEB1/carts", token=token).json_body["cart_id"]
    headers = json_headers(token)
    if admission:
        headers["X-Queue-Admission"] = admission
    body = f'{{"performance_id": "{world.performance_id}", "seat_ids": ["{world.seat("L", "B", 4)}"]}}'
    return api.http.post(f"{SHOP}/carts/{cart}/holds", headers=headers, body=body)


def test_an_operator_puts_a_performance_behind_a_queue_and_changes_its_rate_live(api, world, clock):
    queue_id = queued(api, world)
    admin = api.login()

    changed = api.call("PATCH", f"/backoffice/queues/{queue_id}", {"rate_per_minute": 40}, token=admin)
    listed = api.call("GET", "/backoffice/queues", token=admin)
    state = api.call("GET", f"/backoffice/queues/{queue_id}", token=admin)

    assert changed.status_code == 200 and changed.json_body["rate_per_minute"] == 40
    assert [q["queue_id"] for q in listed.json_body] == [queue_id]
    assert state.json_body["status"] == "active" and state.json_body["history"] == []
    assert state.json_body["opens_at"] == "2030-03-17T17:47:00Z"


def test_a_buyer_queues_is_admitted_and_holds_with_the_admission_header(api, world, clock):
    queue_id = queued(api, world)
    token = guest(api)
    clock.at = OPENS_AT - 60
    joined = join(api, world, token)
    assert joined.status_code == 201, joined.json_body
    assert joined.json_body["status"] == "waiting" and joined.json_body["position"] is None
    entry = f"{SHOP}/performances/{world.performance_id}/queue/{joined.json_body['entry_id']}"

    clock.at = OPENS_AT + 120
    refused = hold_seat(api, world, token, None)
    admitter.admit(ORG, queue_id)
    polled = api.call("GET", entry)
    held = hold_seat(api, world, token, polled.json_body["admission_token"])

    assert refused.status_code == 403 and refused.json_body["code"] == "queue_admission_required"
    assert polled.json_body["status"] == "admitted"
    assert held.status_code == 201, held.json_body
    state = api.call("GET", f"/backoffice/queues/{queue_id}", token=api.login()).json_body
    assert state["admitted"] == 1 and state["history"][0]["admitted"] == 1


def test_an_expired_admission_is_refused_with_its_code(api, world, clock):
    queue_id = queued(api, world)
    clock.at = OPENS_AT - 60
    entry_id = join(api, world).json_body["entry_id"]
    clock.at = OPENS_AT + 30
    admitter.admit(ORG, queue_id)
    admission = api.call("GET", f"{SHOP}/performances/{world.performance_id}/queue/{entry_id}")

    clock.at = OPENS_AT + 30 + 15 * 60
    held = hold_seat(api, world, guest(api), admission.json_body["admission_token"])

    assert held.status_code == 403 and held.json_body["code"] == "queue_admission_expired"


def test_a_poll_from_another_client_is_refused(api, world, clock, monkeypatch):
    queued(api, world)
    clock.at = OPENS_AT - 60
    entry_id = join(api, world).json_body["entry_id"]
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.9")

    polled = api.call("GET", f"{SHOP}/performances/{world.performance_id}/queue/{entry_id}")

    assert polled.status_code == 403 and polled.json_body["code"] == "queue_admission_invalid"


def test_joining_a_performance_without_a_queue_is_404(api, world, clock):
    assert join(api, world).status_code == 404
    unknown = api.call("GET", f"{SHOP}/performances/{world.performance_id}/queue/1-0-1-0123456789abcdef")
    assert unknown.status_code == 404


def test_the_opening_time_cannot_move_once_the_queue_opened(api, world, clock):
    queue_id = queued(api, world)
    clock.at = OPENS_AT + 1

    moved = api.call(
        "PATCH", f"/backoffice/queues/{queue_id}", {"opens_at": "2031-01-01T00:00:00Z"}, token=api.login()
    )

    assert moved.status_code == 409 and moved.json_body["details"]["field"] == "opens_at"


@pytest.mark.parametrize(
    "body",
    [
        {"target_kind": "seat", "target_id": "x", "opens_at": OPENS_AT_ISO, "rate_per_minute": 1},
        {"target_kind": "event", "target_id": "x", "opens_at": "2030-03-17T17:47:00", "rate_per_minute": 1},
        {"target_kind": "event", "target_id": "x", "opens_at": OPENS_AT_ISO, "rate_per_minute": "5"},
        {"target_kind": "event", "target_id": "x", "opens_at": OPENS_AT_ISO, "rate_per_minute": -1},
    ],
)
def test_a_bad_queue_is_422(api, world, body):
    response = api.call("POST", "/backoffice/queues", body, token=api.login())
    assert response.status_code == 422, response.json_body


def test_a_queue_for_an_unknown_performance_is_404(api, world):
    body = {"target_kind": "performance", "target_id": "nope", "opens_at": OPENS_AT_ISO, "rate_per_minute": 1}
    assert api.call("POST", "/backoffice/queues", body, token=api.login()).status_code == 404


def test_queue_routes_need_a_token_and_the_queues_rights(api, world, clock):
    queue_id = queued(api, world)
    reader = operator_with(api, {"queues": ["read"]})

    assert api.call("GET", "/backoffice/queues").status_code == 401
    assert api.call("GET", "/backoffice/queues", token=reader).status_code == 200
    changed = api.call("PATCH", f"/backoffice/queues/{queue_id}", {"status": "stopped"}, token=reader)
    assert changed.status_code == 403
    assert api.call("GET", "/backoffice/queues/event.unknown", token=reader).status_code == 404


def test_an_opening_time_less_than_a_minute_ahead_is_422(api, world, clock):
    queue_id = queued(api, world)
    clock.at = OPENS_AT - 600

    soon = api.call(
        "PATCH", f"/backoffice/queues/{queue_id}", {"opens_at": "2030-03-17T17:37:30Z"}, token=api.login()
    )

    assert soon.status_code == 422 and soon.json_body["details"]["field"] == "opens_at"
