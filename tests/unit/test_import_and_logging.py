"""Importing the app talks to nobody; every log line of a request carries its request id."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NO_NETWORK = """
import socket, botocore.client
def refuse(*args, **kwargs):
    raise AssertionError("network used at import time")
socket.socket.connect = refuse
botocore.client.BaseClient._make_api_call = refuse
import app
import chalicelib.workflows.hold_cleanup, chalicelib.runs.service, chalicelib.inventory.service
print("imported", len(app.app.routes))
"""


def test_importing_the_app_makes_no_network_call():
    result = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported")


def test_every_log_line_of_a_request_is_json_with_the_request_id(api):
    from chalicelib.observability import logger

    buffer = io.StringIO()
    logger.registered_handler.setStream(buffer)
    logger.setLevel("INFO")
    try:
        api.call("POST", "/backoffice/login", {"org_id": "demo", "login": "admin", "password": "nope"})
    finally:
        logger.setLevel("WARNING")
        logger.registered_handler.setStream(sys.stdout)

    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert lines, "the request logged nothing"
    assert all(line.get("request_id") and line["service"] == "guichet" for line in lines)
    assert any(line.get("status") == 401 for line in lines)


def test_the_request_id_is_returned_to_the_client(api):
    first = api.call("GET", "/health")
    second = api.call("GET", "/health")

    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
