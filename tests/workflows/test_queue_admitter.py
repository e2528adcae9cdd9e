"""The queue-admitter state machine, run by moto's interpreter over the real ASL file."""

from __future__ import annotations

import pytest

from chalicelib.queue import repository
from chalicelib.queue import service as queues
from chalicelib.queue.model import Entry, EntryKey, EntryStatus, Queue, QueueStatus, TargetKind
from chalicelib.runs import service as runs

ORG = "demo"
OPENS_AT = 1_900_000_020


@pytest.fixture
def queue(sfn, monkeypatch) -> Queue:
    """A queue opened a minute ago with 5 early arrivals, admitting 3 a minute."""
    monkeypatch.setattr(queues, "now", lambda: OPENS_AT + 60)
    queues.clear_cache()
    created = repository.create_queue(Queue(ORG, TargetKind.PERFORMANCE, "perf-1", OPENS_AT, 3))
    for n in range(5):
        seq = repository.count_arrival(ORG, created.queue_id, 0, 0, OPENS_AT - 100)
        key = EntryKey(0, 0, seq)
        entry = Entry(ORG, created.queue_id, key, f"{n:016x}", "ip", EntryStatus.WAITING, OPENS_AT - 100)
        repository.save_entry(entry, OPENS_AT - 100)
    yield created
    queues.clear_cache()


def admitted(queue: Queue) -> int:
    keys = [EntryKey(0, 0, seq) for seq in range(1, 6)]
    entries = [repository.get_entry(ORG, queue.queue_id, key) for key in keys]
    return sum(e.status == EntryStatus.ADMITTED for e in entries)


def test_a_run_admits_the_rate_and_a_second_run_in_the_minute_admits_no_one(sfn, queue):
    first = sfn.run("queue-admitter")
    second = sfn.run("queue-admitter")

    assert first["status"] == second["status"] == "SUCCEEDED", first
    assert admitted(queue) == 3
    newest, oldest = runs.list_runs("queue-admitter")
    assert oldest.summary == {"queues": 1, "admitted": 3, "counted": 0, "waiting": 2}
    assert newest.summary["admitted"] == 0


def test_a_stopped_queue_is_not_visited(sfn, queue):
    repository.change_settings(ORG, queue.queue_id, {"status": QueueStatus.STOPPED.value})

    execution = sfn.run("queue-admitter")

    assert execution["status"] == "SUCCEEDED"
    assert admitted(queue) == 0
    [run] = runs.list_runs("queue-admitter")
    assert run.summary["queues"] == 0
