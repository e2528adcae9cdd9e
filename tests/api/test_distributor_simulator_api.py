"""The simulated distributor's routes: its controls (sell, cancel, fail), the protocol's answers and
refusals, its page; none of it on a stack that is not a test stack."""

from __future__ import annotations

import base64
import functools
import json

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib import config
from chalicelib.api import distributor_simulator
from chalicelib.distributors import connections
from tests.fixtures import Api
from tests.service.test_distributor_simulator import (
    LOGIN,
    ORG,
    PASSWORD,
    allotment,
    seat,
    simulated_interface,
    standing,
)

BASIC = "Basic " + base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()


@functools.cache
def serving_app() -> Chalice:
    """The app when it serves the simulator, else a tiny one (a blueprint registers only once)."""
    from app import app

    if any(path.startswith("/distributor-simulator/") for path in app.routes):
        return app
    tiny = Chalice(app_name="distributor-simulator-test")
    tiny.register_blueprint(distributor_simulator.blueprint)
    return tiny


@pytest.fixture
def sim_api(organisation):
    with Client(serving_app()) as client:
        yield Api(client.http)


@pytest.fixture
def interface(organisation):
    created = simulated_interface()
    with connections.simulated_transport():
        connections.adapter_for(ORG, created).export_allotment(
            allotment(created.id, 1, seat("P1", 1), seat("P1", 2), standing("P1", 2))
        )
    return created


def base(interface_id: str) -> str:
    return f"/distributor-simulator/{ORG}/{interface_id}"


def protocol(sim_api: Api, path: str, authorization: str | None = BASIC, method: str = "GET", body=None):
    headers = {"Authorization": authorization} if authorization else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        return getattr(sim_api.http, method.lower())(path, headers=headers, body=json.dumps(body))
    return getattr(sim_api.http, method.lower())(path, headers=headers)


def test_it_sells_from_the_allotment_once_and_reports_the_sales_and_counts(sim_api, interface):
    url = base(interface.id)
    sold = sim_api.call(
        "POST",
        url + "/sell",
        {"distributor_performance_id": "P1", "seat_ids": ["P1-A2"], "audience": "FULL", "price": 2500},
    )
    assert sold.status_code == 201, sold.json_body
    assert [(line["line"], line["seat"]) for line in sold.json_body["lines"]] == [("1", "P1-A2")]

    again = sim_api.call(
        "POST", url + "/sell", {"distributor_performance_id": "P1", "seat_ids": ["P1-A2"], "audience": "FULL"}
    )
    assert again.status_code == 409
    assert again.json_body["details"]["reason"] == "seat_unavailable"
    too_many = sim_api.call(
        "POST", url + "/sell", {"distributor_performance_id": "P1", "seats": 4, "audience": "FULL"}
    )
    assert (too_many.status_code, too_many.json_body["details"]["available"]) == (409, 3)

    cancelled = sim_api.call("POST", url + f"/sales/{sold.json_body['external_sale_id']}/cancel")
    assert cancelled.json_body["cancelled"] is True

    page = protocol(sim_api, url + "/sales?limit=10")
    assert page.status_code == 200
    assert [(r["line"], r["price"], r["cancelled"]) for r in page.json_body["records"]] == [
        ("1", 2500, False)
    ]
    assert page.json_body["more"] is True  # the cancellation waits for the next page
    rest = protocol(sim_api, url + f"/sales?limit=10&cursor={page.json_body['cursor']}")
    assert [r["cancelled"] for r in rest.json_body["records"]] == [True]

    counted = protocol(sim_api, url + "/counts?performance=P1&performance=P2")
    assert counted.json_body == {
        "counts": [
            {"distributor_performance_id": "P1", "allocated": 4, "sold": 0},
            {"distributor_performance_id": "P2", "allocated": 0, "sold": 0},
        ]
    }


