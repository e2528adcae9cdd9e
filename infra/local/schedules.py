"""Fire the stack's schedules at their cadence: moto stores schedules but never fires them."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.workflows.catalogue import SCHEDULES, Schedule


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

    def __post_init__(self) -> None:
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
        while due and not self._stop.wait(max(0.0, min(at for at, _ in due) - time.monotonic())):
            for entry in due:
                at, schedule = entry
                if at <= time.monotonic():
                    self.fire(schedule)
                    entry[0] = at + self.interval(schedule)

    def fire(self, schedule: Schedule) -> Fired:
        """Start one execution, named as EventBridge Scheduler would (moto leaves nameless ones unnamed)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{schedule.name}-{stamp}-{uuid.uuid4().hex[:8]}"[:80]
        try:
            started = self.client.start_execution(
                stateMachineArn=self.machines[schedule.state_machine],
                name=name,
                input=json.dumps(schedule.input),
            )
        except Exception as exc:  # noqa: BLE001 - one failed start must not end the loop
            fired = Fired(schedule.name, None, f"{type(exc).__name__}: {exc}")
            self.say(f"[schedule] {schedule.name}: could not start {schedule.state_machine}: {fired.error}")
        else:
            fired = Fired(schedule.name, started["executionArn"])
            self.say(f"[schedule] {schedule.name}: started {schedule.state_machine} ({name})")
        self.fired.append(fired)
        return fired
