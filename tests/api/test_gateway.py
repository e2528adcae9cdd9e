"""The local gateway answers as the deployed one: unknown routes 404, wrong methods 405, gzip."""

from __future__ import annotations

import gzip
import json
import threading
import urllib.error
import urllib.request

import pytest
from chalice.cli.factory import CLIFactory
from chalice.local import LocalDevServer

from app import app
from tests.api.test_shop_catalog_api import SHOP
from tests.service.test_shop_reads import build_shop, open_with_stock, performance, seat


def assert_documented(response, status: int, code: str):
    assert response.status_code == status, response.body[:300]
    assert set(response.json_body) == {"code", "message", "details"}
    assert response.json_body["code"] == code
    assert response.headers["Content-Type"].startswith("application/json")


def test_an_unknown_route_is_404_in_the_documented_shape(api):
    assert_documented(api.call("GET", "/no/such/route"), 404, "not_found")
    assert_documented(api.call("POST", "/backoffice/nothing-here", {}, token=api.login()), 404, "not_found")


def test_a_wrong_method_on_a_known_route_is_405_naming_the_allowed_ones(api):
    response = api.call("DELETE", "/backoffice/login")

    assert_documented(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "POST"
    assert response.json_body["details"] == {"allowed_methods": ["POST"]}


@pytest.fixture
def shop(api, monkeypatch):
    from chalicelib.shop import service

    build_shop(monkeypatch)
    yield api
    service.clear_cache()


def test_the_seat_map_comes_gzip_compressed_to_a_client_that_accepts_gzip(shop):
    seats = [seat(f"A-{n // 20}-{n % 20}", block="A") for n in range(200)]
    open_with_stock(performance("p1"), seats, shards=1)

    zipped = shop.http.get(f"{SHOP}/p1/seats", headers={"Accept-Encoding": "gzip, deflate"})
    plain = shop.http.get(f"{SHOP}/p1/seats")

    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.body)) == plain.json_body
    assert len(zipped.body) < len(plain.body) / 3


def test_small_answers_and_clients_refusing_gzip_get_plain_json(api):
    health = api.http.get("/health", headers={"Accept-Encoding": "gzip"})
    refused = api.http.get("/openapi.json", headers={"Accept-Encoding": "gzip;q=0, identity"})

    assert "Content-Encoding" not in health.headers
    assert health.json_body == {"status": "ok"}
    assert "Content-Encoding" not in refused.headers
    assert refused.json_body["openapi"] == "3.1.0"


@pytest.fixture
def served(api):
    """`chalice local`'s HTTP server, in this process, on a free port."""
    config = CLIFactory(".").create_config_obj(chalice_stage_name="dev")
    server = LocalDevServer(app, config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server.server_address[1]}"
    server.shutdown()
    server.server.server_close()
    thread.join(timeout=5)


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_chalice_local_answers_unknown_routes_and_wrong_methods_in_the_documented_shape(served):
    status, headers, body = fetch(f"{served}/no/such/route")
    wrong_status, wrong_headers, wrong_body = fetch(f"{served}/health", method="POST")

    assert (status, json.loads(body)["code"]) == (404, "not_found")
    assert headers["Content-Type"] == "application/json"
    assert (wrong_status, json.loads(wrong_body)["code"]) == (405, "method_not_allowed")
    assert wrong_headers["Allow"] == "GET"


def test_chalice_local_compresses_large_answers_for_clients_that_accept_gzip(served):
    status, headers, body = fetch(f"{served}/openapi.json", headers={"Accept-Encoding": "gzip"})
    _, plain_headers, plain = fetch(f"{served}/openapi.json")

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == plain
    assert "Content-Encoding" not in plain_headers
