"""Create the first organisation and its administrator in a deployed stack's tables."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

from pydantic import TypeAdapter, ValidationError

from chalicelib import config
from chalicelib.api.accounts_models import Password, Slug
from chalicelib.db.tables import TABLES
from infra.aws.deploy import DeployError, session_for, stack_outputs

PASSWORD_ENV = "GUICHET_ADMIN_PASSWORD"
# Variables that point the code at the local stack; the cloud tables are reached the ordinary way.
LOCAL_ONLY = ("GUICHET_DYNAMODB_ENDPOINT", "GUICHET_AWS_ENDPOINT")


def validated(kind: str, value: str, field: object) -> str:
    """Checked by the same rules as the API's, so the operator can log in through it."""
    try:
        return TypeAdapter(Annotated[str, field]).validate_python(value)
    except ValidationError as exc:
        raise DeployError(f"Invalid {kind}: {exc.errors()[0]['msg']}") from exc


def read_password() -> str:
    """From GUICHET_ADMIN_PASSWORD (scripts), else asked twice at the prompt."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Administrator password: ")
    if getpass.getpass("Same password again: ") != first:
        raise DeployError("The two passwords differ")
    return first


def point_at_stack(table_prefix: str, region: str) -> None:
    """Make chalicelib's settings name this stack's tables, as the stack's functions see them."""
    for name in LOCAL_ONLY:
        os.environ.pop(name, None)
    os.environ.update(
        {"GUICHET_TABLE_PREFIX": table_prefix, "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    )
    config.reset()
    for model in TABLES:
        model._connection = None  # a connection made under other settings would keep their region


def bootstrap(
    stack: str,
    org: str,
    login: str,
    name: str | None = None,
    region: str | None = None,
    password: str | None = None,
) -> bool:
    """True when the organisation was created, False when it existed (its administrator is ensured)."""
    org, login = validated("organisation id", org, Slug), validated("login", login, Slug)
    session = session_for(region)
    outputs = stack_outputs(session.client("cloudformation"), stack)
    if "TablePrefix" not in outputs:
        raise DeployError(f"Stack {stack} has no TablePrefix output: is it a guichet stack, fully deployed?")
    secret = validated("password", password or read_password(), Password)
    point_at_stack(outputs["TablePrefix"], session.region_name)
    from chalicelib.auth import service

    return service.create_organisation(org, name or org, login, secret)
