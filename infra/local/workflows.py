"""Run the real state machines on moto: Lambda tasks dispatched in-process to the app's own handlers.

Used by `make run` (against the embedded moto server) and by tests/workflows (moto in-process).
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chalicelib.workflows.catalogue import SCHEDULES, STATE_MACHINES

ROOT = Path(__file__).resolve().parents[2]
STATE_MACHINE_DIR = ROOT / "statemachines"
ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Service": ["lambda.amazonaws.com", "states.amazonaws.com", "scheduler.amazonaws.com"]
                },
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def app_functions() -> dict[str, Callable[[dict[str, Any], Any], Any]]:
    """The Chalice app's `@app.lambda_function` handlers by name."""
    from app import app

    return {function.name: function for function in app.pure_lambda_functions}


def install_lambda_dispatch(functions: dict[str, Callable[[dict[str, Any], Any], Any]], prefix: str) -> None:
    """Make moto invoke a Lambda function `<prefix><name>` by calling `functions[name]` in this process.

    An exception becomes a function error whose errorType is the exception's class name, as on AWS,
    so the state machines' Retry and Catch match the same names.
    """
    from moto.awslambda.models import LambdaFunction

    def invoke(self: Any, event: Any = None) -> tuple[str, bool, str]:
        name = self.function_name.removeprefix(prefix)
        payload = json.loads(event) if isinstance(event, str | bytes) else (event or {})
        try:
            result = functions[name](payload, None)
        except Exception as exc:  # noqa: BLE001 - reported to Step Functions like the Lambda runtime does
            body = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            return json.dumps(body), True, f"{type(exc).__name__}: {exc}"
        return json.dumps(result), False, ""

    LambdaFunction._invoke_lambda = invoke


@contextmanager
def fast_retries(factor: float = 100.0) -> Iterator[None]:
    """Divide the Retry intervals of moto's interpreter by `factor` (tests need no real back-off)."""
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    real = retrier_decl.time

    class _Clock:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def sleep(seconds: float) -> None:
            real.sleep(seconds / factor)

    retrier_decl.time = _Clock()
    try:
        yield
    finally:
        retrier_decl.time = real


def _dummy_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "# dispatched in-process by infra/local/workflows.py\n")
    return buffer.getvalue()


def definition(name: str, substitutions: dict[str, str]) -> str:
    """The ASL of `statemachines/<name>.asl.json` with every ${Placeholder} replaced."""
    text = (STATE_MACHINE_DIR / f"{name}.asl.json").read_text()
    missing = sorted(set(PLACEHOLDER.findall(text)) - set(substitutions))
    if missing:
        raise KeyError(f"{name}: no value for placeholder(s) {missing}")
    return PLACEHOLDER.sub(lambda m: substitutions[m.group(1)], text)


def deploy(
    session: Any, prefix: str, function_names: list[str], endpoint_url: str | None = None
) -> dict[str, str]:
    """Create the Lambda functions, state machines and schedules on moto; returns state machine ARNs."""
    clients = {
        name: session.client(name, endpoint_url=endpoint_url)
        for name in ("iam", "lambda", "stepfunctions", "scheduler")
    }
    role_arn = _role(clients["iam"], prefix)
    function_arns = {name: _function(clients["lambda"], prefix + name, role_arn) for name in function_names}
    machines: dict[str, str] = {}
    for machine in STATE_MACHINES:
        substitutions = {holder: function_arns[fn] for holder, fn in machine.functions.items()}
        machines[machine.name] = _state_machine(
            clients["stepfunctions"], prefix + machine.name, definition(machine.name, substitutions), role_arn
        )
    for schedule in SCHEDULES:
        _schedule(
            clients["scheduler"], prefix + schedule.name, schedule, machines[schedule.state_machine], role_arn
        )
    return machines


def _role(iam: Any, prefix: str) -> str:
    name = f"{prefix}local-role"
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]


def _function(client: Any, name: str, role_arn: str) -> str:
    try:
        return client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    except client.exceptions.ResourceNotFoundException:
        created = client.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": _dummy_zip()},
            Timeout=60,
        )
        return created["FunctionArn"]


def _state_machine(client: Any, name: str, asl: str, role_arn: str) -> str:
    for page in client.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] == name:
                client.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=asl)
                return machine["stateMachineArn"]
    return client.create_state_machine(name=name, definition=asl, roleArn=role_arn)["stateMachineArn"]


def _schedule(client: Any, name: str, schedule: Any, target_arn: str, role_arn: str) -> None:
    target = {"Arn": target_arn, "RoleArn": role_arn, "Input": json.dumps(schedule.input)}
    arguments = {
        "Name": name,
        "ScheduleExpression": schedule.expression,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": target,
    }
    try:
        client.get_schedule(Name=name)
        client.update_schedule(**arguments)
    except client.exceptions.ResourceNotFoundException:
        client.create_schedule(**arguments)


def wait_for_execution(client: Any, execution_arn: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll until the execution ends; returns describe_execution's answer."""
    deadline = time.monotonic() + timeout
    while True:
        described = client.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} still running after {timeout}s")
        time.sleep(0.05)
