"""The one mapping from domain errors to HTTP responses; unexpected errors never leak a traceback."""

from __future__ import annotations

from typing import Any

from chalice import Response
from pydantic import ValidationError

from chalicelib import errors
from chalicelib.observability import logger

STATUS = {
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.MethodNotAllowed: 405,
    errors.NotAcceptable: 406,
    errors.InvalidInput: 422,
    errors.NotAuthenticated: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooManyRequests: 429,
    errors.TransientStoreError: 503,
    errors.DomainError: 400,
}

JSON = {"Content-Type": "application/json"}


def status_of(error: errors.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


def domain_error_response(error: errors.DomainError, headers: dict[str, str] | None = None) -> Response:
    status = status_of(error)
    if status >= 500:
        logger.warning("transient failure", extra={"code": error.code})
    return Response(
        error_body(error.code, error.message, error.details),
        status_code=status,
        headers={**JSON, **(headers or {})},
    )


# Chalice answers a few requests itself, before any view, as {"Code", "Message"}.
CHALICE_ERRORS: dict[str, type[errors.DomainError]] = {
    "MethodNotAllowedError": errors.MethodNotAllowed,
    "UnsupportedMediaType": errors.UnsupportedMediaType,
    "BadRequest": errors.NotAcceptable,  # a binary answer the Accept header does not take
}


def in_our_shape(response: Response) -> Response:
    """Chalice's own error answers (405, 415, binary 400, 500) in the documented shape."""
    body = response.body
    if not (isinstance(body, dict) and set(body) == {"Code", "Message"}):
        return response
    kind = CHALICE_ERRORS.get(str(body["Code"]))
    if kind is None:
        return internal_error_response()  # chalice logged it
    headers = {name: value for name, value in response.headers.items() if name.lower() == "allow"}
    details = {"allowed_methods": headers["Allow"].split(", ")} if "Allow" in headers else {}
    return domain_error_response(kind(str(body["Message"]), details), headers)


def validation_error_response(error: ValidationError, where: str) -> Response:
    fields = [
        {
            "field": ".".join(str(part) for part in issue["loc"]) or where,
            "reason": issue["msg"],
            "type": issue["type"],
        }
        for issue in error.errors(include_url=False, include_input=False)
    ]
    summary = "; ".join(f"{f['field']}: {f['reason']}" for f in fields[:5])
    return Response(
        error_body("invalid_input", f"Invalid {where}: {summary}", {"in": where, "fields": fields}),
        status_code=422,
        headers=JSON,
    )


def unexpected_error_response() -> Response:
    logger.exception("unexpected error")
    return internal_error_response()


def internal_error_response() -> Response:
    return Response(
        error_body("internal_error", "Something went wrong on our side; it has been logged."),
        status_code=500,
        headers=JSON,
    )
