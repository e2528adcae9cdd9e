"""Chalice's local gateway (`chalice local`, chalice.test) answering as the deployed API Gateway does.

Two things the deployed stack's API Gateway does that chalice's emulation does not:
- an unknown route: the stack's MISSING_AUTHENTICATION_TOKEN gateway response answers 404 in the
  documented error shape (chalice answers 403 {"message": "Missing Authentication Token"});
- compression: answers of at least `minimum_compression_size` bytes (.chalice/config.json) go out
  gzip-compressed to a client that accepts gzip.

Run as a script, it is the `chalice` command with both in place (the local stack starts it).
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
from collections.abc import Mapping
from typing import Any

from chalice import local

# The same body as the stack's gateway response (API Gateway knows no route there, so no path is echoed).
NOT_FOUND_BODY = json.dumps(
    {"code": "not_found", "message": "No route answers this method and path", "details": {}}
)


def install() -> None:
    """Patch chalice's LocalGateway, once per process."""
    if getattr(local.LocalGateway, "guichet_gateway", False):
        return
    original = local.LocalGateway.handle_request

    def handle_request(self: Any, method: str, path: str, headers: dict[str, str], body: Any) -> Any:
        try:
            response = original(self, method, path, headers, body)
        except local.ForbiddenError:
            if _has_route(self, path):
                raise  # an authorizer's refusal (the app has none today) stays as it is
            response = not_found()
        return compressed(response, headers, self._config.minimum_compression_size)

    local.LocalGateway.handle_request = handle_request
    local.LocalGateway.guichet_gateway = True


def _has_route(gateway: Any, path: str) -> bool:
    try:
        gateway.event_converter.create_lambda_event(method="GET", path=path, headers={})
    except ValueError:
        return False
    return True


def not_found() -> dict[str, Any]:
    return {
        "statusCode": 404,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "body": NOT_FOUND_BODY,
    }


def compressed(response: dict[str, Any], headers: Mapping[str, str], minimum: int | None) -> dict[str, Any]:
    """The answer gzipped as API Gateway does: at least `minimum` bytes and a client that takes gzip."""
    body = response.get("body")
    if minimum is None or body is None or not accepts_gzip(headers):
        return response
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else _bytes(body)
    if len(raw) < minimum:
        return response
    answer_headers = {**response["headers"], "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return {
        **response,
        "headers": answer_headers,
        "body": base64.b64encode(gzip.compress(raw)).decode("ascii"),
        "isBase64Encoded": True,
    }


def accepts_gzip(headers: Mapping[str, str]) -> bool:
    value = next((v for k, v in headers.items() if k.lower() == "accept-encoding"), "")
    for part in value.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def _bytes(body: str | bytes) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8")


if __name__ == "__main__":
    import chalice_cli  # the chalice command with its own fix; this file's directory is on sys.path

    install()
    sys.exit(chalice_cli.main())