def test_the_protocol_asks_for_the_interface_s_credentials(sim_api, interface):
    for authorization in (None, "Basic " + base64.b64encode(b"SIMUSER:nope").decode(), "Bearer x"):
        refused = protocol(sim_api, base(interface.id) + "/counts?performance=P1", authorization)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Basic")


def test_an_older_allotment_is_answered_409(sim_api, interface):
    document = json.loads(
        json.dumps(
            {
                "format": "guichet-allotment/1",
                "interface_id": interface.id,
                "version": 0,
                "generated_at": "2026-12-01T00:00:00+00:00",
                "places": [],
                "performances": ["P1"],
            }
        )
    )
    refused = protocol(sim_api, base(interface.id) + "/allotment", method="PUT", body=document)
    assert refused.status_code == 409
    assert refused.json_body["code"] == "older_version"
    assert refused.json_body["details"] == {"distributor_performance_id": "P1", "version": 1}


def test_it_fails_as_told_the_given_number_of_times(sim_api, interface):
    url = base(interface.id)
    told = sim_api.call("PUT", url + "/failure", {"mode": "error_500", "times": 1})
    assert told.json_body == {"mode": "error_500", "times_left": 1, "delay": None}

    assert protocol(sim_api, url + "/counts?performance=P1").status_code == 500
    assert protocol(sim_api, url + "/counts?performance=P1").status_code == 200
    unknown = sim_api.call("PUT", url + "/failure", {"mode": "explode"})
    assert unknown.status_code == 422


def test_the_page_shows_the_allotment_the_sales_and_the_failure_mode(sim_api, interface):
    url = base(interface.id)
    sim_api.call(
        "POST",
        url + "/sell",
        {"distributor_performance_id": "P1", "seats": 1, "audience": "FULL", "price": 990},
    )
    sim_api.call("PUT", url + "/failure", {"mode": "duplicate", "times": 2})

    response = sim_api.call("GET", url + "/page")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    policy = response.headers["Content-Security-Policy"]
    page = response.body.decode()
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page
    assert "Simulated &lt;SIM&gt;" in page and "<SIM>" not in page  # the interface's name, escaped
    assert '<table id="allotment">' in page and "<td>P1</td><td>1</td><td>4</td><td>1</td><td>3</td>" in page
    assert "S000001" in page and "9.90" in page and 'data-sale="S000001"' in page
    assert "duplicate, 2 more time(s)" in page
    for form in ('id="sell"', 'id="fail"'):
        assert form in page


def test_an_unknown_interface_is_not_found(sim_api):
    for method, path in (("GET", "/page"), ("GET", "/sales"), ("POST", "/sell"), ("PUT", "/failure")):
        body = {"mode": "none"} if path == "/failure" else None
        if path == "/sell":
            body = {"distributor_performance_id": "P1", "seats": 1, "audience": "FULL"}
        response = sim_api.call(method, base("nope") + path, body)
        assert response.status_code == 404, (path, response.json_body)


def test_the_routes_are_absent_when_the_stack_is_not_a_test_stack(sim_api, interface, monkeypatch):
    monkeypatch.setenv("GUICHET_TEST_STACK", "false")
    config.reset()
    try:
        for method, path in (("GET", "/page"), ("GET", "/state"), ("GET", "/counts?performance=P1")):
            response = protocol(sim_api, base(interface.id) + path, method=method)
            assert response.status_code == 404, path
            assert response.json_body["code"] == "not_found"
        sell = sim_api.call(
            "POST",
            base(interface.id) + "/sell",
            {"distributor_performance_id": "P1", "seats": 1, "audience": "FULL"},
        )
        assert sell.status_code == 404
    finally:
        monkeypatch.undo()
        config.reset()


def test_the_page_of_a_distributor_sent_nothing_yet_says_so(sim_api):
    fresh = simulated_interface(code="NEW")

    page = sim_api.call("GET", base(fresh.id) + "/page").body.decode()

    assert "No allotment received yet" in page and "No sale yet." in page
    assert "Now: none" in page
