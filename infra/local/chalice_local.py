"""`chalice local` as a child process: started in its own session, stopped with no orphan left."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from infra.local.environment import STAGE

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DIE_WITH_PARENT = HERE / "die_with_parent.py"
# The chalice command (chalice_cli.py: a 40 ms stall per request removed), its gateway answering as the
# deployed one does: 404 in the documented shape for an unknown route, gzip above the minimum size.
CHALICE_CLI = HERE / "gateway.py"


class ChaliceLocalError(RuntimeError):
    """`chalice local` could not start or did not answer."""


def check_port_free(host: str, port: int) -> None:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is fine
        try:
            sock.bind((host, port))
        except OSError:
            raise ChaliceLocalError(
                f"Port {port} on {host} is in use: stop what uses it or set PORT="
            ) from None


class ChaliceLocal:
    def __init__(self, host: str, port: int, env: dict[str, str], output: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.env = env
        self.output = output  # None: the runner's own terminal
        self.process: subprocess.Popen | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        guard = [sys.executable, str(DIE_WITH_PARENT), str(os.getpid())]
        command = [*guard, sys.executable, str(CHALICE_CLI), "local", "--no-autoreload", "--stage", STAGE]
        command += ["--host", self.host, "--port", str(self.port)]
        if self.output is not None:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.output.open("ab")
        # Its own session: Ctrl-C reaches the runner only, which then stops chalice in order.
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT if self._log else None,
            start_new_session=True,
        )

    def wait_until_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise ChaliceLocalError(f"chalice local exited at start{self._tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise ChaliceLocalError(
                    f"chalice local did not answer /health within {timeout}s{self._tail()}"
                )
            time.sleep(0.1)

    def _tail(self) -> str:
        if self.output is None or not self.output.exists():
            return ""
        return ":\n" + self.output.read_text(errors="replace")[-1500:]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
