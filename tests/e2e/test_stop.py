"""Stopping the stack leaves nothing behind: no process, no thread, no environment change."""

from __future__ import annotations

import os

import pytest
import requests

from tests.e2e.support import alive, children_of


@pytest.mark.stops_stack
def test_stop_leaves_no_process_thread_or_setting_behind(stack):
    pids = stack.pids
    started = 2 if stack.dynamodb_engine.startswith("DynamoDB Local") else 1  # java, chalice local
    assert len(pids) == started, stack.dynamodb_engine
    assert {"moto server", "schedules"} <= set(stack.threads_alive)

    stack.stop()

    assert [pid for pid in pids if alive(pid)] == []
    assert [c for c in children_of(os.getpid()).values() if "java" in c or "chalice" in c] == []
    assert stack.pids == [] and stack.threads_alive == []
    assert "GUICHET_DYNAMODB_ENDPOINT" not in os.environ
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.api_url}/health", timeout=2)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.moto_endpoint}/moto-api/", timeout=2)
