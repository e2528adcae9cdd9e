"""Run one worker function in several spawned OS processes that start each round together."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import time
import traceback
from collections.abc import Iterable
from typing import Any

WORKERS = 8
# Generous: eight interpreters importing boto3 on two cores take a few seconds to reach the barrier.
BARRIER_SECONDS = 60.0
RUN_SECONDS = 100.0


def run_workers(
    target: str, env: dict[str, str], payload: Any, workers: int = WORKERS, timeout: float = RUN_SECONDS
) -> list[Any]:
    """Run `target` ("module:function") in `workers` fresh processes; its return value per worker index.

    The function is called as `target(worker_index, barrier, payload)` after the process has set `env`
    and imported chalicelib; it waits on the barrier before each round so calls really overlap.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers, timeout=BARRIER_SECONDS)
    results = context.Queue()
    processes = [
        context.Process(
            target=_run_worker,
            args=(target, index, env, barrier, payload, results),
            name=f"integration-worker-{index}",
            daemon=True,
        )
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        collected = _collect(results, processes, time.monotonic() + timeout)
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
    failures = [f"worker {index}:\n{value}" for index, (ok, value) in sorted(collected.items()) if not ok]
    if failures:
        raise AssertionError("worker processes failed:\n" + "\n".join(failures))
    return [collected[index][1] for index in range(workers)]


def _collect(results: Any, processes: list[Any], deadline: float) -> dict[int, tuple[bool, Any]]:
    collected: dict[int, tuple[bool, Any]] = {}
    silent_checks = 0
    while len(collected) < len(processes):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{len(collected)} of {len(processes)} workers reported in time")
        try:
            index, ok, value = results.get(timeout=min(remaining, 1.0))
        except queue.Empty:
            gone = [p.name for i, p in enumerate(processes) if i not in collected and p.exitcode is not None]
            # A process that exited may still have its report in the pipe: allow one more read.
            silent_checks = silent_checks + 1 if gone else 0
            if silent_checks > 2:
                raise AssertionError(f"worker processes exited without reporting: {gone}") from None
            continue
        collected[index] = (ok, value)
    return collected


def _run_worker(
    target: str, index: int, env: dict[str, str], barrier: Any, payload: Any, results: Any
) -> None:
    os.environ.update(env)
    try:
        from chalicelib import config

        config.reset()
        module_name, _, function_name = target.partition(":")
        function = getattr(importlib.import_module(module_name), function_name)
        results.put((index, True, function(index, barrier, payload)))
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test with it
        barrier.abort()  # the others stop waiting for this one and report too
        results.put((index, False, traceback.format_exc()))


def most_workers_in_flight(calls: Iterable[tuple[int, float, float]]) -> int:
    """The largest number of distinct workers with a call in flight at one instant.

    `calls` are (worker, started, finished) in wall-clock seconds, comparable across processes.
    """
    events = []
    for worker, started, finished in calls:
        events.append((started, 1, worker))
        events.append((finished, -1, worker))
    in_flight: dict[int, int] = {}
    most = 0
    for _, step, worker in sorted(events, key=lambda e: (e[0], e[1])):
        in_flight[worker] = in_flight.get(worker, 0) + step
        most = max(most, sum(1 for n in in_flight.values() if n > 0))
    return most
