"""Distributor interfaces: create, read, replace, delete; the channel, contact and point of sale checked,
the password kept in Secrets Manager (answered only as `password_set`)."""

from __future__ import annotations

import secrets as random

from chalicelib.catalog import service as catalog
from chalicelib.catalog.kinds import ChannelType
from chalicelib.config import settings
from chalicelib.distributors import repository, secrets
from chalicelib.distributors.model import AdapterKind, Interface, InterfaceSpec, stored_settings
from chalicelib.errors import InvalidInput, NotFound, VersionConflict
from chalicelib.observability import logger


def _refuse(field: str, reason: str, **details: str) -> InvalidInput:
    return InvalidInput(f"{field}: {reason}", {"field": field, "reason": reason, **details})


def check_settings(org_id: str, spec: InterfaceSpec) -> None:
    """The channel is an external one, the contact exists, the point of sale is the channel's."""
    try:
        channel = catalog.get(org_id, "sales_channel", spec.channel_id)
    except NotFound:
        raise _refuse("channel_id", f"no sales channel {spec.channel_id}") from None
    if channel.data.get("type") != ChannelType.EXTERNAL:
        raise _refuse(
            "channel_id",
            f"an interface serves an external sales channel; {spec.channel_id} is {channel.data.get('type')}",
        )
    try:
        catalog.get(org_id, "contact", spec.contact_id)
    except NotFound:
        raise _refuse("contact_id", f"no contact {spec.contact_id}") from None
    try:
        pos = catalog.get(org_id, "point_of_sale", spec.point_of_sale_id)
    except NotFound:
        raise _refuse("point_of_sale_id", f"no point of sale {spec.point_of_sale_id}") from None
    if pos.data.get("channel_id") != spec.channel_id:
        raise _refuse(
            "point_of_sale_id", f"point of sale {spec.point_of_sale_id} is not of the interface's channel"
        )
    if spec.release_to_quota_id:
        try:
            catalog.get(org_id, "quota", spec.release_to_quota_id)
        except NotFound:
            raise _refuse("release_to_quota_id", f"no quota {spec.release_to_quota_id}") from None
        if spec.release_to_quota_id in channel.data.get("quota_ids", []):
            raise _refuse("release_to_quota_id", "released seats go to a quota the distributor does not sell")
    if spec.connection.adapter == AdapterKind.SIMULATED and not settings().test_stack:
        raise _refuse("connection.adapter", "the simulated distributor runs on test stacks only")


def create_interface(org_id: str, spec: InterfaceSpec) -> Interface:
    check_settings(org_id, spec)
    interface_id = random.token_hex(6)
    password = spec.connection.password
    if password:
        secrets.save_password(org_id, interface_id, password)
    try:
        return repository.create_interface(org_id, interface_id, stored_settings(spec), bool(password))
    except Exception:
        if password:  # the interface was not written: its secret goes too
            _forget_password(org_id, interface_id)
        raise


def get_interface(org_id: str, interface_id: str) -> Interface:
    return repository.get_interface(org_id, interface_id)


def list_interfaces(org_id: str) -> list[Interface]:
    return sorted(repository.list_interfaces(org_id), key=lambda i: (i.data.get("name", "").lower(), i.id))


def replace_interface(org_id: str, interface_id: str, spec: InterfaceSpec, version: int | None) -> Interface:
    """New settings; the password changes only when given (`""` removes it)."""
    current = repository.get_interface(org_id, interface_id)
    expected = current.version if version is None else version
    if expected != current.version:
        raise VersionConflict(
            "The interface changed since you read it; read it again", {"version": current.version}
        )
    check_settings(org_id, spec)
    password = spec.connection.password
    password_set = current.password_set
    if password:
        secrets.save_password(org_id, interface_id, password)
        password_set = True
    elif password == "":
        secrets.delete_password(org_id, interface_id)
        password_set = False
    return repository.replace_interface(current, stored_settings(spec), password_set, expected)


def delete_interface(org_id: str, interface_id: str, version: int | None) -> None:
    """The interface, its mappings, its schedules and its secret."""
    from chalicelib.distributors import schedules

    current = repository.get_interface(org_id, interface_id)
    repository.delete_interface(current, current.version if version is None else version)
    schedules.delete_for_interface(org_id, interface_id)
    secrets.delete_password(org_id, interface_id)  # also one a failed earlier save left behind


def _forget_password(org_id: str, interface_id: str) -> None:
    try:
        secrets.delete_password(org_id, interface_id)
    except Exception:  # noqa: BLE001 - the first failure is the one the caller must see
        logger.warning("secret of an interface not created left behind", extra={"interface_id": interface_id})


def connection_password(org_id: str, interface_id: str) -> str | None:
    """The password an adapter logs in with: read from Secrets Manager when needed, never answered."""
    return secrets.read_password(org_id, interface_id)
