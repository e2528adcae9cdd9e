"""Interface passwords in AWS Secrets Manager: one secret per interface, never stored in a table."""

from __future__ import annotations

import functools
from typing import Any

from chalicelib.config import settings
from chalicelib.errors import TransientStoreError
from chalicelib.observability import logger


def secret_name(org_id: str, interface_id: str) -> str:
    """`<stack prefix>distributors/<org>/<interface>`: the stack's IAM policy grants this prefix only."""
    return f"{settings().table_prefix}distributors/{org_id}/{interface_id}"


@functools.cache
def _client(region: str, endpoint: str | None) -> Any:
    import boto3  # on first use: importing the app must not cost it

    return boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint)


def _secrets() -> Any:
    current = settings()
    return _client(current.region, current.aws_endpoint)


def _failed(exc: Exception) -> TransientStoreError:
    return TransientStoreError(f"Secrets Manager did not answer: {type(exc).__name__}")


def save_password(org_id: str, interface_id: str, password: str) -> None:
    """Create the interface's secret, or give the existing one a new value."""
    from botocore.exceptions import BotoCoreError, ClientError

    client, name = _secrets(), secret_name(org_id, interface_id)
    try:
        try:
            client.put_secret_value(SecretId=name, SecretString=password)
        except client.exceptions.ResourceNotFoundException:
            client.create_secret(Name=name, SecretString=password)
    except (BotoCoreError, ClientError) as exc:
        raise _failed(exc) from exc


def read_password(org_id: str, interface_id: str) -> str | None:
    """The password the adapters log in with (None when none is set)."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = _secrets()
    try:
        return client.get_secret_value(SecretId=secret_name(org_id, interface_id))["SecretString"]
    except client.exceptions.ResourceNotFoundException:
        return None
    except (BotoCoreError, ClientError) as exc:
        raise _failed(exc) from exc


def delete_password(org_id: str, interface_id: str) -> None:
    """Delete the secret at once (no recovery window); none there is not a failure."""
    from botocore.exceptions import BotoCoreError, ClientError

    client, name = _secrets(), secret_name(org_id, interface_id)
    try:
        client.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    except client.exceptions.ResourceNotFoundException:
        return
    except (BotoCoreError, ClientError) as exc:
        logger.error("interface secret not deleted", extra={"secret": name})
        raise _failed(exc) from exc
