"""The reconciliation table and the release of unsold allotment over HTTP: reading needs the
`distributors` read right, a release the modify right; refusals name the field."""

from __future__ import annotations

import pytest

from app import app
from chalicelib.api import distributor_reconciliation
from chalicelib.distributors import mappings, reconciliation, reported_counts
from chalicelib.distributors.adapters import DistributorCounts
from chalicelib.distributors.model import MappingKind
from tests.api.test_customers_api import operator_with
from tests.service.test_distributor_release import at, build_release_world, places_of

ORG = "demo"
INTERFACES = "/backoffice/distributors/interfaces"

if not any(path.endswith("/reconciliation") for path in app.routes):  # until app.py registers it
    app.register_blueprint(distributor_reconciliation.blueprint)


@pytest.fixture
def world(api, monkeypatch):
    monkeypatch.setattr(reconciliation, "integrated_counts_reader", lambda: None)
    monkeypatch.setattr(reconciliation, "last_exports_reader", lambda: None)
    monkeypatch.setattr(reconciliation, "pending_reader", lambda: None)
    w = build_release_world()
    admin = api.login()
    operator_with(api, admin, "reader", {"distributors": ["read"]})
    operator_with(api, admin, "stranger", {"catalog": ["read"]})
    return {"w": w}


def tokens(api) -> dict[str, str]:
    """Logged in on the clock's day (a token lasts hours: tests move the clock months ahead)."""
    return {
        "admin": api.login(),
        "reader": api.login("reader", "reader-password"),
        "stranger": api.login("stranger", "stranger-password"),
    }


def test_an_operator_reads_the_table_with_the_distributors_counts(api, world):
    w = world["w"]
    mappings.create_mapping(ORG, w.interface_id, w.w.season, MappingKind.PERFORMANCE, w.paris, "EX-P1")
    with at("2027-01-06T09:00:00"):
        reported_counts.save(ORG, w.interface_id, [DistributorCounts("EX-P1", 14, 2)])
    path = f"{INTERFACES}/{w.interface_id}/reconciliation"

    with at("2027-01-06T10:00:00"):
        reader = tokens(api)["reader"]
        answer = api.call("GET", path, token=reader)
        one = api.call("GET", f"{path}?performance_id={w.paris}", token=reader)

    assert answer.status_code == 200, answer.json_body
    [row] = answer.json_body["items"]
    assert (row["performance_id"], row["quota_id"]) == (w.paris, w.w.quota)
    assert (row["ours"]["allocated"], row["ours"]["sold"]) == (14, 0)
    assert (row["theirs"]["sold"], row["differences"], row["fix"]) == (
        2,
        {"allocated": 0, "sold": 2},
        "reintegrate",
    )
    assert one.json_body["items"] == answer.json_body["items"]


def test_the_table_needs_the_read_right_and_names_an_unknown_performance(api, world):
    w = world["w"]
    path = f"{INTERFACES}/{w.interface_id}/reconciliation"

    token = tokens(api)

    assert api.call("GET", path, token=token["stranger"]).status_code == 403
    unknown = api.call("GET", f"{path}?performance_id=nope", token=token["reader"])
    assert unknown.status_code == 404
    assert unknown.json_body["details"]["field"] == "performance_id"
    other = api.call("GET", f"{INTERFACES}/nope/reconciliation", token=token["reader"])
    assert other.status_code == 404


def test_a_release_needs_the_modify_right_and_moves_the_free_places_due(api, world):
    w = world["w"]
    path = f"{INTERFACES}/{w.interface_id}/releases"

    with at("2027-01-12T08:00:00"):
        token = tokens(api)
        assert api.call("POST", path, token=token["reader"]).status_code == 403
        assert places_of(w.paris, w.w.quota) == (10, 10)
        answer = api.call("POST", path, token=token["admin"])
        again = api.call("POST", path, token=token["admin"])

    assert answer.status_code == 200, answer.json_body
    body = answer.json_body
    assert (body["seats"], body["places"]) == (4, 10)
    assert [(p["performance_id"], p["first"]) for p in body["performances"]] == [(w.paris, True)]
    # the distributor is sent the released performance's allotment: nothing left to sell
    assert (body["export"]["performances"], body["export"]["places"]) == ([w.paris], 0)
    assert (again.json_body["seats"], again.json_body["performances"], again.json_body["export"]) == (
        0,
        [],
        None,
    )
    with at("2027-01-12T08:00:00"):
        assert places_of(w.paris, w.w.quota) == (0, 0)
