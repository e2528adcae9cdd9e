"""The OpenAPI 3.1 document, generated from the declared routes and their pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter

from chalicelib.api.body import MAX_DEPTH, MAX_KEYS
from chalicelib.api.routing import ANY_OPERATOR, BUYER, MAX_PATH_PARAMETER, PUBLIC, SHOPPER, RouteSpec

REF = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string", "description": "Stable error code; never match on the message."},
        "message": {"type": "string"},
        "details": {"type": "object"},
    },
}


def _schema(kind: Any, components: dict[str, Any]) -> dict[str, Any]:
    schema = TypeAdapter(kind).json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    if schema.get("title") and schema.get("type") == "object" and hasattr(kind, "__name__"):
        components[kind.__name__] = schema
        return {"$ref": REF.format(model=kind.__name__)}
    return schema


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def _parameters(spec: RouteSpec, components: dict[str, Any]) -> list[dict[str, Any]]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_PATH_PARAMETER},
        }
        for name in re.findall(r"{(\w+)}", spec.path)
    ]
    if spec.query is not None:
        schema = spec.query.model_json_schema(ref_template=REF)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    if spec.idempotent:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "A replay with the same key returns the first answer, never a second effect",
                "schema": {"type": "string", "maxLength": 200},
            }
        )
    return params


def _operation(spec: RouteSpec, components: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if spec.produces != "application/json":
        responses[str(spec.status)] = {
            "description": "OK",
            "content": {spec.produces: {"schema": {"type": "string"}}},
        }
    elif spec.response is None:
        responses[str(spec.status if spec.status != 200 else 204)] = {"description": "Done"}
    else:
        schema = _schema(spec.response, components)
        responses[str(spec.status)] = {
            "description": "OK",
            "content": {"application/json": {"schema": schema}},
        }
    operation: dict[str, Any] = {
        "operationId": f"{spec.tag.split(':')[0].replace('-', '_')}_{spec.name}",
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec, components),
        "responses": responses,
    }
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(spec.body, components)}},
        }
        responses["400"] = _error(
            f"The body is not JSON, nested over {MAX_DEPTH} deep, or has an object of over {MAX_KEYS} keys"
        )
        responses["413"] = _error(f"The body is over {spec.max_body:,} bytes")
        responses["415"] = _error("The body is not sent as application/json")
    responses["422"] = _error("A field is missing or wrong; details.fields names each")
    responses["404"] = _error("Not found")
    responses["409"] = _error("Conflicts with the current state")
    if spec.auth is not PUBLIC:
        operation["security"] = [{"bearer": []}]
        responses["401"] = _error("No token, or an expired or invalid one")
        responses["403"] = _error("The caller may not do this")
        rights = spec.auth if isinstance(spec.auth, tuple) else (spec.auth,)
        named = {
            ANY_OPERATOR: "any operator",
            SHOPPER: "the shopper",
            BUYER: "the shopper or guest (token from POST /shop/{org_id}/guest)",
        }
        who = named.get(spec.auth) if isinstance(spec.auth, str) else "right " + " or ".join(map(str, rights))
        operation["description"] = f"Needs: {who}."
    return operation


def document(routes: list[RouteSpec], version: str = "0.1.0") -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for spec in routes:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "guichet", "version": version, "description": "Ticketing back-end API."},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
