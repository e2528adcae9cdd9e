"""Distributor interfaces: tied to one external sales channel, with their contact and point of sale; the
password lives in Secrets Manager (one secret per interface, changed on save, gone with the interface)
and the interface only says whether one is set."""

from __future__ import annotations

import boto3
import pytest

from chalicelib import config
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.distributors import secrets, service
from chalicelib.distributors.model import InterfaceSpec
from chalicelib.errors import AlreadyExists, InvalidInput, NotFound, VersionConflict

ORG = "demo"


def external_channel(code: str = "FNAC") -> tuple[str, str]:
    """An external channel and its point of sale."""
    channel = catalog.create(
        ORG, "sales_channel", k.SalesChannelSpec(code=code, name=code, type="external")
    ).id
    pos = catalog.create(ORG, "point_of_sale", k.PointOfSaleSpec(channel_id=channel, code=code, name=code)).id
    return channel, pos


def distributor_contact(code: str = "FNAC") -> str:
    spec = k.ContactSpec(code=code, name="Fnac", email="orders@fnac.example")
    return catalog.create(ORG, "contact", spec).id


def spec(channel: str, pos: str, contact: str, **changes) -> InterfaceSpec:
    body = {
        "name": "NTJ FNAC",
        "channel_id": channel,
        "connection": {
            "adapter": "http",
            "url": "https://fnac.example/api",
            "login": "DUMMY",
            "password": "s3cret",
        },
        "contact_id": contact,
        "deferred_account": True,
        "point_of_sale_id": pos,
        "reseller_price_policy": "refuse_different_price",
        "alert_recipients": ["ops-alerts@example.org"],
    }
    return InterfaceSpec.model_validate({**body, **changes})


def stored_secret(interface_id: str) -> str | None:
    client = boto3.client("secretsmanager")
    try:
        return client.get_secret_value(SecretId=secrets.secret_name(ORG, interface_id))["SecretString"]
    except client.exceptions.ResourceNotFoundException:
        return None


@pytest.fixture
def fnac(organisation):
    channel, pos = external_channel()
    return {"channel": channel, "pos": pos, "contact": distributor_contact()}


def test_the_password_is_kept_in_secrets_manager_and_not_with_the_interface(fnac):
    created = service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"]))

    assert created.password_set is True
    assert "password" not in created.data["connection"]
    assert "s3cret" not in repr(service.get_interface(ORG, created.id))
    assert stored_secret(created.id) == "s3cret"
    assert secrets.secret_name(ORG, created.id) == f"guichet-test-distributors/{ORG}/{created.id}"
    assert service.connection_password(ORG, created.id) == "s3cret"


def test_saving_without_a_password_keeps_it_a_new_one_replaces_it_and_an_empty_one_removes_it(fnac):
    created = service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"]))
    kept_body = spec(fnac["channel"], fnac["pos"], fnac["contact"], name="FNAC 2")
    kept_body.connection.password = None

    kept = service.replace_interface(ORG, created.id, kept_body, created.version)
    assert (kept.data["name"], kept.password_set, stored_secret(created.id)) == ("FNAC 2", True, "s3cret")

    new_body = spec(fnac["channel"], fnac["pos"], fnac["contact"])
    new_body.connection.password = "other"
    changed = service.replace_interface(ORG, created.id, new_body, kept.version)
    assert (changed.password_set, stored_secret(created.id)) == (True, "other")

    new_body.connection.password = ""
    removed = service.replace_interface(ORG, created.id, new_body, changed.version)
    assert (removed.password_set, stored_secret(created.id)) == (False, None)


def test_a_password_is_kept_exactly_as_typed(fnac):
    connection = {"adapter": "file", "login": " DUMMY ", "password": "  two words  "}
    body = spec(fnac["channel"], fnac["pos"], fnac["contact"], connection=connection)

    created = service.create_interface(ORG, body)

    assert stored_secret(created.id) == "  two words  "


