"""The local stack's names, its state directory and the environment it gives the app, written once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = ROOT / ".guichet"  # git-ignored
HOST = "127.0.0.1"
REGION = "eu-west-1"
MOTO_ACCOUNT = "123456789012"  # moto's default account: the ARNs of what we deploy on it
STAGE = "dev"  # chalice local's stage; Chalice names the functions <app>-<stage>-<name>
PREFIX = f"guichet-{STAGE}-"
STATE_MACHINE_ARN_PREFIX = f"arn:aws:states:{REGION}:{MOTO_ACCOUNT}:stateMachine:{PREFIX}"


def ensure_secret(state_dir: Path) -> str:
    """The local token signing secret, generated once into <state_dir>/secret (mode 600)."""
    path = state_dir / "secret"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def app_environment(dynamodb_endpoint: str, moto_endpoint: str, token_secret: str) -> dict[str, str | None]:
    """What the app reads (chalicelib/config.py) and what boto3 needs; None removes a variable."""
    return {
        # Never real AWS: every client has a local endpoint, and these credentials open nothing.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "GUICHET_STAGE": STAGE,
        "GUICHET_TABLE_PREFIX": PREFIX,
        "GUICHET_DYNAMODB_ENDPOINT": dynamodb_endpoint,
        "GUICHET_AWS_ENDPOINT": moto_endpoint,
        "GUICHET_TOKEN_SECRET": token_secret,
        "GUICHET_TOKEN_SECRET_ARN": None,
        "GUICHET_STATE_MACHINE_ARN_PREFIX": STATE_MACHINE_ARN_PREFIX,
        "GUICHET_TEST_STACK": "true",  # takes no money: the payment simulator may serve it
        "DDB_LOCAL_TELEMETRY": "0",  # DynamoDB Local sends no telemetry
        # Every local client is 127.0.0.1: limits per address (chalicelib/auth/limits.py) would be one
        # shared budget for the tests and benches; limits per device and per account still hold.
        "GUICHET_LIMIT_GUEST_SESSIONS_PER_ADDRESS": "100000",
        "GUICHET_LIMIT_CARTS_PER_ADDRESS": "100000",
        "GUICHET_LIMIT_PLACES_PER_ADDRESS_FACTOR": "1000",
        "GUICHET_LIMIT_REGISTRATIONS_PER_ADDRESS": "100000",
        # A local stack's users and test suites log in as the demo's few accounts over and over: the
        # per-account and per-address attempt rates are lifted; wrong passwords still earn delays.
        "GUICHET_LIMIT_LOGIN_ATTEMPTS_PER_ACCOUNT": "100000",
        "GUICHET_LIMIT_LOGIN_ATTEMPTS_PER_ADDRESS": "100000",
        "GUICHET_LIMIT_LOGIN_FREE_FAILURES_ADDRESS": "100000",
    }


class EnvironmentPatch:
    """Changes os.environ (inherited by child processes, read by in-process handlers) and undoes it."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def apply(self, values: dict[str, str | None]) -> None:
        for name, value in values.items():
            self._saved.setdefault(name, os.environ.get(name))
            _set(name, value)
        forget_settings()

    def restore(self) -> None:
        for name, value in self._saved.items():
            _set(name, value)
        self._saved.clear()
        forget_settings()


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def forget_settings() -> None:
    """Settings and PynamoDB connections are cached per process: re-read them from the environment."""
    from chalicelib import config
    from chalicelib.db.tables import TABLES

    config.reset()
    pending = list(TABLES)
    while pending:
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())
