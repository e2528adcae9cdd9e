"""Base model whose table name, endpoint and region come from settings when first used."""

from __future__ import annotations

import functools
import threading
from decimal import Decimal
from typing import Any

import botocore.session
import pynamodb.connection.base
from pynamodb.connection import Connection
from pynamodb.models import Model

from chalicelib.config import settings

_sessions = threading.local()


def _shared_session() -> botocore.session.Session:
    """One botocore session per thread for every PynamoDB connection of the process.

    PynamoDB gives each model's connection a botocore session of its own, and each new session parses
    botocore's service data again (about 0.1 s of CPU): a cold Lambda instance serving one sale would
    pay that for some fifteen models. A shared session (what boto3's default session is) sends the
    same requests.
    """
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = botocore.session.get_session()
    return session


pynamodb.connection.base.get_session = _shared_session


class TableMeta(type):
    """Metaclass of a model's Meta: the physical table name depends on the stage's prefix."""

    logical_name: str

    @property
    def table_name(cls) -> str:
        return settings().table_prefix + cls.logical_name

    @property
    def host(cls) -> str | None:
        return settings().dynamodb_endpoint

    @property
    def region(cls) -> str:
        return settings().region


def connection() -> Connection:
    """A low-level connection for transactions spanning several models; one per endpoint."""
    return _connection(settings().region, settings().dynamodb_endpoint)


@functools.cache
def _connection(region: str, host: str | None) -> Connection:
    # A Connection builds its botocore client (~85 ms of CPU) on first use: never one per transaction.
    return Connection(region=region, host=host)


class TableModel(Model):
    """Base of every table's root model; subclasses declare `class Meta(metaclass=TableMeta)`."""

    class Meta(metaclass=TableMeta):
        logical_name = "_abstract"


def plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; give callers ints and floats (in maps and lists too)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
