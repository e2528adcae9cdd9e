"""IAM in the packaged stack: one role per function, each granted only what its code uses, on this stack."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.db.tables import TABLES
from chalicelib.workflows.catalogue import STATE_MACHINES
from infra.aws import names
from infra.aws.functions import API_FUNCTION, function_names
from infra.aws.iam import FUNCTION_GRANTS
from tests.infra.cfn import (
    as_list,
    grants_data_on_everything,
    resolve,
    resources_of,
    statements,
    statements_for,
)


def canonical(values: list[Any]) -> list[str]:
    return sorted(json.dumps(v, sort_keys=True) for v in values)


def role_of(template: dict[str, Any], function_id: str) -> str:
    return template["Resources"][function_id]["Properties"]["Role"]["Fn::GetAtt"][0]


def actions_of(template: dict[str, Any], role: str) -> set[str]:
    found: set[str] = set()
    for name, statement in statements(template):
        if name == role:
            found |= set(as_list(statement.get("Action", [])))
    return found


def table_arns(logical_names: list[str]) -> list[Any]:
    arns: list[Any] = []
    for model in TABLES:
        if model.Meta.logical_name in logical_names:
            table = names.table_id(model.Meta.logical_name)
            arns += [{"Fn::GetAtt": [table, "Arn"]}, {"Fn::Sub": f"${{{table}.Arn}}/index/*"}]
    return arns


ALL_TABLES = [model.Meta.logical_name for model in TABLES]


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


def test_every_function_of_the_app_declares_what_it_may_do() -> None:
    assert set(function_names()) <= set(FUNCTION_GRANTS)


def test_every_function_runs_with_a_role_of_its_own(template: dict[str, Any]) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    roles = [role_of(template, name) for name in functions]
    assert len(set(roles)) == len(functions)
    for name, function in functions.items():
        assert "Policies" not in function["Properties"], name
        trust = template["Resources"][role_of(template, name)]["Properties"]["AssumeRolePolicyDocument"]
        assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "lambda.amazonaws.com"}]
    assert names.CHALICE_ROLE not in template["Resources"]  # chalice's shared role is gone


def test_no_function_may_scan_a_table(template: dict[str, Any]) -> None:
    for name in resources_of(template, "AWS::Serverless::Function"):
        assert "dynamodb:Scan" not in actions_of(template, role_of(template, name)), name


def test_only_the_api_deletes_items_and_batch_writes_only_where_its_code_does(
    template: dict[str, Any],
) -> None:
    api_role = role_of(template, names.API_HANDLER)
    opening_role = role_of(template, names.function_id("open_performance"))
    # a distributor run's export clears the pending-export marks it covers (a conditional delete)
    runs_role = role_of(template, names.function_id("distributor_runs"))
    for name in resources_of(template, "AWS::Serverless::Function"):
        role = role_of(template, name)
        deletes = role in (api_role, runs_role)
        assert ("dynamodb:DeleteItem" in actions_of(template, role)) == deletes, name
    assert canonical(statements_for(template, api_role, "dynamodb:BatchWriteItem")) == canonical(
        table_arns(ALL_TABLES)
    )
    assert statements_for(template, opening_role, "dynamodb:BatchWriteItem") == table_arns(["stock"])
    cleanup_role = role_of(template, names.function_id("hold_cleanup"))
    assert statements_for(template, cleanup_role, "dynamodb:BatchWriteItem") == []


def test_functions_reach_only_the_stacks_tables_and_their_indexes(template: dict[str, Any]) -> None:
    for name in resources_of(template, "AWS::Serverless::Function"):
        role = role_of(template, name)
        for action in ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"):
            assert canonical(statements_for(template, role, action)) == canonical(table_arns(ALL_TABLES))


def test_each_function_writes_only_its_own_log_group(template: dict[str, Any]) -> None:
    for name in resources_of(template, "AWS::Serverless::Function"):
        role = role_of(template, name)
        [log_group] = statements_for(template, role, "logs:PutLogEvents")
        assert resolve(log_group).endswith(f":log-group:/aws/lambda/guichet-demo-{name}:*"), name
        assert "logs:CreateLogGroup" not in actions_of(template, role)


def secrets_read_by(template: dict[str, Any], role: str) -> list[Any]:
    """Secrets a role may read, the Stripe one (granted only on a Stripe stack) included."""
    found = statements_for(template, role, "secretsmanager:GetSecretValue")
    for name, statement in statements(template):
        if name == role and "Fn::If" in statement:
            condition, granted, _ = statement["Fn::If"]
            assert condition == names.USES_STRIPE
            found += as_list(granted["Resource"])
    return found


def test_secrets_are_read_only_by_the_functions_that_use_them(template: dict[str, Any]) -> None:
    token, barcode = {"Ref": names.TOKEN_SECRET}, {"Ref": names.BARCODE_SECRET}
    stripe = {"Ref": "StripeSecretArn"}
    # distributor interfaces' passwords, one secret each (written by the API, read to reach a distributor)
    interfaces = names.arn("secretsmanager", "secret:${AWS::StackName}-distributors/*")
    expected = {
        names.API_HANDLER: [token, barcode, stripe, interfaces],
        names.function_id("hold_cleanup"): [token, stripe],
        names.function_id("open_performance"): [],
        names.function_id("distributor_runs"): [interfaces],
    }
    for function, secrets in expected.items():
        assert canonical(secrets_read_by(template, role_of(template, function))) == canonical(secrets)


def test_only_the_api_starts_state_machines_and_only_the_stacks_own(template: dict[str, Any]) -> None:
    expected = [
        f"arn:aws:states:eu-west-1:123456789012:stateMachine:guichet-demo-{m.name}" for m in STATE_MACHINES
    ]
    for name in resources_of(template, "AWS::Serverless::Function"):
        role = role_of(template, name)
        allowed = [resolve(a) for a in statements_for(template, role, "states:StartExecution")]
        assert sorted(allowed) == (sorted(expected) if name == names.API_HANDLER else []), name


def test_email_is_sent_only_as_the_configured_sender(template: dict[str, Any]) -> None:
    senders = 0
    for name, statement in statements(template):
        if "ses:SendEmail" not in as_list(statement.get("Action", [])):
            continue
        senders += 1
        assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}, name
        identities = json.dumps(statement["Resource"])
        assert "identity/*" not in identities and "${MailFrom}" in identities
    assert senders >= 1
    opening_role = role_of(template, names.function_id("open_performance"))
    assert "ses:SendEmail" not in actions_of(template, opening_role)
    assert API_FUNCTION in FUNCTION_GRANTS and FUNCTION_GRANTS[API_FUNCTION].send_email
