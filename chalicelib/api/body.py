"""The one request body parser: size, media type, JSON shape limits, control characters, strict types."""

from __future__ import annotations

import re
from typing import Any

import pydantic_core
from pydantic import BaseModel

from chalicelib import errors

MAX_BODY = 1024 * 1024
LARGE_BODY = 5 * MAX_BODY  # a seating plan file: 20,000 seats as JSON pass 1 MB
MAX_DEPTH = 32
MAX_KEYS = 1000  # in one JSON object
# Never in any text: C0 controls but tab and line breaks, DEL, C1 controls, and the bidirectional
# overrides and isolates that make a name display otherwise than it reads.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Names are one line: no tab or line break either (free text such as a note or a CSV file may have them).
LINE_BREAK = re.compile("[\t\n\r\x85\u2028\u2029]")
SINGLE_LINE_FIELDS = frozenset({"name", "login", "email", "code", "title", "reference", "label"})


def check_envelope(request: Any, limit: int, expects_json: bool) -> None:
    """What is refused before the caller is even known: too large a body, a body that is not JSON."""
    size = len(request.raw_body or b"")
    if size > limit:
        raise errors.PayloadTooLarge(
            f"The request body is {size:,} bytes; the limit is {limit:,}",
            {"in": "body", "size": size, "max_size": limit},
        )
    content_type = request.headers.get("content-type")
    if not expects_json or content_type is None:
        return
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise errors.UnsupportedMediaType(
            f"Send the body as application/json, not {media[:100] or 'an empty type'}",
            {"in": "body", "content_type": media[:100], "expected": "application/json"},
        )


def parse(request: Any, model: type[BaseModel]) -> BaseModel:
    """The body as `model`, in strict mode: "1" is no integer, "yes" no boolean, 1 no string.

    Validated from the JSON text, so dates, times and enums still come from their JSON strings.
    """
    raw = request.raw_body or b""
    if not raw.strip():
        raw = b"{}"
    try:
        data = pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError as exc:
        if "recursion limit" in str(exc):
            raise _too_deep() from None
        raise errors.MalformedBody("The request body is not valid JSON", {"in": "body"}) from None
    if data is None:
        raw = b"{}"
    check_shape(data)
    return model.model_validate_json(raw, strict=True)


def check_shape(data: Any) -> None:
    """Depth and key count within limits, and no control character in any key or text."""
    if not _within_limits(data):
        _locate_problem(data)


def _within_limits(data: Any) -> bool:
    """The fast pass, without paths (a 20,000-seat plan is 140,000 values): is all well?"""
    pending: list[tuple[Any, int, bool]] = [(data, 1, False)]
    while pending:
        value, depth, single_line = pending.pop()
        kind = type(value)
        if kind is str:
            if CONTROL.search(value) or (single_line and LINE_BREAK.search(value)):
                return False
        elif kind is list:
            if depth > MAX_DEPTH:
                return False
            pending.extend((item, depth + 1, single_line) for item in value if type(item) in NESTED)
        elif kind is dict:
            if depth > MAX_DEPTH or len(value) > MAX_KEYS:
                return False
            for key, item in value.items():
                if CONTROL.search(key):
                    return False
                if type(item) in NESTED:
                    pending.append((item, depth + 1, _single_line_field(key)))
    return True


NESTED = (str, list, dict)


def _locate_problem(data: Any) -> None:
    """The slow pass, with paths: raises the error naming where the first problem is."""
    pending: list[tuple[Any, int, tuple[str | int, ...]]] = [(data, 1, ())]
    while pending:
        value, depth, path = pending.pop()
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise _too_deep()
            if isinstance(value, list):
                pending.extend((item, depth + 1, (*path, n)) for n, item in enumerate(value))
                continue
            if len(value) > MAX_KEYS:
                raise errors.BodyTooComplex(
                    f"An object of the body has {len(value):,} keys; the limit is {MAX_KEYS:,}",
                    {"in": "body", "field": _dotted(path), "max_keys": MAX_KEYS},
                )
            for key, item in value.items():
                _check_text(key, (*path, key), is_key=True)
                pending.append((item, depth + 1, (*path, key)))


def _check_text(text: str, path: tuple[str | int, ...], is_key: bool = False) -> None:
    if CONTROL.search(text):
        reason = "control characters are not allowed"
    elif not is_key and _single_line(path) and LINE_BREAK.search(text):
        reason = "a name is one line: no tab or line break"
    else:
        return
    field = _dotted(path)
    raise errors.InvalidInput(
        f"Invalid body: {field}: {reason}",
        {"in": "body", "fields": [{"field": field, "reason": reason, "type": "control_character"}]},
    )


def _single_line(path: tuple[str | int, ...]) -> bool:
    return _single_line_field(next((part for part in reversed(path) if isinstance(part, str)), ""))


def _single_line_field(name: str) -> bool:
    return name in SINGLE_LINE_FIELDS or name.endswith("_name")


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path) or "body"


def _too_deep() -> errors.BodyTooComplex:
    return errors.BodyTooComplex(
        f"The body is nested more than {MAX_DEPTH} levels deep", {"in": "body", "max_depth": MAX_DEPTH}
    )
