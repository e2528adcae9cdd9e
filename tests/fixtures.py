"""Fixtures for the moto tiers: tables made from the models, an organisation, tokens, an API client."""

from __future__ import annotations

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
