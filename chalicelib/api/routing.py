"""Declared routes with their models and rights; one wrapper parses, checks and maps errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from chalicelib import errors
from chalicelib.api import body as bodies
from chalicelib.api.errors import (
    JSON,
    domain_error_response,
    error_body,
    unexpected_error_response,
    validation_error_response,
)
from chalicelib.auth import service as auth
from chalicelib.auth.model import Right


class Body(BaseModel):
    """Base of request models: unknown fields are refused, so a client sets only what it owns."""

    # defer_build: validators are built on first use, not at import (the Lambda cold start)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Out(BaseModel):
    """Base of response models."""

    model_config = ConfigDict(defer_build=True)


PUBLIC = None
# A longer id cannot exist, and DynamoDB refuses keys over 1,024 bytes (a 500 otherwise).
MAX_PATH_PARAMETER = 100
ANY_OPERATOR = "any-operator"
SHOPPER = "shopper"
BUYER = "buyer"  # a shopper with an account or a guest session


@dataclass
class RouteSpec:
    path: str
    method: str
    name: str
    summary: str
    tag: str
    auth: Right | tuple[Right, ...] | str | None
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    produces: str = "application/json"
    idempotent: bool = False  # takes an Idempotency-Key header, passed as `idempotency_key`
    max_body: int = bodies.MAX_BODY  # bytes; larger bodies are refused with 413

    @functools.cached_property
    def adapter(self) -> TypeAdapter | None:
        return TypeAdapter(self.response) if self.response is not None else None


ROUTES: list[RouteSpec] = []


def _authenticate(request: Any, spec: RouteSpec, params: dict[str, str]) -> Any:
    if spec.auth is PUBLIC:
        return None
    token = auth.bearer_token(request.headers.get("authorization"))
    if spec.auth == SHOPPER:
        return auth.shopper_from_token(token, params["org_id"])
    if spec.auth == BUYER:
        return auth.buyer_from_token(token, params["org_id"])
    caller = auth.operator_from_token(token)
    if isinstance(spec.auth, Right):
        auth.require(caller, spec.auth)
    elif isinstance(spec.auth, tuple):
        auth.require(caller, *spec.auth)
    return caller


def _check_path_parameters(params: dict[str, str]) -> None:
    for name, value in params.items():
        if len(value) > MAX_PATH_PARAMETER:
            raise errors.NotFound(
                f"No {name} is that long", {name: value[:50], "max_length": MAX_PATH_PARAMETER}
            )


MAX_IDEMPOTENCY_KEY = 200


def _idempotency_key(request: Any) -> str | None:
    key = (request.headers.get("idempotency-key") or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise errors.InvalidInput(
            "The Idempotency-Key header is too long",
            {"field": "Idempotency-Key", "max_length": MAX_IDEMPOTENCY_KEY},
        )
    return key or None


def _parse_query(request: Any, model: type[BaseModel]) -> BaseModel:
    return model.model_validate(dict(request.query_params or {}))


def _respond(spec: RouteSpec, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    adapter = spec.adapter
    if adapter is None or result is None:
        return Response("", status_code=204 if spec.status == 200 else spec.status)
    return Response(adapter.dump_python(result, mode="json"), status_code=spec.status, headers=JSON)


def _handle(bp: Blueprint, spec: RouteSpec, fn: Callable[..., Any], params: dict[str, str]):
    request = bp.current_request
    try:
        bodies.check_envelope(request, spec.max_body, expects_json=spec.body is not None)
        caller = _authenticate(request, spec, params)
        _check_path_parameters(params)
        kwargs: dict[str, Any] = dict(params)
        where = "body"
        if spec.body is not None:
            kwargs["body"] = bodies.parse(request, spec.body)
        where = "query"
        if spec.query is not None:
            kwargs["query"] = _parse_query(request, spec.query)
        if spec.idempotent:
            kwargs["idempotency_key"] = _idempotency_key(request)
        where = "request"
        return _respond(spec, fn(caller, **kwargs))
    except ValidationError as exc:
        return validation_error_response(exc, where)
    except errors.DomainError as exc:
        return domain_error_response(exc)
    except Exception:  # noqa: BLE001 - the last guard: no traceback reaches a client
        return unexpected_error_response()


class Api:
    """A Chalice blueprint whose routes are declared with their models and rights."""

    def __init__(self, import_name: str, tag: str, shared_catalog_reads: bool = False) -> None:
        """`shared_catalog_reads`: each request reads a catalog item once however often it asks."""
        self.blueprint = Blueprint(import_name)
        self.tag = tag
        self.shared_catalog_reads = shared_catalog_reads

    def route(
        self,
        path: str,
        method: str = "GET",
        *,
        summary: str,
        auth: Right | tuple[Right, ...] | str | None,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        produces: str = "application/json",
        idempotent: bool = False,
        max_body: int = bodies.MAX_BODY,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            spec = RouteSpec(
                path,
                method,
                fn.__name__,
                summary,
                self.tag,
                auth,
                body,
                query,
                response,
                status,
                produces,
                idempotent,
                max_body,
            )
            ROUTES.append(spec)
            bp = self.blueprint

            shared = self.shared_catalog_reads

            def view(**params: str) -> Response:
                if not shared:
                    return _handle(bp, spec, fn, params)
                from chalicelib.catalog.service import shared_reads

                with shared_reads():
                    return _handle(bp, spec, fn, params)

            view.__name__ = fn.__name__
            # Any content type reaches the view: the body parser answers 415 in the documented shape.
            bp.route(path, methods=[method], content_types=["*/*"])(view)
            return fn

        return register


def not_found_response(message: str) -> Response:
    return Response(error_body("not_found", message), status_code=404, headers=JSON)
