"""Bad input gets a clear 4xx JSON error naming the field; nothing unexpected leaks to a client."""

from __future__ import annotations

from chalicelib.auth import service


def test_missing_field_is_422_naming_it(api):
    response = api.call("POST", "/backoffice/login", {"org_id": "demo", "login": "admin"})

    assert response.status_code == 422
    assert response.json_body["code"] == "invalid_input"
    assert [f["field"] for f in response.json_body["details"]["fields"]] == ["password"]
    assert "password" in response.json_body["message"]


def test_wrong_type_is_422_naming_the_field(api):
    body = {"login": "jo", "name": "Jo", "password": "long-enough", "roles": "administrator"}

    response = api.call("POST", "/backoffice/operators", body, token=api.login())

    assert response.status_code == 422
    assert response.json_body["details"]["fields"][0]["field"] == "roles"


def test_unknown_field_is_refused_so_clients_cannot_set_what_they_do_not_own(api):
    body = {"email": "ann@example.com", "name": "Ann", "password": "ann-password", "shopper_id": "mine"}

    response = api.call("POST", "/shop/demo/account", body)

    assert response.status_code == 422
    assert response.json_body["details"]["fields"][0] == {
        "field": "shopper_id",
        "reason": "Extra inputs are not permitted",
        "type": "extra_forbidden",
    }


def test_body_that_is_not_json_is_400(api):
    response = api.call("POST", "/backoffice/login", raw="{not json")

    assert response.status_code == 400
    assert response.json_body["code"] == "malformed_body"


def test_unknown_query_parameter_is_422(api):
    response = api.call("GET", "/backoffice/workflows/hold-cleanup/runs?limit=5&sort=up", token=api.login())

    assert response.status_code == 422
    assert response.json_body["details"]["in"] == "query"


def test_unexpected_error_is_a_json_500_without_traceback(api, monkeypatch):
    token = api.login()

    def explode(org_id):
        raise RuntimeError("secret internals at /srv/app.py line 12")

    monkeypatch.setattr(service, "list_operators", explode)

    response = api.call("GET", "/backoffice/operators", token=token)

    assert response.status_code == 500
    assert response.json_body["code"] == "internal_error"
    assert "secret internals" not in response.body.decode()
    assert "Traceback" not in response.body.decode()


def test_every_error_body_has_code_message_and_details(api):
    answers = [
        api.call("GET", "/backoffice/me"),
        api.call("POST", "/backoffice/login", {}),
        api.call("GET", "/backoffice/operators/nobody", token=api.login()),
        api.call("POST", "/backoffice/login", raw="[1,"),
    ]

    for response in answers:
        assert set(response.json_body) == {"code", "message", "details"}
        assert response.headers["Content-Type"].startswith("application/json")


def test_a_body_not_sent_as_json_is_415_in_the_documented_shape(api):
    response = api.http.post("/backoffice/login", headers={"Content-Type": "text/plain"}, body="{}")

    assert response.status_code == 415
    assert response.json_body["code"] == "unsupported_media_type"
    assert response.json_body["details"]["expected"] == "application/json"


def test_a_body_over_1_mb_is_413(api):
    response = api.call("POST", "/backoffice/login", raw='{"login": "' + "x" * 1024 * 1024 + '"}')

    assert response.status_code == 413
    assert response.json_body["code"] == "payload_too_large"


def test_json_nested_1000_deep_is_a_400_not_a_500(api):
    response = api.call("POST", "/backoffice/login", raw="[" * 1000 + "]" * 1000)

    assert response.status_code == 400
    assert response.json_body["code"] == "body_too_complex"


def test_chalice_own_error_answers_are_translated_into_the_documented_shape():
    from chalice import Response

    from chalicelib.api.errors import in_our_shape

    accept = "Request did not specify an Accept header with application/pdf"
    pdf = in_our_shape(Response({"Code": "BadRequest", "Message": accept}, status_code=400))
    crash = in_our_shape(Response({"Code": "InternalServerError", "Message": "boom"}, status_code=500))

    assert (pdf.status_code, pdf.body["code"]) == (406, "not_acceptable")
    assert (crash.status_code, crash.body["code"]) == (500, "internal_error")
    assert set(pdf.body) == set(crash.body) == {"code", "message", "details"}
