"""Page cursors, one codec: where a page stopped (a DynamoDB LastEvaluatedKey or any JSON value) as
opaque URL-safe text and back; a cursor this API did not give is InvalidInput, never a 500."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from chalicelib.errors import InvalidInput

# What DynamoDB keys are made of here: strings and numbers.
KEY_TYPES = ("S", "N")


def foreign(field: str = "cursor") -> InvalidInput:
    return InvalidInput("The cursor is not one this API gave", {"field": field, "reason": "unknown cursor"})


def encode(position: Any) -> str | None:
    """A position as a cursor; None (no further page) for an empty one."""
    if position is None or position == {} or position == []:
        return None
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str | None, valid: Callable[[Any], bool] = lambda _: True, field: str = "cursor") -> Any:
    """The position a cursor stands for (None for no cursor); InvalidInput when it is not one of ours
    or `valid` refuses it."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
        accepted = valid(position)
    except (ValueError, TypeError, LookupError, AttributeError):  # bad base64 and UTF-8 are ValueErrors
        raise foreign(field) from None
    if not accepted:
        raise foreign(field)
    return position


def encode_key(key: dict[str, Any] | None) -> str | None:
    """A LastEvaluatedKey (attribute name -> {"S": ...} or {"N": ...}) as a cursor; None when done."""
    return encode(key or None)


def decode_key(
    cursor: str | None,
    *,
    fixed: dict[str, str] | None = None,
    valid: Callable[[dict[str, Any]], bool] = lambda _: True,
    field: str = "cursor",
) -> dict[str, Any] | None:
    """An ExclusiveStartKey from a cursor. `fixed`: string attributes it must have with these values
    (the query's partition key: a cursor cannot start a page in another organisation's items)."""

    def ours(key: Any) -> bool:
        if not (isinstance(key, dict) and key and all(_is_value(v) for v in key.values())):
            return False
        return all(key.get(name) == {"S": value} for name, value in (fixed or {}).items()) and valid(key)

    return decode(cursor, ours, field)


def _is_value(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)) in KEY_TYPES
        and isinstance(next(iter(value.values())), str)
    )
