"""Least-privilege IAM: the Chalice functions' policy and the roles of state machines and schedules."""

from __future__ import annotations

from typing import Any

from chalicelib.db.tables import TABLES
from chalicelib.workflows.catalogue import STATE_MACHINES
from infra.aws import names

# What PynamoDB does for the application: items, queries, batches and transactions (whose IAM check
# is the per-item action), plus DescribeTable, which PynamoDB calls before its first request.
DYNAMODB_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
)
LOG_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")


def statement(actions: list[str] | tuple[str, ...], resources: list[Any]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": resources}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def function_policy() -> dict[str, Any]:
    """What the API handler and the workflow functions may do: only this stack's resources."""
    tables: list[Any] = []
    for model in TABLES:
        table = names.table_id(model.Meta.logical_name)
        tables += [names.get_arn(table), {"Fn::Sub": f"${{{table}.Arn}}/index/*"}]
    return document(
        statement(LOG_ACTIONS, [names.arn("logs", "log-group:/aws/lambda/${AWS::StackName}-*")]),
        statement(DYNAMODB_ACTIONS, tables),
        statement(["secretsmanager:GetSecretValue"], [names.ref(names.TOKEN_SECRET)]),
        statement(["states:StartExecution"], [names.state_machine_arn(m.name) for m in STATE_MACHINES]),
        # customer emails, from the sender identity the stack is given (SES v2 SendEmail, simple or raw)
        statement(["ses:SendEmail"], [names.arn("ses", "identity/*")]),
    )


def chalice_role_override() -> dict[str, Any]:
    """Replaces the policy list of chalice's generated role (a merged list replaces, never appends)."""
    return {
        "Properties": {
            "Policies": [{"PolicyName": "GuichetFunctionPolicy", "PolicyDocument": function_policy()}]
        }
    }


def service_role(service: str, policy_name: str, policy: dict[str, Any]) -> dict[str, Any]:
    """A role that only `service` in this account may assume, with one inline policy."""
    trust = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
    }
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": document(trust),
            "Policies": [{"PolicyName": policy_name, "PolicyDocument": policy}],
        },
    }
