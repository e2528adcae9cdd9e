"""Fire the stack's schedules at their cadence: moto stores schedules but never fires them.

Besides the stack's own schedules (the catalogue's), the loop reads the schedules operators make for
distributor interfaces from moto's EventBridge Scheduler (groups `<prefix>distributors`) every few
seconds and starts their target with their input at their rate, from their start date."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.workflows.catalogue import SCHEDULES, Schedule

INTERFACE_GROUP_SUFFIX = "distributors"  # chalicelib/distributors/schedules.py's groups
RATE = re.compile(r"^rate\((\d+) (minute|hour|day)s?\)$")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int | None:
    """rate(15 minutes) -> 900; None for an expression the loop does not fire (cron, at)."""
    matched = RATE.match(expression.strip())
    return int(matched.group(1)) * UNIT_SECONDS[matched.group(2)] if matched else None


@dataclass
class Fired:
    schedule: str
    execution_arn: str | None
    error: str | None = None


@dataclass
class ScheduleLoop:
    """A background thread that starts `schedule.state_machine` every `rate_seconds / speedup` seconds."""

    client: Any  # boto3 Step Functions client of the moto server
    machines: dict[str, str]  # state machine name -> ARN
    schedules: Iterable[Schedule] = SCHEDULES
    speedup: float = 1.0
    say: Callable[[str], None] = print
    fired: list[Fired] = field(default_factory=list)
    poll_seconds: float = 5.0  # how often the interfaces' schedules are read again
    scheduler: Any = None  # boto3 Scheduler client; by default the Step Functions client's endpoint

    def __post_init__(self) -> None:
        self._due: dict[tuple[str, str], list[Any]] = {}  # (group, name) -> [next wall time, signature]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="guichet-schedules", daemon=True)

    def interval(self, schedule: Schedule) -> float:
        return max(0.5, schedule.rate_seconds / self.speedup)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        # Like EventBridge's rate(): the first run comes one interval after the schedule is created.
        now = time.monotonic()
        due = [[now + self.interval(schedule), schedule] for schedule in self.schedules]
        poll_at = now
        while not self._stop.wait(max(0.0, min([at for at, _ in due] + [poll_at]) - time.monotonic())):
            for entry in due:
                at, schedule = entry
                if at <= time.monotonic():
                    self.fire(schedule)
                    entry[0] = at + self.interval(schedule)
            if poll_at <= time.monotonic():
                try:
                    self.fire_interface_schedules()
                except Exception as exc:  # noqa: BLE001 - moto unreachable for a moment: read again later
                    problem = f"{type(exc).__name__}: {exc}"
                    self.say(f"[schedule] could not read the interfaces' schedules: {problem}")
                poll_at = time.monotonic() + self.poll_seconds

    def _scheduler(self) -> Any:
        if self.scheduler is None:
            import boto3

            meta = self.client.meta
            self.scheduler = boto3.client(
                "scheduler", region_name=meta.region_name, endpoint_url=meta.endpoint_url
            )
        return self.scheduler

    def _interface_schedules(self) -> Iterable[tuple[str, dict[str, Any]]]:
        client = self._scheduler()
        for page in client.get_paginator("list_schedules").paginate():
            for summary in page["Schedules"]:
                group = summary.get("GroupName") or "default"
                if group.endswith(INTERFACE_GROUP_SUFFIX):
                    yield group, client.get_schedule(Name=summary["Name"], GroupName=group)

    def fire_interface_schedules(self, wall: float | None = None) -> list[Fired]:
        """Start what is due among the interfaces' schedules (enabled, a rate): a schedule first seen
        (or changed) is due at its start date, else one period on; `speedup` shortens both."""
        wall = time.time() if wall is None else wall
        fired, seen = [], set()
        for group, detail in self._interface_schedules():
            period = rate_seconds(detail.get("ScheduleExpression", ""))
            if detail.get("State") != "ENABLED" or not period:
                continue
            key = (group, detail["Name"])
            seen.add(key)
            period_wall = max(0.5, period / self.speedup)
            start = detail.get("StartDate")
            signature = (detail["ScheduleExpression"], str(start), detail["Target"].get("Input"))
            entry = self._due.get(key)
            if entry is None or entry[1] != signature:
                wait = max(0.0, start.timestamp() - wall) / self.speedup if start else period_wall
                self._due[key] = [wall + wait, signature]
                continue
            if entry[0] <= wall:
                target = detail["Target"]
                fired.append(self._start(detail["Name"], target["Arn"], target.get("Input") or "{}"))
                while entry[0] <= wall:
                    entry[0] += period_wall
        for key in set(self._due) - seen:
            del self._due[key]
        return fired

    def fire(self, schedule: Schedule) -> Fired:
        """Start one execution, named as EventBridge Scheduler would (moto leaves nameless ones unnamed)."""
        return self._start(schedule.name, self.machines[schedule.state_machine], json.dumps(schedule.input))

    def _start(self, schedule_name: str, machine_arn: str, payload: str) -> Fired:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{schedule_name}-{stamp}-{uuid.uuid4().hex[:8]}"[:80]
        machine = machine_arn.rsplit(":", 1)[-1]
        try:
            started = self.client.start_execution(stateMachineArn=machine_arn, name=name, input=payload)
        except Exception as exc:  # noqa: BLE001 - one failed start must not end the loop
            fired = Fired(schedule_name, None, f"{type(exc).__name__}: {exc}")
            self.say(f"[schedule] {schedule_name}: could not start {machine}: {fired.error}")
        else:
            fired = Fired(schedule_name, started["executionArn"])
            self.say(f"[schedule] {schedule_name}: started {machine} ({name})")
        self.fired.append(fired)
        return fired
