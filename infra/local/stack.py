"""The embedded local stack: DynamoDB Local, a moto server for the rest, schedules, `chalice local`.

`make run` and the e2e tests start it with this same class.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from infra.local import demo_catalog, seed
from infra.local.background import BackgroundStart
from infra.local.chalice_local import ChaliceLocal, check_port_free
from infra.local.environment import (
    HOST,
    PREFIX,
    REGION,
    STATE_DIR,
    STATE_MACHINE_ARN_PREFIX,
    EnvironmentPatch,
    app_environment,
    ensure_secret,
)
from infra.local.moto_server import MotoServer

MOTO_FALLBACK_WARNING = (
    "DynamoDB is served by moto instead: conditional writes are then NOT atomic under concurrency "
    "(no oversell guarantee), and nothing is kept between runs."
)


class LocalStackError(RuntimeError):
    """The stack cannot start as the code declares it (said plainly, without a traceback)."""


def _say(message: str) -> None:
    print(message, flush=True)


def _dynamodb_local_problem() -> str | None:
    """Why DynamoDB Local cannot run here (no Java, no npm package), or None."""
    from infra.local import dynamodb

    if shutil.which("java") is None:
        return "Java is not installed"
    try:
        dynamodb.jar_dir()
    except dynamodb.DynamoDBLocalUnavailable as exc:
        return str(exc)
    return None


def _check_functions_declared(functions: Mapping[str, object]) -> None:
    from chalicelib.workflows.catalogue import STATE_MACHINES

    for machine in STATE_MACHINES:
        missing = sorted(set(machine.functions.values()) - set(functions))
        if missing:
            raise LocalStackError(
                f"State machine {machine.name} calls Lambda function(s) {missing}, "
                "which app.py does not declare with @app.lambda_function"
            )


class LocalStack:
    """Start with start(), stop with stop() (idempotent; stops whatever was started).

    Call start() from a thread that lives as long as the stack (the main thread): `chalice local` is
    told to end when that thread ends. moto's state is per process: one LocalStack per process.
    """

    org = seed.ORG
    admin_login, admin_password = seed.ADMIN_LOGIN, seed.ADMIN_PASSWORD
    cashier_login, cashier_password = seed.CASHIER_LOGIN, seed.CASHIER_PASSWORD
    shopper_email, shopper_password = seed.SHOPPER_EMAIL, seed.SHOPPER_PASSWORD
    relay_email, relay_password = demo_catalog.RELAY[2], demo_catalog.RELAY_PASSWORD
    relay_contact_number = demo_catalog.RELAY[0]
    agency_relay_email, agency_relay_password = (
        demo_catalog.AGENCY_RELAY[2],
        demo_catalog.AGENCY_RELAY_PASSWORD,
    )
    agency_relay_contact_number = demo_catalog.AGENCY_RELAY[0]
    producer_relay_email = demo_catalog.PRODUCER_RELAY[2]
    producer_relay_password = demo_catalog.PRODUCER_RELAY_PASSWORD
    producer_relay_contact_number = demo_catalog.PRODUCER_RELAY[0]

    def __init__(
        self,
        port: int = 8000,
        *,
        state_dir: Path = STATE_DIR,
        persist: bool = False,
        schedule_speedup: float = 1.0,
        dynamodb: str = "auto",  # "auto": DynamoDB Local, else moto; "local" or "moto" to insist
        chalice_output: Path | None = None,  # None: chalice local writes to this terminal
        say: Callable[[str], None] = _say,
    ) -> None:
        if dynamodb not in ("auto", "local", "moto"):
            raise ValueError(f"dynamodb must be auto, local or moto, not {dynamodb!r}")
        self.port = port
        self.state_dir = state_dir
        self.persist = persist
        self.schedule_speedup = schedule_speedup
        self.dynamodb = dynamodb
        self.chalice_output = chalice_output
        self.say = say
        self.api_url = f"http://{HOST}:{port}"
        self.admin_url = f"{self.api_url}/admin"
        self.openapi_url = f"{self.api_url}/openapi.json"
        self.moto = MotoServer(HOST)
        self.dynamodb_engine = ""
        self.dynamodb_endpoint = ""
        self.state_machines: dict[str, str] = {}
        self.seeded: list[str] = []
        self.startup_seconds = 0.0
        self._dynamodb_local = None
        self._dynamodb_port = 0
        self._dynamodb_starter: BackgroundStart | None = None
        self._chalice: ChaliceLocal | None = None
        self._schedules = None
        self._outbox = None
        self._environment = EnvironmentPatch()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **kwargs) -> LocalStack:
        """`make run`'s settings: PORT, PERSIST=1, SCHEDULE_SPEEDUP, DYNAMODB, GUICHET_LOCAL_DIR."""
        return cls(
            port=int(environ.get("PORT", "8000")),
            state_dir=Path(environ.get("GUICHET_LOCAL_DIR") or STATE_DIR),
            persist=environ.get("PERSIST", "") not in ("", "0", "false"),
            schedule_speedup=float(environ.get("SCHEDULE_SPEEDUP", "1")),
            dynamodb=environ.get("DYNAMODB", "auto"),
            **kwargs,
        )

    @property
    def moto_endpoint(self) -> str:
        return self.moto.endpoint

    @property
    def pids(self) -> list[int]:
        """The processes this stack started and has not stopped yet."""
        processes = [getattr(self._dynamodb_local, "process", None), getattr(self._chalice, "process", None)]
        return [p.pid for p in processes if p is not None and p.poll() is None]

    @property
    def threads_alive(self) -> list[str]:
        alive = [
            ("moto server", self.moto.running),
            ("schedules", bool(self._schedules and self._schedules.running)),
            ("outbox worker", bool(self._outbox and self._outbox.running)),
            ("dynamodb launcher", bool(self._dynamodb_starter and self._dynamodb_starter.is_alive())),
        ]
        return [name for name, running in alive if running]

    def start(self) -> LocalStack:
        began = time.monotonic()
        try:
            check_port_free(HOST, self.port)
            token_secret = ensure_secret(self.state_dir)
            self.moto.start()
            self._choose_dynamodb()
            self._environment.apply(app_environment(self.dynamodb_endpoint, self.moto_endpoint, token_secret))
            self._environment.apply({"GUICHET_LOCAL_URL": f"http://{HOST}:{self.port}"})
            self._launch_dynamodb()  # java boots in the background while the rest is set up
            self._chalice = ChaliceLocal(HOST, self.port, dict(os.environ), self.chalice_output)
            self._chalice.start()  # it boots while the rest is deployed and seeded
            self._deploy_workflows()
            self._wait_for_dynamodb()
            self._prepare_data()
            self._start_schedules()
            self._chalice.wait_until_healthy()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _choose_dynamodb(self) -> None:
        """DynamoDB Local where it can run (or is insisted on), else moto's; says which."""
        from infra.local import dynamodb

        problem = None if self.dynamodb == "moto" else _dynamodb_local_problem()
        if problem and self.dynamodb == "local":
            raise dynamodb.DynamoDBLocalUnavailable(problem)
        if self.dynamodb == "moto" or problem:
            if problem:
                self.say(f"DynamoDB Local is unavailable: {problem}.\n{MOTO_FALLBACK_WARNING}")
            self.dynamodb_engine = "moto (in the runner's process)"
            self.dynamodb_endpoint = self.moto_endpoint
            os.environ[seed.MOTO_DYNAMODB_FLAG] = "1"  # the seed leaves out what moto makes too slow
            return
        self._dynamodb_port = dynamodb.free_port()
        self.dynamodb_endpoint = f"http://{HOST}:{self._dynamodb_port}"
        where = f"data in {self._data_dir}" if self._data_dir else "in memory"
        self.dynamodb_engine = f"DynamoDB Local ({where})"

    @property
    def _data_dir(self) -> Path | None:
        return self.state_dir / "dynamodb" if self.persist else None

    def _launch_dynamodb(self) -> None:
        from infra.local import dynamodb

        if self._dynamodb_port:
            port, data_dir = self._dynamodb_port, self._data_dir
            self._dynamodb_starter = BackgroundStart(
                lambda: dynamodb.start(port=port, data_dir=data_dir), "guichet-dynamodb"
            )
            self._dynamodb_starter.start()

    def _wait_for_dynamodb(self) -> None:
        if self._dynamodb_starter is not None and self._dynamodb_local is None:
            self._dynamodb_local = self._dynamodb_starter.result()

    def _deploy_workflows(self) -> None:
        import boto3

        from infra.local import workflows

        functions = workflows.app_functions()
        _check_functions_declared(functions)
        workflows.install_lambda_dispatch(functions, PREFIX)
        session = boto3.Session(region_name=REGION)
        self.state_machines = workflows.deploy(session, PREFIX, sorted(functions), self.moto_endpoint)
        wrong = [arn for arn in self.state_machines.values() if not arn.startswith(STATE_MACHINE_ARN_PREFIX)]
        if wrong:  # the app starts workflows by ARN prefix + name
            raise LocalStackError(f"State machine ARNs {wrong} do not start with {STATE_MACHINE_ARN_PREFIX}")

    def _prepare_data(self) -> None:
        import boto3

        from chalicelib.config import settings
        from chalicelib.db.tables import create_tables
        from infra.local.mail import verify_sender

        create_tables(boto3.client("dynamodb", region_name=REGION, endpoint_url=self.dynamodb_endpoint))
        # moto's SES keeps what is sent (the admin page's outbox shows it) from a verified sender only
        verify_sender(self.moto_endpoint, REGION, settings().mail_from)
        _create_files_bucket(self.moto_endpoint, settings().files_bucket)
        self.seeded = seed.seed()

    def _start_schedules(self) -> None:
        import boto3

        from infra.local.schedules import ScheduleLoop

        client = boto3.client("stepfunctions", region_name=REGION, endpoint_url=self.moto_endpoint)
        self._schedules = ScheduleLoop(
            client, self.state_machines, speedup=self.schedule_speedup, say=self.say
        )
        self._schedules.start()
        from infra.local.outbox_loop import OutboxLoop
        from infra.local.workflows import app_functions

        self._outbox = OutboxLoop(app_functions()["outbox_worker"], self.say)
        self._outbox.start()

    @property
    def schedule_starts(self) -> list:
        return list(self._schedules.fired) if self._schedules else []

    def wait(self, poll: float = 0.5) -> int | None:
        """Block while `chalice local` runs; returns its exit code if it ended by itself."""
        while self._chalice is not None and self._chalice.process is not None:
            code = self._chalice.process.poll()
            if code is not None:
                return code
            time.sleep(poll)
        return None

    def stop(self) -> None:
        """Stop everything started, last started first; safe to call twice or after a failed start."""
        for stop in (self._stop_chalice, self._stop_schedules, self._stop_dynamodb, self.moto.stop):
            try:
                stop()
            except Exception as exc:  # noqa: BLE001 - stop the others all the same
                self.say(f"while stopping: {type(exc).__name__}: {exc}")
        self._environment.restore()

    def _stop_chalice(self) -> None:
        if self._chalice is not None:
            self._chalice.stop()

    def _stop_schedules(self) -> None:
        if self._outbox is not None:
            self._outbox.stop()
        if self._schedules is not None:
            self._schedules.stop()

    def _stop_dynamodb(self) -> None:
        starter, self._dynamodb_starter = self._dynamodb_starter, None
        if starter is not None:
            with contextlib.suppress(Exception):  # it failed to start: nothing to stop
                self._dynamodb_local = self._dynamodb_local or starter.result()
        local, self._dynamodb_local = self._dynamodb_local, None
        if local is not None:
            local.stop()
        if starter is not None:
            starter.release()


def _create_files_bucket(endpoint: str, bucket: str) -> None:
    """The distributors' files bucket on the moto server (its memory goes with the stack)."""
    import boto3

    s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint)
    if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
