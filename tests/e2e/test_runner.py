"""`python -m infra.local`, what `make run` runs, as a newcomer uses it: banner, Ctrl-C, a second run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from infra.local.dynamodb import free_port
from tests.e2e.support import alive, children_of

ROOT = Path(__file__).resolve().parents[2]
READY = "Ctrl-C stops everything."


class Runner:
    """The runner in a child process, its output collected line by line."""

    def __init__(self, state_dir: Path, **env: str) -> None:
        self.port = free_port()
        environment = {**os.environ, "PORT": str(self.port), "GUICHET_LOCAL_DIR": str(state_dir), **env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.local"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(line for line in self.lines if not line.startswith("{"))  # not JSON logs

    def wait_for(self, text: str, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.process.poll() is None, f"the runner exited:\n{self.output}"
            assert time.monotonic() < deadline, f"no {text!r} within {timeout}s:\n{self.output}"
            time.sleep(0.1)

    def children(self) -> list[int]:
        return list(children_of(self.process.pid))

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def runners():
    """Start runners with `runners(state_dir, **env)`; any still running at the end is killed."""
    started: list[Runner] = []

    def start(state_dir: Path, **env: str) -> Runner:
        started.append(Runner(state_dir, **env))
        return started[-1]

    yield start
    for runner in started:
        runner.kill()


def log_in(port: int) -> requests.Response:
    return requests.post(
        f"http://127.0.0.1:{port}/backoffice/login",
        json={"org_id": "demo", "login": "cashier", "password": "cashier-password"},
        timeout=30,
    )


def test_ctrl_c_stops_everything_and_a_persisted_second_run_keeps_the_demo(runners, tmp_path):
    first = runners(tmp_path, PERSIST="1")
    first.wait_for(READY)
    children = first.children()

    assert f"http://127.0.0.1:{first.port}/admin" in first.output
    assert "admin-password" in first.output and "DynamoDB Local (data in" in first.output
    assert len(children) == 2  # DynamoDB Local's java and chalice local
    assert log_in(first.port).status_code == 200
    first.process.send_signal(signal.SIGINT)
    assert first.process.wait(timeout=30) == 0
    assert [pid for pid in children if alive(pid)] == []
    assert (tmp_path / "secret").stat().st_mode & 0o777 == 0o600

    second = runners(tmp_path, PERSIST="1")
    second.wait_for(READY)
    assert "already there (nothing new)" in second.output
    assert log_in(second.port).status_code == 200  # same secret, same data
    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(timeout=30) == 0


def test_without_java_it_falls_back_to_moto_and_says_so(runners, tmp_path):
    venv_bin = str(Path(sys.executable).parent)
    runner = runners(tmp_path, PATH=venv_bin)  # no java on the PATH
    runner.wait_for(READY)

    assert "Java is not installed" in runner.output
    assert "NOT atomic under concurrency" in runner.output
    assert "moto (in the runner's process)" in runner.output
    assert log_in(runner.port).status_code == 200
    children = runner.children()
    assert len(children) == 1  # chalice local only


def test_a_killed_runner_takes_chalice_local_with_it(runners, tmp_path):
    runner = runners(tmp_path, DYNAMODB="moto")
    runner.wait_for(READY)
    children = runner.children()

    runner.process.kill()  # SIGKILL: no clean-up code runs
    runner.process.wait()

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in children if alive(pid)] == []
