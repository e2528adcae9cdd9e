"""Fixtures for the moto tiers: tables made from the models, an organisation, tokens, an API client."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from chalicelib import config
from chalicelib.db.tables import TABLES, create_tables

ORG = "demo"
ADMIN = "admin"
ADMIN_PASSWORD = "admin-password"


@pytest.fixture
def aws():
    """moto for everything; every table created from the models, empty for each test."""
    config.reset()
    with mock_aws():
        for model in TABLES:
            model._connection = None
        create_tables(boto3.client("dynamodb"))
        yield


@pytest.fixture
def organisation(aws):
    from chalicelib.auth import service

    service.create_organisation(ORG, "Demo Theatre", ADMIN, ADMIN_PASSWORD)
    return ORG


def json_headers(token: str | None = None) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


class Api:
    """A chalice.test client that speaks JSON, with the caller's token."""

    def __init__(self, http) -> None:
        self.http = http

    def call(self, method: str, path: str, body=None, token: str | None = None, raw: str | None = None):
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"headers": json_headers(token)}
        if payload is not None:
            kwargs["body"] = payload
        return getattr(self.http, method.lower())(path, **kwargs)

    def login(self, login: str = ADMIN, password: str = ADMIN_PASSWORD, org: str = ORG) -> str:
        response = self.call(
            "POST", "/backoffice/login", {"org_id": org, "login": login, "password": password}
        )
        assert response.status_code == 200, response.json_body
        return response.json_body["token"]


@pytest.fixture
def api(organisation):
    from chalice.test import Client

    from app import app

    with Client(app) as client:
        yield Api(client.http)
