"""Conditional GETs: an ETag from an answer's bytes, and 304 Not Modified when the client has them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from chalice import Response
from pydantic import BaseModel


def etag_of(body: str) -> str:
    """A weak validator: the same JSON or file, whatever its transfer encoding (gzip or not)."""
    return f'W/"{hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]}"'


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def not_modified(request_headers: Mapping[str, str] | None, etag: str) -> bool:
    """RFC 9110's weak comparison of If-None-Match against the answer's ETag ("*" matches any)."""
    value = (request_headers or {}).get("if-none-match") or ""
    tags = [tag.strip() for tag in value.split(",") if tag.strip()]
    return "*" in tags or _opaque(etag) in {_opaque(tag) for tag in tags}


def conditional(
    request_headers: Mapping[str, str] | None,
    body: str,
    headers: Mapping[str, str],
    status: int = 200,
) -> Response:
    """`body` with its ETag, or an empty 304 carrying the same validators when the client holds it.

    Bodies stay text: Chalice leaves bytes of a non-binary type undecoded, which Lambda cannot return.
    """
    etag = etag_of(body)
    answer_headers = {**headers, "ETag": etag}
    if status == 200 and not_modified(request_headers, etag):
        return Response("", status_code=304, headers=answer_headers)
    return Response(body, status_code=status, headers=answer_headers)


# The browser keeps the answer for this operator only and asks again each time with If-None-Match.
PRIVATE_REVALIDATE = {"Content-Type": "application/json", "Cache-Control": "private, no-cache"}


def conditional_json(request_headers: Mapping[str, str] | None, answer: BaseModel) -> Response:
    """A JSON answer that a client holding the same one gets as an empty 304."""
    return conditional(request_headers, answer.model_dump_json(), PRIVATE_REVALIDATE)
