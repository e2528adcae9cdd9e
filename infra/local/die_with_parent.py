"""Run a command that gets SIGTERM when its parent dies, even by SIGKILL: `python <this file> <ppid> cmd...`.

The runner starts child processes through this file (by path: it needs only the standard library), so a
killed runner leaves no orphan (Linux; elsewhere the command simply runs). It execs the command, so the
PID the runner holds is the command's own.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    parent, command = int(argv[0]), argv[1:]
    with contextlib.suppress(OSError, AttributeError):  # not Linux: run without the guard
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before prctl took effect
        sys.exit(1)
    os.execvp(command[0], command)  # noqa: S606 - the runner's own command line


if __name__ == "__main__":
    main(sys.argv[1:])