def test_deleting_an_interface_deletes_its_secret(fnac):
    created = service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"]))

    service.delete_interface(ORG, created.id, created.version)

    assert stored_secret(created.id) is None
    with pytest.raises(NotFound):
        service.get_interface(ORG, created.id)
    assert service.list_interfaces(ORG) == []


def test_an_interface_serves_an_external_channel_only(fnac):
    web = catalog.create(
        ORG, "sales_channel", k.SalesChannelSpec(code="WEB", name="Web", type="internet_b2c")
    ).id

    with pytest.raises(InvalidInput) as refused:
        service.create_interface(ORG, spec(web, fnac["pos"], fnac["contact"]))

    assert refused.value.details["field"] == "channel_id"
    assert "internet_b2c" in refused.value.message
    assert service.list_interfaces(ORG) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_id": "nobody"}, "contact_id"),
        ({"point_of_sale_id": "nowhere"}, "point_of_sale_id"),
        ({"channel_id": "nothing"}, "channel_id"),
    ],
)
def test_unknown_references_are_refused_by_name(fnac, change, field):
    with pytest.raises(InvalidInput) as refused:
        service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"], **change))

    assert refused.value.details["field"] == field


def test_the_point_of_sale_must_be_the_channels(fnac):
    _, other_pos = external_channel("TKN")

    with pytest.raises(InvalidInput) as refused:
        service.create_interface(ORG, spec(fnac["channel"], other_pos, fnac["contact"]))

    assert refused.value.details["field"] == "point_of_sale_id"


def test_a_channel_has_one_interface_and_a_refused_one_leaves_no_secret(fnac):
    service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"]))

    with pytest.raises(AlreadyExists) as refused:
        service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"], name="Again"))

    assert refused.value.details["field"] == "channel_id"
    assert len(service.list_interfaces(ORG)) == 1
    names = [s["Name"] for s in boto3.client("secretsmanager").list_secrets()["SecretList"]]
    assert len(names) == 1


def test_moving_an_interface_to_another_channel_frees_the_first(fnac):
    first = service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"]))
    channel, pos = external_channel("TKN")

    moved = service.replace_interface(ORG, first.id, spec(channel, pos, fnac["contact"]), None)
    again = service.create_interface(
        ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"], name="New FNAC")
    )

    assert moved.channel_id == channel and again.channel_id == fnac["channel"]


def test_a_stale_version_changes_nothing(fnac):
    created = service.create_interface(ORG, spec(fnac["channel"], fnac["pos"], fnac["contact"]))
    body = spec(fnac["channel"], fnac["pos"], fnac["contact"], name="Renamed")
    body.connection.password = "not-this"
    service.replace_interface(ORG, created.id, spec(fnac["channel"], fnac["pos"], fnac["contact"]), None)

    with pytest.raises(VersionConflict):
        service.replace_interface(ORG, created.id, body, created.version)
    with pytest.raises(VersionConflict):
        service.delete_interface(ORG, created.id, created.version)

    assert service.get_interface(ORG, created.id).data["name"] == "NTJ FNAC"
    assert stored_secret(created.id) == "s3cret"


def test_the_simulated_distributor_is_refused_off_a_test_stack(fnac, monkeypatch):
    monkeypatch.setenv("GUICHET_TEST_STACK", "false")
    config.reset()
    body = spec(fnac["channel"], fnac["pos"], fnac["contact"], connection={"adapter": "simulated"})

    with pytest.raises(InvalidInput) as refused:
        service.create_interface(ORG, body)

    assert refused.value.details["field"] == "connection.adapter"
    monkeypatch.setenv("GUICHET_TEST_STACK", "true")
    config.reset()
    assert service.create_interface(ORG, body).password_set is False


def test_connection_settings_fit_the_adapter():
    with pytest.raises(ValueError, match="https://"):
        spec("c", "p", "k", connection={"adapter": "http", "url": "ftp://x"})
    with pytest.raises(ValueError, match="s3://"):
        spec("c", "p", "k", connection={"adapter": "file", "url": "https://x"})
    with pytest.raises(ValueError, match="reseller_price_policy"):
        spec("c", "p", "k", reseller_price_policy="whatever")
