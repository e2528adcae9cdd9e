"""The packaged stack: chalice's resources and ours together, lint-clean, tables as the models declare."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from cfnlint.api import lint
from pynamodb.indexes import GlobalSecondaryIndex, Index, LocalSecondaryIndex

from chalicelib import config
from chalicelib.db.tables import TABLES, table_definition, ttl_attribute
from chalicelib.workflows.catalogue import STATE_MACHINES
from infra.aws import names
from infra.aws.package import Package
from tests.infra.cfn import PSEUDO, resolve, resources_of

TABLE_EXTRAS = (
    "TimeToLiveSpecification",
    "PointInTimeRecoverySpecification",
    "DeletionProtectionEnabled",
    "StreamSpecification",
)


def normalised(definition: dict[str, Any]) -> dict[str, Any]:
    """Order-free where DynamoDB is order-free (attribute definitions, indexes)."""
    result = dict(definition)
    result["AttributeDefinitions"] = sorted(
        definition["AttributeDefinitions"], key=lambda a: a["AttributeName"]
    )
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if key in definition:
            result[key] = sorted(definition[key], key=lambda i: i["IndexName"])
    return result


def declared_keys(attributes: dict[str, Any]) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Key schema and key attribute types straight from PynamoDB attributes, hash key first."""
    keys = [a for a in attributes.values() if a.is_hash_key or a.is_range_key]
    keys.sort(key=lambda a: not a.is_hash_key)
    schema = [{"AttributeName": a.attr_name, "KeyType": "HASH" if a.is_hash_key else "RANGE"} for a in keys]
    return schema, {a.attr_name: a.attr_type for a in keys}


def declared_indexes(model: type, kind: type) -> list[Index]:
    return [index for _, index in inspect.getmembers(model, lambda o: isinstance(o, kind))]


def projection(index: Index) -> dict[str, Any]:
    declared = index.Meta.projection
    result = {"ProjectionType": declared.projection_type}
    if declared.non_key_attributes:
        result["NonKeyAttributes"] = declared.non_key_attributes
    return result


def test_the_template_holds_chalices_resources_and_ours(template: dict[str, Any], packaged: Package) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    expected = {names.API_HANDLER} | {
        names.function_id(f) for machine in STATE_MACHINES for f in machine.functions.values()
    }
    assert expected <= set(functions)
    assert template["Resources"][names.REST_API]["Type"] == "AWS::Serverless::Api"
    for function in functions.values():
        assert (packaged.directory / function["Properties"]["CodeUri"]).is_file()


def test_cfn_lint_reports_no_error_on_the_packaged_template(packaged: Package) -> None:
    matches = lint(packaged.template.read_text(), regions=["eu-west-1", "us-east-1"])
    errors = [
        f"{m.rule.id} {'/'.join(map(str, m.path))}: {m.message}" for m in matches if m.rule.id[0] == "E"
    ]
    assert errors == []


def test_every_table_matches_its_model(template: dict[str, Any]) -> None:
    tables = resources_of(template, "AWS::DynamoDB::Table")
    assert set(tables) == {names.table_id(m.Meta.logical_name) for m in TABLES}
    for model in TABLES:
        properties = dict(tables[names.table_id(model.Meta.logical_name)]["Properties"])
        for extra in TABLE_EXTRAS:
            properties.pop(extra, None)
        expected = table_definition(model, table_name=names.stack_name(model.Meta.logical_name))
        assert normalised(properties) == normalised(expected), model.__name__


def test_every_key_and_index_is_the_one_the_model_declares(template: dict[str, Any]) -> None:
    for model in TABLES:
        properties = template["Resources"][names.table_id(model.Meta.logical_name)]["Properties"]
        schema, types = declared_keys(model.get_attributes())
        assert properties["KeySchema"] == schema, model.__name__
        for kind, key in (
            (GlobalSecondaryIndex, "GlobalSecondaryIndexes"),
            (LocalSecondaryIndex, "LocalSecondaryIndexes"),
        ):
            indexes = {i["IndexName"]: i for i in properties.get(key, [])}
            declared = declared_indexes(model, kind)
            assert set(indexes) == {index.Meta.index_name for index in declared}, model.__name__
            for index in declared:
                index_schema, index_types = declared_keys(index.Meta.attributes)
                assert indexes[index.Meta.index_name]["KeySchema"] == index_schema
                assert indexes[index.Meta.index_name]["Projection"] == projection(index)
                types.update(index_types)
        defined = {a["AttributeName"]: a["AttributeType"] for a in properties["AttributeDefinitions"]}
        assert defined == types, model.__name__


