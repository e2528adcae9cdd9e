"""Worker processes for the queue's concurrency test: each joins the same queue many times at once."""

from __future__ import annotations

import os
from typing import Any

from chalicelib.queue import repository
from chalicelib.queue import service as queues


def join_many(index: int, barrier: Any, payload: dict[str, Any]) -> list[list[Any]]:
    org_id, queue_id = payload["org_id"], payload["queue_id"]
    # The gate is read from the queue alone: this test is about counting arrivals, not the catalog.
    queues.queue_for_performance = lambda org, performance: repository.get_queue(org_id, queue_id)
    joined = []
    barrier.wait()
    for n in range(payload["arrivals"]):
        view = queues.join_queue(org_id, "perf-1", f"10.0.{index}.{n}", None)
        key = view.entry.key
        joined.append([key.bucket, key.shard, key.seq, view.entry.entry_id, os.getpid()])
    return joined
