"""A throttled DynamoDB read in the catalog or the accounts answers 503 in our shape, never a 500."""

from __future__ import annotations

import contextlib

from botocore.exceptions import ClientError

from chalicelib.db.accounts import OperatorItem
from chalicelib.db.catalog import CatalogItem

SEASON = {"code": "2026-27", "name": "Season 2026-2027", "starts_on": "2026-09-01", "ends_on": "2027-07-15"}


@contextlib.contextmanager
def throttled(model, operation: str):
    """Every `operation` call on the model's table is throttled by DynamoDB within the block."""

    def throttle(**_):
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, operation)

    events = model._get_connection().connection.client.meta.events
    events.register(f"before-parameter-build.dynamodb.{operation}", throttle)
    try:
        yield
    finally:
        events.unregister(f"before-parameter-build.dynamodb.{operation}", throttle)


def test_a_throttled_catalog_read_answers_503_in_our_shape(api):
    admin = api.login()
    season = api.call("POST", "/backoffice/seasons", SEASON, token=admin).json_body

    with throttled(CatalogItem, "GetItem"):
        response = api.call("GET", f"/backoffice/seasons/{season['id']}", token=admin)
    with throttled(CatalogItem, "Query"):
        listed = api.call("GET", "/backoffice/seasons", token=admin)

    assert (response.status_code, listed.status_code) == (503, 503)
    assert response.json_body["code"] == listed.json_body["code"] == "transient_store_error"
    assert set(response.json_body) == {"code", "message", "details"}


def test_a_throttled_account_read_at_log_in_answers_503(api):
    credentials = {"org_id": "demo", "login": "admin", "password": "x"}
    with throttled(OperatorItem, "GetItem"):
        response = api.call("POST", "/backoffice/login", credentials)

    assert response.status_code == 503
    assert response.json_body["code"] == "transient_store_error"
