"""Replays answered from the first run: Powertools idempotency over the idempotency table.

A request with an Idempotency-Key runs once per (scope, caller, key); a replay with the same key and
body gets the first answer, with another body a 422, while the first is still running a 409. The
business writes are exactly-once on their own (conditional writes); this makes the answers equal too.
Answers are kept compressed: an order's answer of about 2.5 KB fits in one write unit so.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import warnings
import zlib
from collections.abc import Callable
from typing import Any

from chalicelib.config import settings
from chalicelib.errors import Conflict, InvalidInput

# Answers are kept this long; a client retrying later than that starts afresh (and finds, for
# example, that its cart is already an order).
EXPIRES_AFTER_SECONDS = 24 * 3600
PACKED = "zlib"  # the one field of a kept answer: the answer's JSON, compressed, in base64


def _pack(answer: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(answer, separators=(",", ":"), default=str).encode()
    return {PACKED: base64.b64encode(zlib.compress(text, 9)).decode()}


def _unpack(kept: dict[str, Any]) -> dict[str, Any]:
    """The answer as `work()` gave it (a record kept before answers were packed is the answer)."""
    if set(kept) != {PACKED}:
        return kept
    return json.loads(zlib.decompress(base64.b64decode(kept[PACKED])))


class RequestInProgress(Conflict):
    code = "request_in_progress"


@functools.cache
def _runner(table: str, region: str, endpoint: str | None) -> tuple[Callable[..., Any], Any]:
    import boto3
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    client = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint)
    persistence = DynamoDBPersistenceLayer(table_name=table, boto3_client=client)
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="body",
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
        raise_on_no_idempotency_key=True,
    )

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
    def run(request: dict[str, Any], work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return work()

    return run, config


def once(
    scope: str,
    caller: str,
    key: str | None,
    body: dict[str, Any],
    work: Callable[[], dict[str, Any]],
    lambda_context: Any = None,
) -> dict[str, Any]:
    """`work()` once per key; without a key it simply runs (the writes stay exactly-once).

    `lambda_context`: the invocation's, so an in-progress record lapses when the Lambda times out.
    """
    if not key:
        return work()
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    from chalicelib.db.idempotency import IdempotencyTable

    config = settings()
    run, idempotency_config = _runner(
        IdempotencyTable.Meta.table_name, config.region, config.dynamodb_endpoint
    )
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        idempotency_config.register_lambda_context(lambda_context)
    digest = hashlib.sha256(f"{scope}\n{caller}\n{key}".encode()).hexdigest()
    request = {"key": digest, "body": json.loads(json.dumps(body, default=str))}
    try:
        with warnings.catch_warnings():
            # outside Lambda (chalice local, tests) there is no remaining time to register
            warnings.filterwarnings("ignore", message="Couldn't determine the remaining time left")
            return _unpack(run(request=request, work=lambda: _pack(work())))
    except IdempotencyAlreadyInProgressError as exc:
        raise RequestInProgress(
            "A request with this Idempotency-Key is still running; retry in a moment",
            {"field": "Idempotency-Key"},
        ) from exc
    except IdempotencyValidationError as exc:
        raise InvalidInput(
            "This Idempotency-Key was used with another request body", {"field": "Idempotency-Key"}
        ) from exc
