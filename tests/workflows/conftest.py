"""State machines executed for real by moto's interpreter, Lambda tasks dispatched to our handlers."""

from __future__ import annotations

import uuid

import boto3
import pytest
from moto import mock_aws

from chalicelib import config
from chalicelib.db.tables import TABLES, create_tables
from infra.local import workflows

PREFIX = "guichet-test-"


@pytest.fixture
def sfn():
    """A moto account with every table, the app's Lambda functions and state machines deployed."""
    config.reset()
    functions = workflows.app_functions()
    workflows.install_lambda_dispatch(functions, PREFIX)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), workflows.fast_retries():
        for model in TABLES:
            model._connection = None
        create_tables(boto3.client("dynamodb"))
        machines = workflows.deploy(boto3.Session(), PREFIX, sorted(functions))
        yield Runner(boto3.client("stepfunctions"), machines)


class Runner:
    def __init__(self, client, machines: dict[str, str]) -> None:
        self.client = client
        self.machines = machines

    def run(self, name: str, payload: str = "{}") -> dict:
        started = self.client.start_execution(
            stateMachineArn=self.machines[name], name=f"test-{uuid.uuid4().hex}", input=payload
        )
        return workflows.wait_for_execution(self.client, started["executionArn"])

    def history(self, execution_arn: str) -> list[dict]:
        pages = self.client.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
        return [event for page in pages for event in page["events"]]
