"""Routes about the service itself: health, the OpenAPI document, the admin web page's files."""

from __future__ import annotations

import functools
import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from chalice import Response

from chalicelib.api import openapi
from chalicelib.api.conditional import conditional
from chalicelib.api.routing import PUBLIC, ROUTES, Api, Out
from chalicelib.errors import NotFound

ADMIN_DIR = Path(__file__).resolve().parent.parent / "admin"
# The page runs only its own files: no inline script or style, no other origin, never in a frame.
# The option summary's PDF opens in a new tab from a blob: URL, whose document inherits this policy:
# object-src blob: lets the browser's PDF viewer show it (only the page's own scripts make blob: URLs).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src blob:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}

# The page itself is revalidated on every load (a 304 when unchanged); the files it links carry the
# admin files' digest in their URL, so they are kept for a year and never asked for again.
REVALIDATE = "no-cache"
FOREVER = "public, max-age=31536000, immutable"

api = Api(__name__, tag="service")
blueprint = api.blueprint


class HealthOut(Out):
    status: str


@api.route("/health", summary="Is the API up", auth=PUBLIC, response=HealthOut)
def health(_caller: None) -> HealthOut:
    return HealthOut(status="ok")


@api.route("/openapi.json", summary="This API's OpenAPI 3.1 document", auth=PUBLIC, response=dict[str, Any])
def openapi_document(_caller: None) -> dict[str, Any]:
    return _document()


@functools.cache
def _document() -> dict[str, Any]:
    return openapi.document(ROUTES)


@functools.cache
def _admin_files() -> dict[str, Path]:
    """The page's files by name: a requested name is looked up here, never turned into a path."""
    return {path.name: path for path in ADMIN_DIR.iterdir() if path.is_file()}


@functools.cache
def admin_version() -> str:
    """A digest of every admin file: the page links its files under it, so a change is a new URL."""
    digest = hashlib.sha256()
    for name, path in sorted(_admin_files().items()):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def _admin_file(name: str) -> tuple[str, str]:
    path = _admin_files().get(name)
    if path is None:
        raise NotFound(f"No admin file {name[:100]}", {"file": name[:100]})
    kind = mimetypes.guess_type(path.name)[0] or "text/plain"
    body = path.read_text(encoding="utf-8")
    if name == "index.html":
        # Relative links "admin/x" become "admin/v/<version>/x"; modules import each other relatively,
        # so every file of one page load comes from the same version.
        body = body.replace('="admin/', f'="admin/v/{admin_version()}/')
    return body, kind


def _static(name: str, cache_control: str) -> Response:
    body, kind = _admin_file(name)
    headers = {"Content-Type": f"{kind}; charset=utf-8", "Cache-Control": cache_control, **SECURITY_HEADERS}
    return conditional(blueprint.current_request.headers, body, headers)


@api.route("/admin", summary="The admin web page", auth=PUBLIC, produces="text/html")
def admin_page(_caller: None) -> Response:
    return _static("index.html", REVALIDATE)


@api.route("/admin/{asset}", summary="A file of the admin web page", auth=PUBLIC, produces="text/plain")
def admin_asset(_caller: None, asset: str) -> Response:
    return _static(asset, REVALIDATE)


@api.route(
    "/admin/v/{version}/{asset}",
    summary="A file of the admin web page, at a version that never changes (cached for a year)",
    auth=PUBLIC,
    produces="text/plain",
)
def admin_versioned_asset(_caller: None, version: str, asset: str) -> Response:
    # A page of an older version may still ask: it gets today's file, not cached for long.
    return _static(asset, FOREVER if version == admin_version() else REVALIDATE)
