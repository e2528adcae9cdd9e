"""The stack's Lambda functions as chalice packages them, with the memory and timeout each is given."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.aws import names

ROOT = Path(__file__).resolve().parents[2]
API_FUNCTION = "api_handler"  # chalice's name for the function behind API Gateway
# API Gateway gives up on an integration after 29 seconds: the API function must finish before.
API_GATEWAY_TIMEOUT_SECONDS = 29
# chalice's own defaults when the configuration names none
DEFAULT_MEMORY_MB = 128
DEFAULT_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Function:
    name: str  # chalice's name: api_handler, or the name given to @app.lambda_function
    memory_mb: int
    timeout_seconds: int

    @property
    def logical_id(self) -> str:
        return names.API_HANDLER if self.name == API_FUNCTION else names.function_id(self.name)

    @property
    def log_group_name(self) -> dict[str, Any]:
        return {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}-{self.logical_id}"}


def chalice_config() -> dict[str, Any]:
    return json.loads((ROOT / ".chalice" / "config.json").read_text())


def configured(name: str, stage: str, config: dict[str, Any] | None = None) -> tuple[int, int]:
    """(memory MB, timeout s) as chalice resolves them: the stage's function, the stage, the function,
    then the top level."""
    config = config if config is not None else chalice_config()
    stage_config = config.get("stages", {}).get(stage, {})
    chain = [
        stage_config.get("lambda_functions", {}).get(name, {}),
        stage_config,
        config.get("lambda_functions", {}).get(name, {}),
        config,
    ]

    def lookup(key: str, default: int) -> int:
        return next((int(level[key]) for level in chain if key in level), default)

    return lookup("lambda_memory_size", DEFAULT_MEMORY_MB), lookup("lambda_timeout", DEFAULT_TIMEOUT_SECONDS)


def function_names() -> list[str]:
    """The API function, then every `@app.lambda_function` of app.py, in the app's order."""
    from app import app

    return [API_FUNCTION] + [function.name for function in app.pure_lambda_functions]


def stack_functions(stage: str) -> list[Function]:
    config = chalice_config()
    return [Function(name, *configured(name, stage, config)) for name in function_names()]
