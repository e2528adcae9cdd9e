"""Eight processes joining one queue at once on DynamoDB Local: distinct places, no entry lost."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from chalicelib.queue import admitter, repository
from chalicelib.queue import service as queues
from chalicelib.queue.model import SHARDS, EntryStatus, Queue, TargetKind, parse_entry_id
from tests.integration.conftest import use_environment
from tests.integration.processes import WORKERS, run_workers

ORG = "demo"
SECRET = "integration-secret-that-is-long-enough-for-hs256"
ARRIVALS = 40  # per worker


@pytest.fixture
def queue_env(store, monkeypatch) -> dict[str, str]:
    env = {**store.env, "GUICHET_TOKEN_SECRET": SECRET}
    use_environment(monkeypatch, env)
    return env


def test_buyers_joining_at_once_get_distinct_places_and_none_is_lost(queue_env, monkeypatch):
    opened = int(time.time()) - 5
    queue = repository.create_queue(Queue(ORG, TargetKind.PERFORMANCE, "perf-1", opened, 10_000))
    payload = {"org_id": ORG, "queue_id": queue.queue_id, "arrivals": ARRIVALS}

    reports = run_workers("tests.integration.queue_workers:join_many", queue_env, payload)

    keys = [tuple(row[:3]) for report in reports for row in report]
    assert len(keys) == len(set(keys)) == WORKERS * ARRIVALS
    # Contention: some counter handed numbers to several processes (else the test proved nothing).
    writers: dict[tuple[int, int], set[int]] = {}
    for report in reports:
        for bucket, shard, _seq, _entry, pid in report:
            writers.setdefault((bucket, shard), set()).add(pid)
    assert max(len(pids) for pids in writers.values()) > 1, "no contention, the test proved nothing"
    per_counter = Counter((bucket, shard) for bucket, shard, _ in keys)
    counted = repository.read_counts(ORG, queue.queue_id, sorted({b for b, _ in per_counter}), SHARDS)
    assert {(b, s): n for b, row in counted.items() for s, n in enumerate(row) if n} == dict(per_counter)

    monkeypatch.setattr(queues, "now", lambda: time.time() + 120)
    run = admitter.admit(ORG, queue.queue_id)

    assert run.admitted == WORKERS * ARRIVALS and run.waiting == 0
    for report in reports:
        for _b, _s, _q, entry_id, _pid in report:
            key, _secret = parse_entry_id(entry_id)
            assert repository.get_entry(ORG, queue.queue_id, key).status == EntryStatus.ADMITTED
