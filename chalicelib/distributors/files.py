"""Distributors' files in the stack's S3 bucket: allotment exports written, sales files dropped or
uploaded. Keys: `distributors/<org>/<interface>/<folder>/<name>`; folders `exports`, `inbox` (sales files
to take), `taken` (sales files read)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from chalicelib.config import settings
from chalicelib.distributors.categories import TechnicalError

EXPORTS, INBOX, TAKEN = "exports", "inbox", "taken"


def key(org_id: str, interface_id: str, folder: str, name: str = "") -> str:
    return f"distributors/{org_id}/{interface_id}/{folder}/{name}"


@functools.cache
def _client(region: str, endpoint: str | None) -> Any:
    import boto3  # on first use: importing the app must not cost it

    return boto3.client("s3", region_name=region, endpoint_url=endpoint)


def _s3() -> Any:
    current = settings()
    return _client(current.region, current.aws_endpoint)


def _failed(action: str, name: str, exc: Exception) -> TechnicalError:
    return TechnicalError(f"S3 did not {action} {name}: {type(exc).__name__}", {"file": name})


def put_text(name: str, text: str, content_type: str = "text/plain; charset=utf-8") -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        _s3().put_object(
            Bucket=settings().files_bucket, Key=name, Body=text.encode(), ContentType=content_type
        )
    except (BotoCoreError, ClientError) as exc:
        raise _failed("write", name, exc) from exc


def get_text(name: str) -> str:
    """The file as text (UTF-8, a BOM dropped); TechnicalError when it cannot be read."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        body = _s3().get_object(Bucket=settings().files_bucket, Key=name)["Body"].read()
    except (BotoCoreError, ClientError) as exc:
        raise _failed("read", name, exc) from exc
    return body.decode("utf-8-sig", errors="replace")


def exists(name: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        _s3().head_object(Bucket=settings().files_bucket, Key=name)
    except ClientError:
        return False
    return True


def list_names(prefix: str) -> Iterator[str]:
    """The keys under `prefix`, oldest name first within each page (S3 lists in key order)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        pages = _s3().get_paginator("list_objects_v2").paginate(Bucket=settings().files_bucket, Prefix=prefix)
        for page in pages:
            for entry in page.get("Contents", []):
                yield entry["Key"]
    except (BotoCoreError, ClientError) as exc:
        raise _failed("list", prefix, exc) from exc


def move(name: str, new_name: str) -> None:
    """Copy then delete: a crash between the two leaves the file in both places, and the reader of the
    first place knows it by the record it keeps of files taken."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket = settings().files_bucket
    try:
        _s3().copy_object(Bucket=bucket, Key=new_name, CopySource={"Bucket": bucket, "Key": name})
        _s3().delete_object(Bucket=bucket, Key=name)
    except (BotoCoreError, ClientError) as exc:
        raise _failed("move", name, exc) from exc
