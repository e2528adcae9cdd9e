"""Logical ids and physical names of the stack's resources, derived from the project's own names."""

from __future__ import annotations

from typing import Any

from chalice.utils import to_cfn_resource_name

# Logical ids that `chalice package` gives to the resources it generates.
API_HANDLER = "APIHandler"
REST_API = "RestAPI"
CHALICE_ROLE = "DefaultRole"

TOKEN_SECRET = "TokenSecret"
BARCODE_SECRET = "BarcodeSecret"
# Not a resource: the operator's own secret of Stripe keys, named by the StripeSecretArn parameter.
STRIPE_SECRET = "StripeSecret"
USES_STRIPE = "UsesStripe"  # the condition: PaymentProvider is stripe


def function_id(function_name: str) -> str:
    """Chalice's logical id for `@app.lambda_function(name=...)`: `hold_cleanup` -> `HoldCleanup`."""
    return to_cfn_resource_name(function_name)


def table_id(logical_name: str) -> str:
    return to_cfn_resource_name(logical_name) + "Table"


def state_machine_id(name: str) -> str:
    return to_cfn_resource_name(name) + "StateMachine"


def schedule_id(name: str) -> str:
    return to_cfn_resource_name(name) + "Schedule"


def stack_name(name: str) -> dict[str, Any]:
    """A physical name unique to the stack: `<stack>-<name>`, the prefix the Lambda code is given."""
    return {"Fn::Sub": "${AWS::StackName}-" + name}


def arn(service: str, resource: str) -> dict[str, Any]:
    """An ARN in the stack's partition, region and account, built without referring to any resource."""
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}


def get_arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def ref(logical_id: str) -> dict[str, Any]:
    return {"Ref": logical_id}


TABLE_PREFIX = {"Fn::Sub": "${AWS::StackName}-"}
STATE_MACHINE_ARN_PREFIX = arn("states", "stateMachine:${AWS::StackName}-")


def state_machine_arn(name: str) -> dict[str, Any]:
    """Built from the name rather than `Ref`, so the functions' role does not depend on the machines."""
    return arn("states", "stateMachine:${AWS::StackName}-" + name)
