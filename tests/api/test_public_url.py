"""Payment URLs never come from the request's Host header on a deployed stack."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from chalicelib import config
from tests.shop_world import World, build_world

SHOP = "/shop/demo"


@pytest.fixture
def world(api) -> World:
    return build_world()


def checkout(api, world: World, host: str):
    """A guest's checkout of one seat, every request sent with this Host header."""

    def post(path: str, body=None, token: str | None = None):
        headers = {"Content-Type": "application/json", "Host": host}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return api.http.post(path, headers=headers, body=json.dumps(body) if body is not None else None)

    token = post(f"{SHOP}/guest").json_body["token"]
    cart_id = post(f"{SHOP}/pos/WEB1/carts", token=token).json_body["cart_id"]
    held = post(
        f"{SHOP}/carts/{cart_id}/holds",
        {"performance_id": world.performance_id, "seat_ids": [world.seat("L", "B", 4)]},
        token,
    )
    assert held.status_code == 201, held.json_body
    return post(f"{SHOP}/carts/{cart_id}/checkout", {"email": "ann@example.com", "name": "Ann"}, token)


@pytest.fixture
def deployed(monkeypatch):
    """As on AWS Lambda: the runtime names the function."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "guichet-prod-api")
    monkeypatch.setenv("GUICHET_PUBLIC_URL", "https://tickets.example.org/")
    config.reset()
    config.settings()  # read now: chalice.test sets the dev stage's variables during each request
    yield
    monkeypatch.undo()
    config.reset()


def test_a_deployed_stack_builds_the_payment_url_from_its_public_url_whatever_the_host(api, world, deployed):
    response = checkout(api, world, "evil.example")

    assert response.status_code == 201, response.json_body
    url = urlsplit(response.json_body["payment_url"])
    assert (url.scheme, url.netloc) == ("https", "tickets.example.org")


def test_a_deployed_stack_without_a_public_url_refuses_to_build_one(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "guichet-prod-api")
    monkeypatch.delenv("GUICHET_PUBLIC_URL", raising=False)
    config.reset()
    config.set_request_base("https://evil.example")
    try:
        with pytest.raises(config.ConfigurationError):
            config.public_url()
    finally:
        config.set_request_base(None)
        monkeypatch.undo()
        config.reset()


def test_locally_the_payment_url_follows_the_address_called(api, world):
    response = checkout(api, world, "127.0.0.1:9000")

    assert response.status_code == 201, response.json_body
    assert urlsplit(response.json_body["payment_url"]).netloc == "127.0.0.1:9000"
