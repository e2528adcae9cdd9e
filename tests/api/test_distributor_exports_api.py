"""Allotment exports over HTTP: an operator with the distributors' execute right exports now and reads
the last export of each performance (with the pending ones); without the right, 403."""

from __future__ import annotations

import pytest

from app import app
from chalicelib import clock
from chalicelib.api import distributor_exports
from chalicelib.distributors import export_store, files
from tests.api.test_customers_api import operator_with
from tests.service.test_distributor_export import BEFORE_THE_SHOW, map_everything
from tests.service.test_distributor_mappings import build_distributor_world

ORG = "demo"
EXPORTS = "/backoffice/distributors/interfaces/{}/exports"

if not any(path.endswith("/exports") and "/distributors/" in path for path in app.routes):
    app.register_blueprint(distributor_exports.blueprint)  # until app.py registers it


@pytest.fixture
def world(api):
    with clock.at(BEFORE_THE_SHOW):
        w = build_distributor_world()
        map_everything(w)
        yield w, api.login()


def test_an_operator_exports_now_and_reads_the_result_per_performance(api, world):
    w, admin = world
    path = EXPORTS.format(w.interface_id)

    sent = api.call("POST", path, {"performance_ids": [w.performances[0]]}, token=admin)
    export_store.mark_pending(ORG, w.interface_id, w.performances[0], {"STALLS-R-B-1"})
    listed = api.call("GET", path, token=admin)
    one = api.call("GET", f"{path}?performance_id={w.performances[0]}", token=admin)
    none = api.call("GET", f"{path}?performance_id={w.performances[1]}", token=admin)

    assert sent.status_code == 200, sent.json_body
    answer = sent.json_body
    assert (answer["status"], answer["version"], answer["places"], answer["by"]) == (
        "sent",
        1,
        14,
        "operator:admin",
    )
    assert files.exists(files.key(ORG, w.interface_id, files.EXPORTS, "allotment-v1.json"))
    [item] = listed.json_body["items"]
    assert (item["performance_id"], item["version"], item["status"], item["places"], item["pending"]) == (
        w.performances[0],
        1,
        "sent",
        14,
        True,
    )
    assert listed.json_body["pending_performance_ids"] == [w.performances[0]]
    assert one.json_body == listed.json_body
    assert none.json_body == {"items": [], "pending_performance_ids": []}


def test_a_failed_export_answers_its_errors_by_category(api, world):
    w, admin = world
    api.call(
        "DELETE",
        f"/backoffice/distributors/interfaces/{w.interface_id}/mappings/"
        + next(
            m["id"]
            for m in api.call(
                "GET", f"/backoffice/distributors/interfaces/{w.interface_id}/mappings", token=admin
            ).json_body["items"]
            if m["kind"] == "performance"
        ),
        token=admin,
    )

    failed = api.call("POST", EXPORTS.format(w.interface_id), {}, token=admin)

    assert failed.status_code == 200
    assert failed.json_body["status"] == "failed"
    assert [(e["category"], e["kind"]) for e in failed.json_body["errors"]] == [("mapping", "performance")]


def test_a_draft_performance_is_refused_by_name(api, world):
    w, admin = world

    refused = api.call(
        "POST", EXPORTS.format(w.interface_id), {"performance_ids": [w.performances[1]]}, token=admin
    )

    assert refused.status_code == 422
    assert refused.json_body["details"]["performance_id"] == w.performances[1]


def test_exports_need_the_distributors_rights(api, world):
    w, admin = world
    path = EXPORTS.format(w.interface_id)
    nobody = operator_with(api, admin, "clerk", {"catalog": ["read"]})
    reader = operator_with(api, admin, "reader", {"distributors": ["read"]})

    assert api.call("GET", path, token=nobody).status_code == 403
    assert api.call("POST", path, {}, token=nobody).status_code == 403
    assert api.call("GET", path, token=reader).status_code == 200
    assert api.call("POST", path, {}, token=reader).status_code == 403
    assert api.call("GET", EXPORTS.format("nope"), token=reader).status_code == 404


def _integrated() -> bool:
    from chalicelib.api import stock

    return "export_suggested" in stock.ChangeOut.model_fields


@pytest.mark.skipif(not _integrated(), reason="the stock routes do not call export_pending yet")
def test_changing_a_distributors_seats_on_the_plan_suggests_its_export_and_two_steps_move_them(api, world):
    from chalicelib.catalog import service as catalog
    from tests.service.test_distributor_export_pending import second_distributor

    w, admin = world
    tkn, tkn_quota = second_distributor(w)
    box = catalog.get_by_code(ORG, "quota", "BOXQ").id
    stock_path = f"/backoffice/performances/{w.performances[0]}/stock"
    seats = {"selection": {"seat_ids": ["STALLS-R-B-1"]}}

    one_step = api.call("POST", f"{stock_path}/move", {**seats, "quota_id": tkn_quota}, token=admin)
    taken = api.call("POST", f"{stock_path}/move", {**seats, "quota_id": box}, token=admin)
    blocked = api.call("POST", f"{stock_path}/block", seats, token=admin)
    unblocked = api.call("POST", f"{stock_path}/unblock", seats, token=admin)
    early = api.call("POST", f"{stock_path}/move", {**seats, "quota_id": tkn_quota}, token=admin)
    exported = api.call("POST", EXPORTS.format(w.interface_id), {}, token=admin)
    given = api.call("POST", f"{stock_path}/move", {**seats, "quota_id": tkn_quota}, token=admin)
    places = {"area": "PIT", "from_quota_id": w.quota, "to_quota_id": tkn_quota, "places": 2}
    places_one_step = api.call("POST", f"{stock_path}/areas/move", places, token=admin)
    places_out = api.call("POST", f"{stock_path}/areas/move", {**places, "to_quota_id": box}, token=admin)

    assert (one_step.status_code, one_step.json_body["details"]["reason"]) == (409, "two_step_move")
    fnac = [{"interface_id": w.interface_id, "name": "NTJ FNAC", "performance_id": w.performances[0]}]
    assert taken.json_body["export_suggested"] == fnac
    assert blocked.json_body["export_suggested"] == unblocked.json_body["export_suggested"] == []
    assert (early.status_code, early.json_body["details"]["reason"]) == (409, "export_pending")
    assert exported.json_body["status"] == "sent"
    assert given.status_code == 200, given.json_body
    assert [s["interface_id"] for s in given.json_body["export_suggested"]] == [tkn]
    assert (places_one_step.status_code, places_one_step.json_body["details"]["reason"]) == (
        409,
        "two_step_move",
    )
    assert places_out.json_body["export_suggested"] == fnac
