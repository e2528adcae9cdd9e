"""The CloudFormation template merged into chalice's: tables, secrets, functions' roles and logs, the API's
stage, WAF, workflows, alarms, parameters and the rules that keep a stack from giving tickets away."""

from __future__ import annotations

from typing import Any

from chalicelib.db.tables import TABLES, table_definition, ttl_attribute
from infra.aws import distributors, iam, names
from infra.aws.api import api_resources, rest_api_override
from infra.aws.functions import Function
from infra.aws.monitoring import HAS_ALARM_EMAIL, log_group_id, monitoring_resources
from infra.aws.parameters import parameters, rules
from infra.aws.waf import ENABLED as WAF_ENABLED
from infra.aws.waf import WEB_ACL, waf_resources
from infra.aws.workflows import DEAD_LETTERS, DISTRIBUTOR_SCHEDULER_ROLE, workflow_outputs, workflow_resources

# Losing a stack must not lose the orders and seats in it, nor the keys that sign printed tickets:
# tables and secrets outlive the stack (docs/deploy.md says how to remove them on purpose).
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def table_resource(model: type) -> dict[str, Any]:
    # An Fn::Sub in place of the name: the stack's name is only known at deploy time.
    properties = table_definition(model, table_name=names.stack_name(model.Meta.logical_name))  # type: ignore[arg-type]
    ttl = ttl_attribute(model)
    if ttl:
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    properties["DeletionProtectionEnabled"] = True
    if model.Meta.logical_name == OUTBOX_TABLE:
        # the outbox worker hears of each new outbox item through the table's stream (keys are enough)
        properties["StreamSpecification"] = {"StreamViewType": "KEYS_ONLY"}
    return {"Type": "AWS::DynamoDB::Table", **RETAIN, "Properties": properties}


OUTBOX_TABLE = "sales"
OUTBOX_WORKER = "outbox_worker"


def outbox_stream_resources() -> dict[str, dict[str, Any]]:
    """New outbox items go to the outbox worker at once; what it fails, the reconciler finds later."""
    pattern = '{"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "OUTBOX#"}]}}}}'
    return {
        "OutboxStreamMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": names.ref(names.function_id(OUTBOX_WORKER)),
                "EventSourceArn": {"Fn::GetAtt": [names.table_id(OUTBOX_TABLE), "StreamArn"]},
                "StartingPosition": "LATEST",
                "BatchSize": 10,
                "MaximumBatchingWindowInSeconds": 1,
                "MaximumRetryAttempts": 2,
                "BisectBatchOnFunctionError": True,
                "FilterCriteria": {"Filters": [{"Pattern": pattern}]},
            },
        }
    }


def table_resources() -> dict[str, dict[str, Any]]:
    return {names.table_id(model.Meta.logical_name): table_resource(model) for model in TABLES}


def secret(description: str) -> dict[str, Any]:
    return {
        "Type": "AWS::SecretsManager::Secret",
        **RETAIN,
        "Properties": {
            "Description": {"Fn::Sub": description},
            "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
        },
    }


def secret_resources() -> dict[str, dict[str, Any]]:
    return {
        names.TOKEN_SECRET: secret("Signing key of ${AWS::StackName}'s bearer tokens (HS256)"),
        names.BARCODE_SECRET: secret("Signing key of ${AWS::StackName}'s ticket barcodes"),
    }


def function_environment() -> dict[str, Any]:
    """What chalicelib.config reads in the cloud; SAM merges these into every function's own variables."""
    return {
        "GUICHET_TABLE_PREFIX": names.TABLE_PREFIX,
        "GUICHET_TOKEN_SECRET_ARN": names.ref(names.TOKEN_SECRET),
        "GUICHET_BARCODE_SECRET_ARN": names.ref(names.BARCODE_SECRET),
        "GUICHET_STATE_MACHINE_ARN_PREFIX": names.STATE_MACHINE_ARN_PREFIX,
        "GUICHET_MAIL_FROM": {"Ref": "MailFrom"},
        "GUICHET_PUBLIC_URL": {"Ref": "PublicUrl"},
        "GUICHET_PAYMENT_PROVIDER": {"Ref": "PaymentProvider"},
        "GUICHET_STRIPE_SECRET_ARN": {"Ref": "StripeSecretArn"},
        "GUICHET_TEST_STACK": {"Ref": "TestStack"},
        "GUICHET_SCHEDULER_ROLE_ARN": names.get_arn(DISTRIBUTOR_SCHEDULER_ROLE),
        "GUICHET_SCHEDULE_DEAD_LETTERS_ARN": names.get_arn(DEAD_LETTERS),
        **distributors.environment(),
    }


def function_resources(functions: list[Function]) -> dict[str, dict[str, Any]]:
    """Per function: its own role, merged into chalice's function with the log group it writes to."""
    resources: dict[str, dict[str, Any]] = {}
    for function in functions:
        role = iam.function_role_id(function)
        resources[role] = iam.function_role(function)
        resources[function.logical_id] = {
            "Properties": {
                "Role": names.get_arn(role),
                "LoggingConfig": {"LogGroup": names.ref(log_group_id(function)), "LogFormat": "Text"},
            }
        }
    return resources


def conditions() -> dict[str, Any]:
    return {
        names.USES_STRIPE: {"Fn::Equals": [{"Ref": "PaymentProvider"}, "stripe"]},
        WAF_ENABLED: {"Fn::Equals": [{"Ref": "WafEnabled"}, "true"]},
        HAS_ALARM_EMAIL: {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
    }


def outputs(api_stage: str) -> dict[str, dict[str, Any]]:
    """Besides chalice's own (EndpointURL, RestAPIId, ...); `bootstrap` reads TablePrefix."""
    # The same URL as chalice's EndpointURL output, with the admin page's route after it.
    api_url = "https://${" + names.REST_API + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
    api_url += f"{api_stage}/"
    return {
        "TablePrefix": {"Value": names.TABLE_PREFIX, "Description": "Prefix of the stack's table names"},
        "AdminURL": {"Value": {"Fn::Sub": api_url + "admin"}, "Description": "The admin web page"},
        "TokenSecretArn": {"Value": names.ref(names.TOKEN_SECRET)},
        "BarcodeSecretArn": {"Value": names.ref(names.BARCODE_SECRET)},
        "AlarmTopicArn": {"Value": names.ref("AlarmTopic"), "Description": "Subscribe to hear of alarms"},
        "WebAclArn": {"Condition": WAF_ENABLED, "Value": names.get_arn(WEB_ACL)},
        **workflow_outputs(),
    }


def build_merge_template(api_stage: str, functions: list[Function]) -> dict[str, Any]:
    """The template `chalice package --merge-template` deep-merges into the one it generates."""
    resources: dict[str, Any] = {
        **table_resources(),
        **secret_resources(),
        **workflow_resources(),
        **distributors.resources(),
        **function_resources(functions),
        **outbox_stream_resources(),
        names.REST_API: rest_api_override(api_stage),
        **api_resources(),
        **waf_resources(),
        **monitoring_resources(functions, api_stage),
    }
    return {
        "Description": "guichet: serverless ticketing back-end (generated by infra.aws; do not edit)",
        "Parameters": parameters(),
        "Rules": rules(),
        "Conditions": conditions(),
        "Globals": {"Function": {"Environment": {"Variables": function_environment()}}},
        "Resources": resources,
        "Outputs": outputs(api_stage),
    }
