"""The http adapter over a real socket: the stack's app (chalice's local server on a loopback port, in a
thread) playing the simulated distributor. Time-outs, 500s, refused connections and credentials are
technical errors; broken answers external; broken or repeated records rejected alone."""

from __future__ import annotations

import socket
import threading
import urllib.request

import pytest
from chalice import local
from chalice.config import Config

from chalicelib.distributors import connections, simulator, simulator_protocol
from chalicelib.distributors.categories import ExternalError, TechnicalError
from chalicelib.distributors.http_adapter import HttpAdapter
from tests.api.test_distributor_simulator_api import serving_app
from tests.service.test_distributor_simulator import (
    LOGIN,
    ORG,
    PASSWORD,
    allotment,
    seat,
    simulated_interface,
    standing,
)


@pytest.fixture
def server(organisation):
    """The app on 127.0.0.1:<a free port> until the test ends (chalice's own server; not through
    create_local_server, which changes the app's class: the tests call it one request at a time)."""
    served = local.LocalDevServer(serving_app(), Config.create(), "127.0.0.1", 0)
    served.server.daemon_threads = True
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{served.server.server_address[1]}"
    finally:
        served.shutdown()
        served.server.server_close()
        thread.join(5)


@pytest.fixture
def remote(server):
    interface = simulated_interface(url=f"{server}/distributor-simulator/{ORG}/placeholder")
    url = f"{server}/distributor-simulator/{ORG}/{interface.id}"
    return interface, HttpAdapter(url, LOGIN, PASSWORD, timeout=2)


def test_export_sell_pull_and_count_over_http(remote):
    interface, adapter = remote
    receipt = adapter.export_allotment(
        allotment(interface.id, 1, seat("P1", 1), seat("P1", 2), standing("P1", 3))
    )
    assert receipt.accepted == 5
    request = urllib.request.Request(
        f"{adapter.url}/sell",
        data=b'{"distributor_performance_id": "P1", "seats": 2, "audience": "FULL", "price": 1500}',
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 201

    page = adapter.pull_sales(None, 50)

    assert [(line.line, line.seat, line.price) for line in page.lines] == [
        ("1", "P1-A1", 1500),
        ("2", "P1-A2", 1500),
    ]
    counts = adapter.read_counts(["P1"])
    assert [(c.allocated, c.sold) for c in counts] == [(5, 2)]


def test_the_adapter_of_an_interface_reaches_its_url_over_http(remote):
    interface, _ = remote
    interface.data["connection"]["url"] = remote[1].url
    adapter = connections.adapter_for(ORG, interface)
    assert adapter.read_counts(["P1"])[0].allocated == 0


def test_a_late_answer_is_a_technical_error(remote):
    interface, adapter = remote
    adapter.timeout = 0.3
    simulator_protocol.set_failure(ORG, interface.id, "timeout", 1, delay=1.0)
    with pytest.raises(TechnicalError) as late:
        adapter.read_counts(["P1"])
    assert late.value.details["reason"] == "timeout"
    assert late.value.as_dict()["category"] == "technical"


def test_a_500_and_wrong_credentials_are_technical_errors(remote):
    interface, adapter = remote
    simulator_protocol.set_failure(ORG, interface.id, "error_500", 1)
    with pytest.raises(TechnicalError) as failed:
        adapter.pull_sales(None, 10)
    assert failed.value.details["status"] == 500

    wrong = HttpAdapter(adapter.url, LOGIN, "not-it", timeout=2)
    with pytest.raises(TechnicalError) as refused:
        wrong.pull_sales(None, 10)
    assert (refused.value.details["reason"], refused.value.details["status"]) == ("not_authorized", 401)


def test_malformed_and_duplicate_records_over_http(remote):
    interface, adapter = remote
    adapter.export_allotment(allotment(interface.id, 1, *(seat("P1", n) for n in range(1, 4))))
    simulator.sell(ORG, interface.id, "P1", 3, "FULL", price=800)

    simulator_protocol.set_failure(ORG, interface.id, "malformed", 1)
    broken = adapter.pull_sales(None, 10)
    assert ([line.line for line in broken.lines], [r.line for r in broken.rejected]) == (["2", "3"], ["1"])

    simulator_protocol.set_failure(ORG, interface.id, "duplicate", 1)
    repeated = adapter.pull_sales(None, 10)
    assert [line.line for line in repeated.lines] == ["1", "2", "3"]
    assert [(r.line, r.reason.startswith("duplicate")) for r in repeated.rejected] == [("1", True)]

    simulator_protocol.set_failure(ORG, interface.id, "malformed", 1)
    with pytest.raises(ExternalError):
        adapter.read_counts(["P1"])


def test_a_refused_connection_is_a_technical_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = HttpAdapter(f"http://127.0.0.1:{port}/distributor", "x", "y", timeout=2)
    with pytest.raises(TechnicalError) as unreachable:
        adapter.read_counts(["P1"])
    assert unreachable.value.details["reason"] == "unreachable"
