"""The file adapter: a distributor that is sent its allotment as files (a CSV and a JSON file in S3)
and drops its sales as files (taken from the interface's inbox by the sales reintegration, not here)."""

from __future__ import annotations

from typing import Any

from chalicelib.config import settings
from chalicelib.distributors import files
from chalicelib.distributors.adapters import (
    SUPPORTS,
    Allotment,
    DistributorCounts,
    ExportReceipt,
    SalesPage,
)
from chalicelib.distributors.allotment_files import allotment_csv, allotment_json
from chalicelib.distributors.categories import TechnicalError
from chalicelib.distributors.model import AdapterKind, Interface

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"


def export_name(version: int, extension: str) -> str:
    return f"allotment-v{version}.{extension}"


class FileAdapter:
    kind = AdapterKind.FILE
    supports = SUPPORTS[AdapterKind.FILE]

    def __init__(self, org_id: str, interface: Interface) -> None:
        self.org_id = org_id
        self.interface = interface
        self.url = (interface.data.get("connection") or {}).get("url") or ""

    def export_key(self, version: int, extension: str) -> tuple[str | None, str]:
        """(bucket, key) of an export file: the stack's bucket under the interface's exports folder, or
        the interface's `s3://bucket/prefix` (bucket None: the stack's)."""
        name = export_name(version, extension)
        if not self.url:
            return None, files.key(self.org_id, self.interface.id, files.EXPORTS, name)
        bucket, _, prefix = self.url.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        key = f"{prefix}/{name}" if prefix else name
        return (None if bucket == settings().files_bucket else bucket), key

    def export_allotment(self, allotment: Allotment) -> ExportReceipt:
        """Both files written (CSV, then JSON: a reader waiting for the JSON finds the CSV there); the
        keys are the receipt's reference. TechnicalError when S3 does not take them."""
        written = []
        for extension, text, content_type in (
            ("csv", allotment_csv(allotment), CSV_TYPE),
            ("json", allotment_json(allotment), JSON_TYPE),
        ):
            bucket, key = self.export_key(allotment.version, extension)
            _put(bucket, key, text, content_type)
            written.append(key if bucket is None else f"s3://{bucket}/{key}")
        accepted = sum(place.places for place in allotment.places)
        return ExportReceipt(accepted=accepted, reference=" ".join(written))

    def pull_sales(self, cursor: str | None, limit: int) -> SalesPage:
        raise TechnicalError(
            "A file interface's sales are taken from its inbox of sales files (the sales reintegration "
            "reads them), not pulled",
            {"adapter": AdapterKind.FILE.value, "reason": "file_sales_come_from_inbox"},
        )

    def read_counts(self, distributor_performance_ids: list[str]) -> list[DistributorCounts]:
        raise TechnicalError(
            "A file distributor reports no counts; its sales are taken from its inbox of sales files",
            {"adapter": AdapterKind.FILE.value, "reason": "file_sales_come_from_inbox"},
        )


def _put(bucket: str | None, key: str, text: str, content_type: str) -> None:
    if bucket is None:
        files.put_text(key, text, content_type)
        return
    _put_elsewhere(bucket, key, text, content_type)


def _put_elsewhere(bucket: str, key: str, text: str, content_type: str) -> None:
    """A file to another bucket than the stack's (an interface's s3:// url)."""
    from botocore.exceptions import BotoCoreError, ClientError

    client: Any = files._s3()  # the stack's S3 client: files.put_text writes to its bucket only
    try:
        client.put_object(Bucket=bucket, Key=key, Body=text.encode(), ContentType=content_type)
    except (BotoCoreError, ClientError) as exc:
        raise TechnicalError(
            f"S3 did not write s3://{bucket}/{key}: {type(exc).__name__}", {"file": f"s3://{bucket}/{key}"}
        ) from exc
