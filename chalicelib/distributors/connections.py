"""The adapter of an interface, from its connection settings: http (its url, login and password), the
simulated distributor (the url given, or this stack's own), or files (file_adapter.FileAdapter)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chalicelib import config
from chalicelib.distributors import service
from chalicelib.distributors.adapters import Adapter
from chalicelib.distributors.http_adapter import HttpAdapter, Transport
from chalicelib.distributors.model import AdapterKind, Interface

SIMULATOR_PATH = "/distributor-simulator"
# A transport for the simulated distributor's adapters, set by `simulated_transport` (tests).
_simulated_transport: list[Transport] = []


def simulator_url(org_id: str, interface_id: str) -> str:
    """Where this stack serves the simulated distributor of an interface."""
    return f"{config.public_url()}{SIMULATOR_PATH}/{org_id}/{interface_id}"


def adapter_for(org_id: str, interface: Interface, transport: Transport | None = None) -> Adapter:
    """The adapter speaking to the interface's distributor (`transport`: how http requests go; the
    standard library's by default)."""
    connection = interface.data.get("connection", {})
    kind = AdapterKind(connection.get("adapter", AdapterKind.FILE))
    if kind == AdapterKind.FILE:
        from chalicelib.distributors.file_adapter import FileAdapter

        return FileAdapter(org_id, interface)
    password = service.connection_password(org_id, interface.id) if interface.password_set else None
    url = connection.get("url") or ""
    if kind == AdapterKind.SIMULATED:
        url = url or simulator_url(org_id, interface.id)
        transport = transport or (_simulated_transport[-1] if _simulated_transport else None)
    return HttpAdapter(url, connection.get("login", ""), password, transport=transport, kind=kind)


@contextmanager
def simulated_transport(transport: Transport | None = None) -> Iterator[None]:
    """Within it, simulated interfaces' adapters call the simulated distributor through `transport`
    (by default in this process, without a server): for tests and workflows run in process."""
    if transport is None:
        from chalicelib.distributors.simulator_protocol import in_process

        transport = in_process
    _simulated_transport.append(transport)
    try:
        yield
    finally:
        _simulated_transport.remove(transport)
