"""IAM in the packaged stack: every grant names this stack's own tables, secret and state machines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.db.tables import TABLES
from chalicelib.workflows.catalogue import STATE_MACHINES
from infra.aws import names
from tests.infra.cfn import grants_data_on_everything, resolve, resources_of, statements, statements_for

ROLE = names.CHALICE_ROLE


def canonical(values: list[Any]) -> list[str]:
    return sorted(json.dumps(v, sort_keys=True) for v in values)


@pytest.mark.parametrize(
    ("statement", "too_broad"),
    [
        ({"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "*"}, True),
        ({"Effect": "Allow", "Action": "states:*", "Resource": ["arn:aws:states:x"]}, True),
        ({"Effect": "Allow", "Action": "*", "Resource": ["*"]}, True),
        ({"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": [{"Ref": "S"}]}, False),
    ],
)
def test_the_wildcard_check_tells_broad_grants_from_scoped_ones(statement: dict, too_broad: bool) -> None:
    assert grants_data_on_everything(statement) is too_broad


def test_no_statement_grants_data_actions_on_every_resource(template: dict[str, Any]) -> None:
    broad = [(name, s) for name, s in statements(template) if grants_data_on_everything(s)]
    assert broad == []


def test_no_role_or_function_attaches_a_managed_policy(template: dict[str, Any]) -> None:
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        assert not properties.get("ManagedPolicyArns"), name
        assert not any(isinstance(p, str) for p in properties.get("Policies", [])), name


def test_every_function_runs_with_the_stacks_restricted_role(template: dict[str, Any]) -> None:
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        assert function["Properties"]["Role"] == {"Fn::GetAtt": [ROLE, "Arn"]}, name
        assert "Policies" not in function["Properties"], name
    policies = template["Resources"][ROLE]["Properties"]["Policies"]
    assert [p["PolicyName"] for p in policies] == ["GuichetFunctionPolicy"]


def test_functions_reach_only_the_stacks_tables_and_their_indexes(template: dict[str, Any]) -> None:
    expected = []
    for model in TABLES:
        table = names.table_id(model.Meta.logical_name)
        assert template["Resources"][table]["Type"] == "AWS::DynamoDB::Table"
        expected += [{"Fn::GetAtt": [table, "Arn"]}, {"Fn::Sub": f"${{{table}.Arn}}/index/*"}]
    for action in (
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    ):
        assert canonical(statements_for(template, ROLE, action)) == canonical(expected), action


def test_functions_read_only_the_token_secret(template: dict[str, Any]) -> None:
    allowed = statements_for(template, ROLE, "secretsmanager:GetSecretValue")
    assert allowed == [{"Ref": names.TOKEN_SECRET}]
    assert template["Resources"][names.TOKEN_SECRET]["Type"] == "AWS::SecretsManager::Secret"


def test_functions_start_only_the_stacks_state_machines(template: dict[str, Any]) -> None:
    machines = resources_of(template, "AWS::StepFunctions::StateMachine")
    expected = []
    for machine in STATE_MACHINES:
        name = resolve(machines[names.state_machine_id(machine.name)]["Properties"]["StateMachineName"])
        expected.append(
            resolve(
                {"Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:"}
            )
            + name
        )
    allowed = [resolve(arn) for arn in statements_for(template, ROLE, "states:StartExecution")]
    assert sorted(allowed) == sorted(expected)