def test_tables_expire_items_by_the_model_ttl_keep_recovery_and_resist_deletion(
    template: dict[str, Any],
) -> None:
    for model in TABLES:
        table = template["Resources"][names.table_id(model.Meta.logical_name)]
        ttl = ttl_attribute(model)
        expected = {"AttributeName": ttl, "Enabled": True} if ttl else None
        assert table["Properties"].get("TimeToLiveSpecification") == expected, model.__name__
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
        assert table["Properties"]["DeletionProtectionEnabled"] is True


@pytest.fixture
def cloud_settings(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch):
    """chalicelib's settings as a deployed function would read them from the template's variables."""
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    for name in ("GUICHET_TABLE_PREFIX", "GUICHET_STATE_MACHINE_ARN_PREFIX"):
        monkeypatch.setenv(name, resolve(variables[name]))
    config.reset()
    yield config.settings()
    monkeypatch.undo()
    config.reset()


def test_table_names_are_the_names_the_code_computes_in_the_cloud(
    template: dict[str, Any], cloud_settings
) -> None:
    for model in TABLES:
        table = template["Resources"][names.table_id(model.Meta.logical_name)]
        assert model.Meta.table_name == resolve(table["Properties"]["TableName"])
        assert model.Meta.table_name.startswith(PSEUDO["AWS::StackName"] + "-")


def test_the_code_names_each_state_machine_by_its_arn(template: dict[str, Any], cloud_settings) -> None:
    machines = resources_of(template, "AWS::StepFunctions::StateMachine")
    for machine in STATE_MACHINES:
        name = resolve(machines[names.state_machine_id(machine.name)]["Properties"]["StateMachineName"])
        # The ARN Step Functions gives a state machine of that name in the stack's account and region.
        arn = resolve(
            {"Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:"}
        )
        assert cloud_settings.state_machine_arn_prefix + machine.name == arn + name


def test_every_function_gets_the_stack_settings(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    for variable, secret_id in (
        ("GUICHET_TOKEN_SECRET_ARN", names.TOKEN_SECRET),
        ("GUICHET_BARCODE_SECRET_ARN", names.BARCODE_SECRET),
    ):
        assert variables[variable] == {"Ref": secret_id}
        secret = template["Resources"][secret_id]
        assert secret["Type"] == "AWS::SecretsManager::Secret"
        assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
        # printed tickets and live sessions must survive a deleted stack, as the tables do
        assert secret["DeletionPolicy"] == secret["UpdateReplacePolicy"] == "Retain"
    assert variables["GUICHET_TEST_STACK"] == {"Ref": "TestStack"}
    assert variables["GUICHET_STRIPE_SECRET_ARN"] == {"Ref": "StripeSecretArn"}
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        own = function["Properties"].get("Environment", {}).get("Variables", {})
        overridden = set(own) & set(variables)
        assert not overridden, f"{name} overrides the stack's {overridden}"
        assert own.get("GUICHET_STAGE") == "prod", name


def test_the_outputs_name_the_admin_page_and_the_table_prefix(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    endpoint = resolve(outputs["EndpointURL"]["Value"], {**PSEUDO, names.REST_API: "abc123"})
    admin = resolve(outputs["AdminURL"]["Value"], {**PSEUDO, names.REST_API: "abc123"})
    assert admin == endpoint + "admin"
    assert resolve(outputs["TablePrefix"]["Value"]) == PSEUDO["AWS::StackName"] + "-"


def test_new_outbox_items_reach_the_outbox_worker_through_the_sales_tables_stream(template):
    sales = template["Resources"][names.table_id("sales")]["Properties"]
    mapping = template["Resources"]["OutboxStreamMapping"]["Properties"]

    assert sales["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [names.table_id("sales"), "StreamArn"]}
    assert mapping["FunctionName"] == {"Ref": names.function_id("outbox_worker")}
    pattern = json.loads(mapping["FilterCriteria"]["Filters"][0]["Pattern"])
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "OUTBOX#"}]}}}}
