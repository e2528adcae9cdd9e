"""Start something slow in a thread that then stays alive until released.

A child process guarded by die_with_parent.py gets its signal when the *thread* that started it ends
(that is how Linux's PR_SET_PDEATHSIG works), so the starting thread must outlive the child.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class BackgroundStart(threading.Thread):
    def __init__(self, start: Callable[[], Any], name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._start_it = start
        self._result: Any = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._released = threading.Event()

    def run(self) -> None:
        try:
            self._result = self._start_it()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the result
            self._error = exc
        finally:
            self._done.set()
        self._released.wait()

    def result(self) -> Any:
        """What `start` returned, once it has; re-raises what it raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._result

    def release(self) -> None:
        """Let the thread end: only once what it started has been stopped."""
        self._released.set()
        self.join(timeout=5)
