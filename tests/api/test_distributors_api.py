"""Distributor interfaces, their mappings and the on-sale sheet over HTTP: the password is taken and
never answered, only `password_set`; every route needs its `distributors` right; refusals name the
field (a channel that is not external, a distributor id taken, a file's lines)."""

from __future__ import annotations

import csv
import io
import json

import boto3
import pytest

from app import app
from chalicelib.api import distributors
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.distributors import secrets
from tests.api.test_customers_api import operator_with
from tests.service.test_distributor_mappings import build_distributor_world

ORG = "demo"
INTERFACES = "/backoffice/distributors/interfaces"

if not any(path.startswith(INTERFACES) for path in app.routes):  # until app.py registers the blueprint
    app.register_blueprint(distributors.blueprint)


@pytest.fixture
def world(api):
    w = build_distributor_world()
    channel = catalog.create(
        ORG, "sales_channel", k.SalesChannelSpec(code="TKN", name="Ticketnet", type="external")
    )
    pos = catalog.create(
        ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel.id, code="TKN", name="TKN")
    )
    contact = catalog.get_by_code(ORG, "contact", "FNAC").id
    body = {
        "name": "NTJ Ticketnet",
        "channel_id": channel.id,
        "connection": {
            "adapter": "http",
            "url": "https://tkn.example/api",
            "login": "DUMMY",
            "password": "s3cret",
        },
        "contact_id": contact,
        "deferred_account": True,
        "point_of_sale_id": pos.id,
        "reseller_price_policy": "accept_distributor_price",
        "alert_recipients": ["ops-alerts@example.org"],
    }
    return {"world": w, "body": body, "admin": api.login()}


def test_an_operator_sets_up_an_interface_whose_password_is_never_answered(api, world):
    admin, body = world["admin"], world["body"]

    created = api.call("POST", INTERFACES, body, token=admin)

    assert created.status_code == 201, created.json_body
    answer = created.json_body
    assert answer["connection"] == {
        "adapter": "http",
        "url": "https://tkn.example/api",
        "login": "DUMMY",
        "password_set": True,
    }
    assert (answer["reseller_price_policy"], answer["status"], answer["version"]) == (
        "accept_distributor_price",
        "active",
        1,
    )
    one = api.call("GET", f"{INTERFACES}/{answer['id']}", token=admin)
    listed = api.call("GET", INTERFACES, token=admin)
    for response in (created, one, listed):
        assert "s3cret" not in json.dumps(response.json_body)
    assert one.json_body == answer
    assert sorted(i["name"] for i in listed.json_body["items"]) == ["NTJ FNAC", "NTJ Ticketnet"]
    secret = boto3.client("secretsmanager").get_secret_value(SecretId=secrets.secret_name(ORG, answer["id"]))
    assert secret["SecretString"] == "s3cret"


def test_an_interface_on_a_channel_that_is_not_external_is_refused_naming_channel_id(api, world):
    admin, body = world["admin"], world["body"]
    web = api.call(
        "POST",
        "/backoffice/sales-channels",
        {"code": "WEB", "name": "Web", "type": "internet_b2c"},
        token=admin,
    )

    refused = api.call("POST", INTERFACES, {**body, "channel_id": web.json_body["id"]}, token=admin)
    smuggled = api.call("POST", INTERFACES, {**body, "password_set": True}, token=admin)
    no_url = api.call("POST", INTERFACES, {**body, "connection": {"adapter": "http"}}, token=admin)

    assert refused.status_code == 422 and refused.json_body["details"]["field"] == "channel_id"
    assert smuggled.status_code == 422
    assert no_url.status_code == 422 and "connection" in json.dumps(no_url.json_body)


def test_each_route_needs_its_distributors_right(api, world):
    admin, body = world["admin"], world["body"]
    reader = operator_with(api, admin, "reader", {"distributors": ["read"]})
    stranger = operator_with(api, admin, "stranger", {"catalog": ["read"]})
    interface_id = world["world"].interface_id

    assert api.call("GET", INTERFACES, token=stranger).status_code == 403
    assert api.call("GET", f"{INTERFACES}/{interface_id}/mappings", token=stranger).status_code == 403
    assert api.call("GET", INTERFACES, token=reader).status_code == 200
    assert api.call("POST", INTERFACES, body, token=reader).status_code == 403
    assert api.call("DELETE", f"{INTERFACES}/{interface_id}", token=reader).status_code == 403
    mapping = {
        "season_id": world["world"].season,
        "kind": "event",
        "our_id": world["world"].event,
        "distributor_id": "X",
    }
    assert api.call("POST", f"{INTERFACES}/{interface_id}/mappings", mapping, token=reader).status_code == 403
    assert api.call("GET", INTERFACES).status_code == 401


def test_replacing_with_a_stale_version_is_refused_and_deleting_removes_the_secret(api, world):
    admin, body = world["admin"], world["body"]
    made = api.call("POST", INTERFACES, body, token=admin).json_body
    path = f"{INTERFACES}/{made['id']}"
    renamed = {**body, "name": "Ticketnet", "connection": {**body["connection"], "password": None}}

    changed = api.call("PUT", f"{path}?version=1", renamed, token=admin)
    stale = api.call("PUT", f"{path}?version=1", body, token=admin)
    deleted = api.call("DELETE", f"{path}?version=2", token=admin)

    assert changed.status_code == 200 and changed.json_body["connection"]["password_set"] is True
    assert stale.status_code == 409
    assert deleted.status_code == 204
    assert api.call("GET", path, token=admin).status_code == 404
    assert boto3.client("secretsmanager").list_secrets()["SecretList"] == []


