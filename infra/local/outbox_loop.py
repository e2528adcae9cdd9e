"""The local stand-in for the sales table's stream: the outbox worker's handler, every second.

On AWS, DynamoDB Streams hand each new outbox item to the `outbox_worker` function at once; locally
the runner calls the same handler in a loop, so what is due (new items, retries past their backoff)
is carried out within about a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class OutboxLoop:
    def __init__(self, handler: Callable[[dict, Any], Any], say: Callable[[str], None], every: float = 1.0):
        self.handler = handler
        self.say = say
        self.every = every
        self.carried_out = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="guichet-outbox", daemon=True)

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
        while not self._stop.wait(self.every):
            try:
                drained = self.handler({"action": "drain", "limit": 100}, None)
            except Exception as exc:  # noqa: BLE001 - the loop goes on; the next round tries again
                self.say(f"[outbox] {type(exc).__name__}: {exc}")
                continue
            done = int(drained.get("carried_out", 0))
            self.carried_out += done
            if done or drained.get("failed") or drained.get("dead"):
                self.say(
                    f"[outbox] carried out {done}, failed {drained.get('failed', 0)},"
                    f" dead {drained.get('dead', 0)}"
                )
