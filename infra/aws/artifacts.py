"""The `aws cloudformation package` step: upload local code zips and the template to S3."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

# SAM resource type -> the property naming a local artifact that must be in S3 before deploying.
ARTIFACT_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def upload_file(s3: Any, path: Path, bucket: str, key: str) -> None:
    """Upload unless an object with this content-addressed key is already there."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
        s3.upload_file(str(path), bucket, key)


def local_artifact(value: Any, base: Path) -> Path | None:
    if not isinstance(value, str) or value.startswith("s3://"):
        return None
    return (base / value).resolve()


def upload_artifacts(
    template: dict[str, Any], base: Path, s3: Any, bucket: str, prefix: str
) -> dict[str, Any]:
    """A copy of `template` whose local CodeUri/ContentUri point at their uploaded objects."""
    packaged = json.loads(json.dumps(template))
    uploaded: dict[Path, str] = {}
    for resource in packaged.get("Resources", {}).values():
        prop = ARTIFACT_PROPERTIES.get(resource.get("Type", ""))
        path = local_artifact(resource.get("Properties", {}).get(prop), base) if prop else None
        if path is None:
            continue
        if path not in uploaded:
            if not path.is_file():
                raise FileNotFoundError(f"{prop} names {path}, which does not exist; run the package step")
            key = f"{prefix}/{digest(path)}{path.suffix}"
            upload_file(s3, path, bucket, key)
            uploaded[path] = f"s3://{bucket}/{key}"
        resource["Properties"][prop] = uploaded[path]
    return packaged


def upload_template(template: dict[str, Any], s3: Any, bucket: str, prefix: str) -> str:
    """Upload the template (chalice's inlined API definition outgrows TemplateBody's 51,200 bytes).

    Returns a path-style URL, as `aws cloudformation deploy` builds it from the client's endpoint.
    """
    body = json.dumps(template, indent=1).encode()
    key = f"{prefix}/template-{hashlib.sha256(body).hexdigest()}.json"
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return f"{s3.meta.endpoint_url}/{bucket}/{key}"