def test_mappings_are_made_changed_listed_and_deleted(api, world):
    admin, w = world["admin"], world["world"]
    base = f"{INTERFACES}/{w.interface_id}/mappings"
    zone = {"season_id": w.season, "kind": "zone", "our_id": f"{w.plan}/STALLS/R", "distributor_id": "Zone1"}

    made = api.call("POST", base, zone, token=admin)
    taken = api.call("POST", base, {**zone, "our_id": f"{w.plan}/STALLS/L"}, token=admin)
    unknown = api.call("POST", base, {**zone, "our_id": f"{w.plan}/BALCONY"}, token=admin)

    assert made.status_code == 201, made.json_body
    assert made.json_body | {"our_code": "STALLS/R", "version": 1} == made.json_body
    assert taken.status_code == 409 and taken.json_body["details"]["field"] == "distributor_id"
    assert unknown.status_code == 422 and unknown.json_body["details"]["field"] == "our_id"
    path = f"{base}/{made.json_body['id']}"
    changed = api.call("PUT", f"{path}?version=1", {"distributor_id": "Zone 2"}, token=admin)
    assert changed.status_code == 200 and changed.json_body["distributor_id"] == "Zone 2"
    listed = api.call("GET", f"{base}?season_id={w.season}&kind=zone", token=admin).json_body["items"]
    assert [m["distributor_id"] for m in listed] == ["Zone 2"]
    assert api.call("DELETE", f"{path}?version=1", token=admin).status_code == 409
    assert api.call("DELETE", path, token=admin).status_code == 204
    assert api.call("GET", path, token=admin).status_code == 404


def test_a_mapping_file_is_imported_whole_or_refused_by_line_and_exported_in_the_same_shape(api, world):
    admin, w = world["admin"], world["world"]
    file_path = f"{INTERFACES}/{w.interface_id}/mapping-file?season_id={w.season}"
    bad = "kind,our_id,our_code,distributor_id\nevent,,WALK,ExSales\nplace,x,,y\nseat_category,,CAT9,Cat9\n"
    good = "kind,our_id,our_code,distributor_id\nevent,,WALK,ExSales\nseat_category,,CAT1,Cat1\n"

    refused = api.call("POST", file_path, {"content": bad}, token=admin)
    imported = api.call("POST", file_path, {"content": good}, token=admin)
    exported = api.call("GET", file_path, token=admin)

    assert refused.status_code == 422
    assert [(p["line"], p["field"]) for p in refused.json_body["details"]["problems"]] == [
        (3, "kind"),
        (4, "our_code"),
    ]
    assert imported.status_code == 200 and imported.json_body == {"created": 2, "changed": 0, "unchanged": 0}
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.body.decode())))
    assert [(r["kind"], r["our_code"], r["distributor_id"]) for r in rows] == [
        ("event", "WALK", "ExSales"),
        ("seat_category", "CAT1", "Cat1"),
    ]
    no_season = api.call("GET", f"{INTERFACES}/{w.interface_id}/mapping-file", token=admin)
    assert no_season.status_code == 422 and "season_id" in json.dumps(no_season.json_body)


def test_the_on_sale_sheet_is_answered_as_json_and_as_csv(api, world):
    admin, w = world["admin"], world["world"]
    path = f"{INTERFACES}/{w.interface_id}/on-sale-sheets/{w.event}"

    sheet = api.call("GET", path, token=admin)
    as_csv = api.call("GET", f"{path}?format=csv", token=admin)

    assert sheet.status_code == 200, sheet.json_body
    assert [p["quota"]["seats"] for p in sheet.json_body["performances"]] == [4, 4]
    assert sheet.json_body["performances"][0]["starts_at_local"] == "2027-01-15T20:00:00+01:00"
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_csv.body.decode().splitlines()[0].startswith("kind,our_id,our_code,distributor_id")
    assert (
        api.call("GET", f"{INTERFACES}/{w.interface_id}/on-sale-sheets/nope", token=admin).status_code == 404
    )


def test_the_on_sale_sheet_prints_as_a_pdf_with_the_performances_and_prices(api, world):
    from chalicelib.distributors import on_sale_sheet, sheet_pdf

    admin, w = world["admin"], world["world"]
    path = f"{INTERFACES}/{w.interface_id}/on-sale-sheets/{w.event}?format=pdf"

    printed = api.http.get(path, headers={"Authorization": f"Bearer {admin}", "Accept": "application/pdf"})

    assert printed.status_code == 200 and printed.headers["Content-Type"] == "application/pdf"
    assert printed.body.startswith(b"%PDF")
    sheet = on_sale_sheet.build(ORG, w.interface_id, w.event)
    text = sheet_pdf.render(sheet, ORG, compress=False).decode("latin-1")
    for expected in ("WALK", "2027-01-15T20:00:00+01:00", "45.00 EUR", "Under 26", "FNAC"):
        assert expected in text
