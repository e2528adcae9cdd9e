"""The OpenAPI document covers every route and is a valid OpenAPI 3.1 document."""

from __future__ import annotations

from openapi_spec_validator import validate

from app import app


def test_every_route_of_the_app_is_documented(api):
    document = api.call("GET", "/openapi.json").json_body

    served = {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}

    assert served == documented


def test_document_is_valid_openapi_3_1(api):
    document = api.call("GET", "/openapi.json").json_body

    assert document["openapi"] == "3.1.0"
    validate(document)


def test_protected_routes_declare_bearer_security_and_public_ones_do_not(api):
    paths = api.call("GET", "/openapi.json").json_body["paths"]

    assert paths["/backoffice/operators"]["get"]["security"] == [{"bearer": []}]
    assert "401" in paths["/backoffice/operators"]["get"]["responses"]
    assert "security" not in paths["/backoffice/login"]["post"]


def test_request_models_are_documented_with_their_constraints(api):
    document = api.call("GET", "/openapi.json").json_body
    body = document["paths"]["/backoffice/operators"]["post"]["requestBody"]["content"]["application/json"]
    schema = document["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]

    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"login", "name", "password"}
    assert schema["properties"]["password"]["minLength"] == 8
