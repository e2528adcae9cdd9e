"""Over HTTP: the catalog's DELETE routes refuse an item a distributor interface or mapping names, with the
catalog's 409 (`used_by` [{kind, id, field}]); once the interface or the mapping is deleted, so can it be."""

from __future__ import annotations

import pytest

from chalicelib.distributors import referrers  # noqa: F401 - registers with the catalog (as the app will)
from tests.service.test_distributor_references import build_world

INTERFACES = "/backoffice/distributors/interfaces"


@pytest.fixture
def world(api):
    return {"world": build_world(), "admin": api.login()}


def test_what_an_interface_names_is_refused_with_409_until_the_interface_is_deleted(api, world):
    admin, w = world["admin"], world["world"]
    named = [
        ("contacts", w.contact, "contact_id"),
        ("points-of-sale", w.pos, "point_of_sale_id"),
        ("quotas", w.quota, "release_to_quota_id"),
    ]

    for plural, item_id, field in named:
        refused = api.call("DELETE", f"/backoffice/{plural}/{item_id}", token=admin)
        assert refused.status_code == 409, (plural, refused.json_body)
        assert refused.json_body["code"] == "conflict"
        assert (
            refused.json_body["message"] == f"Still used by distributor interface {w.interface_id} (1 in all)"
        )
        assert refused.json_body["details"]["used_by"] == [
            {"kind": "distributor_interface", "id": w.interface_id, "field": field}
        ]
        assert api.call("GET", f"/backoffice/{plural}/{item_id}", token=admin).status_code == 200
    channel = api.call("DELETE", f"/backoffice/sales-channels/{w.channel}", token=admin)
    assert channel.status_code == 409
    assert {
        "kind": "distributor_interface",
        "id": w.interface_id,
        "field": "channel_id",
    } in channel.json_body["details"]["used_by"]

    assert api.call("DELETE", f"{INTERFACES}/{w.interface_id}", token=admin).status_code == 204

    for plural, item_id in [(p, i) for p, i, _ in named] + [("sales-channels", w.channel)]:
        assert api.call("DELETE", f"/backoffice/{plural}/{item_id}", token=admin).status_code == 204, plural
        assert api.call("GET", f"/backoffice/{plural}/{item_id}", token=admin).status_code == 404


def test_an_item_a_mapping_names_is_refused_with_409_until_the_mapping_is_deleted(api, world):
    admin, w = world["admin"], world["world"]
    mappings = f"{INTERFACES}/{w.interface_id}/mappings"
    body = {
        "season_id": w.seasons[0],
        "kind": "seat_category",
        "our_id": w.seat_category,
        "distributor_id": "C1",
    }
    made = api.call("POST", mappings, body, token=admin)
    assert made.status_code == 201, made.json_body
    mapping_id = made.json_body["id"]

    refused = api.call("DELETE", f"/backoffice/seat-categories/{w.seat_category}", token=admin)

    assert refused.status_code == 409
    assert refused.json_body["message"] == f"Still used by distributor mapping {mapping_id} (1 in all)"
    assert refused.json_body["details"]["used_by"] == [
        {"kind": "distributor_mapping", "id": mapping_id, "field": "our_id", "interface_id": w.interface_id}
    ]
    assert api.call("DELETE", f"{mappings}/{mapping_id}", token=admin).status_code == 204
    assert (
        api.call("DELETE", f"/backoffice/seat-categories/{w.seat_category}", token=admin).status_code == 204
    )


def test_deleting_the_interface_frees_what_its_mappings_named(api, world):
    admin, w = world["admin"], world["world"]
    mappings = f"{INTERFACES}/{w.interface_id}/mappings"
    body = {"season_id": w.seasons[0], "kind": "performance", "our_id": w.performance, "distributor_id": "P1"}
    assert api.call("POST", mappings, body, token=admin).status_code == 201

    assert api.call("DELETE", f"/backoffice/performances/{w.performance}", token=admin).status_code == 409
    assert api.call("DELETE", f"{INTERFACES}/{w.interface_id}", token=admin).status_code == 204
    assert api.call("DELETE", f"/backoffice/performances/{w.performance}", token=admin).status_code == 204
