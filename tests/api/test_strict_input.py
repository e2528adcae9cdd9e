"""Every POST/PUT/PATCH route refuses bad bodies with a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from app import app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api import body as bodies
from chalicelib.api.routing import BUYER, PUBLIC, ROUTES, SHOPPER, RouteSpec
from chalicelib.auth import service

WRITES = [spec for spec in ROUTES if spec.method in ("POST", "PUT", "PATCH")]
WITH_BODY = [spec for spec in WRITES if spec.body is not None]


def route_id(spec: RouteSpec) -> str:
    return f"{spec.method} {spec.path}"


@pytest.fixture
def tokens(api):
    shopper = service.register_shopper("demo", "probe@example.com", "Probe", "probe-password")[0]
    return {"operator": api.login(), "shopper": shopper}


def send(api, spec: RouteSpec, tokens, raw: str | bytes, content_type: str = "application/json"):
    path = re.sub(r"{(\w+)}", lambda m: "demo" if m[1] == "org_id" else "x1", spec.path)
    headers = {"Content-Type": content_type}
    if spec.auth is not PUBLIC:
        who = "shopper" if spec.auth in (SHOPPER, BUYER) else "operator"
        headers["Authorization"] = f"Bearer {tokens[who]}"
    return api.http.request(spec.method, path, headers=headers, body=raw)


def assert_refused(response, status: int | None = None):
    assert 400 <= response.status_code < 500, (response.status_code, response.body[:300])
    assert set(response.json_body) == {"code", "message", "details"}, response.body[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    if status is not None:
        assert response.status_code == status, response.json_body


def schema_fields(spec: RouteSpec, *kinds: str) -> list[str]:
    """The body's top-level fields whose JSON type is one of `kinds` (optional ones included)."""
    properties = spec.body.model_json_schema().get("properties", {})
    found = []
    for name, prop in properties.items():
        types = {prop.get("type")} | {option.get("type") for option in prop.get("anyOf", [])}
        if types & set(kinds):
            found.append(name)
    return found


def test_every_write_route_is_probed():
    assert len(WITH_BODY) > 40


def refusals(api, tokens, specs, probe) -> list[str]:
    """Each route's failures of `probe(api, tokens, spec)`: one list, so one run names them all."""
    failed = []
    for spec in specs:
        try:
            probe(api, tokens, spec)
        except AssertionError as exc:
            failed.append(f"{route_id(spec)}: {exc}")
    return failed


def too_large(api, tokens, spec):
    response = send(api, spec, tokens, "{}" + " " * spec.max_body)

    assert_refused(response, 413)
    assert response.json_body["code"] == "payload_too_large"
    assert response.json_body["details"]["max_size"] == spec.max_body


def test_a_body_over_the_size_limit_is_413_on_every_write_route(api, tokens):
    assert refusals(api, tokens, WRITES, too_large) == []


DEEP = '{"a":' * 1000 + "1" + "}" * 1000
BAD_BODIES = {
    "not json": ("{not json", "application/json", 400, "malformed_body"),
    "nested 1,000 deep": (DEEP, "application/json", 400, "body_too_complex"),
    "nested 40 deep": ("[" * 40 + "]" * 40, "application/json", 400, "body_too_complex"),
    "too many keys": (json.dumps(dict.fromkeys(map(str, range(1001)), 1)), "application/json", 400, None),
    "not sent as json": ("{}", "text/plain", 415, "unsupported_media_type"),
    "form encoded": ("a=1", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    "a list": ("[1, 2]", "application/json", 422, "invalid_input"),
    "unknown field": ('{"zz_unknown": 1}', "application/json", 422, "invalid_input"),
    "nan": ('{"a": NaN}', "application/json", 400, "malformed_body"),
}


def bad_bodies(api, tokens, spec):
    for name, (raw, content_type, status, code) in BAD_BODIES.items():
        response = send(api, spec, tokens, raw, content_type)

        assert_refused(response, status)
        assert response.json_body["code"] == (code or "body_too_complex"), (name, response.json_body)


def test_bad_bodies_are_refused_in_the_documented_shape_on_every_write_route(api, tokens):
    assert refusals(api, tokens, WITH_BODY, bad_bodies) == []


def field_error(response, field: str) -> dict:
    assert_refused(response, 422)
    found = [f for f in response.json_body["details"]["fields"] if f["field"] == field]
    assert found, response.json_body
    return found[0]


def wrong_values(kinds: tuple[str, ...], values: tuple, error: str):
    """Each field of these kinds, on every route, gets one of the wrong values, in turn across all the
    fields (the check is the same for every field; each value reaches fields of many routes)."""
    turns = itertools.cycle(values)

    def probe(api, tokens, spec):
        for field in schema_fields(spec, *kinds):
            wrong = next(turns)
            response = send(api, spec, tokens, json.dumps({field: wrong}))

            assert field_error(response, field)["type"] == error, (field, wrong)

    return probe


def test_strings_and_booleans_are_never_taken_for_integers(api, tokens):
    probe = wrong_values(("integer",), ("1", True, 1.5), "int_type")

    assert refusals(api, tokens, WITH_BODY, probe) == []


def test_strings_and_numbers_are_never_taken_for_booleans(api, tokens):
    probe = wrong_values(("boolean",), ("yes", "true", 1), "bool_type")

    assert refusals(api, tokens, WITH_BODY, probe) == []


def test_control_characters_are_refused_in_every_text(api, tokens):
    probe = wrong_values(("string",), ("a\u0000b", "a\u001bb", "a\u202eb"), "control_character")

    assert refusals(api, tokens, WITH_BODY, probe) == []


def test_a_name_is_one_line_but_free_text_may_have_line_breaks():
    with pytest.raises(Exception, match="one line"):
        bodies.check_shape({"items": [{"name": "Ann\nSmith"}]})
    with pytest.raises(Exception, match="one line"):
        bodies.check_shape({"contact_name": "Ann\tSmith"})

    bodies.check_shape({"note": "first line\nsecond line", "content": "zone,block\nA,1\n"})


def test_gift_voucher_amount_as_a_string_issues_nothing(api):
    token = api.login()

    body = {"amount": "1", "code": "PROBE-1"}

    response = api.call("POST", "/backoffice/gift-vouchers", body, token=token)

    assert field_error(response, "amount")["type"] == "int_type"
    assert api.call("GET", "/backoffice/gift-vouchers/PROBE-1", token=token).status_code == 404


def test_dates_and_times_still_come_as_json_strings(api):
    response = api.call(
        "POST",
        "/backoffice/seasons",
        {"code": "S26", "name": "Season 2026", "starts_on": "2026-09-01", "ends_on": "2027-06-30"},
        token=api.login(),
    )

    assert response.status_code == 201, response.json_body
    assert response.json_body["starts_on"] == "2026-09-01"
